// The deterministic (energy-averaged) method at the paper's parameters: one
// table node, the Fock map, one bias point, and the 201-point bias sweep of
// `ergon sweep --method averaged --V 0:20:201` on all cores (issue: well
// under a second on 2 cores).
#include <benchmark/benchmark.h>

#include <cmath>

#include "ergon/config.hpp"
#include "ergon/fock.hpp"
#include "ergon/resonant_level.hpp"
#include "ergon/sequential.hpp"
#include "ergon/steady.hpp"
#include "ergon/sweep.hpp"

namespace {

ergon::Config paper(double V) {
  ergon::Config c;
  ergon::set_bias(c.device, V);
  return c;
}

// One table node: values and slopes of <n>, D, gamma, I from one quadrature
// pass, across the range a V = 16 table covers.
void nodes(benchmark::State& state, const ergon::ElectronicModel& m) {
  const double x0 = m.oscillator().x0();
  int i = 0;
  for (auto _ : state) {
    const double x = (-55.0 + 110.0 * (i++ % 101) / 100.0) * x0;
    benchmark::DoNotOptimize(m.node(x));
  }
  state.counters["nodes_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_TableNode(benchmark::State& state) { nodes(state, ergon::ResonantLevel(paper(16.0).device)); }
BENCHMARK(BM_TableNode)->Unit(benchmark::kMicrosecond);

// The paper's device in sequential tunnelling (Gamma = 0.02, the rate
// model's regime): the spinless level, and one spin-degenerate level with
// U = infinity. No quadrature: five small linear solves per node.
ergon::Config sequential(double V, bool spin) {
  ergon::Config c = paper(V);
  c.electronic.model = "sequential";
  c.device.left.Gamma = c.device.right.Gamma = 0.02;
  c.electronic.spin = spin;
  c.electronic.max_electrons = spin ? 1 : 0;
  return c;
}

void BM_SequentialTableNode(benchmark::State& state) {
  nodes(state, ergon::SequentialTunnelling(sequential(16.0, state.range(0) != 0)));
}
BENCHMARK(BM_SequentialTableNode)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// Fock populations of a thermal radial density with nbar ~ 150 (n_max ~ 4400).
void BM_FockMap(benchmark::State& state) {
  const double theta = 150.0;
  auto P = [&](double y) { return std::exp(-y / theta) / theta; };
  const int n = ergon::choose_n_max([&](double y) { return std::exp(-y / theta); });
  for (auto _ : state)
    benchmark::DoNotOptimize(ergon::populations_from_radial(P, n + 20.0 * std::sqrt(n + 1.0) + 50.0, n));
  state.counters["n_max"] = n;
}
BENCHMARK(BM_FockMap)->Unit(benchmark::kMillisecond);

// One bias point, everything `ergon steady --method averaged` computes, one thread.
void BM_AveragedPoint(benchmark::State& state) {
  const ergon::Config c = paper(static_cast<double>(state.range(0)));
  ergon::RunControl control;
  control.threads = 1;
  for (auto _ : state) benchmark::DoNotOptimize(ergon::solve_steady_state(c, ergon::Method::averaged, control));
}
BENCHMARK(BM_AveragedPoint)->Arg(2)->Arg(6)->Arg(16)->Unit(benchmark::kMillisecond);

// The sweep: 201 biases from 0 to 20 on all cores.
void BM_AveragedSweep201(benchmark::State& state) {
  std::vector<double> V;
  for (int i = 0; i <= 200; ++i) V.push_back(0.1 * i);
  ergon::RunControl control;
  control.threads = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(ergon::run_sweep(ergon::Config{}, {{"V", V}}, ergon::Method::averaged, control, {}));
  state.counters["points_per_second"] =
      benchmark::Counter(201.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AveragedSweep201)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

// The same sweep on the sequential U = infinity dot.
void BM_SequentialSweep201(benchmark::State& state) {
  std::vector<double> V;
  for (int i = 0; i <= 200; ++i) V.push_back(0.1 * i);
  ergon::RunControl control;
  control.threads = 0;
  const ergon::Config c = sequential(0.0, true);
  for (auto _ : state) benchmark::DoNotOptimize(ergon::run_sweep(c, {{"V", V}}, ergon::Method::averaged, control, {}));
  state.counters["points_per_second"] =
      benchmark::Counter(201.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SequentialSweep201)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
