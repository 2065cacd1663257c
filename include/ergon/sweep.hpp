// Stage 8: sweeps. Steady states over a grid of parameters (the Cartesian
// product of the axes), each point solved independently; results do not
// depend on the number of threads or the order points finish in.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ergon/steady.hpp"

namespace ergon {

// One swept parameter: "V" (mu_L = +V, mu_R = -V), "beta" (both leads) or
// any real configuration key.
struct SweepAxis {
  std::string key;
  std::vector<double> values;
};

struct SweepPoint {
  std::vector<double> coordinates;  // one value per axis
  Config config;
  SteadyState state;
  double gamma0 = 0.0;  // damping rate at x = 0
};

// Applies one axis value to a configuration (validating it).
void apply_axis(Config& config, const std::string& key, double value);

// The configurations of the grid, first axis slowest.
std::vector<Config> sweep_configs(const Config& base, const std::vector<SweepAxis>& axes,
                                  std::vector<std::vector<double>>* coordinates = nullptr);

// Solves every point. Averaged points run in parallel (one thread each);
// sampler points run one after another, each on all threads.
// `progress(done, total)` is called from the calling thread.
std::vector<SweepPoint> run_sweep(const Config& base, const std::vector<SweepAxis>& axes, Method method,
                                  const RunControl& control,
                                  const std::function<void(int done, int total)>& progress = {});

}  // namespace ergon

namespace ergon {

// Bias V (mu_L = +V, mu_R = -V) where gamma(x = 0) changes sign, bracketed by
// scanning from V = 0 in steps of `step` and refined by TOMS 748 to `tol`.
// Throws if there is no sign change below v_max.
double damping_threshold(const Config& base, double tol = 1e-6, double step = 0.25, double v_max = 200.0);

struct ErgotropyThreshold {
  double bias = 0.0;                    // first V with W_E above its error bar
  double resolution = 0.0;              // uncertainty of `bias` (grid step, or the bisection tolerance)
  double ergotropy = 0.0, error = 0.0;  // at `bias`
  bool found = false;
};
// Scans `biases` (increasing) and returns the first where W_E exceeds its
// error bar (sampler: W_E > 2 stderr; averaged: W_E > 1e-6 w0, then refined
// by bisection to 1e-4 since the averaged W_E is a deterministic function).
ErgotropyThreshold ergotropy_threshold(const Config& base, const std::vector<double>& biases, Method method,
                                       const RunControl& control);

}  // namespace ergon
