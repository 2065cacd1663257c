// Stage 4 (sampling): orchestration of the fast engine, initial conditions,
// the table range, and batch-means estimators.
#include "ergon/sampler.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <thread>

#include "engine/engine.hpp"
#include "ergon/averaged.hpp"
#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "ergon/parallel.hpp"
#include "ergon/random.hpp"
#include "ergon/tables.hpp"

namespace ergon {
namespace {

constexpr int kStride = 64;                   // steps between observations (multiple of 4)
constexpr int kRefine = 64;                   // fast-table cells per Hermite cell
constexpr double kRadialBinsPerUnit = 8.0;    // radial histogram resolution in y
constexpr std::size_t kReservoir = 1u << 18;  // stored y samples, all batches together
constexpr double kTailMass = 1e-13;           // probability mass left outside the table
constexpr int kMaxExtensions = 8;

// Observations of one worker thread: per-batch data is written by the one
// group that owns the batch; the Wigner histogram is per worker.
class Accumulator final : public engine::Observer {
 public:
  Accumulator(LangevinRun& run, const engine::FastTable& table, std::vector<std::uint64_t>& seen,
              std::uint64_t keep_every, std::size_t capacity, WignerHistogram& wigner)
      : run_(run), table_(table), seen_(seen), keep_every_(keep_every), capacity_(capacity), wigner_(wigner) {
    half_inv_m_ = 0.5 / run.mass;
    half_k_ = 0.5 * run.mass * run.w0 * run.w0;
    inv_w0_ = 1.0 / run.w0;
    inv_x0_ = 1.0 / run.x0;
    inv_p0_ = 1.0 / run.p0;
  }

  void observe(const double* x, const double* p, int lanes, std::uint32_t first_trajectory, int batch) override {
    for (int i = 0; i < lanes; ++i) {
      const std::size_t b = (static_cast<std::size_t>(first_trajectory) + static_cast<std::size_t>(i)) *
                                static_cast<std::size_t>(run_.batches_per_trajectory) +
                            static_cast<std::size_t>(batch);
      const double xi = x[i], pi = p[i];
      const double E = half_inv_m_ * pi * pi + half_k_ * xi * xi;
      const double y = E * inv_w0_;
      BatchSums& s = run_.batches[b];
      s.samples += 1;
      s.x += xi;
      s.p += pi;
      s.x2 += xi * xi;
      s.p2 += pi * pi;
      s.E += E;
      s.E2 += E * E;
      s.y3 += y * y * y;
      s.y4 += y * y * y * y;
      s.current += table_.eval(engine::current_field, xi);
      run_.radial[b].add(y);
      wigner_.add(xi * inv_x0_, pi * inv_p0_);
      auto& store = run_.y_samples[b];
      if (seen_[b]++ % keep_every_ == 0 && store.size() < capacity_) store.push_back(y);
    }
  }

 private:
  LangevinRun& run_;
  const engine::FastTable& table_;
  std::vector<std::uint64_t>& seen_;
  std::uint64_t keep_every_;
  std::size_t capacity_;
  WignerHistogram& wigner_;
  double half_inv_m_, half_k_, inv_w0_, inv_x0_, inv_p0_;
};

std::uint64_t round_up(std::uint64_t n, std::uint64_t m) { return (n + m - 1) / m * m; }

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
  validate(config);
  const ElectronicModel model(config.device);
  CoefficientSource source = electronic_source(model);
  source.stop = control.stop;
  return run_langevin(config, source, control);
}

LangevinRun run_langevin(const Config& config, const CoefficientSource& model, const RunControl& control) {
  validate(config);
  const Langevin& L = config.langevin;
  const Device& dev = config.device;
  const Oscillator& osc = dev.oscillator;
  const int threads = resolve_threads(control.threads);
  const auto started = std::chrono::steady_clock::now();

  LangevinRun run;
  run.integrator = L.integrator;
  run.dt = L.dt;
  run.trajectories = L.trajectories;
  run.seed = L.seed;
  run.w0 = osc.w0;
  run.mass = osc.mass;
  run.x0 = osc.x0();
  run.p0 = osc.p0();
  run.bias = 0.5 * (dev.left.mu - dev.right.mu);
  run.stride = kStride;

  // 1. Coefficient table wide enough for the averaged stationary density to
  //    be negligible at its edge; the averaged density gives the initial
  //    conditions and the range the trajectories need.
  const AveragedSolution avg = solve_averaged(model, config, threads, kTailMass);
  std::shared_ptr<const CoefficientTable> table = avg.table;
  const AveragedSteadyState& averaged = *avg.state;
  const double X_cap = 2000.0 * run.x0;
  const double k = osc.mass * osc.w0 * osc.w0;
  const double E_tail = averaged.tail_energy(kTailMass);
  double X_run = std::min(table->x_max(), std::max(4.0 * run.x0, 1.25 * std::sqrt(2.0 * E_tail / k)));

  // 2. Budget: whole observation intervals, equal batches.
  const int W = engine::width();
  const int bpt = std::max(1, (L.batches + L.trajectories - 1) / L.trajectories);
  run.batches_per_trajectory = bpt;
  const auto B = static_cast<std::size_t>(L.trajectories) * static_cast<std::size_t>(bpt);
  const auto steps_per_traj = round_up(static_cast<std::uint64_t>(std::ceil(L.time / L.trajectories / L.dt)),
                                       static_cast<std::uint64_t>(kStride * bpt));
  const std::uint64_t batch_steps = steps_per_traj / static_cast<std::uint64_t>(bpt);
  const std::uint64_t burn_steps = round_up(static_cast<std::uint64_t>(std::ceil(L.burn_in / L.dt)), kStride);
  run.time = static_cast<double>(steps_per_traj) * L.dt * L.trajectories;
  run.burn_in = static_cast<double>(burn_steps) * L.dt;
  const std::uint64_t obs_per_batch = batch_steps / kStride;
  const std::size_t capacity = std::max<std::size_t>(1, kReservoir / B);
  const std::uint64_t keep_every = std::max<std::uint64_t>(1, (obs_per_batch + capacity - 1) / capacity);

  // 3. Initial conditions: E from the averaged P(E), uniform phase.
  std::vector<double> x_init(static_cast<std::size_t>(L.trajectories)), p_init(x_init.size());
  for (int j = 0; j < L.trajectories; ++j) {
    const auto w = philox_words(L.seed, 0, static_cast<std::uint32_t>(j), RandomStream::initial);
    const double u = (w[0] + 0.5) * 0x1p-32, v = (w[1] + 0.5) * 0x1p-32;
    const auto [x, p] = averaged.orbit_point(averaged.quantile(u), 2.0 * std::numbers::pi * v);
    x_init[static_cast<std::size_t>(j)] = x;
    p_init[static_cast<std::size_t>(j)] = p;
  }

  const int groups = (L.trajectories + W - 1) / W;
  std::atomic<bool> never{false};
  const std::atomic<bool>* stop = control.stop ? control.stop : &never;
  const std::uint64_t total_steps = static_cast<std::uint64_t>(L.trajectories) * (burn_steps + steps_per_traj);

  for (int attempt = 0;; ++attempt) {
    // 4. Fast table and fresh accumulators.
    const TableGrid run_grid = symmetric_grid(dev, X_run);
    if (run_grid.last > table->grid().last)
      table = std::make_shared<const CoefficientTable>(table->extended(model, run_grid, threads));
    const engine::FastTable fast = engine::make_fast_table(*table, L.integrator, L.dt, kRefine, run_grid);
    run.table_half_width = fast.x_max();
    const double y_max = std::pow(fast.x_max() / run.x0, 2) * 1.02;
    const auto radial_bins = static_cast<int>(std::ceil(y_max * kRadialBinsPerUnit));
    run.batches.assign(B, BatchSums{});
    run.radial.assign(B, RadialHistogram(y_max, radial_bins));
    run.y_samples.assign(B, {});
    for (auto& s : run.y_samples) s.reserve(capacity);
    std::vector<std::uint64_t> seen(B, 0);
    const double alpha_max = config.phase_space.alpha_max > 0 ? config.phase_space.alpha_max
                                                              : 1.1 * std::sqrt(averaged.tail_energy(1e-7) / osc.w0);
    std::vector<WignerHistogram> wigners(static_cast<std::size_t>(threads),
                                         WignerHistogram(alpha_max, config.phase_space.bins));
    std::vector<std::unique_ptr<Accumulator>> observers;
    for (int t = 0; t < threads; ++t)
      observers.push_back(
          std::make_unique<Accumulator>(run, fast, seen, keep_every, capacity, wigners[static_cast<std::size_t>(t)]));
    std::vector<engine::Result> results(static_cast<std::size_t>(groups));
    std::atomic<std::uint64_t> done{0};

    auto work = [&] {
      parallel_for_workers(groups, threads, [&](int g, int worker) {
        if (control.runs_group && !control.runs_group(g)) return;
        engine::Job job;
        job.table = &fast;
        job.integrator = L.integrator;
        job.noise = L.noise;
        job.dt = L.dt;
        job.mass = osc.mass;
        job.k = k;
        job.seed = L.seed;
        job.first_trajectory = static_cast<std::uint32_t>(g * W);
        job.lanes = std::min(W, L.trajectories - g * W);
        job.x0 = x_init.data() + static_cast<std::size_t>(g) * static_cast<std::size_t>(W);
        job.p0 = p_init.data() + static_cast<std::size_t>(g) * static_cast<std::size_t>(W);
        job.burn_in_steps = burn_steps;
        job.batch_steps = batch_steps;
        job.batches = bpt;
        job.stride = kStride;
        job.observer = observers[static_cast<std::size_t>(worker)].get();
        job.stop = stop;
        job.steps_done = &done;
        results[static_cast<std::size_t>(g)] = engine::run(job);
      });
    };
    if (control.progress) {
      // Work in the background; report progress from the calling thread.
      std::exception_ptr error;
      std::atomic<bool> finished{false};
      std::thread runner([&] {
        try {
          work();
        } catch (...) {
          error = std::current_exception();
        }
        finished = true;
      });
      while (!finished.load()) {
        control.progress(std::min(1.0, static_cast<double>(done.load()) / static_cast<double>(total_steps)));
        for (int i = 0; i < 20 && !finished.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      runner.join();
      if (error) std::rethrow_exception(error);
    } else {
      work();
    }

    int left_group = -1;
    bool stopped = stop->load();
    double x_escape = 0.0;
    for (int g = 0; g < groups; ++g) {
      const engine::Result& r = results[static_cast<std::size_t>(g)];
      if (r.status == engine::Status::left_range && left_group < 0) {
        left_group = g;
        x_escape = r.x_escape;
      }
      if (r.status == engine::Status::stopped) stopped = true;
    }
    if (control.agree) control.agree(left_group, x_escape, stopped);
    if (stopped) throw messages::interrupted();
    if (left_group < 0) {
      for (std::size_t t = 1; t < wigners.size(); ++t) wigners[0].merge(wigners[t]);
      run.wigner = std::move(wigners[0]);
      if (control.combine) control.combine(run);
      break;
    }
    // A trajectory left the table: extend it (old values unchanged) and rerun.
    if (attempt + 1 >= kMaxExtensions || !std::isfinite(x_escape) || X_run * 1.5 > X_cap)
      throw messages::table_range(run.bias, x_escape / run.x0, -X_run / run.x0, X_run / run.x0);
    X_run = std::max(X_run * 1.5, std::abs(x_escape) * 1.2);
    ++run.table_extensions;
  }

  run.steps = total_steps;
  run.isa = engine::isa();
  run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  run.steps_per_second = static_cast<double>(run.steps) / run.wall_seconds;
  if (control.progress) control.progress(1.0);
  return run;
}

LangevinSummary summarize(const LangevinRun& run) {
  LangevinSummary s;
  const std::size_t B = run.batches.size();
  std::vector<double> E(B), E2(B), x2(B), p2(B), I(B);
  double n = 0, sum_E = 0, sum_E2 = 0;
  for (std::size_t b = 0; b < B; ++b) {
    const BatchSums& q = run.batches[b];
    E[b] = q.E / q.samples;
    E2[b] = q.E2 / q.samples;
    x2[b] = q.x2 / q.samples;
    p2[b] = q.p2 / q.samples;
    I[b] = q.current / q.samples;
    n += q.samples;
    sum_E += q.E;
    sum_E2 += q.E2;
  }
  s.wigner_energy = batch_mean(E);
  s.energy = {s.wigner_energy.value - 0.5 * run.w0, s.wigner_energy.error};
  s.energy2 = batch_mean(E2);
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
