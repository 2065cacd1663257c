// Run-time choice of laguerre_sum's kernel.
#include "laguerre.hpp"

namespace ergon::simd {
namespace {

LaguerreKernel pick() {
  if (__builtin_cpu_supports("avx512f")) return laguerre_sum_avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return laguerre_sum_avx2;
  return laguerre_sum_sse2;
}

}  // namespace

void laguerre_sum(const double* y, const double* weight, std::size_t count, int n_max, double* p) {
  static const LaguerreKernel kernel = pick();
  kernel(y, weight, count, n_max, p);
}

}  // namespace ergon::simd
