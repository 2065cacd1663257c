// Stage 2: electronic steady state (docs/model.md, section "Electronic steady state").
#include "ergon/electronic.hpp"

#include <algorithm>
#include <array>
#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <vector>

#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "simd/exp.hpp"

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

// Fermi function f and its complement h = 1 - f from one exponential, both
// without cancellation.
struct Occupations {
  double f, h;
};
Occupations fermi(double beta, double mu, double w) {
  const double t = beta * (w - mu);
  const double e = std::exp(-std::abs(t));  // in (0, 1]
  const double small = e / (1.0 + e), large = 1.0 / (1.0 + e);
  return t > 0 ? Occupations{small, large} : Occupations{large, small};
}

// Self-energy of lead a at w (no Fermi function): what breakpoints() needs.
cplx self_energy(const Lead& lead, double w) {
  if (lead.type != LeadType::lorentzian) return {0.0, -0.5 * lead.Gamma};
  const double d = lead.width;
  return 0.5 * lead.Gamma * d * reciprocal(cplx(w - lead.center, d));
}

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
  const Occupations o = fermi(lead.beta, lead.mu, w);
  r.f = o.f;
  r.h = o.h;
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
  auto f = [&](double w) { return w - eps_x - (self_energy(dev.left, w) + self_energy(dev.right, w)).real(); };
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
      // Geometric breakpoints (ratio 4): each piece is a few times as long
      // as its distance to the pole at root - i width, where the 31-point
      // Gauss-Kronrod rule converges without further splitting.
      b.push_back(root);
      for (double k = 0.5; k <= 128.0; k *= 4) {
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

// The 31-point Gauss-Kronrod rule on [-1, 1] with its embedded 15-point
// Gauss rule, expanded from Boost.Math's tables of the non-negative nodes.
// 31 nodes: on the breakpoints' pieces fewer nodes need more splitting and
// more cost the same per piece (measured with 15, 21 and 41).
constexpr unsigned kKronrod = 31;
// Nodes per application padded to a multiple of the widest vector; the pad
// sits at the centre with zero weights.
constexpr unsigned kLanes = (kKronrod + 7) / 8 * 8;
struct KronrodRule {
  std::array<double, kLanes> x{}, kronrod{}, gauss{};
};
const KronrodRule& kronrod_rule() {
  static const KronrodRule rule = [] {
    using GK = boost::math::quadrature::gauss_kronrod<double, kKronrod>;
    using G = boost::math::quadrature::gauss<double, (kKronrod - 1) / 2>;
    KronrodRule r;
    const auto& xs = GK::abscissa();
    const auto& wk = GK::weights();
    const auto& wg = G::weights();
    // Boost orders the nodes from 0 outwards; the Gauss nodes are those of
    // even index (including 0) when the Gauss order is odd, odd index otherwise.
    constexpr std::size_t gauss_parity = ((kKronrod - 1) / 2) % 2 == 1 ? 0 : 1;
    std::size_t k = 0;
    for (std::size_t i = 0; i < xs.size(); ++i)
      for (double sign : {1.0, -1.0}) {
        if (i == 0 && sign < 0) continue;
        r.x[k] = sign * xs[i];
        r.kronrod[k] = wk[i];
        r.gauss[k] = i % 2 == gauss_parity ? wg[i / 2] : 0.0;
        ++k;
      }
    return r;
  }();
  return rule;
}

// Frequencies and values of one rule application: f(w, values) fills
// values[i][k] with component k at w[i] (node-major, so that the rule's sums
// run over the components as one vector).
using Nodes = std::array<double, kLanes>;
template <std::size_t K>
using NodeValues = std::array<std::array<double, K>, kLanes>;  // [node][component]

// Kronrod and Gauss sums and the L1 norm of each component over the nodes
// (node-major: the K sums advance together, one vector lane per component).
template <std::size_t K>
__attribute__((always_inline)) inline void rule_sums_of(const KronrodRule& rule, const NodeValues<K>& v,
                                                        const Nodes& jac, std::array<double, K>& value,
                                                        std::array<double, K>& gauss, std::array<double, K>& l1) {
  // Local accumulators: the outputs might alias the inputs as far as the
  // compiler knows, which would force a store and reload per node.
  std::array<double, K> a{}, b{}, c{};
  for (unsigned i = 0; i < kLanes; ++i)
    for (std::size_t k = 0; k < K; ++k) {
      const double y = v[i][k] * jac[i];
      a[k] += rule.kronrod[i] * y;
      b[k] += rule.gauss[i] * y;
      c[k] += rule.kronrod[i] * std::abs(y);
    }
  value = a;
  gauss = b;
  l1 = c;
}
template <std::size_t K>
void rule_sums(const KronrodRule& rule, const NodeValues<K>& v, const Nodes& jac, std::array<double, K>& value,
               std::array<double, K>& gauss, std::array<double, K>& l1) {
  rule_sums_of<K>(rule, v, jac, value, gauss, l1);
}
// The table's sixteen components as vectors of V (GCC/Clang vector
// extension: left to itself the compiler vectorises over the nodes and then
// has to add in order): two of eight doubles on AVX-512, four of four on
// AVX2 and eight of two on the baseline. The width must match the
// instruction set: GCC splits a 64-byte vector on AVX2 so badly that this
// loop ran 20 times slower (3.3 us instead of 0.16 us per call). Each
// component's sum runs over the nodes in the same order on every width.
template <class V>
__attribute__((always_inline)) inline void rule_sums_as(const KronrodRule& rule, const NodeValues<16>& v,
                                                        const Nodes& jac, std::array<double, 16>& value,
                                                        std::array<double, 16>& gauss, std::array<double, 16>& l1) {
  constexpr int W = sizeof(V) / sizeof(double), H = 16 / W;
  V a[H]{}, b[H]{}, c[H]{};
  for (unsigned i = 0; i < kLanes; ++i)
    for (int h = 0; h < H; ++h) {
      V y;
      std::memcpy(&y, v[i].data() + W * h, sizeof y);
      y *= jac[i];
      a[h] += rule.kronrod[i] * y;
      b[h] += rule.gauss[i] * y;
      c[h] += rule.kronrod[i] * (y < 0 ? -y : y);
    }
  for (int h = 0; h < H; ++h) {
    std::memcpy(value.data() + W * h, &a[h], sizeof a[h]);
    std::memcpy(gauss.data() + W * h, &b[h], sizeof b[h]);
    std::memcpy(l1.data() + W * h, &c[h], sizeof c[h]);
  }
}
using RuleSums16 = void (*)(const KronrodRule&, const NodeValues<16>&, const Nodes&, std::array<double, 16>&,
                            std::array<double, 16>&, std::array<double, 16>&);
__attribute__((target("avx512f"))) void rule_sums_avx512(const KronrodRule& rule, const NodeValues<16>& v,
                                                         const Nodes& jac, std::array<double, 16>& value,
                                                         std::array<double, 16>& gauss, std::array<double, 16>& l1) {
  rule_sums_as<double __attribute__((vector_size(64)))>(rule, v, jac, value, gauss, l1);
}
__attribute__((target("avx2,fma"))) void rule_sums_avx2(const KronrodRule& rule, const NodeValues<16>& v,
                                                        const Nodes& jac, std::array<double, 16>& value,
                                                        std::array<double, 16>& gauss, std::array<double, 16>& l1) {
  rule_sums_as<double __attribute__((vector_size(32)))>(rule, v, jac, value, gauss, l1);
}
void rule_sums_baseline(const KronrodRule& rule, const NodeValues<16>& v, const Nodes& jac,
                        std::array<double, 16>& value, std::array<double, 16>& gauss, std::array<double, 16>& l1) {
  rule_sums_as<double __attribute__((vector_size(16)))>(rule, v, jac, value, gauss, l1);
}
void rule_sums(const KronrodRule& rule, const NodeValues<16>& v, const Nodes& jac, std::array<double, 16>& value,
               std::array<double, 16>& gauss, std::array<double, 16>& l1) {
  static const RuleSums16 kernel = __builtin_cpu_supports("avx512f") ? rule_sums_avx512
                                   : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
                                       ? rule_sums_avx2
                                       : rule_sums_baseline;
  kernel(rule, v, jac, value, gauss, l1);
}

// Integrals over the real line of the K components of f, split at the
// breakpoints: a globally adaptive bisection (QUADPACK-style: always refine
// the piece with the largest error) with the 31-point Gauss-Kronrod rule,
// sharing every evaluation of f among the components. The two outer pieces
// are mapped to finite intervals, w = a + t/(1-t). Each component's
// tolerance is referred to its own L1 norm over the line; the piece refined
// next is the one whose worst component error, in units of that component's
// tolerance, is largest. A piece whose error stops shrinking when split has
// reached rounding and is not refined further.
template <std::size_t K, class Fn>
std::array<double, K> integrate_line(Fn&& f, const std::vector<double>& bp, const QuadratureOptions& opt) {
  using Vec = std::array<double, K>;
  const KronrodRule& rule = kronrod_rule();
  const double left = bp.front(), right = bp.back();
  // Piece of the mapped problem: kind 0 finite, 1 right tail, 2 left tail.
  // Pieces live in one vector (a split piece is marked replaced); the heap
  // holds (priority, index) pairs, and the error of the pieces still open is
  // kept as a running sum, so a step costs two rule applications and no
  // copying of pieces.
  struct Piece {
    double a, b;
    Vec value, error, l1;
    int kind;
    int stalls;     // consecutive splits of its ancestors that did not reduce the error
    bool replaced;  // split into two newer pieces
  };
  Nodes w{}, jac{};
  NodeValues<K> v{};
  auto apply = [&](double a, double b, int kind) {
    Piece p{a, b, {}, {}, {}, kind, 0, false};
    const double c = 0.5 * (a + b), half = 0.5 * (b - a);
    for (unsigned i = 0; i < kLanes; ++i) {
      const double t = c + half * rule.x[i];
      jac[i] = 1.0;
      w[i] = t;
      if (kind != 0) {
        const double u = 1.0 - t;
        w[i] = kind == 1 ? right + t / u : left - t / u;
        jac[i] = 1.0 / (u * u);
      }
    }
    f(w, v);
    Vec value{}, gauss{}, l1{};
    rule_sums(rule, v, jac, value, gauss, l1);
    for (std::size_t k = 0; k < K; ++k) {
      p.value[k] = half * value[k];
      p.l1[k] = half * l1[k];
      p.error[k] = std::max(std::abs(p.value[k] - half * gauss[k]),
                            2 * std::numeric_limits<double>::epsilon() * std::abs(p.value[k]));
    }
    return p;
  };
  std::vector<Piece> pieces;
  pieces.reserve(bp.size() + 32);
  pieces.push_back(apply(0.0, 1.0, 2));
  for (std::size_t i = 0; i + 1 < bp.size(); ++i) pieces.push_back(apply(bp[i], bp[i + 1], 0));
  pieces.push_back(apply(0.0, 1.0, 1));
  Vec abs_tol{}, open_error{};
  for (const auto& p : pieces)
    for (std::size_t k = 0; k < K; ++k) {
      abs_tol[k] += p.l1[k];
      open_error[k] += p.error[k];
    }
  for (auto& t : abs_tol) t = t > 0 ? opt.tolerance * t : std::numeric_limits<double>::min();
  auto priority = [&](const Piece& p) {
    double r = 0;
    for (std::size_t k = 0; k < K; ++k) r = std::max(r, p.error[k] / abs_tol[k]);
    return r;
  };
  std::vector<std::pair<double, std::size_t>> heap;
  for (std::size_t i = 0; i < pieces.size(); ++i) heap.emplace_back(priority(pieces[i]), i);
  std::make_heap(heap.begin(), heap.end());
  std::size_t settled = 0;
  auto converged = [&] {
    for (std::size_t k = 0; k < K; ++k)
      if (open_error[k] > abs_tol[k]) return false;
    return true;
  };
  auto add_error = [&](const Vec& e, double sign) {
    for (std::size_t k = 0; k < K; ++k) open_error[k] = std::max(open_error[k] + sign * e[k], 0.0);
  };
  const std::size_t max_pieces = std::size_t{64} << std::min(opt.max_depth, 10u);
  while (!heap.empty() && heap.size() + settled < max_pieces && !converged()) {
    std::pop_heap(heap.begin(), heap.end());
    const std::size_t index = heap.back().second;
    heap.pop_back();
    const double a = pieces[index].a, b = pieces[index].b, mid = 0.5 * (a + b);
    const int kind = pieces[index].kind;
    Piece l = apply(a, mid, kind), r = apply(mid, b, kind);
    const Piece& p = pieces[index];
    // A piece has reached its noise floor when splitting does not reduce an
    // error already at rounding level in every component, when three
    // successive splits have not reduced the worst error (the estimate is
    // rounding noise; a jump or kink would halve it at each split), or when
    // it is too narrow for its nodes to be distinct doubles.
    double ratio = 0;
    bool at_rounding = true;
    for (std::size_t k = 0; k < K; ++k) {
      if (p.error[k] > 0) ratio = std::max(ratio, (l.error[k] + r.error[k]) / p.error[k]);
      at_rounding = at_rounding && p.error[k] <= 1e-12 * p.l1[k];
    }
    l.stalls = r.stalls = ratio > 0.9 ? p.stalls + 1 : 0;
    add_error(p.error, -1.0);
    if ((ratio > 0.5 && at_rounding) || l.stalls >= 3 || b - a < 1e-11 * std::max(1.0, std::abs(mid))) {
      ++settled;  // kept, no longer refined
    } else {
      pieces[index].replaced = true;
      add_error(l.error, 1.0);
      add_error(r.error, 1.0);
      for (Piece* c : {&l, &r}) {
        heap.emplace_back(priority(*c), pieces.size());
        std::push_heap(heap.begin(), heap.end());
        pieces.push_back(*c);
      }
    }
  }
  Vec total{};
  for (const auto& p : pieces)
    if (!p.replaced)
      for (std::size_t k = 0; k < K; ++k) total[k] += p.value[k];
  return total;
}

// A single integrand, evaluated point by point.
template <class Fn>
double integrate_line(Fn&& f, const std::vector<double>& bp, const QuadratureOptions& opt) {
  return integrate_line<1>(
      [&f](const Nodes& w, NodeValues<1>& out) {
        for (unsigned i = 0; i < kLanes; ++i) out[i][0] = f(w[i]);
      },
      bp, opt)[0];
}

// Lead a at the nodes of one rule application, as arrays (structure of
// arrays, so the loops vectorise): kappa, dkappa/dw, Sigma, dSigma/dw, and
// the Fermi factors f, h = 1 - f, df/dw. One division per node for a
// Lorentzian band (kappa and Sigma share the denominator), one exponential
// for the Fermi factors.
struct LeadNodes {
  Nodes kappa, dkappa, sigma_re, sigma_im, dsigma_re, dsigma_im, f, h, df;
};

// Lead a's band at the nodes: kappa, dkappa/dw, Sigma, dSigma/dw.
__attribute__((always_inline)) inline void band_nodes(const Lead& lead, const Nodes& w, LeadNodes& r) {
  if (lead.type == LeadType::lorentzian) {
    const double d = lead.width, c = lead.center, g = lead.Gamma * d * d, s = 0.5 * lead.Gamma * d;
    for (unsigned i = 0; i < kLanes; ++i) {
      const double u = w[i] - c, inv = 1.0 / (u * u + d * d);
      r.kappa[i] = g * inv;
      r.dkappa[i] = -2.0 * u * r.kappa[i] * inv;
      // Sigma = s / (u + i d) = s (u - i d) inv; dSigma/dw = -s / (u + i d)^2.
      r.sigma_re[i] = s * u * inv;
      r.sigma_im[i] = -s * d * inv;
      const double inv2 = inv * inv;
      r.dsigma_re[i] = -s * (u * u - d * d) * inv2;
      r.dsigma_im[i] = 2.0 * s * u * d * inv2;
    }
  } else {
    for (unsigned i = 0; i < kLanes; ++i) {
      r.kappa[i] = lead.Gamma;
      r.dkappa[i] = 0.0;
      r.sigma_re[i] = 0.0;
      r.sigma_im[i] = -0.5 * lead.Gamma;
      r.dsigma_re[i] = 0.0;
      r.dsigma_im[i] = 0.0;
    }
  }
}

// Fermi factors f, h = 1 - f and df/dw from e = exp(-|beta (w - mu)|).
__attribute__((always_inline)) inline void occupation_nodes(const Lead& lead, const Nodes& w, const Nodes& e,
                                                            LeadNodes& r) {
  for (unsigned i = 0; i < kLanes; ++i) {
    const double large = 1.0 / (1.0 + e[i]), small = e[i] * large;
    const bool above = w[i] > lead.mu;
    r.f[i] = above ? small : large;
    r.h[i] = above ? large : small;
    r.df[i] = -lead.beta * r.f[i] * r.h[i];
  }
}

// Both leads at the nodes. With a common temperature one exponential per
// node serves both Fermi functions: |t_R| = |t_L| -+ Delta (t = beta (w - mu),
// Delta = beta |mu_L - mu_R|), so exp(-|t_R|) is exp(-|t_L|) times exp(+-Delta)
// when w lies outside the bias window and exp(-Delta) / exp(-|t_L|) inside it.
__attribute__((always_inline)) inline void lead_nodes(const Device& device, const Nodes& w, LeadNodes& L,
                                                      LeadNodes& R) {
  band_nodes(device.left, w, L);
  band_nodes(device.right, w, R);
  Nodes eL, eR;
  const double bL = device.left.beta, bR = device.right.beta, muL = device.left.mu, muR = device.right.mu;
  for (unsigned i = 0; i < kLanes; ++i) eL[i] = -std::abs(bL * (w[i] - muL));
  simd::exp_inplace(eL.data(), kLanes);  // in (0, 1]
  const double delta = bL * std::abs(muL - muR);
  if (bL == bR && delta < 700.0) {
    const double lo = std::min(muL, muR), hi = std::max(muL, muR);
    const double down = std::exp(-delta), up = std::exp(delta);
    // Outside the window |t_R| - |t_L| = +Delta on L's side of R, -Delta beyond.
    const double side = muL < muR ? 1.0 : -1.0;  // +1: the window lies above mu_L
    // Both forms at every node, then a select: branch-free, so it vectorises.
    for (unsigned i = 0; i < kLanes; ++i) {
      const double inside = down / eL[i];
      const double outside = eL[i] * ((w[i] <= lo) == (side > 0) ? down : up);
      eR[i] = (w[i] > lo && w[i] < hi) ? inside : outside;
    }
  } else {
    for (unsigned i = 0; i < kLanes; ++i) eR[i] = -std::abs(bR * (w[i] - muR));
    simd::exp_inplace(eR.data(), kLanes);
  }
  occupation_nodes(device.left, w, eL, L);
  occupation_nodes(device.right, w, eR, R);
}

// The sixteen table integrands at the nodes of one rule application (level
// eps_x = e): <c^dag c>, D, gamma, I and their first, second and third
// eps_x-derivatives, without prefactors. Compiled for AVX-512 and AVX2 as
// well, picked at run time.
constexpr std::size_t kNode = 16;
__attribute__((target_clones("avx512f", "arch=x86-64-v3", "default"))) void node_integrands(const Device& device,
                                                                                            double e, const Nodes& w,
                                                                                            NodeValues<kNode>& out) {
  LeadNodes L, R;
  lead_nodes(device, w, L, R);
  double t[kNode][kLanes];  // component-major for the vectorised loop, transposed at the end
  for (unsigned i = 0; i < kLanes; ++i) {
    // G = 1 / (w - e - Sigma), A = |G|^2, g1 = G (1 - dSigma/dw).
    const double zr = w[i] - e - (L.sigma_re[i] + R.sigma_re[i]), zi = -(L.sigma_im[i] + R.sigma_im[i]);
    const double inv = 1.0 / (zr * zr + zi * zi);
    const double Gr = zr * inv, Gi = -zi * inv;
    const double A = inv;  // |G|^2 = 1 / |z|^2
    const double ur = 1.0 - (L.dsigma_re[i] + R.dsigma_re[i]), ui = -(L.dsigma_im[i] + R.dsigma_im[i]);
    const double g1r = Gr * ur - Gi * ui, g1i = Gr * ui + Gi * ur;
    const double dA = -2.0 * A * g1r;                                     // dA/dw
    const double dA_de = 2.0 * A * Gr;                                    // dA/d eps_x
    const double Gg1r = Gr * g1r - Gi * g1i, Gg1i = Gr * g1i + Gi * g1r;  // G g1
    const double ddA_de = -2.0 * dA_de * g1r - 2.0 * A * Gg1r;            // d/d eps_x of dA/dw
    // Second and third eps_x-derivatives (dG/d eps_x = G^2, so with
    // g_k = Re G^k and q_k = Re(G^(k-1) g1): dg_1 = g_2, dg_2 = 2 g_3,
    // dq_1 = q_2, dq_2 = 2 q_3, dq_3 = 3 q_4).
    const double G2r = Gr * Gr - Gi * Gi, G2i = 2.0 * Gr * Gi;                      // G^2
    const double G3r = Gr * G2r - Gi * G2i;                                         // Re G^3
    const double G2g1r = Gr * Gg1r - Gi * Gg1i, G2g1i = Gr * Gg1i + Gi * Gg1r;      // G^2 g1
    const double G3g1r = Gr * G2g1r - Gi * G2g1i;                                   // Re(G^3 g1)
    const double A_ee = 4.0 * A * Gr * Gr + 2.0 * A * G2r;                          // d^2A/d eps_x^2
    const double A_wee = -2.0 * A_ee * g1r - 4.0 * dA_de * Gg1r - 4.0 * A * G2g1r;  // of dA/dw
    const double A_eee = 2.0 * A_ee * Gr + 4.0 * dA_de * G2r + 4.0 * A * G3r;       // d^3A/d eps_x^3
    const double A_weee = -2.0 * A_eee * g1r - 6.0 * A_ee * Gg1r - 12.0 * dA_de * G2g1r - 12.0 * A * G3g1r;
    const double gl = L.kappa[i] * L.f[i] + R.kappa[i] * R.f[i];
    const double gg = L.kappa[i] * L.h[i] + R.kappa[i] * R.h[i];
    const double dgg = L.dkappa[i] * L.h[i] - L.kappa[i] * L.df[i] + R.dkappa[i] * R.h[i] - R.kappa[i] * R.df[i];
    // f_L - f_R = h_R - h_L, from the pair of small numbers (no cancellation),
    // in one subtraction (exactly zero for equal leads, even where the
    // compiler fuses multiply-adds).
    const double bias = L.f[i] + R.f[i] < 1.0 ? L.f[i] - R.f[i] : R.h[i] - L.h[i];
    const double kk = L.kappa[i] * R.kappa[i];
    const double force = dA * gg + A * dgg;  // d/dw [A g>]
    t[0][i] = A * gl;
    t[1][i] = A * A * gl * gg;
    t[2][i] = A * gl * force;
    t[3][i] = kk * A * bias;
    t[4][i] = dA_de * gl;
    t[5][i] = 2.0 * A * dA_de * gl * gg;
    t[6][i] = dA_de * gl * force + A * gl * (ddA_de * gg + dA_de * dgg);
    t[7][i] = kk * dA_de * bias;
    t[8][i] = A_ee * gl;
    t[9][i] = 2.0 * (dA_de * dA_de + A * A_ee) * gl * gg;
    t[10][i] = gl * gg * (A_ee * dA + 2.0 * dA_de * ddA_de + A * A_wee) + gl * dgg * 2.0 * (dA_de * dA_de + A * A_ee);
    t[11][i] = kk * A_ee * bias;
    t[12][i] = A_eee * gl;
    t[13][i] = 2.0 * (A * A_eee + 3.0 * dA_de * A_ee) * gl * gg;
    t[14][i] = gl * gg * (A_eee * dA + 3.0 * A_ee * ddA_de + 3.0 * dA_de * A_wee + A * A_weee) +
               gl * dgg * 2.0 * (A * A_eee + 3.0 * dA_de * A_ee);
    t[15][i] = kk * A_eee * bias;
  }
  for (unsigned i = 0; i < kLanes; ++i)
    for (unsigned k = 0; k < kNode; ++k) out[i][k] = t[k][i];
}

// The sixteen integrals behind a table node at level eps_x = e, from one
// adaptive pass.
std::array<double, kNode> node_integrals(const Device& device, double e, const QuadratureOptions& options) {
  return integrate_line<kNode>([&](const Nodes& w, NodeValues<kNode>& out) { node_integrands(device, e, w, out); },
                               breakpoints(device, e), options);
}

}  // namespace

const char* to_string(LeadType type) { return type == LeadType::lorentzian ? "lorentzian" : "wideband"; }

ElectronicModel::ElectronicModel(const Device& device, QuadratureOptions options) : device_(device), options_(options) {
  validate(device_);
  F_ = device_.oscillator.F();
  // N0 = <c^dag c> at F = 0: the level sits at eps for every x. Computed by
  // the same pass as the table nodes, so that node(0).n is exactly zero and
  // x = 0 is exactly a stationary point of the mean-force potential.
  N0_ = inv_two_pi * node_integrals(device_, device_.dot.eps, options_)[0];
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

CoefficientNode ElectronicModel::node(double x) const {
  const std::array<double, kNode> integrals = node_integrals(device_, level(x), options_);
  const double m = device_.oscillator.mass, F2 = F_ * F_;
  CoefficientNode r;
  Coefficients& c = r.values;
  c.x = x;
  c.n = inv_two_pi * integrals[0] - N0_;
  c.D = F2 * inv_two_pi * integrals[1];
  c.gamma = F2 * inv_two_pi * integrals[2] / m;
  c.current = inv_two_pi * integrals[3];
  // d/dx = -F d/d(eps_x).
  CoefficientSlopes& s = r.slopes;
  s.dn = -F_ * inv_two_pi * integrals[4];
  s.dD = -F_ * F2 * inv_two_pi * integrals[5];
  s.dgamma = -F_ * F2 * inv_two_pi / m * integrals[6];
  s.dcurrent = -F_ * inv_two_pi * integrals[7];
  CoefficientCurvatures& k = r.curvatures;
  k.d2n = F2 * inv_two_pi * integrals[8];
  k.d2D = F2 * F2 * inv_two_pi * integrals[9];
  k.d2gamma = F2 * F2 * inv_two_pi / m * integrals[10];
  k.d2current = F2 * inv_two_pi * integrals[11];
  CoefficientThirds& t = r.thirds;
  const double F3 = -F_ * F2;
  t.d3n = F3 * inv_two_pi * integrals[12];
  t.d3D = F3 * F2 * inv_two_pi * integrals[13];
  t.d3gamma = F3 * F2 * inv_two_pi / m * integrals[14];
  t.d3current = F3 * inv_two_pi * integrals[15];
  return r;
}

}  // namespace ergon
