// Stage 8: sweeps over any parameter.
#include "ergon/sweep.hpp"

#include <atomic>
#include <chrono>
#include <thread>

#include "ergon/config.hpp"
#include "ergon/electronic.hpp"
#include "ergon/errors.hpp"
#include "ergon/parallel.hpp"

#include <fmt/format.h>

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
    p.state = solve_steady_state(configs[k], method, c);
    p.gamma0 = ElectronicModel(configs[k].device).damping(0.0);
    finished(i, std::move(p));
    ++done;
  };
  std::exception_ptr error;
  std::atomic<bool> over{false};
  std::thread worker([&] {
    try {
      if (method == Method::averaged)
        parallel_for(total, control.threads, [&](int j) { solve(j, 1); });
      else
        for (int j = 0; j < total; ++j) solve(j, control.threads);
    } catch (...) {
      error = std::current_exception();
    }
    over = true;
  });
  while (!over.load()) {
    if (progress) progress(done.load(), total);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  worker.join();
  if (error) std::rethrow_exception(error);
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

#include <boost/math/tools/roots.hpp>

namespace ergon {

double damping_threshold(const Config& base, double tol, double step, double v_max) {
  auto gamma0 = [&](double V) {
    Config c = base;
    apply_axis(c, "V", V);
    return ElectronicModel(c.device).damping(0.0);
  };
  double lo = 0.0, g_lo = gamma0(0.0);
  for (double V = step; V <= v_max + 1e-12; V += step) {
    const double g = gamma0(V);
    if ((g < 0) != (g_lo < 0)) {
      std::uintmax_t iters = 200;
      const auto r = boost::math::tools::toms748_solve(
          gamma0, lo, V, g_lo, g, [&](double a, double b) { return std::abs(b - a) < tol; }, iters);
      return 0.5 * (r.first + r.second);
    }
    lo = V;
    g_lo = g;
  }
  throw messages::not_converged("damping threshold", fmt::format("gamma(x = 0) keeps its sign up to V = {}", v_max));
}

ErgotropyThreshold ergotropy_threshold(const Config& base, const std::vector<double>& biases, Method method,
                                       const RunControl& control) {
  auto solve = [&](double V) {
    Config c = base;
    apply_axis(c, "V", V);
    return solve_steady_state(c, method, control);
  };
  const double w0 = base.device.oscillator.w0;
  auto above = [&](const SteadyState& s) {
    return method == Method::langevin ? s.ergotropy.value > 2.0 * s.ergotropy.error : s.ergotropy.value > 1e-6 * w0;
  };
  ErgotropyThreshold out;
  double prev = biases.empty() ? 0.0 : biases.front();
  for (std::size_t i = 0; i < biases.size(); ++i) {
    const SteadyState s = solve(biases[i]);
    if (!above(s)) {
      prev = biases[i];
      continue;
    }
    out.found = true;
    out.bias = biases[i];
    out.ergotropy = s.ergotropy.value;
    out.error = s.ergotropy.error;
    out.resolution = i > 0 ? biases[i] - prev : 0.0;
    if (method == Method::averaged && i > 0) {
      double lo = prev, hi = biases[i];
      while (hi - lo > 1e-4) {
        const double mid = 0.5 * (lo + hi);
        const SteadyState m = solve(mid);
        if (above(m)) {
          hi = mid;
          out.ergotropy = m.ergotropy.value;
        } else {
          lo = mid;
        }
      }
      out.bias = hi;
      out.resolution = hi - lo;
    }
    return out;
  }
  return out;
}

}  // namespace ergon
