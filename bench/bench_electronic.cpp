// Electronic coefficients: tabulating 1001 x points of <n>, D and gamma at
// the default quadrature tolerance (paper's parameters, V = 16).
#include <benchmark/benchmark.h>

#include "ergon/resonant_level.hpp"
#include "ergon/tables.hpp"

namespace {

ergon::Device paper(double V) {
  ergon::Device d;
  ergon::set_bias(d, V);
  return d;
}

void BM_Tabulate1001(benchmark::State& state) {
  const ergon::ResonantLevel m(paper(16.0));
  const double x0 = m.device().oscillator.x0();
  for (auto _ : state) {
    double sum = 0;
    for (int i = 0; i < 1001; ++i) {
      const double x = (-20.0 + 40.0 * i / 1000.0) * x0;
      sum += m.excess_charge(x) + m.diffusion(x) + m.damping(x);
    }
    benchmark::DoNotOptimize(sum);
  }
  state.counters["points_per_second"] =
      benchmark::Counter(1001.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Tabulate1001)->Unit(benchmark::kMillisecond);

void BM_HermiteTable(benchmark::State& state) {
  const ergon::ResonantLevel m(paper(16.0));
  const auto grid = ergon::symmetric_grid(m, 30.0 * m.device().oscillator.x0());
  for (auto _ : state) {
    ergon::CoefficientTable t(m, grid, 1);
    benchmark::DoNotOptimize(t.gamma_nodes().data());
  }
  state.counters["nodes"] = grid.points();
}
BENCHMARK(BM_HermiteTable)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
