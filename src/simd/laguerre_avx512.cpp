// laguerre_sum's avx512 kernel (flags set in src/CMakeLists.txt).
#include "laguerre.hpp"
#include "laguerre_kernel.hpp"

namespace ergon::simd {
void laguerre_sum_avx512(const double* y, const double* weight, std::size_t count, int n_max, double* p) {
  using V = double __attribute__((vector_size(64)));
  laguerre_sum_kernel<V>(y, weight, count, n_max, p);
}
}  // namespace ergon::simd
