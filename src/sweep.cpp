// Stage 8: sweeps over any parameter.
#include "ergon/sweep.hpp"

#include <atomic>

#include "ergon/config.hpp"
#include "ergon/electronic.hpp"
#include "ergon/errors.hpp"
#include "ergon/parallel.hpp"

namespace ergon {

void apply_axis(Config& config, const std::string& key, double value) {
  if (key == "V") {
    set_real(config, "lead.L.mu", value);
    set_real(config, "lead.R.mu", -value);
  } else if (key == "beta") {
    set_real(config, "lead.L.beta", value);
    set_real(config, "lead.R.beta", value);
  } else {
    set_real(config, key, value);
  }
}

std::vector<Config> sweep_configs(const Config& base, const std::vector<SweepAxis>& axes,
                                  std::vector<std::vector<double>>* coordinates) {
  std::vector<Config> out{base};
  std::vector<std::vector<double>> coords{{}};
  for (const auto& axis : axes) {
    if (axis.values.empty()) throw messages::usage("sweep axis '" + axis.key + "' has no values");
    std::vector<Config> next;
    std::vector<std::vector<double>> next_coords;
    for (std::size_t i = 0; i < out.size(); ++i)
      for (double v : axis.values) {
        Config c = out[i];
        apply_axis(c, axis.key, v);
        next.push_back(c);
        auto xs = coords[i];
        xs.push_back(v);
        next_coords.push_back(xs);
      }
    out = std::move(next);
    coords = std::move(next_coords);
  }
  for (const auto& c : out) validate(c);
  if (coordinates) *coordinates = coords;
  return out;
}

void solve_sweep_points(const std::vector<Config>& configs, const std::vector<std::vector<double>>& coordinates,
                        const std::vector<int>& indices, Method method, const RunControl& control,
                        const std::function<void(int, SweepPoint&&)>& finished,
                        const std::function<void(int, int)>& progress) {
  const int total = static_cast<int>(indices.size());
  std::atomic<int> done{0};
  auto solve = [&](int j, int threads) {
    const int i = indices[static_cast<std::size_t>(j)];
    const auto k = static_cast<std::size_t>(i);
    if (control.stop && control.stop->load()) throw messages::interrupted();
    RunControl c;
    c.threads = threads;
    c.stop = control.stop;
    c.wigner_grid = false;  // a sweep records the radial density, not the Wigner grid
    SweepPoint p;
    p.coordinates = coordinates[k];
    p.config = configs[k];
    const auto model = make_electronic_model(configs[k]);
    p.state = solve_steady_state(*model, configs[k], method, c);
    p.gamma0 = model->coefficients(0.0).gamma;
    finished(i, std::move(p));
    ++done;
  };
  run_polling(
      [&] {
        if (method == Method::averaged)
          parallel_for(total, control.threads, [&](int j) { solve(j, 1); });
        else
          for (int j = 0; j < total; ++j) solve(j, control.threads);
      },
      [&] {
        if (progress) progress(done.load(), total);
      },
      50);
  if (progress) progress(total, total);
}

std::vector<SweepPoint> run_sweep(const Config& base, const std::vector<SweepAxis>& axes, Method method,
                                  const RunControl& control, const std::function<void(int, int)>& progress) {
  std::vector<std::vector<double>> coords;
  const std::vector<Config> configs = sweep_configs(base, axes, &coords);
  std::vector<int> all(configs.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  std::vector<SweepPoint> points(configs.size());
  solve_sweep_points(
      configs, coords, all, method, control,
      [&](int i, SweepPoint&& p) { points[static_cast<std::size_t>(i)] = std::move(p); }, progress);
  return points;
}

SweepRecord sweep_record(int index, const SweepPoint& point) {
  SweepRecord r;
  r.index = index;
  r.coordinates = point.coordinates;
  r.values = summary_values(point.state);
  r.gamma0 = point.gamma0;
  r.diagnostics = point.state.diagnostics;
  r.radial = point.state.radial;
  r.radial_error = point.state.radial_error;
  r.populations = point.state.populations;
  return r;
}

}  // namespace ergon
