// The SIMD kernel, a template over the xsimd architecture. Included by one
// translation unit per instruction set (kernel_*.cpp), each compiled with
// the matching -m flags.
//
// Layout: a "unit" is the trajectories of one 32-bit vector (2 W doubles).
// Philox4x32-10 runs with one trajectory per 32-bit lane; Box-Muller runs in
// single precision on the same lanes; each float vector is then widened to
// two double vectors (trajectories [0, W) and [W, 2W) of the unit). The
// kernel interleaves `Units` units so that the latency of one trajectory's
// step (table look-up, kicks) overlaps the others': two with AVX-512's 32
// vector registers, one with AVX2's 16 (with two, registers spill there: the
// whole sampler at V = 16 on a 2-core AVX2 EPYC ran 5 % faster with one,
// paired farm-bench, 2026-12-02). Results do not depend on it: each
// trajectory has its own counter-based stream.
#pragma once

#include <immintrin.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <xsimd/xsimd.hpp>

#include "engine.hpp"

namespace ergon::engine {

template <class Arch>
struct Kernel {
  using bd = xsimd::batch<double, Arch>;
  using bf = xsimd::batch<float, Arch>;
  using bu = xsimd::batch<std::uint32_t, Arch>;
  using bi32 = xsimd::batch<std::int32_t, Arch>;
  using bi = xsimd::batch<std::int64_t, Arch>;
  static constexpr int W = static_cast<int>(bd::size);  // doubles per vector
  static constexpr bool avx512 = std::is_base_of_v<xsimd::avx512f, Arch>;
  static constexpr bool avx2 = std::is_base_of_v<xsimd::avx2, Arch>;
  static constexpr int Units = avx2 && !avx512 ? 1 : 2;  // interleaved units (AVX2: 16 registers)
  static constexpr int Lanes = 2 * W * Units;            // trajectories per call

  // hi and lo 32 bits of a * M for every 32-bit lane.
  static void mulhilo(const bu& a, std::uint32_t M, bu& hi, bu& lo) {
    if constexpr (avx512) {
      const __m512i m = _mm512_set1_epi64(M);
      const __m512i even = _mm512_mul_epu32(a, m);
      const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);
      lo = bu(_mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32)));
      hi = bu(_mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd));
    } else if constexpr (avx2) {
      const __m256i m = _mm256_set1_epi64x(M);
      const __m256i even = _mm256_mul_epu32(a, m);
      const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
      lo = bu(_mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA));
      hi = bu(_mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA));
    } else {
      const __m128i m = _mm_set1_epi64x(M);
      const __m128i even = _mm_mul_epu32(a, m);
      const __m128i odd = _mm_mul_epu32(_mm_srli_epi64(a, 32), m);
      const __m128i low = _mm_set1_epi64x(0xffffffffLL);
      lo = bu(_mm_or_si128(_mm_and_si128(even, low), _mm_slli_epi64(odd, 32)));
      hi = bu(_mm_or_si128(_mm_srli_epi64(even, 32), _mm_andnot_si128(low, odd)));
    }
  }

  // Philox4x32-10 on counters c (one trajectory per lane), key (k0, k1).
  static void philox(bu c[4], std::uint32_t k0, std::uint32_t k1) {
    for (int r = 0; r < 10; ++r) {
      bu hi0, lo0, hi1, lo1;
      mulhilo(c[0], 0xD2511F53U, hi0, lo0);
      mulhilo(c[2], 0xCD9E8D57U, hi1, lo1);
      const bu n0 = hi1 ^ c[1] ^ bu(k0);
      const bu n2 = hi0 ^ c[3] ^ bu(k1);
      c[0] = n0;
      c[1] = lo1;
      c[2] = n2;
      c[3] = lo0;
      k0 += 0x9E3779B9U;
      k1 += 0xBB67AE85U;
    }
  }

  // The (value, increment) float pair at word offset `field` of each lane's
  // cell, widened to doubles: one hardware gather of 64-bit words.
  static void gather_pair(const Cell* cells, const bi& cell, int field, bd& value, bd& increment) {
    const auto* base = reinterpret_cast<const long long*>(cells) + field;
    if constexpr (avx512) {
      const __m512i w = _mm512_i64gather_epi64(_mm512_slli_epi64(cell, 2), base, 8);
      value = bd(_mm512_cvtps_pd(_mm256_castsi256_ps(_mm512_cvtepi64_epi32(w))));
      increment = bd(_mm512_cvtps_pd(_mm256_castsi256_ps(_mm512_cvtepi64_epi32(_mm512_srli_epi64(w, 32)))));
    } else if constexpr (avx2) {
      const __m256i w = _mm256_i64gather_epi64(base, _mm256_slli_epi64(cell, 2), 8);
      // Even 32-bit words (values) and odd ones (increments) into the low 128 bits.
      const __m256i even = _mm256_permutevar8x32_epi32(w, _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7));
      value = bd(_mm256_cvtps_pd(_mm_castsi128_ps(_mm256_castsi256_si128(even))));
      increment = bd(_mm256_cvtps_pd(_mm_castsi128_ps(_mm256_extracti128_si256(even, 1))));
    } else {
      alignas(16) std::int64_t i[2];
      cell.store_aligned(i);
      const float* a = &cells[i[0]].force + 2 * field;
      const float* b = &cells[i[1]].force + 2 * field;
      value = bd(_mm_set_pd(static_cast<double>(b[0]), static_cast<double>(a[0])));
      increment = bd(_mm_set_pd(static_cast<double>(b[1]), static_cast<double>(a[1])));
    }
  }

  // Widens a float vector to two double vectors (lower, upper lanes).
  static void widen(const bf& v, bd& lo, bd& hi) {
    if constexpr (avx512) {
      lo = bd(_mm512_cvtps_pd(_mm512_castps512_ps256(v)));
      hi = bd(_mm512_cvtps_pd(_mm512_extractf32x8_ps(v, 1)));
    } else if constexpr (avx2) {
      lo = bd(_mm256_cvtps_pd(_mm256_castps256_ps128(v)));
      hi = bd(_mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
    } else {
      lo = bd(_mm_cvtps_pd(v));
      hi = bd(_mm_cvtps_pd(_mm_movehl_ps(v, v)));
    }
  }

  // Box-Muller in single precision (docs/model.md, "Random numbers"):
  //   u = (w0 >> 1) 2^-31 + 2^-32 in (0, 1), r = sqrt(-2 ln u)
  //   theta = 2 pi (w1 >> 8) 2^-24,  normals r cos(theta), r sin(theta).
  // ln and (cos, sin) are short exact series, no range checks: ln from the
  // exponent and 2 atanh((m-1)/(m+1)) with m in [1/sqrt2, sqrt2) (error
  // < 1e-9); the angle splits into its quadrant (top two bits) and
  // phi in [-pi/4, pi/4), where Taylor polynomials of degree 9 and 10 are
  // accurate to 2e-9.
  static bf minus_two_log(const bu& w) {
    const bi32 half = xsimd::bitwise_cast<bi32>(w >> 1);  // < 2^31: exact as signed
    const bf u = xsimd::batch_cast<float>(half) * bf(0x1p-31f) + bf(0x1p-32f);
    const bi32 bits = xsimd::bitwise_cast<bi32>(u);
    bf e = xsimd::batch_cast<float>((bits >> 23) - bi32(127));
    bf m = xsimd::bitwise_cast<bf>((bits & bi32(0x7fffff)) | bi32(0x3f800000));
    const auto big = m > bf(1.41421356f);
    m = xsimd::select(big, m * bf(0.5f), m);
    e = e + xsimd::select(big, bf(1.0f), bf(0.0f));
    const bf s = (m - bf(1.0f)) / (m + bf(1.0f));
    const bf s2 = s * s;
    const bf series = xsimd::fma(
        s2, xsimd::fma(s2, xsimd::fma(s2, xsimd::fma(s2, bf(1.0f / 9), bf(1.0f / 7)), bf(1.0f / 5)), bf(1.0f / 3)),
        bf(1.0f));
    const bf ln_u = xsimd::fma(e, bf(0.693147180559945f), bf(2.0f) * s * series);
    return bf(-2.0f) * ln_u;
  }

  static void cos_sin(const bu& w, bf& c, bf& s) {
    const bu q = w >> 30;
    const bf f = xsimd::batch_cast<float>(xsimd::bitwise_cast<bi32>((w >> 8) & bu(0x3fffffU))) * bf(0x1p-22f);
    const bf phi = (f - bf(0.5f)) * bf(static_cast<float>(std::numbers::pi / 2));
    const bf p2 = phi * phi;
    const bf sp =
        phi * xsimd::fma(p2 * bf(-1.0f / 6),
                         xsimd::fma(p2 * bf(-1.0f / 20),
                                    xsimd::fma(p2 * bf(-1.0f / 42), xsimd::fma(p2, bf(-1.0f / 72), bf(1.0f)), bf(1.0f)),
                                    bf(1.0f)),
                         bf(1.0f));
    const bf cp = xsimd::fma(
        p2 * bf(-0.5f),
        xsimd::fma(
            p2 * bf(-1.0f / 12),
            xsimd::fma(p2 * bf(-1.0f / 30),
                       xsimd::fma(p2 * bf(-1.0f / 56), xsimd::fma(p2, bf(-1.0f / 90), bf(1.0f)), bf(1.0f)), bf(1.0f)),
            bf(1.0f)),
        bf(1.0f));
    // a = pi/4 + phi (the 1/sqrt2 is folded into the radius by the caller).
    const bf ca = cp - sp, sa = cp + sp;
    // Rotate by q pi/2: odd quadrants swap cos and sin; signs from q.
    const auto odd = xsimd::batch_cast<float>(xsimd::bitwise_cast<bi32>(q & bu(1U))) != bf(0.0f);
    const bf X = xsimd::select(odd, sa, ca), Y = xsimd::select(odd, ca, sa);
    const bu cos_sign = ((q + bu(1U)) >> 1) << 31, sin_sign = (q >> 1) << 31;
    c = xsimd::bitwise_cast<bf>(xsimd::bitwise_cast<bu>(X) ^ cos_sign);
    s = xsimd::bitwise_cast<bf>(xsimd::bitwise_cast<bu>(Y) ^ sin_sign);
  }

  // Normals from one word pair (u, v): out[0] = r cos, out[1] = r sin, each
  // widened to [lanes 0, W), [W, 2W).
  static void pair_normals(const bu& u, const bu& v, bd out[2][2]) {
    const bf r = xsimd::sqrt(minus_two_log(u) * bf(0.5f));  // includes the 1/sqrt2 of cos_sin
    bf cs, sn;
    cos_sin(v, cs, sn);
    widen(r * cs, out[0][0], out[0][1]);
    widen(r * sn, out[1][0], out[1][1]);
  }

  // Normals for 4 steps of the 2W trajectories of one unit:
  // out[s][0] lanes [0, W), out[s][1] lanes [W, 2W).
  static void normals(std::uint64_t block, const bu& traj, std::uint32_t k0, std::uint32_t k1, bd out[4][2]) {
    bu c[4] = {bu(static_cast<std::uint32_t>(block)), bu(static_cast<std::uint32_t>(block >> 32)), traj, bu(0U)};
    philox(c, k0, k1);
    for (int k = 0; k < 2; ++k) {
      const bf r = xsimd::sqrt(minus_two_log(c[2 * k]) * bf(0.5f));  // includes the 1/sqrt2 of cos_sin
      bf cs, sn;
      cos_sin(c[2 * k + 1], cs, sn);
      widen(r * cs, out[2 * k][0], out[2 * k][1]);
      widen(r * sn, out[2 * k + 1][0], out[2 * k + 1][1]);
    }
  }

  static void sample(std::uint64_t seed, std::uint32_t first, std::uint64_t block, double* out) {
    const auto k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
    for (int u = 0; u < Units; ++u) {
      alignas(64) std::uint32_t traj[2 * W];
      for (int i = 0; i < 2 * W; ++i) traj[i] = first + static_cast<std::uint32_t>(u * 2 * W + i);
      bd xi[4][2];
      normals(block, bu::load_aligned(traj), k0, k1, xi);
      for (int s = 0; s < 4; ++s)
        for (int h = 0; h < 2; ++h) xi[s][h].store_unaligned(out + s * Lanes + u * 2 * W + h * W);
    }
  }

  // Three-point variates from the low (half = 0) or high 16 bits of each
  // word: -a below q, +a at or above 1 - q, else 0; a = sqrt(1/(2q)),
  // q = 10923/65536 (unit variance exactly, fourth moment 3.00003).
  static void three_point(const bu& w, int half, bd out[2]) {
    constexpr std::uint32_t q = 10923;
    const float a = static_cast<float>(std::sqrt(65536.0 / (2.0 * q)));
    const bu bits = half == 0 ? (w & bu(0xffffU)) : (w >> 16);
    const bf u = xsimd::batch_cast<float>(xsimd::bitwise_cast<bi32>(bits));  // exact: < 2^16
    const bf lo = xsimd::select(u < bf(static_cast<float>(q)), bf(-a), bf(0.0f));
    const bf v = xsimd::select(u >= bf(static_cast<float>(65536U - q)), bf(a), lo);
    widen(v, out[0], out[1]);
  }

  static Result run(const Job& job) {
    if (job.noise == Noise::three_point)
      return job.integrator == Integrator::splitting ? run_scheme<Integrator::splitting, Noise::three_point>(job)
                                                     : run_scheme<Integrator::euler, Noise::three_point>(job);
    return job.integrator == Integrator::splitting ? run_scheme<Integrator::splitting, Noise::gaussian>(job)
                                                   : run_scheme<Integrator::euler, Noise::gaussian>(job);
  }

  template <Integrator scheme, Noise noise_kind>
  static Result run_scheme(const Job& job) {
    constexpr int V = 2 * Units;  // double vectors in flight
    const FastTable& tab = *job.table;
    const Cell* rec = tab.data();
    // Global cell coordinate u = x / h; cell k = floor(u), t = u - k: the
    // same numbers for every table extent. floor by the magic-number trick:
    // for |u| < 2^50, m = u + (1.5 2^52 - 1/2) lies in [2^52, 2^53), where
    // doubles are the integers, so m = 1.5 2^52 + floor(u) (or floor(u) - 1
    // at an exact integer, where t = 1 gives the same value), and its bits
    // minus those of 1.5 2^52 are floor(u) as an integer.
    const bd inv_h(tab.inv_h);
    const bd u_lo(static_cast<double>(tab.first)), u_hi(static_cast<double>(tab.first + tab.cells));
    const bd dt(job.dt), half_dt(0.5 * job.dt), dt_m(job.dt / job.mass), neg_k(-job.k);
    const bd magic(0x1.8p52 - 0.5), offset(0x1.8p52);
    const bi first_bits(static_cast<std::int64_t>(0x4338000000000000LL) + tab.first);
    const bi last_cell(tab.cells - 1), zero_cell(0);

    alignas(64) double xs[Lanes], ps[Lanes];
    for (int i = 0; i < Lanes; ++i) {
      const int j = i < job.lanes ? i : job.lanes - 1;
      xs[i] = job.x0[j];
      ps[i] = job.p0[j];
    }
    bd x[V], p[V], force[V];
    for (int v = 0; v < V; ++v) {
      x[v] = bd::load_aligned(xs + v * W);
      p[v] = bd::load_aligned(ps + v * W);
    }
    auto bad = x[0] != x[0];  // all false

    alignas(64) std::uint32_t traj[Units][2 * W];
    for (int u = 0; u < Units; ++u)
      for (int i = 0; i < 2 * W; ++i) traj[u][i] = job.first_trajectory + static_cast<std::uint32_t>(u * 2 * W + i);
    bu c_traj[Units];
    for (int u = 0; u < Units; ++u) c_traj[u] = bu::load_aligned(traj[u]);
    const auto k0 = static_cast<std::uint32_t>(job.seed), k1 = static_cast<std::uint32_t>(job.seed >> 32);

    // Extremes of the cell coordinate visited since the last observation
    // (checked there; the cell index is clamped, so memory stays in
    // bounds), one accumulator per vector so they add no chain across
    // vectors.
    bd u_seen_lo[V], u_seen_hi[V];
    for (int v = 0; v < V; ++v) {
      u_seen_lo[v] = bd(std::numeric_limits<double>::infinity());
      u_seen_hi[v] = bd(-std::numeric_limits<double>::infinity());
    }
    // Interpolated coefficients at x[v]: updates force[v], returns the
    // per-step factors (c1: splitting exp(-gamma dt) - 1, euler gamma dt; c2:
    // noise amplitude).
    auto lookup = [&](int v, bd& c1, bd& c2) {
      const bd u = x[v] * inv_h;
      u_seen_lo[v] = xsimd::min(u_seen_lo[v], u);
      u_seen_hi[v] = xsimd::max(u_seen_hi[v], u);
      const bd m = u + magic;
      const bd t = u - (m - offset);
      const bi cell = xsimd::min(xsimd::max(xsimd::bitwise_cast<bi>(m) - first_bits, zero_cell), last_cell);
      bd f0, f1, g0, g1, s0, s1;
      gather_pair(rec, cell, force_field, f0, f1);
      gather_pair(rec, cell, damping_field, g0, g1);
      gather_pair(rec, cell, noise_field, s0, s1);
      force[v] = xsimd::fma(neg_k, x[v], xsimd::fma(t, f1, f0));
      c1 = xsimd::fma(t, g1, g0);
      c2 = xsimd::fma(t, s1, s0);
    };
    // Euler needs gamma and D at the old x: kept from the previous look-up.
    bd g_old[V], n_old[V];
    for (int v = 0; v < V; ++v) lookup(v, g_old[v], n_old[v]);

    const std::uint64_t total = job.burn_in_steps + job.batch_steps * static_cast<std::uint64_t>(job.batches);
    const auto stride = static_cast<std::uint64_t>(job.stride);
    // Gaussian: a Philox block serves 4 steps; three-point: 8 steps.
    constexpr std::uint64_t steps_per_block = noise_kind == Noise::gaussian ? 4 : 8;
    const std::uint64_t blocks_per_obs = stride / steps_per_block;
    const std::uint64_t n_obs = total / stride;
    const std::uint64_t burn_obs = job.burn_in_steps / stride;
    const std::uint64_t batch_obs = job.batch_steps / stride;
    auto step = [&](int v, const bd& noise) {
      bd c1, c2;
      if constexpr (scheme == Integrator::splitting) {
        p[v] = xsimd::fma(half_dt, force[v], p[v]);
        x[v] = xsimd::fma(dt_m, p[v], x[v]);
        lookup(v, c1, c2);
        p[v] = xsimd::fma(half_dt, force[v], p[v]);
        p[v] = xsimd::fma(c1, p[v], xsimd::fma(c2, noise, p[v]));
      } else {
        // Euler uses gamma, D at the old x: looked up at the end of the
        // previous step (force[v] holds its force).
        const bd p_old = p[v];
        p[v] = xsimd::fma(dt, force[v], xsimd::fnma(g_old[v], p[v], p[v])) + n_old[v] * noise;
        x[v] = xsimd::fma(dt_m, p_old, x[v]);
        lookup(v, g_old[v], n_old[v]);
      }
    };
    std::uint64_t block = 0;
    for (std::uint64_t obs = 0; obs < n_obs; ++obs) {
      for (std::uint64_t b = 0; b < blocks_per_obs; ++b, ++block) {
        // One Philox block per trajectory and block of steps; normals are
        // made a pair at a time to keep registers free.
        bu c[Units][4];
        for (int u = 0; u < Units; ++u) {
          c[u][0] = bu(static_cast<std::uint32_t>(block));
          c[u][1] = bu(static_cast<std::uint32_t>(block >> 32));
          c[u][2] = c_traj[u];
          c[u][3] = bu(0U);
          philox(c[u], k0, k1);
        }
        if constexpr (noise_kind == Noise::gaussian) {
          for (int k = 0; k < 2; ++k) {
            bd xi[Units][2][2];
            for (int u = 0; u < Units; ++u) pair_normals(c[u][2 * k], c[u][2 * k + 1], xi[u]);
            for (int s = 0; s < 2; ++s)
              for (int v = 0; v < V; ++v) step(v, xi[v / 2][s][v % 2]);
          }
        } else {
          for (int j = 0; j < 4; ++j)
            for (int half = 0; half < 2; ++half) {
              bd xi[Units][2];
              for (int u = 0; u < Units; ++u) three_point(c[u][j], half, xi[u]);
              for (int v = 0; v < V; ++v) step(v, xi[v / 2][v % 2]);
            }
        }
      }
      for (int v = 0; v < V; ++v)
        bad = bad | (x[v] != x[v]) | (u_seen_lo[v] < u_lo) | (u_seen_hi[v] >= u_hi) | (u_seen_lo[v] != u_seen_lo[v]);
      if (xsimd::any(bad)) {
        Result r{Status::left_range, std::numeric_limits<double>::quiet_NaN()};
        for (int v = 0; v < V; ++v) {
          alignas(64) double lo[W], hi[W];
          u_seen_lo[v].store_aligned(lo);
          u_seen_hi[v].store_aligned(hi);
          for (int i = 0; i < W; ++i) {
            if (!(lo[i] >= static_cast<double>(tab.first))) r.x_escape = lo[i] * tab.h;
            if (!(hi[i] < static_cast<double>(tab.first + tab.cells))) r.x_escape = hi[i] * tab.h;
          }
        }
        return r;
      }
      if (obs >= burn_obs) {
        for (int v = 0; v < V; ++v) {
          x[v].store_aligned(xs + v * W);
          p[v].store_aligned(ps + v * W);
        }
        const int batch = static_cast<int>((obs - burn_obs) / batch_obs);
        job.observer->observe(xs, ps, job.lanes, job.first_trajectory, obs - burn_obs, batch);
      }
      if ((obs & 255) == 255) {
        if (job.steps_done)
          job.steps_done->fetch_add(256ULL * stride * static_cast<std::uint64_t>(job.lanes), std::memory_order_relaxed);
        if (job.stop && job.stop->load(std::memory_order_relaxed)) return {Status::stopped, 0.0};
      }
    }
    return {Status::completed, 0.0};
  }
};

}  // namespace ergon::engine
