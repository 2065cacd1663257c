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

// Solves the points `indices` of a grid (configs and coordinates from
// sweep_configs). Averaged points run in parallel (one thread each); sampler
// points one after another, each on all threads. `finished(index, point)` is
// called on a worker thread as each point completes (it must be thread-safe);
// `progress(done, total)` from the calling thread. Throws (after the points
// in flight finish) when control.stop is set.
void solve_sweep_points(const std::vector<Config>& configs, const std::vector<std::vector<double>>& coordinates,
                        const std::vector<int>& indices, Method method, const RunControl& control,
                        const std::function<void(int index, SweepPoint&& point)>& finished,
                        const std::function<void(int done, int total)>& progress = {});

// One finished point in the form the result files need: what a sweep
// checkpoint stores and an MPI worker sends to rank 0 (io.hpp serialises it
// exactly, so a resumed or distributed sweep writes identical files).
struct SweepRecord {
  int index = 0;  // position in the grid, first axis slowest
  std::vector<double> coordinates;
  std::vector<std::pair<std::string, double>> values;  // summary_values(state)
  double gamma0 = 0.0;                                 // damping rate at x = 0 [1/time]
  std::vector<Diagnostic> diagnostics;
  RadialGrid radial;  // P_y on bins of y = |alpha|^2
  std::vector<double> radial_error;
  Populations populations;
};
SweepRecord sweep_record(int index, const SweepPoint& point);

// Solves every point (solve_sweep_points on the whole grid). Averaged points run in parallel (one thread each);
// sampler points run one after another, each on all threads.
// `progress(done, total)` is called from the calling thread.
std::vector<SweepPoint> run_sweep(const Config& base, const std::vector<SweepAxis>& axes, Method method,
                                  const RunControl& control,
                                  const std::function<void(int done, int total)>& progress = {});

}  // namespace ergon
