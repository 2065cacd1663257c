// Analysis of user-supplied states (populations, radial densities, Wigner grids).
#include "ergon/analyze.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/interpolators/cardinal_quintic_b_spline.hpp>
#include <boost/math/interpolators/makima.hpp>
#include <cmath>
#include <map>

#include "ergon/errors.hpp"

namespace ergon {
namespace {

// g2 = <n(n-1)>/nbar^2 is 0/0 for a state within the analysis's own noise
// of the vacuum (a Wigner grid's reconstruction leaves nbar ~ 1e-4 for the
// vacuum itself): reported as undefined (0) rather than as a huge number.
void mark_vacuum(Analysis& a) {
  const double noise = std::max({a.populations.negative_weight, std::abs(a.populations.trace - 1.0), 1e-9});
  if (a.thermo.nbar < 10 * noise) {
    a.thermo.g2_defined = false;
    a.thermo.g2 = 0.0;
    a.thermo.mandel_q = 0.0;
  }
}

void check_finite(const std::vector<double>& v, const char* what) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i])) throw messages::usage(fmt::format("{}[{}] = {} is not finite", what, i, v[i]));
}

}  // namespace

Analysis analyze_populations(const std::vector<double>& p, double w0, double T) {
  if (p.empty()) throw messages::usage("no populations to analyse");
  check_finite(p, "p");
  Analysis a;
  a.source = "populations";
  a.populations.p = p;
  a.populations.n_max = static_cast<int>(p.size()) - 1;
  for (double v : p) {
    a.populations.trace += v;
    if (v < 0) a.populations.negative_weight -= v;
  }
  if (std::abs(a.populations.trace - 1.0) > 1e-3)
    throw messages::usage(fmt::format("populations sum to {}, not 1 (a state's trace is 1)", a.populations.trace));
  a.thermo = thermodynamics(p, w0, T);
  mark_vacuum(a);
  return a;
}

Analysis analyze_radial(const std::vector<double>& y, const std::vector<double>& P, double w0, double T) {
  if (y.size() != P.size() || y.size() < 4) throw messages::usage("a radial density needs at least 4 points (y, P_y)");
  check_finite(y, "y");
  check_finite(P, "P_y");
  if (y.front() < 0) throw messages::usage(fmt::format("y = {} < 0: y = |alpha|^2 is non-negative", y.front()));
  for (std::size_t i = 1; i < y.size(); ++i)
    if (!(y[i] > y[i - 1]))
      throw messages::usage(fmt::format("y must increase: y[{}] = {} after {}", i, y[i], y[i - 1]));
  const double h = (y.back() - y.front()) / static_cast<double>(y.size() - 1);
  bool uniform = true;
  for (std::size_t i = 1; i < y.size(); ++i)
    if (std::abs(y[i] - y[i - 1] - h) > 1e-6 * h) uniform = false;
  std::function<double(double)> f;
  const double y0 = y.front(), y1 = y.back();
  // Boost's quintic B-spline needs at least 8 points; shorter tables take makima.
  if (uniform && P.size() >= 8) {
    auto spline =
        std::make_shared<boost::math::interpolators::cardinal_quintic_b_spline<double>>(P.data(), P.size(), y0, h);
    f = [spline, y0, y1](double v) { return v < y0 || v > y1 ? 0.0 : (*spline)(v); };
  } else {
    auto ys = y;
    auto ps = P;
    auto spline =
        std::make_shared<boost::math::interpolators::makima<std::vector<double>>>(std::move(ys), std::move(ps));
    f = [spline, y0, y1](double v) { return v < y0 || v > y1 ? 0.0 : (*spline)(v); };
  }
  // Below the first point (when y0 > 0, e.g. a histogram sampled at bin
  // centres) the density is extrapolated from the first two points: as an
  // exponential where both are positive (exact for a thermal state, whose
  // kernel weight near y = 0 is largest), else linearly (not below zero).
  const double P0 = P.front(), P1 = P[1], dy1 = y[1] - y0;
  const bool exponential = P0 > 0 && P1 > 0;
  const double rate = exponential ? std::log(P1 / P0) / dy1 : (P1 - P0) / dy1;  // d ln P/dy or dP/dy
  auto below = [=](double v) {
    return exponential ? P0 * std::exp(rate * (v - y0)) : std::max(0.0, P0 + rate * (v - y0));
  };
  auto density = [&](double v) { return v < y0 ? below(v) : f(v); };
  // int_0^y0 of the extrapolation.
  double below_mass = 0;
  if (y0 > 0) {
    if (exponential)
      below_mass = std::abs(rate * y0) > 1e-12 ? P0 * -std::expm1(-rate * y0) / rate : P0 * y0;
    else
      below_mass = 0.5 * (P0 + below(0.0)) * y0;  // exact unless the line crosses zero, then an upper bound
  }
  // Cumulative mass from above on the input grid (trapezoid) for n_max.
  std::vector<double> tail(y.size(), 0.0);
  for (std::size_t i = y.size() - 1; i-- > 0;) tail[i] = tail[i + 1] + 0.5 * (P[i] + P[i + 1]) * (y[i + 1] - y[i]);
  auto tail_mass = [&](double v) {
    if (v >= y1) return 0.0;
    const auto it = std::upper_bound(y.begin(), y.end(), v);
    const auto i = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, it - y.begin() - 1));
    return std::abs(tail[i]);
  };
  // A state's density integrates to 1 (checked before the Fock map, whose
  // cost grows with the extent of y).
  const double norm = tail[0] + below_mass;
  if (!(std::abs(norm - 1.0) <= 1e-2))
    throw messages::usage(
        fmt::format("int P_y dy = {} (trapezoid rule), not 1: the radial density must be normalised", norm));
  const int n_max = std::min(choose_n_max(tail_mass, 1e-12), static_cast<int>(std::ceil(y1 + 10 * std::sqrt(y1) + 20)));
  Analysis a;
  a.source = "radial";
  a.populations = populations_from_radial(density, y1, n_max, y);
  // A density too coarse or too narrow for its Fock map shows in the
  // populations: refuse what is not a state rather than analyse it.
  if (a.populations.negative_weight > 0.05 || !(std::abs(a.populations.trace - 1.0) <= 0.05))
    throw messages::usage(
        fmt::format("the radial density does not resolve a state: its Fock populations have trace "
                    "{:.4g} and negative weight {:.3g} (a physical state: 1 and 0); sample P_y more "
                    "finely, down to y = 0",
                    a.populations.trace, a.populations.negative_weight));
  a.thermo = thermodynamics_of_map(a.populations.p, w0, T);
  mark_vacuum(a);
  return a;
}

Analysis analyze_wigner(const std::vector<double>& re, const std::vector<double>& im, const std::vector<double>& W,
                        double w0, double T, int n_max, const std::atomic<bool>* stop) {
  if (n_max > max_density_states) throw messages::density_too_large(n_max, max_density_states);
  if (re.size() != im.size() || re.size() != W.size() || re.size() < 9)
    throw messages::usage("a Wigner grid needs at least 3 x 3 points (re_alpha, im_alpha, W)");
  check_finite(re, "re_alpha");
  check_finite(im, "im_alpha");
  check_finite(W, "W");
  // Regular grid: the distinct coordinates along each axis, equally spaced.
  auto axis = [](std::vector<double> v, const char* name) {
    std::sort(v.begin(), v.end());
    std::vector<double> u;
    for (double x : v)
      if (u.empty() || x - u.back() > 1e-9 * (1 + std::abs(x))) u.push_back(x);
    if (u.size() < 3) throw messages::usage(fmt::format("{} takes fewer than 3 distinct values", name));
    const double h = (u.back() - u.front()) / static_cast<double>(u.size() - 1);
    for (std::size_t i = 1; i < u.size(); ++i)
      if (std::abs(u[i] - u[i - 1] - h) > 1e-6 * h)
        throw messages::usage(fmt::format("{} values are not equally spaced ({} then {})", name, u[i - 1], u[i]));
    return u;
  };
  const auto xs = axis(re, "re_alpha"), ys = axis(im, "im_alpha");
  if (xs.size() * ys.size() != re.size())
    throw messages::usage(fmt::format("the grid has {} x {} nodes but {} points (missing or repeated points)",
                                      xs.size(), ys.size(), re.size()));
  WignerSamples grid;
  grid.x0 = xs.front();
  grid.y0 = ys.front();
  grid.nx = static_cast<int>(xs.size());
  grid.ny = static_cast<int>(ys.size());
  grid.hx = (xs.back() - xs.front()) / static_cast<double>(xs.size() - 1);
  grid.hy = (ys.back() - ys.front()) / static_cast<double>(ys.size() - 1);
  grid.values.assign(W.size(), 0.0);
  std::vector<bool> seen(W.size(), false);
  double norm = 0;
  for (std::size_t c = 0; c < W.size(); ++c) {
    const auto i = static_cast<std::size_t>(std::lround((re[c] - grid.x0) / grid.hx));
    const auto j = static_cast<std::size_t>(std::lround((im[c] - grid.y0) / grid.hy));
    const std::size_t k = i * static_cast<std::size_t>(grid.ny) + j;
    if (seen[k])
      throw messages::usage(fmt::format("the point ({}, {}) appears twice in the Wigner grid", re[c], im[c]));
    seen[k] = true;
    grid.values[k] = W[c];
    norm += W[c] * grid.hx * grid.hy;
  }
  if (std::abs(norm - 1.0) > 1e-2)
    throw messages::usage(fmt::format("sum W dA = {}, not 1: the Wigner function must be normalised", norm));
  if (n_max <= 0) {
    const double R2 = std::pow(
        std::min({-grid.x0, grid.x0 + (grid.nx - 1) * grid.hx, -grid.y0, grid.y0 + (grid.ny - 1) * grid.hy}), 2);
    // Mass above y from the angular average, on a grid of y.
    const int K = 400;
    std::vector<double> tail(K + 1, 0.0);
    for (int i = K - 1; i >= 0; --i) {
      const double ya = R2 * i / K, yb = R2 * (i + 1) / K;
      tail[static_cast<std::size_t>(i)] =
          tail[static_cast<std::size_t>(i) + 1] +
          0.5 * (sampled_radial_density(grid, ya) + sampled_radial_density(grid, yb)) * (yb - ya);
    }
    auto tail_mass = [&](double y) {
      if (y >= R2) return 0.0;
      return std::abs(tail[static_cast<std::size_t>(std::floor(y / R2 * K))]);
    };
    n_max = std::min(choose_n_max(tail_mass, 1e-10), static_cast<int>(std::ceil(R2)) + 20);
  }
  if (n_max > max_density_states) throw messages::density_too_large(n_max, max_density_states);
  const auto rho = density_matrix(grid, n_max, stop);
  Analysis a;
  a.source = "wigner";
  a.populations.p.resize(static_cast<std::size_t>(n_max) + 1);
  for (int n = 0; n <= n_max; ++n) a.populations.p[static_cast<std::size_t>(n)] = rho(n, n).real();
  a.populations.n_max = n_max;
  for (double v : a.populations.p) {
    a.populations.trace += v;
    if (v < 0) a.populations.negative_weight -= v;
  }
  double off = 0;
  for (int m = 0; m <= n_max; ++m)
    for (int n = 0; n <= n_max; ++n)
      if (m != n) off += std::norm(rho(m, n));
  a.off_diagonal = std::sqrt(off);
  // A grid resolves rho to about its cell area in W: eigenvalues of the
  // reconstruction below -1e-2 say the grid is no state.
  a.thermo = thermodynamics(rho, w0, T, 1e-2);
  mark_vacuum(a);
  return a;
}

PhaseSpaceConvention parse_convention(const std::string& name, double g) {
  PhaseSpaceConvention c;
  if (name == "ergon")
    c.kind = PhaseSpaceConvention::Kind::ergon;
  else if (name == "qutip")
    c.kind = PhaseSpaceConvention::Kind::qutip;
  else
    throw messages::bad_value("convention", name, "ergon (alpha = x/x0 + i p/p0) or qutip (alpha = g (x + i y)/2)");
  if (!(std::isfinite(g) && g > 0))
    throw messages::out_of_range("g", g, "must be a finite number > 0 (QuTiP's default sqrt(2))");
  c.g = g;
  return c;
}

Analysis analyze_wigner_matrix(const std::vector<double>& xvec, const std::vector<double>& yvec,
                               const std::vector<double>& W, const PhaseSpaceConvention& convention, double w0,
                               double T, int n_max, const std::atomic<bool>* stop) {
  if (xvec.size() < 3 || yvec.size() < 3)
    throw messages::usage(fmt::format("a Wigner matrix needs at least 3 points on each axis (xvec has {}, yvec {})",
                                      xvec.size(), yvec.size()));
  if (W.size() != xvec.size() * yvec.size())
    throw messages::usage(
        fmt::format("the Wigner matrix has {} values where len(yvec) x len(xvec) = {} x {} = {} are "
                    "expected (rows follow yvec, columns xvec, as qutip.wigner returns it)",
                    W.size(), yvec.size(), xvec.size(), xvec.size() * yvec.size()));
  check_finite(xvec, "xvec");
  check_finite(yvec, "yvec");
  const double scale = convention.alpha_per_axis(), density = convention.density_factor();
  std::vector<double> re, im, w;
  re.reserve(W.size());
  im.reserve(W.size());
  w.reserve(W.size());
  for (std::size_t i = 0; i < yvec.size(); ++i)
    for (std::size_t j = 0; j < xvec.size(); ++j) {
      re.push_back(scale * xvec[j]);
      im.push_back(scale * yvec[i]);
      w.push_back(density * W[i * xvec.size() + j]);
    }
  Analysis a = analyze_wigner(re, im, w, w0, T, n_max, stop);
  return a;
}

Analysis analyze_density_matrix(const Eigen::MatrixXcd& rho, double w0, double T) {
  if (rho.rows() != rho.cols() || rho.rows() == 0)
    throw messages::usage(
        fmt::format("a density matrix must be square and not empty (it is {} x {})", rho.rows(), rho.cols()));
  if (rho.rows() > max_density_states + 1)
    throw messages::density_too_large(static_cast<int>(rho.rows()) - 1, max_density_states);
  Analysis a;
  a.source = "density_matrix";
  a.thermo = thermodynamics(rho, w0, T);
  a.populations.n_max = static_cast<int>(rho.rows()) - 1;
  a.populations.p.resize(static_cast<std::size_t>(rho.rows()));
  double off = 0;
  for (Eigen::Index m = 0; m < rho.rows(); ++m) {
    a.populations.p[static_cast<std::size_t>(m)] = rho(m, m).real();
    a.populations.trace += rho(m, m).real();
    if (rho(m, m).real() < 0) a.populations.negative_weight -= rho(m, m).real();
    for (Eigen::Index n = 0; n < rho.cols(); ++n)
      if (m != n) off += std::norm(rho(m, n));
  }
  a.off_diagonal = std::sqrt(off);
  mark_vacuum(a);
  return a;
}

}  // namespace ergon
