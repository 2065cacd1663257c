// Run-time choice of exp_inplace's kernel.
#include "exp.hpp"

namespace ergon::simd {
namespace {

using Kernel = void (*)(double*, std::size_t);

Kernel pick() {
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) return exp_avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return exp_avx2;
  return exp_sse2;
}

}  // namespace

void exp_inplace(double* x, std::size_t n) {
  static const Kernel kernel = pick();
  kernel(x, n);
}

}  // namespace ergon::simd
