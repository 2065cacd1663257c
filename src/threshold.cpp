// Thresholds of the phonon laser (docs/model.md, "Thresholds").
#include "ergon/threshold.hpp"

#include <fmt/format.h>

#include <boost/math/tools/roots.hpp>
#include <cmath>

#include "ergon/electronic.hpp"
#include "ergon/errors.hpp"
#include "ergon/parallel.hpp"
#include "ergon/sweep.hpp"
#include "numerics/roots.hpp"

namespace ergon {

double damping_threshold(const Config& base, double tol, double step, double v_max) {
  auto gamma0 = [&](double V) {
    Config c = base;
    apply_axis(c, "V", V);
    return make_electronic_model(c)->coefficients(0.0).gamma;
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
  const bool wideband = base.device.left.type == LeadType::wideband && base.device.right.type == LeadType::wideband;
  if (wideband)
    throw messages::usage(fmt::format(
        "no damping threshold: with wide-band leads (lead.L.type = lead.R.type = \"wideband\") gamma(x = 0) stays "
        "{} up to V = {}; negative damping needs structure in the leads' bands (\"lorentzian\")",
        g_lo > 0 ? "positive" : "negative", v_max));
  throw messages::not_converged("damping threshold", fmt::format("gamma(x = 0) keeps its sign up to V = {}", v_max));
}

std::vector<double> damping_at_rest(const Config& base, const SweepAxis& a, const SweepAxis& b, int threads,
                                    const std::atomic<bool>* stop) {
  const std::size_t na = a.values.size(), nb = b.values.size();
  std::vector<double> out(na * nb);
  parallel_for(static_cast<int>(out.size()), threads, [&](int k) {
    if (stop && stop->load(std::memory_order_relaxed)) return;
    const auto i = static_cast<std::size_t>(k) / nb, j = static_cast<std::size_t>(k) % nb;
    Config c = base;
    apply_axis(c, a.key, a.values[i]);
    apply_axis(c, b.key, b.values[j]);
    out[static_cast<std::size_t>(k)] = make_electronic_model(c)->coefficients(0.0).gamma;
  });
  if (stop && stop->load()) throw messages::interrupted();
  return out;
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
    out.below_scan = i == 0;
    if (method == Method::averaged && i > 0) {
      // W_E is a deterministic function of V: bisect the sign change of
      // "above its threshold" between the last V below and the first above.
      double at_hi = out.ergotropy;
      auto side = [&](double V) {
        if (V == prev) return -1.0;      // known: below
        if (V == biases[i]) return 1.0;  // known: above
        const SteadyState m = solve(V);
        if (!above(m)) return -1.0;
        at_hi = m.ergotropy.value;  // bisection moves hi here next
        return 1.0;
      };
      const auto [lo, hi] = numerics::bisect_bracket(side, prev, biases[i], 1e-4);
      out.bias = hi;
      out.ergotropy = at_hi;
      out.resolution = hi - lo;
    }
    return out;
  }
  return out;
}

}  // namespace ergon
