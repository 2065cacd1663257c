// Shared numerics: one-dimensional roots through Boost.Math
// (boost::math::tools::bisect and newton_raphson_iterate).
#pragma once

#include <boost/math/tools/roots.hpp>
#include <cstdint>
#include <stdexcept>
#include <utility>

#include "ergon/errors.hpp"

namespace ergon::numerics {

// The root of f in [lo, hi], where f changes sign, by bisection down to
// adjacent doubles: the midpoint of the final bracket (or an endpoint where
// f is exactly zero).
template <class F>
double bisect_root(F&& f, double lo, double hi) {
  std::uintmax_t iterations = 2100;  // more than any bracket of doubles needs
  const auto bracket = boost::math::tools::bisect(
      std::forward<F>(f), lo, hi, [](double, double) { return false; }, iterations);
  return 0.5 * (bracket.first + bracket.second);
}

// The bracket [lo, hi] of a sign change of f narrowed by bisection until
// hi - lo <= width (f evaluated at the ends first).
template <class F>
std::pair<double, double> bisect_bracket(F&& f, double lo, double hi, double width) {
  std::uintmax_t iterations = 2100;
  return boost::math::tools::bisect(
      std::forward<F>(f), lo, hi, [width](double a, double b) { return b - a <= width; }, iterations);
}

// A root of f by Newton-Raphson from `guess`, kept inside [lo, hi]
// (bisection steps where Newton would leave it); fdf returns (f, df/dx).
// Converges to about 48 bits.
// Throws ergon::Error (not Boost's evaluation error) when Boost finds no
// root in [lo, hi]; callers bracket first where a missing root is possible.
template <class FdF>
double newton_root(FdF&& fdf, double guess, double lo, double hi) {
  std::uintmax_t iterations = 100;
  try {
    return boost::math::tools::newton_raphson_iterate(std::forward<FdF>(fdf), guess, lo, hi, 48, iterations);
  } catch (const std::exception& e) {
    throw messages::not_converged("root finding", e.what());
  }
}

}  // namespace ergon::numerics
