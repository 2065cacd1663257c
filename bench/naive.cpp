// Baseline "naive": the straightforward C++ a physicist writes first. One
// trajectory in a scalar loop, the paper's explicit Euler scheme (Eqs. C1-C2),
// std::mt19937_64 with std::normal_distribution, linear interpolation on a
// uniform table of <n>, gamma and D. Prints ns per step and the mean energy.
//
// usage: bench_naive [steps] [V]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "ergon/resonant_level.hpp"
#include "ergon/tables.hpp"

int main(int argc, char** argv) {
  const long steps = argc > 1 ? std::atol(argv[1]) : 50000000L;
  const double V = argc > 2 ? std::atof(argv[2]) : 16.0;
  ergon::Device device;
  ergon::set_bias(device, V);
  const ergon::ResonantLevel model(device);
  const double x0 = device.oscillator.x0(), F = model.F(), w0 = device.oscillator.w0, m = device.oscillator.mass;
  // Uniform table over +-60 x0 (4001 points), filled from ergon's Hermite table.
  const ergon::CoefficientTable hermite(model, ergon::symmetric_grid(model, 60 * x0));
  const int N = 4001;
  const double xmin = -60 * x0, dx = 120 * x0 / (N - 1);
  std::vector<double> tn(N), tg(N), td(N);
  for (int i = 0; i < N; ++i) {
    const double x = xmin + i * dx;
    tn[i] = hermite.n(x);
    tg[i] = hermite.gamma(x);
    td[i] = hermite.D(x);
  }
  auto interp = [&](const std::vector<double>& t, double x) {
    const double u = (x - xmin) / dx;
    const int i = static_cast<int>(u);
    const double f = u - i;
    return t[i] * (1 - f) + t[i + 1] * f;
  };
  std::mt19937_64 rng(1);
  std::normal_distribution<double> normal(0.0, 1.0);
  const double dt = 0.001;
  double x = 10.0, v = 0.0, sum_E = 0.0;
  const auto start = std::chrono::steady_clock::now();
  for (long s = 0; s < steps; ++s) {
    const double n = interp(tn, x), g = interp(tg, x), D = interp(td, x);
    const double v_new = v + (-w0 * w0 * x + F / m * n - g * v) * dt + std::sqrt(D * dt) / m * normal(rng);
    x += v * dt;
    v = v_new;
    sum_E += 0.5 * m * v * v + 0.5 * m * w0 * w0 * x * x;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("naive: %.3f ns/step (%ld steps, mean E %.4g)\n", 1e9 * seconds / static_cast<double>(steps), steps,
              sum_E / static_cast<double>(steps));
  return 0;
}
