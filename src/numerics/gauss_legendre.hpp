// Shared numerics: N-point Gauss-Legendre rules on [0, 1], nodes ascending,
// expanded from Boost.Math's tables (boost::math::quadrature::gauss).
#pragma once

#include <array>
#include <boost/math/quadrature/gauss.hpp>
#include <cstddef>

namespace ergon::numerics {

template <unsigned N>
struct UnitRule {
  std::array<double, N> x{};  // nodes in (0, 1), ascending
  std::array<double, N> w{};  // weights, summing to 1
};

template <unsigned N>
const UnitRule<N>& unit_gauss_legendre() {
  static const UnitRule<N> rule = [] {
    using G = boost::math::quadrature::gauss<double, N>;
    const auto& a = G::abscissa();  // non-negative nodes on [-1, 1], from 0 outwards
    const auto& w = G::weights();
    UnitRule<N> r;
    // Boost holds (N + 1) / 2 nodes; for odd N the first is 0.
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::size_t hi = N / 2 + i, lo = (N - 1) / 2 - i;  // positions of +a[i] and -a[i]
      r.x[hi] = 0.5 + 0.5 * a[i];
      r.w[hi] = 0.5 * w[i];
      r.x[lo] = 0.5 - 0.5 * a[i];
      r.w[lo] = 0.5 * w[i];
    }
    return r;
  }();
  return rule;
}

}  // namespace ergon::numerics
