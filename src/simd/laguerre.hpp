// The Fock map's inner sum over quadrature points (or samples) of the
// Laguerre kernels, compiled once per instruction set and chosen at run time
// like exp_inplace (src/fock.cpp uses it).
#pragma once

#include <cstddef>

namespace ergon::simd {

// p[n] += sum_i weight[i] 2 (-1)^n exp(-2 y[i]) L_n(4 y[i]) for n = 0 .. n_max.
// The three kernels add in the same order, so the AVX-512 and AVX2 results
// are bit-identical; the baseline differs in the last bits (no fused
// multiply-add).
void laguerre_sum(const double* y, const double* weight, std::size_t count, int n_max, double* p);

using LaguerreKernel = void (*)(const double*, const double*, std::size_t, int, double*);
void laguerre_sum_avx512(const double* y, const double* weight, std::size_t count, int n_max, double* p);
void laguerre_sum_avx2(const double* y, const double* weight, std::size_t count, int n_max, double* p);
void laguerre_sum_sse2(const double* y, const double* weight, std::size_t count, int n_max, double* p);

}  // namespace ergon::simd
