// Shared numerics: adaptive Gauss-Kronrod quadrature over the real line for
// many integrands at once. Every evaluation of the integrand is shared among
// the K components (the resonant level's table node integrates sixteen), the
// rule's sums run over the components as one vector, and the summation order
// is fixed, so results do not depend on the thread count. Tested against
// Boost.Math's adaptive Gauss-Kronrod on scalar integrands
// (tests/test_numerics.cpp).
#pragma once

#include <algorithm>
#include <array>
#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>
#include <vector>

namespace ergon::numerics {

// Relative tolerance per component, referred to the integral of the
// component's absolute value (so a sign-changing integral converges in
// absolute terms), and the refinement depth (at most 64 * 2^min(depth, 10)
// pieces).
struct LineOptions {
  double tolerance = 1e-11;
  unsigned max_depth = 14;
};

// The 31-point Gauss-Kronrod rule on [-1, 1] with its embedded 15-point
// Gauss rule, expanded from Boost.Math's tables of the non-negative nodes.
// 31 nodes: the cheapest order on the breakpoints' pieces (docs/model.md,
// section 7).
constexpr unsigned kKronrod = 31;
// Nodes per application padded to a multiple of the widest vector; the pad
// sits at the centre with zero weights.
constexpr unsigned kLanes = (kKronrod + 7) / 8 * 8;
struct KronrodRule {
  std::array<double, kLanes> x{}, kronrod{}, gauss{};
};
inline const KronrodRule& kronrod_rule() {
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
// The sixteen-component sums, vectorised per instruction set
// (gauss_kronrod.cpp); overload resolution prefers it for K = 16.
void rule_sums(const KronrodRule& rule, const NodeValues<16>& v, const Nodes& jac, std::array<double, 16>& value,
               std::array<double, 16>& gauss, std::array<double, 16>& l1);

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
std::array<double, K> integrate_line(Fn&& f, const std::vector<double>& bp, const LineOptions& opt) {
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
    // The reduction is that of the worst error in units of its component's
    // tolerance: a component whose estimate is rounding noise (it does not
    // shrink when split) must not stop the refinement of one that is still
    // far from converged.
    double worst_parent = 0, worst_children = 0;
    bool at_rounding = true;
    for (std::size_t k = 0; k < K; ++k) {
      worst_parent = std::max(worst_parent, p.error[k] / abs_tol[k]);
      worst_children = std::max(worst_children, (l.error[k] + r.error[k]) / abs_tol[k]);
      at_rounding = at_rounding && p.error[k] <= 1e-12 * p.l1[k];
    }
    const double ratio = worst_parent > 0 ? worst_children / worst_parent : 0.0;
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
double integrate_line(Fn&& f, const std::vector<double>& bp, const LineOptions& opt) {
  return integrate_line<1>(
      [&f](const Nodes& w, NodeValues<1>& out) {
        for (unsigned i = 0; i < kLanes; ++i) out[i][0] = f(w[i]);
      },
      bp, opt)[0];
}

}  // namespace ergon::numerics
