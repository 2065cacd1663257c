// The Langevin engine: ns per step per core for each integrator and
// instruction set, on the paper's parameters (V = 16), observer included.
#include <benchmark/benchmark.h>

#include <vector>

#include "engine/engine.hpp"
#include "ergon/isa.hpp"
#include "ergon/resonant_level.hpp"
#include "ergon/tables.hpp"

namespace {

struct NullObserver final : ergon::engine::Observer {
  double sink = 0;
  void observe(const double* x, const double* p, int lanes, std::uint32_t, std::uint64_t, int) override {
    for (int i = 0; i < lanes; ++i) sink += x[i] * p[i];
  }
};

const ergon::CoefficientTable& table() {
  static const ergon::CoefficientTable t = [] {
    ergon::Device d;
    ergon::set_bias(d, 16.0);
    const ergon::ResonantLevel m(d);
    return ergon::CoefficientTable(m, ergon::symmetric_grid(m, 60.0 * d.oscillator.x0()));
  }();
  return t;
}

void BM_Engine(benchmark::State& state, ergon::Integrator integrator, const char* isa,
               ergon::Noise noise = ergon::Noise::gaussian) {
  if (!ergon::isa::force(isa)) {
    state.SkipWithError("instruction set not available");
    return;
  }
  const double dt = integrator == ergon::Integrator::splitting ? 0.25 : 0.002;
  const auto fast = ergon::engine::make_fast_table(table(), integrator, dt, 64);
  const int W = ergon::engine::width();
  std::vector<double> x0(static_cast<std::size_t>(W)), p0(x0.size());
  for (int i = 0; i < W; ++i) x0[static_cast<std::size_t>(i)] = 20.0 + i;
  NullObserver obs;
  ergon::engine::Job job;
  job.table = &fast;
  job.integrator = integrator;
  job.noise = noise;
  job.dt = dt;
  job.mass = 1.0;
  job.k = 0.04;
  job.seed = 7;
  job.lanes = W;
  job.x0 = x0.data();
  job.p0 = p0.data();
  job.batch_steps = 1 << 20;
  job.batches = 1;
  job.stride = 64;
  job.observer = &obs;
  for (auto _ : state) {
    const auto r = ergon::engine::run(job);
    benchmark::DoNotOptimize(r);
  }
  const double steps = static_cast<double>(job.batch_steps) * W * static_cast<double>(state.iterations());
  state.counters["ns_per_step"] = benchmark::Counter(steps, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["lanes"] = W;
  state.SetLabel(ergon::engine::isa());
  ergon::isa::force("");
}

BENCHMARK_CAPTURE(BM_Engine, splitting_avx512, ergon::Integrator::splitting, "avx512")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Engine, splitting_avx2, ergon::Integrator::splitting, "avx2")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Engine, splitting_sse2, ergon::Integrator::splitting, "sse2")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Engine, splitting_three_point_avx512, ergon::Integrator::splitting, "avx512",
                  ergon::Noise::three_point)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Engine, splitting_three_point_avx2, ergon::Integrator::splitting, "avx2",
                  ergon::Noise::three_point)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Engine, euler_avx512, ergon::Integrator::euler, "avx512")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Engine, euler_avx2, ergon::Integrator::euler, "avx2")->Unit(benchmark::kMillisecond);
// Every kernel on every instruction set, so bench/compare has its rows on any x86-64.
BENCHMARK_CAPTURE(BM_Engine, splitting_three_point_sse2, ergon::Integrator::splitting, "sse2",
                  ergon::Noise::three_point)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Engine, euler_sse2, ergon::Integrator::euler, "sse2")->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
