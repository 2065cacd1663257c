// Stage 4 (sampling): orchestration of the fast engine, initial conditions,
// the table range, observers and batch-means estimators.
#include "ergon/sampler.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "engine/engine.hpp"
#include "ergon/averaged.hpp"
#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "ergon/parallel.hpp"
#include "ergon/random.hpp"

namespace ergon {
namespace {

constexpr int kRefine = 64;                   // fast-table cells per Hermite cell
constexpr double kRadialBinsPerUnit = 8.0;    // radial histogram resolution in y
constexpr std::size_t kReservoir = 1u << 18;  // stored y samples, all batches together
constexpr double kTailMass = 1e-13;           // probability mass left outside the table
constexpr int kMaxExtensions = 8;
constexpr double kMaxHistogramBytes = 2.0 * (1 << 30);  // the per-batch radial histograms together

// Observations of one worker thread: per-batch data is written by the one
// group that owns the batch; the Wigner histogram is per worker. Each
// observation is then handed to the caller's observers.
class Accumulator final : public engine::Observer {
 public:
  Accumulator(LangevinRun& run, const engine::FastTable& table, std::vector<std::uint64_t>& seen,
              std::uint64_t keep_every, std::size_t capacity, WignerHistogram& wigner,
              const std::vector<SampleObserver*>& observers)
      : run_(run),
        table_(table),
        seen_(seen),
        keep_every_(keep_every),
        capacity_(capacity),
        wigner_(wigner),
        observers_(observers) {
    half_inv_m_ = 0.5 / run.mass;
    half_k_ = 0.5 * run.mass * run.w0 * run.w0;
    inv_w0_ = 1.0 / run.w0;
    inv_x0_ = 1.0 / run.x0;
    inv_p0_ = 1.0 / run.p0;
  }

  void observe(const double* x, const double* p, int lanes, std::uint32_t first_trajectory, std::uint64_t index,
               int batch) override {
    for (int i = 0; i < lanes; ++i) {
      const std::size_t b = (static_cast<std::size_t>(first_trajectory) + static_cast<std::size_t>(i)) *
                                static_cast<std::size_t>(run_.batches_per_trajectory) +
                            static_cast<std::size_t>(batch);
      const double xi = x[i], pi = p[i];
      const double E = half_inv_m_ * pi * pi + half_k_ * xi * xi;
      const double y = E * inv_w0_;
      BatchSums& s = run_.batches[b];
      s[BatchSums::samples] += 1;
      s[BatchSums::x2] += xi * xi;
      s[BatchSums::p2] += pi * pi;
      s[BatchSums::E] += E;
      s[BatchSums::E2] += E * E;
      s[BatchSums::current] += table_.eval(engine::current_field, xi);
      run_.radial[b].add(y);
      wigner_.add(xi * inv_x0_, pi * inv_p0_);
      auto& store = run_.y_samples[b];
      if (seen_[b]++ % keep_every_ == 0 && store.size() < capacity_) store.push_back(y);
    }
    if (observers_.empty()) return;
    const Observation o{x, p, lanes, first_trajectory, index, batch};
    for (SampleObserver* observer : observers_) observer->observe(o);
  }

 private:
  LangevinRun& run_;
  const engine::FastTable& table_;
  std::vector<std::uint64_t>& seen_;
  std::uint64_t keep_every_;
  std::size_t capacity_;
  WignerHistogram& wigner_;
  const std::vector<SampleObserver*>& observers_;
  double half_inv_m_, half_k_, inv_w0_, inv_x0_, inv_p0_;
};

std::uint64_t round_up(std::uint64_t n, std::uint64_t m) { return (n + m - 1) / m * m; }

// The run's length in whole observation intervals and equal batches.
struct Budget {
  int batches_per_trajectory = 0;
  std::size_t batches = 0;                 // all trajectories together
  std::uint64_t steps_per_trajectory = 0;  // after the burn-in
  std::uint64_t batch_steps = 0;
  std::uint64_t burn_steps = 0;
  std::uint64_t observations_per_batch = 0;
  std::size_t reservoir_per_batch = 0;  // stored y samples per batch
  std::uint64_t keep_every = 1;         // store every k-th observed y
  std::uint64_t total_steps = 0;        // burn-in included, all trajectories
};

Budget plan_budget(const Langevin& L) {
  Budget b;
  const auto stride = static_cast<std::uint64_t>(L.stride);
  b.batches_per_trajectory = std::max(1, (L.batches + L.trajectories - 1) / L.trajectories);
  const auto bpt = static_cast<std::uint64_t>(b.batches_per_trajectory);
  b.batches = static_cast<std::size_t>(L.trajectories) * static_cast<std::size_t>(bpt);
  b.steps_per_trajectory =
      round_up(static_cast<std::uint64_t>(std::ceil(L.time / L.trajectories / L.dt)), stride * bpt);
  b.batch_steps = b.steps_per_trajectory / bpt;
  b.burn_steps = round_up(static_cast<std::uint64_t>(std::ceil(L.burn_in / L.dt)), stride);
  b.observations_per_batch = b.batch_steps / stride;
  b.reservoir_per_batch = std::max<std::size_t>(1, kReservoir / b.batches);
  b.keep_every =
      std::max<std::uint64_t>(1, (b.observations_per_batch + b.reservoir_per_batch - 1) / b.reservoir_per_batch);
  b.total_steps = static_cast<std::uint64_t>(L.trajectories) * (b.burn_steps + b.steps_per_trajectory);
  return b;
}

// Initial conditions: E from the averaged P(E), uniform phase.
void initial_conditions(const AveragedSteadyState& averaged, const Langevin& L, std::vector<double>& x,
                        std::vector<double>& p) {
  x.resize(static_cast<std::size_t>(L.trajectories));
  p.resize(x.size());
  for (int j = 0; j < L.trajectories; ++j) {
    const auto w = philox_words(L.seed, 0, static_cast<std::uint32_t>(j), RandomStream::initial);
    const double u = (w[0] + 0.5) * 0x1p-32, v = (w[1] + 0.5) * 0x1p-32;
    const auto [xj, pj] = averaged.orbit_point(averaged.quantile(u), 2.0 * std::numbers::pi * v);
    x[static_cast<std::size_t>(j)] = xj;
    p[static_cast<std::size_t>(j)] = pj;
  }
}

// How a pass ended.
struct PassOutcome {
  int left_group = -1;  // first trajectory group that left the table, or -1
  double x_escape = 0.0;
  bool stopped = false;
};

// Everything one pass needs besides the run it fills.
struct Pass {
  const Config& config;
  const RunControl& control;
  const Budget& budget;
  const engine::FastTable& fast;
  const std::vector<double>& x_init;
  const std::vector<double>& p_init;
  const std::atomic<bool>* stop;
  MechanicalMode mode;
  double alpha_max;  // half-width of the Wigner histogram
  int threads;
};

// One pass over every trajectory group from fresh accumulators.
PassOutcome run_pass(const Pass& pass, LangevinRun& run) {
  const Langevin& L = pass.config.langevin;
  const Budget& B = pass.budget;
  const int W = engine::width();
  const int groups = (L.trajectories + W - 1) / W;
  const double y_max = std::pow(pass.fast.x_max() / run.x0, 2) * 1.02;
  const auto radial_bins = static_cast<int>(std::ceil(y_max * kRadialBinsPerUnit));
  // One radial histogram per batch: refuse what cannot fit in memory.
  const double histogram_bytes = static_cast<double>(B.batches) * (radial_bins + 2.0) * 8.0;
  if (histogram_bytes > kMaxHistogramBytes)
    throw messages::too_many_batches(B.batches, radial_bins, histogram_bytes, kMaxHistogramBytes);
  run.batches.assign(B.batches, BatchSums{});
  run.radial.assign(B.batches, RadialHistogram(y_max, radial_bins));
  run.y_samples.assign(B.batches, {});
  for (auto& s : run.y_samples) s.reserve(B.reservoir_per_batch);
  std::vector<std::uint64_t> seen(B.batches, 0);
  // One Wigner histogram per worker that can have work.
  const int workers = std::min(pass.threads, groups);
  std::vector<WignerHistogram> wigners(static_cast<std::size_t>(workers),
                                       WignerHistogram(pass.alpha_max, pass.config.phase_space.bins));
  std::vector<std::unique_ptr<Accumulator>> accumulators;
  for (int t = 0; t < workers; ++t)
    accumulators.push_back(std::make_unique<Accumulator>(run, pass.fast, seen, B.keep_every, B.reservoir_per_batch,
                                                         wigners[static_cast<std::size_t>(t)], pass.control.observers));
  ObservationPlan plan;
  plan.trajectories = L.trajectories;
  plan.observations = B.steps_per_trajectory / static_cast<std::uint64_t>(L.stride);
  plan.stride = L.stride;
  plan.dt = L.dt;
  plan.interval = L.stride * L.dt;
  plan.batches_per_trajectory = B.batches_per_trajectory;
  plan.oscillator = pass.mode;
  for (SampleObserver* o : pass.control.observers) o->begin(plan);

  std::vector<engine::Result> results(static_cast<std::size_t>(groups));
  std::atomic<std::uint64_t> done{0};
  auto work = [&] {
    parallel_for_workers(groups, workers, [&](int g, int worker) {
      if (pass.control.runs_group && !pass.control.runs_group(g)) return;
      engine::Job job;
      job.table = &pass.fast;
      job.integrator = L.integrator;
      job.noise = L.noise;
      job.dt = L.dt;
      job.mass = run.mass;
      job.k = run.mass * run.w0 * run.w0;
      job.seed = L.seed;
      job.first_trajectory = static_cast<std::uint32_t>(g * W);
      job.lanes = std::min(W, L.trajectories - g * W);
      job.x0 = pass.x_init.data() + static_cast<std::size_t>(g) * static_cast<std::size_t>(W);
      job.p0 = pass.p_init.data() + static_cast<std::size_t>(g) * static_cast<std::size_t>(W);
      job.burn_in_steps = B.burn_steps;
      job.batch_steps = B.batch_steps;
      job.batches = B.batches_per_trajectory;
      job.stride = L.stride;
      job.observer = accumulators[static_cast<std::size_t>(worker)].get();
      job.stop = pass.stop;
      job.steps_done = &done;
      results[static_cast<std::size_t>(g)] = engine::run(job);
    });
  };
  if (pass.control.progress) {
    // Work in the background; report progress from the calling thread.
    run_polling(
        work,
        [&] {
          pass.control.progress(std::min(1.0, static_cast<double>(done.load()) / static_cast<double>(B.total_steps)));
        },
        200);
  } else {
    work();
  }

  PassOutcome out;
  out.stopped = pass.stop->load();
  for (int g = 0; g < groups; ++g) {
    const engine::Result& r = results[static_cast<std::size_t>(g)];
    if (r.status == engine::Status::left_range && out.left_group < 0) {
      out.left_group = g;
      out.x_escape = r.x_escape;
    }
    if (r.status == engine::Status::stopped) out.stopped = true;
  }
  if (pass.control.agree) pass.control.agree(out.left_group, out.x_escape, out.stopped);
  if (out.left_group < 0 && !out.stopped) {
    for (std::size_t t = 1; t < wigners.size(); ++t) wigners[0].merge(wigners[t]);
    run.wigner = std::move(wigners[0]);
  }
  return out;
}

// Refuses a time step for which the scheme has no useful stationary state:
// the splitting's stationary energy is off by 1 / (1 - (w0 dt)^2/4) - 1 (a
// third at w0 dt = 1, unbounded at 2); the Euler scheme adds an anti-damping
// w0^2 dt, and where it beats the largest damping the oscillator reaches
// (|x| <= range) every trajectory runs away.
void check_time_step(const Langevin& L, const MechanicalMode& mode, const CoefficientTable& table, double range,
                     double bias) {
  const double w0dt = mode.w0 * L.dt;
  if (L.integrator == Integrator::splitting && w0dt > 1.0)
    throw messages::time_step_too_large(
        L.dt, mode.w0,
        w0dt < 2 ? fmt::format("w0 dt = {:.3g} > 1: the splitting scheme's stationary energy would be off by {:.3g} %",
                               w0dt, 100 * (1 / (1 - w0dt * w0dt / 4) - 1))
                 : fmt::format("w0 dt = {:.3g} >= 2: the splitting scheme is unstable", w0dt));
  if (L.integrator == Integrator::euler) {
    double gmax = -1e300;
    for (int i = 0; i <= 400; ++i) gmax = std::max(gmax, table.gamma(-range + 2 * range * i / 400.0));
    const double anti = mode.w0 * mode.w0 * L.dt;
    if (anti >= gmax)
      throw messages::time_step_too_large(
          L.dt, mode.w0,
          fmt::format("the Euler scheme's artificial anti-damping w0^2 dt = {:.3g} exceeds the largest damping "
                      "{:.3g} the oscillator meets at V = {}, so every trajectory runs away; use langevin.dt < {:.3g} "
                      "or langevin.integrator = \"splitting\"",
                      anti, gmax, bias, 0.1 * std::max(gmax, 0.0) / (mode.w0 * mode.w0)));
  }
}

}  // namespace

Estimate batch_mean(const std::vector<double>& values) {
  const auto n = static_cast<double>(values.size());
  if (values.empty()) return {};
  double mean = 0;
  for (double v : values) mean += v;
  mean /= n;
  if (values.size() < 2) return {mean, 0.0};
  double var = 0;
  for (double v : values) var += (v - mean) * (v - mean);
  var /= (n - 1);
  return {mean, std::sqrt(var / n)};
}

LangevinRun run_langevin(const Config& config, const RunControl& control) {
  return run_langevin(*make_electronic_model(config), config, control);  // which validates the configuration
}

LangevinRun run_langevin(const ElectronicModel& model, const Config& config, const RunControl& control) {
  validate(config);
  const Langevin& L = config.langevin;
  const Device& dev = config.device;
  const MechanicalMode mode = model.oscillator();
  const int threads = resolve_threads(control.threads);
  const auto started = std::chrono::steady_clock::now();
  std::atomic<bool> never{false};
  const std::atomic<bool>* stop = control.stop ? control.stop : &never;

  LangevinRun run;
  run.integrator = L.integrator;
  run.dt = L.dt;
  run.trajectories = L.trajectories;
  run.seed = L.seed;
  run.w0 = mode.w0;
  run.mass = mode.mass;
  run.x0 = mode.x0();
  run.p0 = mode.p0();
  run.bias = 0.5 * (dev.left.mu - dev.right.mu);
  run.stride = L.stride;

  // 1. Coefficient table wide enough for the averaged stationary density to
  //    be negligible at its edge; the averaged density gives the initial
  //    conditions and the range the trajectories need.
  const AveragedSolution avg = solve_averaged(model, config, threads, kTailMass, control.stop);
  std::shared_ptr<const CoefficientTable> table = avg.table;
  const AveragedSteadyState& averaged = *avg.state;
  const double X_cap = 2000.0 * run.x0;
  const double k = mode.mass * mode.w0 * mode.w0;
  const double E_tail = averaged.tail_energy(kTailMass);
  double X_run = std::min(table->x_max(), std::max(4.0 * run.x0, 1.25 * std::sqrt(2.0 * E_tail / k)));

  check_time_step(L, mode, *table, X_run, run.bias);

  // 2. Budget and initial conditions.
  const Budget budget = plan_budget(L);
  run.batches_per_trajectory = budget.batches_per_trajectory;
  run.time = static_cast<double>(budget.steps_per_trajectory) * L.dt * L.trajectories;
  run.burn_in = static_cast<double>(budget.burn_steps) * L.dt;
  std::vector<double> x_init, p_init;
  initial_conditions(averaged, L, x_init, p_init);
  const double alpha_max = config.phase_space.alpha_max > 0 ? config.phase_space.alpha_max
                                                            : 1.1 * std::sqrt(averaged.tail_energy(1e-7) / mode.w0);

  // 3. Passes: a trajectory that leaves the table extends it (old values
  //    unchanged) and the run starts again.
  for (int attempt = 0;; ++attempt) {
    const TableGrid run_grid = symmetric_grid(model, X_run);
    if (run_grid.last > table->grid().last)
      table = std::make_shared<const CoefficientTable>(table->extended(model, run_grid, threads, control.stop));
    const engine::FastTable fast = engine::make_fast_table(*table, L.integrator, L.dt, kRefine, run_grid);
    run.table_half_width = fast.x_max();
    const Pass pass{config, control, budget, fast, x_init, p_init, stop, mode, alpha_max, threads};
    const PassOutcome out = run_pass(pass, run);
    if (out.stopped) throw messages::interrupted();
    if (out.left_group < 0) break;
    if (attempt + 1 >= kMaxExtensions || !std::isfinite(out.x_escape) || X_run * 1.5 > X_cap)
      throw messages::table_range(run.bias, out.x_escape / run.x0, -X_run / run.x0, X_run / run.x0);
    X_run = std::max(X_run * 1.5, std::abs(out.x_escape) * 1.2);
    ++run.table_extensions;
  }
  if (control.combine) control.combine(run);
  for (SampleObserver* o : control.observers) o->end();

  run.table = table;
  run.steps = budget.total_steps;
  run.isa = engine::isa();
  run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  run.steps_per_second = static_cast<double>(run.steps) / run.wall_seconds;
  if (control.progress) control.progress(1.0);
  return run;
}

LangevinSummary summarize(const LangevinRun& run) {
  LangevinSummary s;
  const std::size_t B = run.batches.size();
  std::vector<double> E(B), x2(B), p2(B), I(B);
  double n = 0, sum_E = 0, sum_E2 = 0;
  for (std::size_t b = 0; b < B; ++b) {
    const BatchSums& q = run.batches[b];
    const double samples = q[BatchSums::samples];
    E[b] = q[BatchSums::E] / samples;
    x2[b] = q[BatchSums::x2] / samples;
    p2[b] = q[BatchSums::p2] / samples;
    I[b] = q[BatchSums::current] / samples;
    n += samples;
    sum_E += q[BatchSums::E];
    sum_E2 += q[BatchSums::E2];
  }
  s.wigner_energy = batch_mean(E);
  s.energy = {s.wigner_energy.value - 0.5 * run.w0, s.wigner_energy.error};
  s.x2 = batch_mean(x2);
  s.p2 = batch_mean(p2);
  s.current = batch_mean(I);
  // Integrated autocorrelation time from the variance of batch means:
  // Var(batch mean) = Var(E) 2 tau / T_batch.
  const double var_E = sum_E2 / n - (sum_E / n) * (sum_E / n);
  const double T_batch = run.time / static_cast<double>(B);
  const double var_mean = s.wigner_energy.error * s.wigner_energy.error * static_cast<double>(B);
  s.autocorrelation_time = var_E > 0 ? 0.5 * var_mean * T_batch / var_E : 0.0;
  s.effective_samples = s.autocorrelation_time > 0 ? run.time / (2 * s.autocorrelation_time) : 0.0;
  return s;
}

}  // namespace ergon
