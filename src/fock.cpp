// Stage 6: Fock populations (docs/model.md, "Fock populations").
#include "ergon/fock.hpp"

#include <algorithm>
#include <array>
#include <boost/math/quadrature/gauss.hpp>
#include <cmath>
#include <numbers>
#include <unsupported/Eigen/FFT>

#include "ergon/errors.hpp"
#include "numerics/gauss_legendre.hpp"
#include "numerics/roots.hpp"
#include "simd/laguerre.hpp"

namespace ergon {
namespace {

// psi_n^k(x) = sqrt(n!/(n+k)!) x^(k/2) exp(-x/2) L_n^(k)(x), n = 0 .. n_max,
// by the normalised three-term recurrence
//   psi_{n+1} = [(2n+1+k-x) psi_n - sqrt(n(n+k)) psi_{n-1}] / sqrt((n+1)(n+k+1)),
// on mantissas with a shared binary exponent, so neither exp(-x/2) nor the
// growth of L_n over- or underflows. |psi_n^k(x)| <= 1.
void normalized_laguerre(int k, int n_max, double x, double* out) {
  // log psi_0 = (k/2) ln x - x/2 - ln(k!)/2.
  if (k > 0 && x == 0.0) {
    std::fill(out, out + n_max + 1, 0.0);
    return;
  }
  const double log0 = (k > 0 ? 0.5 * k * std::log(x) : 0.0) - 0.5 * x - 0.5 * std::lgamma(k + 1.0);
  // Values are a_n 2^e with the true psi_n = a_n exp(log0) 2^e; the factor
  // exp(log0) 2^e changes only when the mantissas are rescaled.
  double a_prev = 0.0, a = 1.0;
  int e = 0;
  auto factor_for = [&] {
    const double lg = log0 + e * std::numbers::ln2;
    return lg < -740.0 ? 0.0 : std::exp(lg);
  };
  double factor = factor_for();
  out[0] = a * factor;
  for (int n = 0; n < n_max; ++n) {
    double next;
    if (k == 0) {
      next = ((2.0 * n + 1.0 - x) * a - n * a_prev) / (n + 1.0);
    } else {
      next = ((2.0 * n + 1.0 + k - x) * a - std::sqrt(static_cast<double>(n) * (n + k)) * a_prev) /
             std::sqrt((n + 1.0) * (n + k + 1.0));
    }
    a_prev = a;
    a = next;
    if (std::abs(a) > 0x1p500) {
      a *= 0x1p-500;
      a_prev *= 0x1p-500;
      e += 500;
      factor = factor_for();
    }
    out[n + 1] = a * factor;
  }
}

// 10-point Gauss-Legendre on [0, 1].
const numerics::UnitRule<10>& gl = numerics::unit_gauss_legendre<10>();

void finish(Populations& pop) {
  pop.n_max = static_cast<int>(pop.p.size()) - 1;
  pop.trace = 0.0;
  pop.negative_weight = 0.0;
  for (double v : pop.p) {
    pop.trace += v;
    if (v < 0) pop.negative_weight -= v;
  }
}

}  // namespace

std::vector<double> laguerre_functions(int n_max, double x) {
  std::vector<double> out(static_cast<std::size_t>(n_max) + 1);
  normalized_laguerre(0, n_max, x, out.data());
  return out;
}

std::vector<double> fock_kernel(int n_max, double y) {
  std::vector<double> k = laguerre_functions(n_max, 4.0 * y);
  for (std::size_t n = 0; n < k.size(); ++n) k[n] *= (n % 2 ? -2.0 : 2.0);
  return k;
}

int choose_n_max(const std::function<double(double)>& tail_mass, double tail) {
  // p_n is carried by P_y near y = n: the mass above y bounds the weight above n.
  double lo = 0.0, hi = 1.0;
  while (tail_mass(hi) > tail) {
    lo = hi;
    hi *= 2.0;
    if (hi > 1e6)
      throw messages::not_converged("Fock populations", "the radial density has no negligible tail below y = 1e6");
  }
  // The y where the tail mass falls to `tail` (a step function of y for
  // tabulated tails: the bracket's upper end is the y to use).
  hi = numerics::bisect_bracket([&](double y) { return tail_mass(y) > tail ? 1.0 : -1.0; }, lo, hi, 0.0).second;
  // Margin for the kernel's reach beyond y = n: a few standard widths sqrt(n).
  return static_cast<int>(std::ceil(hi + 4.0 * std::sqrt(hi) + 10.0));
}

namespace {
// The largest y whose kernels up to state n exceed 1e-18 (with margin).
double reach(double n) { return n + 0.5 + 10.0 * std::cbrt(n + 1.0) + 10.0; }
}  // namespace

Populations populations_from_radial(const std::function<double(double)>& radial_density, double y_max, int n_max,
                                    const std::vector<double>& breakpoints) {
  if (n_max > max_fock_states) throw messages::fock_too_large(n_max, max_fock_states);
  Populations pop;
  pop.p.assign(static_cast<std::size_t>(n_max) + 1, 0.0);
  // Panels in s = sqrt(y) with the 20-point Gauss-Legendre rule: the
  // kernel's wavenumber in s is at most k = 4 sqrt(n_max + 1/2), and the
  // rule integrates exp(i k s) over a panel of width w with a relative error
  // ~ 2^41 (20!)^4 / (41 (40!)^3) (k w / 2)^40 ~ 5e-17 for k w / 2 = 12, i.e.
  // w = 6 / sqrt(n_max + 1/2) (about 3.8 wavelengths). Every breakpoint is a
  // panel boundary.
  using Rule = boost::math::quadrature::gauss<double, 20>;
  std::vector<double> node, weight;  // on [0, 1]
  for (std::size_t i = 0; i < Rule::abscissa().size(); ++i)
    for (double sign : {-1.0, 1.0}) {
      node.push_back(0.5 + 0.5 * sign * Rule::abscissa()[i]);
      weight.push_back(0.5 * Rule::weights()[i]);
    }
  // Beyond y = n + 9.3 n^(1/3) every kernel up to n is below 1e-18 in size
  // (measured for n = 10 .. 5000), so density there cannot reach p_n.
  y_max = std::min(y_max, reach(n_max));
  const double s_max = std::sqrt(y_max);
  // The kernel of state n oscillates in s with the local wavenumber
  // 4 sqrt(n + 1/2 - s^2) inside its turning point and decays outside, where
  // its Airy-function scale is wider than 1 / (5 (n + 1/2)^(1/6)); so at s
  // no kernel up to n_max oscillates faster than
  //   k(s) = 4 sqrt(max(n_max + 1/2 - s^2, 0) + 2 (n_max + 1/2)^(1/3)),
  // which falls with s: each panel takes the width 24 / k at its left end
  // (k w / 2 = 12 as above; at s = 0 the former uniform width). Beyond the
  // turning point of n_max the panels are at most 0.5 wide.
  const double top = n_max + 0.5, floor = 2.0 * std::cbrt(top);
  auto width_at = [&](double s) {
    const double k = 4.0 * std::sqrt(std::max(top - s * s, 0.0) + floor);
    return std::min(0.5, 24.0 / k);
  };
  std::vector<double> edges{0.0};
  while (edges.back() < s_max) {
    const double next = edges.back() + width_at(edges.back());
    // A last sliver narrower than a quarter panel joins the panel before.
    edges.push_back(next > s_max - 0.25 * width_at(next) ? s_max : next);
  }
  for (double b : breakpoints)
    if (b > 0 && b < y_max) edges.push_back(std::sqrt(b));
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end(), [](double a, double b) { return b - a < 1e-12 * (1 + b); }),
              edges.end());
  std::vector<double> ys, ws;
  ys.reserve(edges.size() * node.size());
  ws.reserve(ys.capacity());
  for (std::size_t j = 0; j + 1 < edges.size(); ++j) {
    const double ds = edges[j + 1] - edges[j];
    for (std::size_t q = 0; q < node.size(); ++q) {
      const double s = edges[j] + node[q] * ds;
      const double y = s * s;
      const double w = weight[q] * ds * 2.0 * s * radial_density(y);  // dy = 2 s ds
      // |2 exp(-2y) L_n(4y)| <= 2 for every n, so a node of weight below
      // 1e-20 changes no population by more than 2e-20: skip it (the tail of
      // the support beyond the density's last 1e-13 of mass, typically).
      if (std::abs(w) < 1e-20) continue;
      ys.push_back(y);
      ws.push_back(w);
    }
  }
  simd::laguerre_sum(ys.data(), ws.data(), ys.size(), n_max, pop.p.data());
  finish(pop);
  return pop;
}

Populations populations_from_samples(const std::vector<double>& y, int n_max) {
  if (n_max > max_fock_states) throw messages::fock_too_large(n_max, max_fock_states);
  Populations pop;
  pop.p.assign(static_cast<std::size_t>(n_max) + 1, 0.0);
  if (y.empty()) throw messages::usage("no samples for the Monte Carlo Fock estimator");
  const std::vector<double> w(y.size(), 1.0 / static_cast<double>(y.size()));
  simd::laguerre_sum(y.data(), w.data(), y.size(), n_max, pop.p.data());
  finish(pop);
  return pop;
}

namespace {

// Keys cubic convolution kernel (a = -1/2): C^1, exact for quadratics.
double keys(double t) {
  t = std::abs(t);
  if (t < 1) return (1.5 * t - 2.5) * t * t + 1;
  if (t < 2) return ((-0.5 * t + 2.5) * t - 4) * t + 2;
  return 0.0;
}

double interpolate(const WignerSamples& w, double x, double y) {
  const double u = (x - w.x0) / w.hx, v = (y - w.y0) / w.hy;
  const auto i0 = static_cast<int>(std::floor(u)), j0 = static_cast<int>(std::floor(v));
  double s = 0;
  for (int i = i0 - 1; i <= i0 + 2; ++i) {
    if (i < 0 || i >= w.nx) continue;
    const double ki = keys(u - i);
    if (ki == 0) continue;
    for (int j = j0 - 1; j <= j0 + 2; ++j) {
      if (j < 0 || j >= w.ny) continue;
      s += ki * keys(v - j) *
           w.values[static_cast<std::size_t>(i) * static_cast<std::size_t>(w.ny) + static_cast<std::size_t>(j)];
    }
  }
  return s;
}

double inscribed_radius(const WignerSamples& w) {
  const double x1 = w.x0 + (w.nx - 1) * w.hx, y1 = w.y0 + (w.ny - 1) * w.hy;
  return std::max(0.0, std::min({-w.x0, x1, -w.y0, y1}));
}

}  // namespace

WignerSamples samples_of(const WignerGrid& grid) {
  WignerSamples s;
  s.x0 = s.y0 = grid.centre(0);
  s.hx = s.hy = grid.width();
  s.nx = s.ny = grid.bins;
  s.values = grid.density;
  return s;
}

double sampled_radial_density(const WignerSamples& w, double y) {
  const double r = std::sqrt(std::max(y, 0.0));
  if (r > inscribed_radius(w)) return 0.0;
  const int M = 256;
  double s = 0;
  for (int a = 0; a < M; ++a) {
    const double th = 2 * std::numbers::pi * a / M;
    s += interpolate(w, r * std::cos(th), r * std::sin(th));
  }
  return 0.5 * s * (2 * std::numbers::pi / M);
}

Eigen::MatrixXcd density_matrix(const WignerSamples& w, int n_max, const std::atomic<bool>* stop) {
  if (n_max > max_density_states) throw messages::density_too_large(n_max, max_density_states);
  const int N = n_max + 1;
  Eigen::MatrixXcd rho = Eigen::MatrixXcd::Zero(N, N);
  const double R = inscribed_radius(w);
  if (!(R > 0)) throw messages::usage("the Wigner grid does not contain alpha = 0");
  // Angular modes up to k = n_max; extra points keep aliasing of the state's
  // own higher modes away.
  const int M = std::max(64, 4 * N);
  const double h = std::min({w.hx, w.hy, 0.25, 1.0 / std::sqrt(n_max + 1.0)});
  const auto panels = static_cast<int>(std::ceil(R / h));
  const double dr = R / panels;
  std::vector<double> psi(static_cast<std::size_t>(N));
  std::vector<double> wv(static_cast<std::size_t>(M));
  std::vector<std::complex<double>> spectrum;
  Eigen::FFT<double> fft;
  std::vector<double> cs(static_cast<std::size_t>(M)), sn(static_cast<std::size_t>(M));
  for (int a = 0; a < M; ++a) {
    cs[static_cast<std::size_t>(a)] = std::cos(2 * std::numbers::pi * a / M);
    sn[static_cast<std::size_t>(a)] = std::sin(2 * std::numbers::pi * a / M);
  }
  for (int p = 0; p < panels; ++p)
    for (int q = 0; q < 10; ++q) {
      if (stop && stop->load(std::memory_order_relaxed)) throw messages::interrupted();
      const double r = (p + gl.x[q]) * dr;
      for (int a = 0; a < M; ++a)
        wv[static_cast<std::size_t>(a)] =
            interpolate(w, r * cs[static_cast<std::size_t>(a)], r * sn[static_cast<std::size_t>(a)]);
      // c_k(r) = int W(r, th) e^{ik th} dth (trapezoid: exact for modes below
      // M); the FFT's sum carries e^{-ik th}, hence the conjugate.
      fft.fwd(spectrum, wv);
      const double weight = gl.w[q] * dr * r * 2.0;  // rho = 2 (-1)^n int r dr psi c_k
      const double x = 4 * r * r;
      for (int k = 0; k < N; ++k) {
        normalized_laguerre(k, n_max - k, x, psi.data());
        const std::complex<double> c =
            std::conj(spectrum[static_cast<std::size_t>(k)]) * (2 * std::numbers::pi / M) * weight;
        for (int n = 0; n + k < N; ++n) rho(n + k, n) += (n % 2 ? -1.0 : 1.0) * psi[static_cast<std::size_t>(n)] * c;
      }
    }
  for (int m = 0; m < N; ++m)
    for (int n = m + 1; n < N; ++n) rho(m, n) = std::conj(rho(n, m));
  return rho;
}

Eigen::MatrixXcd density_matrix_from_wigner(const WignerGrid& wigner, int n_max) {
  return density_matrix(samples_of(wigner), n_max);
}

}  // namespace ergon
