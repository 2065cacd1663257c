// Stage 2: electronic steady state (docs/model.md, section "Electronic steady state").
#include "ergon/electronic.hpp"

#include <algorithm>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "ergon/config.hpp"
#include "ergon/errors.hpp"

namespace ergon {
namespace {

using cplx = std::complex<double>;
constexpr double inv_two_pi = 0.5 / std::numbers::pi;

// 1 / z without the inf/nan bookkeeping of std::complex division (our
// denominators are finite and non-zero: Im z carries the level width).
cplx reciprocal(cplx z) {
  const double d = z.real() * z.real() + z.imag() * z.imag();
  return {z.real() / d, -z.imag() / d};
}

// Fermi function and its complement, both without cancellation.
double fermi(double beta, double mu, double w) { return 1.0 / (1.0 + std::exp(beta * (w - mu))); }
double fermi_hole(double beta, double mu, double w) { return 1.0 / (1.0 + std::exp(-beta * (w - mu))); }

// Lead a at frequency w: kappa, dkappa/dw, Sigma, dSigma/dw, f, 1-f, df/dw.
struct LeadAt {
  double kappa, dkappa;
  cplx sigma, dsigma;
  double f, h, df;
};

LeadAt lead_at(const Lead& lead, double w) {
  LeadAt r{};
  if (lead.type == LeadType::lorentzian) {
    const double d = lead.width, u = w - lead.center, den = u * u + d * d;
    r.kappa = lead.Gamma * d * d / den;
    r.dkappa = -2.0 * lead.Gamma * d * d * u / (den * den);
    const cplx iz = reciprocal(cplx(u, d));
    r.sigma = 0.5 * lead.Gamma * d * iz;
    r.dsigma = -0.5 * lead.Gamma * d * iz * iz;
  } else {
    r.kappa = lead.Gamma;
    r.dkappa = 0.0;
    r.sigma = cplx(0.0, -0.5 * lead.Gamma);
    r.dsigma = 0.0;
  }
  r.f = fermi(lead.beta, lead.mu, w);
  r.h = fermi_hole(lead.beta, lead.mu, w);
  r.df = -lead.beta * r.f * r.h;
  return r;
}

// Everything the integrands need at one frequency.
struct Point {
  LeadAt L, R;
  cplx G;         // retarded Green function
  double A, dA;   // |G|^2 and dA/dw
  double dA_de;   // dA/d eps_x
  double ddA_de;  // d/d eps_x of dA/dw
  double gl, gg;  // g<, g>
  double dgl, dgg;
};

Point point(const Device& dev, double eps_x, double w) {
  Point p{};
  p.L = lead_at(dev.left, w);
  p.R = lead_at(dev.right, w);
  const cplx sigma = p.L.sigma + p.R.sigma;
  const cplx dsigma = p.L.dsigma + p.R.dsigma;
  p.G = reciprocal(w - eps_x - sigma);
  p.A = std::norm(p.G);
  const cplx g1 = p.G * (1.0 - dsigma);
  p.dA = -2.0 * p.A * g1.real();
  p.dA_de = 2.0 * p.A * p.G.real();
  p.ddA_de = -2.0 * p.dA_de * g1.real() - 2.0 * p.A * (p.G * g1).real();
  p.gl = p.L.kappa * p.L.f + p.R.kappa * p.R.f;
  p.gg = p.L.kappa * p.L.h + p.R.kappa * p.R.h;
  p.dgl = p.L.dkappa * p.L.f + p.L.kappa * p.L.df + p.R.dkappa * p.R.f + p.R.kappa * p.R.df;
  p.dgg = p.L.dkappa * p.L.h - p.L.kappa * p.L.df + p.R.dkappa * p.R.h - p.R.kappa * p.R.df;
  return p;
}

// Frequencies where integrands have structure: Fermi steps (with their
// widths), band centres, and the shifted level with the level width.
std::vector<double> breakpoints(const Device& dev, double eps_x) {
  std::vector<double> b;
  for (const Lead* lead : {&dev.left, &dev.right}) {
    b.push_back(lead->mu);
    for (double k : {4.0, 16.0}) {
      b.push_back(lead->mu - k / lead->beta);
      b.push_back(lead->mu + k / lead->beta);
    }
    if (lead->type == LeadType::lorentzian) {
      b.push_back(lead->center - lead->width);
      b.push_back(lead->center);
      b.push_back(lead->center + lead->width);
    }
  }
  b.push_back(eps_x);
  // Resonances of A: real roots of w - eps_x - Re Sigma(w), which lie within
  // |Re Sigma| <= sum Gamma / 4 of eps_x. Far from the band centres they are
  // much narrower than Gamma (width kappa(w*) / 2 / |1 - Re Sigma'(w*)|), so
  // each gets breakpoints on its own width.
  auto f = [&](double w) { return w - eps_x - (lead_at(dev.left, w).sigma + lead_at(dev.right, w).sigma).real(); };
  const double reach = 0.25 * (dev.left.Gamma + dev.right.Gamma) + 1e-9 * (1 + std::abs(eps_x));
  const int scan = 64;
  double w_prev = eps_x - reach, f_prev = f(w_prev);
  for (int i = 1; i <= scan; ++i) {
    const double w = eps_x - reach + 2 * reach * i / scan, fw = f(w);
    if ((f_prev <= 0) != (fw <= 0)) {
      double lo = w_prev, hi = w, flo = f_prev;
      for (int it = 0; it < 60; ++it) {
        const double mid = 0.5 * (lo + hi), fm = f(mid);
        if ((fm <= 0) == (flo <= 0)) {
          lo = mid;
          flo = fm;
        } else {
          hi = mid;
        }
      }
      const double root = 0.5 * (lo + hi);
      const LeadAt L = lead_at(dev.left, root), R = lead_at(dev.right, root);
      const double slope = std::abs(1.0 - (L.dsigma + R.dsigma).real());
      const double width = 0.5 * (L.kappa + R.kappa) / std::max(slope, 1e-3);
      // Geometric breakpoints: each piece is about as long as its distance
      // to the pole at root - i width, so a single Gauss-Kronrod rule on it
      // converges fast.
      b.push_back(root);
      for (double k = 0.5; k <= 128.0; k *= 2) {
        b.push_back(root - k * width);
        b.push_back(root + k * width);
      }
    }
    w_prev = w;
    f_prev = fw;
  }
  std::sort(b.begin(), b.end());
  // Merge points closer than a small fraction of the smallest structure.
  const double scale = std::max({1.0, std::abs(b.front()), std::abs(b.back())});
  std::vector<double> out;
  for (double x : b)
    if (out.empty() || x - out.back() > 1e-9 * scale) out.push_back(x);
  return out;
}

// Integral over the real line of f, split at the breakpoints: a globally
// adaptive bisection (QUADPACK-style: always refine the piece with the
// largest error) around Boost's 31-point Gauss-Kronrod rule. The two outer
// pieces are mapped to finite intervals, w = a + t/(1-t). The tolerance is
// referred to the L1 norm of the whole integrand; a piece whose error stops
// shrinking when split has reached rounding and is not refined further.
template <class Fn>
double integrate_line(Fn&& f, const std::vector<double>& bp, const QuadratureOptions& opt) {
  using GK = boost::math::quadrature::gauss_kronrod<double, 31>;
  const double left = bp.front(), right = bp.back();
  // Piece k of the mapped problem: kind 0 finite, 1 right tail, 2 left tail.
  struct Piece {
    double a, b, value, error, l1;
    int kind;
    int stalls;  // consecutive splits of its ancestors that did not reduce the error
  };
  auto mapped = [&](int kind) {
    return [&f, kind, left, right](double t) {
      if (kind == 0) return f(t);
      const double u = 1.0 - t;
      const double w = kind == 1 ? right + t / u : left - t / u;
      return f(w) / (u * u);
    };
  };
  auto rule = [&](double a, double b, int kind) {
    Piece p{a, b, 0, 0, 0, kind, 0};
    if (kind == 0)
      p.value = GK::integrate(mapped(0), a, b, 0, 0.0, &p.error, &p.l1);
    else if (kind == 1)
      p.value = GK::integrate(mapped(1), a, b, 0, 0.0, &p.error, &p.l1);
    else
      p.value = GK::integrate(mapped(2), a, b, 0, 0.0, &p.error, &p.l1);
    // Boost 1.74 reports the error of the rule on [-1, 1] without the
    // interval's half-width (the value and L1 norm are scaled): scale it.
    p.error *= 0.5 * (b - a);
    return p;
  };
  auto worse = [](const Piece& x, const Piece& y) { return x.error < y.error; };
  std::vector<Piece> heap;
  heap.push_back(rule(0.0, 1.0, 2));
  for (std::size_t i = 0; i + 1 < bp.size(); ++i) heap.push_back(rule(bp[i], bp[i + 1], 0));
  heap.push_back(rule(0.0, 1.0, 1));
  double l1_total = 0.0;
  for (const auto& p : heap) l1_total += p.l1;
  if (l1_total == 0.0) return 0.0;
  const double abs_tol = opt.tolerance * l1_total;
  std::make_heap(heap.begin(), heap.end(), worse);
  std::vector<Piece> settled;
  auto open_error = [&] {
    double e = 0;
    for (const auto& p : heap) e += p.error;
    return e;
  };
  const std::size_t max_pieces = std::size_t{64} << std::min(opt.max_depth, 10u);
  double err = open_error();
  while (err > abs_tol && !heap.empty() && heap.size() + settled.size() < max_pieces) {
    std::pop_heap(heap.begin(), heap.end(), worse);
    const Piece p = heap.back();
    heap.pop_back();
    const double mid = 0.5 * (p.a + p.b);
    Piece l = rule(p.a, mid, p.kind), r = rule(mid, p.b, p.kind);
    // A piece has reached its noise floor when splitting does not reduce an
    // error already at rounding level, when three successive splits have
    // not reduced the error (the estimate is rounding noise; a jump or kink
    // would halve it at each split), or when it is too narrow for its nodes
    // to be distinct doubles.
    const double centre = 0.5 * (p.a + p.b);
    const double ratio = (l.error + r.error) / p.error;
    l.stalls = r.stalls = ratio > 0.9 ? p.stalls + 1 : 0;
    if ((ratio > 0.5 && p.error <= 1e-12 * p.l1) || l.stalls >= 3 ||
        p.b - p.a < 1e-11 * std::max(1.0, std::abs(centre))) {
      settled.push_back(p);
    } else {
      heap.push_back(l);
      std::push_heap(heap.begin(), heap.end(), worse);
      heap.push_back(r);
      std::push_heap(heap.begin(), heap.end(), worse);
    }
    err = open_error();
  }
  double total = 0.0;
  for (const auto& p : heap) total += p.value;
  for (const auto& p : settled) total += p.value;
  return total;
}

}  // namespace

const char* to_string(LeadType type) { return type == LeadType::lorentzian ? "lorentzian" : "wideband"; }

ElectronicModel::ElectronicModel(const Device& device, QuadratureOptions options) : device_(device), options_(options) {
  validate(device_);
  F_ = device_.oscillator.F();
  // N0 = <c^dag c> at F = 0: the level sits at eps for every x.
  const double eps = device_.dot.eps;
  N0_ = integrate_line(
            [&](double w) {
              auto p = point(device_, eps, w);
              return p.A * p.gl;
            },
            breakpoints(device_, eps), options_) *
        inv_two_pi;
}

std::complex<double> ElectronicModel::green(double w, double x) const { return point(device_, level(x), w).G; }

double ElectronicModel::kappa(int lead, double w) const {
  return lead_at(lead == 0 ? device_.left : device_.right, w).kappa;
}

double ElectronicModel::occupation(double x) const {
  const double e = level(x);
  return inv_two_pi * integrate_line(
                          [&](double w) {
                            auto p = point(device_, e, w);
                            return p.A * p.gl;
                          },
                          breakpoints(device_, e), options_);
}

double ElectronicModel::diffusion(double x) const {
  const double e = level(x);
  return F_ * F_ * inv_two_pi *
         integrate_line(
             [&](double w) {
               auto p = point(device_, e, w);
               return p.A * p.A * p.gl * p.gg;
             },
             breakpoints(device_, e), options_);
}

double ElectronicModel::damping(double x) const {
  const double e = level(x);
  const double s = integrate_line(
      [&](double w) {
        auto p = point(device_, e, w);
        return p.A * p.gl * (p.dA * p.gg + p.A * p.dgg);
      },
      breakpoints(device_, e), options_);
  return F_ * F_ * inv_two_pi * s / device_.oscillator.mass;
}

double ElectronicModel::damping_by_parts(double x) const {
  const double e = level(x);
  const double s = integrate_line(
      [&](double w) {
        auto p = point(device_, e, w);
        return -(p.L.kappa + p.R.kappa) * p.A * (p.dA * p.gl + p.A * p.dgl);
      },
      breakpoints(device_, e), options_);
  return F_ * F_ * inv_two_pi * s / device_.oscillator.mass;
}

double ElectronicModel::current(double x) const {
  const double e = level(x);
  return inv_two_pi * integrate_line(
                          [&](double w) {
                            auto p = point(device_, e, w);
                            // f_L - f_R written without cancellation: f_L h_R - h_L f_R.
                            return p.L.kappa * p.R.kappa * p.A * (p.L.f * p.R.h - p.L.h * p.R.f);
                          },
                          breakpoints(device_, e), options_);
}

double ElectronicModel::noise_spectrum(double x, double W) const {
  const double e = level(x);
  auto bp = breakpoints(device_, e);
  const std::size_t n = bp.size();
  for (std::size_t i = 0; i < n; ++i) bp.push_back(bp[i] - W);
  std::sort(bp.begin(), bp.end());
  bp.erase(std::unique(bp.begin(), bp.end()), bp.end());
  return F_ * F_ * inv_two_pi *
         integrate_line(
             [&](double w) {
               auto p = point(device_, e, w);
               auto q = point(device_, e, w + W);
               return p.A * p.gl * q.A * q.gg;
             },
             bp, options_);
}

double ElectronicModel::sum_rule(double x) const {
  const double e = level(x);
  return inv_two_pi * integrate_line(
                          [&](double w) {
                            auto p = point(device_, e, w);
                            return (p.L.kappa + p.R.kappa) * p.A;
                          },
                          breakpoints(device_, e), options_);
}

Coefficients ElectronicModel::coefficients(double x) const {
  Coefficients c;
  c.x = x;
  c.n = excess_charge(x);
  c.D = diffusion(x);
  c.gamma = damping(x);
  c.current = current(x);
  return c;
}

CoefficientSlopes ElectronicModel::slopes(double x) const {
  // d/dx = -F d/d(eps_x); dA/d eps = 2 A Re G.
  const double e = level(x);
  const auto bp = breakpoints(device_, e);
  CoefficientSlopes s;
  s.dn = -F_ * inv_two_pi *
         integrate_line(
             [&](double w) {
               auto p = point(device_, e, w);
               return p.dA_de * p.gl;
             },
             bp, options_);
  s.dD = -F_ * F_ * F_ * inv_two_pi *
         integrate_line(
             [&](double w) {
               auto p = point(device_, e, w);
               return 2.0 * p.A * p.dA_de * p.gl * p.gg;
             },
             bp, options_);
  s.dgamma =
      -F_ * F_ * F_ * inv_two_pi / device_.oscillator.mass *
      integrate_line(
          [&](double w) {
            auto p = point(device_, e, w);
            return p.dA_de * p.gl * (p.dA * p.gg + p.A * p.dgg) + p.A * p.gl * (p.ddA_de * p.gg + p.dA_de * p.dgg);
          },
          bp, options_);
  s.dcurrent = -F_ * inv_two_pi *
               integrate_line(
                   [&](double w) {
                     auto p = point(device_, e, w);
                     return p.L.kappa * p.R.kappa * p.dA_de * (p.L.f * p.R.h - p.L.h * p.R.f);
                   },
                   bp, options_);
  return s;
}

}  // namespace ergon
