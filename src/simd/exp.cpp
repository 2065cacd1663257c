// Run-time choice of exp_inplace's kernel (numerics/isa.hpp).
#include "exp.hpp"

#include "ergon/isa.hpp"

namespace ergon::simd {

void exp_inplace(double* x, std::size_t n) { isa::choose(exp_sse2, exp_avx2, exp_avx512)(x, n); }

}  // namespace ergon::simd
