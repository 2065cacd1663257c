// Run-time choice of laguerre_sum's kernel (numerics/isa.hpp).
#include "laguerre.hpp"

#include "ergon/isa.hpp"

namespace ergon::simd {

void laguerre_sum(const double* y, const double* weight, std::size_t count, int n_max, double* p) {
  isa::choose(laguerre_sum_sse2, laguerre_sum_avx2, laguerre_sum_avx512)(y, weight, count, n_max, p);
}

}  // namespace ergon::simd
