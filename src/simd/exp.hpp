// Vectorised exp over arrays (xsimd), compiled once per instruction set and
// chosen at run time like the engine's kernels. Used by the electronic
// integrands, where glibc's scalar exp was a fifth of a table's cost.
#pragma once

#include <cstddef>

namespace ergon::simd {

// x[i] = exp(x[i]) for i < n. Within 2 ulp of std::exp for finite x
// (tests/test_electronic.cpp), 0 below the underflow threshold.
void exp_inplace(double* x, std::size_t n);

// The kernels (exp_*.cpp); exp_inplace dispatches among them.
void exp_avx512(double* x, std::size_t n);
void exp_avx2(double* x, std::size_t n);
void exp_sse2(double* x, std::size_t n);

}  // namespace ergon::simd
