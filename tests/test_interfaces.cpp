// The seams other code builds on: an electronic model defined only here runs
// through every solver, the factory and a sweep; observers attached to a
// sampler run see every observation.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <mutex>
#include <string>

#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "ergon/sampler.hpp"
#include "ergon/steady.hpp"
#include "ergon/sweep.hpp"
#include "synthetic_model.hpp"

namespace {

using ergon_test::constant_model;
using ergon_test::FunctionModel;

// Constant damping and diffusion with D = 2 m gamma T: the oscillator is
// thermal at T (the classical fluctuation-dissipation relation), so its
// Wigner energy is exactly T and nbar = T / w0 - 1/2. The model reads T from
// the configuration (the left lead's temperature) to show a user's model
// following a sweep axis.
std::shared_ptr<const ergon::ElectronicModel> thermal_model(const ergon::Config& c) {
  const double gamma = 3e-3, T = 1.0 / c.device.left.beta;
  return std::make_shared<FunctionModel>(constant_model(gamma, 2 * gamma * T, c.device.oscillator.w0));
}

TEST(Models, SyntheticModelRunsThroughSolveSteadyState) {
  ergon::Config c;
  const double T = 1.0 / c.device.left.beta, w0 = c.device.oscillator.w0;
  const auto model = thermal_model(c);
  const ergon::SteadyState avg = ergon::solve_steady_state(*model, c, ergon::Method::averaged);
  EXPECT_NEAR(avg.wigner_energy.value, T, 1e-8 * T);
  EXPECT_NEAR(avg.nbar.value, T / w0 - 0.5, 1e-7);
  // A thermal state at the leads' temperature stores no work.
  EXPECT_LT(std::abs(avg.ergotropy.value), 1e-8);
  EXPECT_LT(std::abs(avg.free_energy_work.value), 1e-6);
  EXPECT_NEAR(avg.trace, 1.0, 1e-9);
  // The sampler on the same model, within its error bars (splitting bias at
  // w0 dt = 0.05 is T (w0 dt)^2 / 8 = 3e-4 T, far below them).
  c.langevin.time = 1e7;
  const ergon::SteadyState s = ergon::solve_steady_state(*model, c, ergon::Method::langevin);
  EXPECT_NEAR(s.wigner_energy.value, T, 4.5 * s.wigner_energy.error);
  EXPECT_GT(s.wigner_energy.error, 0.0);
  // The oscillator's diagnostics come from the model's table (no
  // model-specific ones: FunctionModel has none).
  ASSERT_EQ(s.diagnostics.size(), 3u);
  EXPECT_EQ(s.diagnostics[0].name, "underdamped_gamma");
  EXPECT_EQ(s.diagnostics[2].name, "time_step_bias");
  EXPECT_FALSE(s.diagnostics[2].violated());
}

TEST(Models, RegisteredModelIsReachableByNameFromConfigurationAndSweeps) {
  ergon::register_electronic_model("test_thermal", thermal_model);
  ergon::Config c;
  ergon::set_key(c, "electronic.model", "test_thermal");
  EXPECT_EQ(ergon::make_electronic_model(c)->name(), "function");
  const std::vector<double> betas = {0.25, 0.5, 1.0};
  const auto points = ergon::run_sweep(c, {{"beta", betas}}, ergon::Method::averaged, {});
  ASSERT_EQ(points.size(), betas.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const double T = 1.0 / betas[i];
    EXPECT_EQ(points[i].config.electronic.model, "test_thermal");
    EXPECT_NEAR(points[i].state.wigner_energy.value, T, 1e-8 * T) << "beta = " << betas[i];
    EXPECT_DOUBLE_EQ(points[i].gamma0, 3e-3);
  }
  // solve_steady_state(config) builds the named model too.
  const auto s = ergon::solve_steady_state(c, ergon::Method::averaged);
  EXPECT_NEAR(s.wigner_energy.value, 1.0 / c.device.left.beta, 1e-8);
}

TEST(Models, UnknownModelIsRefusedNamingTheKeyAndTheChoices) {
  ergon::Config c;
  try {
    ergon::set_key(c, "electronic.model", "nonsense");
    FAIL() << "an unknown model was accepted";
  } catch (const ergon::Error& e) {
    EXPECT_EQ(e.kind(), ergon::ErrorKind::config);
    const std::string what = e.what();
    EXPECT_NE(what.find("electronic.model"), std::string::npos) << what;
    EXPECT_NE(what.find("resonant_level"), std::string::npos) << what;
  }
  c.electronic.model = "nonsense";  // set behind the registry's back
  EXPECT_THROW((void)ergon::make_electronic_model(c), ergon::Error);
  EXPECT_THROW(ergon::validate(c), ergon::Error);
}

// Records every observation per trajectory and rebuilds the run's own batch
// sums from them.
class Recorder final : public ergon::SampleObserver {
 public:
  void begin(const ergon::ObservationPlan& plan) override {
    plan_ = plan;
    ++passes;
    const auto T = static_cast<std::size_t>(plan.trajectories);
    next_index.assign(T, 0);
    out_of_order = 0;
    count.assign(T * static_cast<std::size_t>(plan.batches_per_trajectory), 0.0);
    x2.assign(count.size(), 0.0);
  }
  void observe(const ergon::Observation& o) override {
    for (int i = 0; i < o.lanes; ++i) {
      const std::size_t t = o.first_trajectory + static_cast<std::size_t>(i);
      if (o.index != next_index[t]) ++out_of_order;  // per-trajectory state needs no lock
      next_index[t] = o.index + 1;
      const std::size_t b =
          t * static_cast<std::size_t>(plan_.batches_per_trajectory) + static_cast<std::size_t>(o.batch);
      count[b] += 1;
      x2[b] += o.x[i] * o.x[i];
    }
  }
  void end() override { ++ends; }

  ergon::ObservationPlan plan_;
  int passes = 0, ends = 0;
  std::vector<std::uint64_t> next_index;
  std::vector<double> count, x2;
  std::atomic<int> out_of_order{0};
};

TEST(Observers, AttachedObserverSeesEveryObservation) {
  ergon::Config c;
  ergon::set_bias(c.device, 6.0);
  c.langevin.time = 4e6;
  c.langevin.burn_in = 1e3;
  c.langevin.trajectories = 20;  // not a multiple of the lane count
  for (int stride : {64, 16}) {
    c.langevin.stride = stride;
    Recorder rec;
    ergon::RunControl control;
    control.threads = 2;
    control.observers = {&rec};
    const ergon::LangevinRun run = ergon::run_langevin(c, control);
    EXPECT_GE(rec.passes, 1);
    EXPECT_EQ(rec.ends, 1);
    EXPECT_EQ(rec.out_of_order.load(), 0);
    EXPECT_EQ(rec.plan_.stride, stride);
    EXPECT_DOUBLE_EQ(rec.plan_.interval, stride * c.langevin.dt);
    for (std::uint64_t n : rec.next_index) EXPECT_EQ(n, rec.plan_.observations);
    ASSERT_EQ(rec.count.size(), run.batches.size());
    for (std::size_t b = 0; b < run.batches.size(); ++b) {
      // The same observations, summed in the same order: the same bits.
      EXPECT_EQ(rec.count[b], run.batches[b][ergon::BatchSums::samples]);
      EXPECT_EQ(rec.x2[b], run.batches[b][ergon::BatchSums::x2]);
    }
    // The observations span the whole sampled time.
    EXPECT_DOUBLE_EQ(static_cast<double>(rec.plan_.observations) * rec.plan_.interval * c.langevin.trajectories,
                     run.time);
  }
}

TEST(Observers, StrideMustDivideTheRandomBlocks) {
  ergon::Config c;
  EXPECT_THROW(ergon::set_key(c, "langevin.stride", "6"), ergon::Error);
  EXPECT_THROW(ergon::set_key(c, "langevin.stride", "0"), ergon::Error);
  ergon::set_key(c, "langevin.stride", "12");
  EXPECT_NO_THROW(ergon::validate(c));
  c.langevin.noise = ergon::Noise::three_point;
  try {
    ergon::validate(c);
    FAIL() << "stride 12 with three-point noise was accepted";
  } catch (const ergon::Error& e) {
    EXPECT_NE(std::string(e.what()).find("langevin.stride"), std::string::npos) << e.what();
  }
}

}  // namespace
