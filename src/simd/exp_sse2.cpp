// exp_inplace's sse2 kernel (flags set in src/CMakeLists.txt).
#include "exp_kernel.hpp"

namespace ergon::simd {
void exp_sse2(double* x, std::size_t n) { exp_array<xsimd::sse2>(x, n); }
}  // namespace ergon::simd
