// exp_inplace's avx512 kernel (flags set in src/CMakeLists.txt).
#include "exp_kernel.hpp"

namespace ergon::simd {
void exp_avx512(double* x, std::size_t n) { exp_array<xsimd::avx512f>(x, n); }
}  // namespace ergon::simd
