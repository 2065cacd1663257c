// laguerre_sum's kernel for a vector type V of W = sizeof(V) / 8 doubles
// (GCC/Clang vector extension), included by laguerre_{sse2,avx2,avx512}.cpp.
//
// The recurrence in n is sequential, so points are processed in groups of 64
// lanes whose recurrences interleave and hide each other's latency; each lane
// keeps its own binary exponent. Lane l of a group is point start + l; it
// belongs to block b = l / 8 and row position j = l % 8. Per n, the weighted
// terms of the even blocks and of the odd blocks are summed lane-wise in block
// order, the two sums added to the row of eight for that n (no reduction
// across lanes inside the loop), and the eight summed once at the end. That
// order does not depend on W, so every kernel with fused multiply-adds gives
// the same bits. W = 8 on AVX-512 (eight vectors per group), 4 on AVX2
// (sixteen; the width must match the instruction set, since GCC splits a
// wider vector into slow code), 2 on the baseline.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <numbers>
#include <vector>

namespace ergon::simd {

template <class V>
void laguerre_sum_kernel(const double* y, const double* weight, std::size_t count, int n_max, double* p) {
  constexpr int W = sizeof(V) / sizeof(double);  // lanes per vector
  constexpr int L = 64;                          // lanes per group
  constexpr int N = L / W;                       // vectors per group
  constexpr int R = 8 / W;                       // vectors per row of eight
  constexpr double big = 0x1p400, shrink = 0x1p-400;
  const auto rows = static_cast<std::size_t>(n_max) + 1;
  // Rows of eight doubles, loaded and stored unaligned.
  std::vector<double> acc(rows * 8, 0.0);
  auto add_row = [&](std::size_t n, int q, const V& v) {
    V r;
    std::memcpy(&r, acc.data() + n * 8 + static_cast<std::size_t>(q * W), sizeof r);
    r += v;
    std::memcpy(acc.data() + n * 8 + static_cast<std::size_t>(q * W), &r, sizeof r);
  };
  for (std::size_t start = 0; start < count; start += L) {
    V a[N], ap[N], x[N], wf[N], log0[N];
    int e[L];
    for (int v = 0; v < N; ++v)
      for (int j = 0; j < W; ++j) {
        const int l = v * W + j;
        const std::size_t i = start + static_cast<std::size_t>(l);
        const bool live = i < count;
        x[v][j] = live ? 4.0 * y[i] : 0.0;
        log0[v][j] = -0.5 * x[v][j];
        e[l] = 0;
        a[v][j] = 1.0;
        ap[v][j] = 0.0;
        wf[v][j] = live ? 2.0 * weight[i] * std::exp(log0[v][j]) : 0.0;
      }
    // Kernels of states n < y - 10 (y + 1)^(1/3) - 10 are below 1e-18 of
    // their largest size at y (measured for n = 10 .. 5000, see
    // populations_from_radial): the recurrence runs through them, but their
    // terms are not added. The group's smallest y decides, so the order
    // stays that of the lanes.
    double y_low = y[start];
    for (int l = 1; l < L && start + static_cast<std::size_t>(l) < count; ++l)
      y_low = std::min(y_low, y[start + static_cast<std::size_t>(l)]);
    const double from = y_low - 10.0 * std::cbrt(y_low + 1.0) - 10.0;
    const std::size_t n_from = from > 0 ? static_cast<std::size_t>(from) : 0;
    auto add_terms = [&](std::size_t n, const V* value) {
      if (n < n_from) return;
      // Even and odd blocks (b = v / R) separately, in block order.
      V sum[2][R] = {};
      for (int v = 0; v < N; ++v) sum[(v / R) & 1][v % R] += wf[v] * value[v];
      for (int q = 0; q < R; ++q) add_row(n, q, sum[0][q] + sum[1][q]);
    };
    add_terms(0, a);
    for (int n = 0; n < n_max; ++n) {
      // L_{n+1} = ((2n + 1 - x) L_n - n L_{n-1}) / (n + 1) = alpha L_n - beta L_{n-1}.
      const double inv = 1.0 / (n + 1.0), c = (2.0 * n + 1.0) * inv, beta = n * inv;
      for (int v = 0; v < N; ++v) {
        const V alpha = c - x[v] * inv;
        const V next = alpha * a[v] - beta * ap[v];
        ap[v] = a[v];
        a[v] = next;
      }
      add_terms(static_cast<std::size_t>(n) + 1, a);
      if ((n & 7) == 7) {
        // One comparison of the largest |a| first: rescaling is rare.
        V m = a[0] < 0 ? -a[0] : a[0];
        for (int v = 1; v < N; ++v) {
          const V t = a[v] < 0 ? -a[v] : a[v];
          m = m > t ? m : t;
        }
        double largest = 0;
        for (int j = 0; j < W; ++j) largest = std::max(largest, m[j]);
        if (largest > big)
          for (int v = 0; v < N; ++v)
            for (int j = 0; j < W; ++j) {
              if (std::abs(a[v][j]) > big) {
                const int l = v * W + j;
                a[v][j] *= shrink;
                ap[v][j] *= shrink;
                e[l] += 400;
                const double lg = log0[v][j] + e[l] * std::numbers::ln2;
                const std::size_t i = start + static_cast<std::size_t>(l);
                wf[v][j] = (i < count && lg > -740.0) ? 2.0 * weight[i] * std::exp(lg) : 0.0;
              }
            }
      }
    }
  }
  for (std::size_t n = 0; n < rows; ++n) {
    const double* r = acc.data() + n * 8;
    const double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    p[n] += n % 2 == 0 ? sum : -sum;
  }
}

}  // namespace ergon::simd
