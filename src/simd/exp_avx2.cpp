// exp_inplace's avx2 kernel (flags set in src/CMakeLists.txt).
#include "exp_kernel.hpp"

namespace ergon::simd {
void exp_avx2(double* x, std::size_t n) { exp_array<xsimd::fma3<xsimd::avx2>>(x, n); }
}  // namespace ergon::simd
