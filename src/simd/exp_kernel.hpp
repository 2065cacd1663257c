// Included by exp_<isa>.cpp, each compiled with the matching -m flags.
#pragma once

#include <cmath>
#include <xsimd/xsimd.hpp>

#include "exp.hpp"

namespace ergon::simd {

template <class Arch>
void exp_array(double* x, std::size_t n) {
  using batch = xsimd::batch<double, Arch>;
  constexpr std::size_t W = batch::size;
  std::size_t i = 0;
  for (; i + W <= n; i += W) xsimd::exp(batch::load_unaligned(x + i)).store_unaligned(x + i);
  for (; i < n; ++i) x[i] = std::exp(x[i]);
}

}  // namespace ergon::simd
