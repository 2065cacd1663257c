// The resonant level's sixteen table integrands and their one-pass
// quadrature (docs/model.md, "Table nodes").
#include "electronic/resonant_level_kernel.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "electronic/breakpoints.hpp"
#include "ergon/isa.hpp"
#include "simd/exp.hpp"

namespace ergon::electronic {
namespace {

using numerics::kLanes;
using numerics::Nodes;
using numerics::NodeValues;

// kappa, Sigma and their derivatives (the band) and the Fermi factors f,
// h = 1 - f, df/dw of one lead at the nodes of one rule application.
struct LeadNodes : leads::BandNodes {
  Nodes f, h, df;
};

// Fermi factors f, h = 1 - f and df/dw from e = exp(-|beta (w - mu)|).
__attribute__((always_inline)) inline void occupation_nodes(const leads::LeadModel& lead, const Nodes& w,
                                                            const Nodes& e, LeadNodes& r) {
  for (unsigned i = 0; i < kLanes; ++i) {
    const double large = 1.0 / (1.0 + e[i]), small = e[i] * large;
    const bool above = w[i] > lead.mu;
    r.f[i] = above ? small : large;
    r.h[i] = above ? large : small;
    r.df[i] = -lead.beta * r.f[i] * r.h[i];
  }
}

// Both leads at the nodes. With a common temperature one exponential per
// node serves both Fermi functions: |t_R| = |t_L| -+ Delta (t = beta (w - mu),
// Delta = beta |mu_L - mu_R|), so exp(-|t_R|) is exp(-|t_L|) times exp(+-Delta)
// when w lies outside the bias window and exp(-Delta) / exp(-|t_L|) inside it.
__attribute__((always_inline)) inline void lead_nodes(const leads::LeadModel& left, const leads::LeadModel& right,
                                                      const Nodes& w, LeadNodes& L, LeadNodes& R) {
  leads::with_band(left.band, [&](const auto& band) { band.at_nodes(w, L); });
  leads::with_band(right.band, [&](const auto& band) { band.at_nodes(w, R); });
  Nodes eL, eR;
  const double bL = left.beta, bR = right.beta, muL = left.mu, muR = right.mu;
  for (unsigned i = 0; i < kLanes; ++i) eL[i] = -std::abs(bL * (w[i] - muL));
  simd::exp_inplace(eL.data(), kLanes);  // in (0, 1]
  const double delta = bL * std::abs(muL - muR);
  if (bL == bR && delta < 700.0) {
    const double lo = std::min(muL, muR), hi = std::max(muL, muR);
    const double down = std::exp(-delta), up = std::exp(delta);
    // Outside the window |t_R| - |t_L| = +Delta on L's side of R, -Delta beyond.
    const double side = muL < muR ? 1.0 : -1.0;  // +1: the window lies above mu_L
    // Both forms at every node, then a select: branch-free, so it vectorises.
    // (Three loops: in one, GCC sank the division into the select's branch and
    // then could not vectorise it for AVX2 and SSE2, "control flow in loop".)
    Nodes inside, outside;
    for (unsigned i = 0; i < kLanes; ++i) inside[i] = down / eL[i];
    for (unsigned i = 0; i < kLanes; ++i) outside[i] = eL[i] * ((w[i] <= lo) == (side > 0) ? down : up);
    for (unsigned i = 0; i < kLanes; ++i) eR[i] = ((w[i] > lo) & (w[i] < hi)) ? inside[i] : outside[i];
  } else {
    for (unsigned i = 0; i < kLanes; ++i) eR[i] = -std::abs(bR * (w[i] - muR));
    simd::exp_inplace(eR.data(), kLanes);
  }
  occupation_nodes(left, w, eL, L);
  occupation_nodes(right, w, eR, R);
}

// The sixteen table integrands at the nodes of one rule application (level
// eps_x = e): <c^dag c>, D, gamma, I and their first, second and third
// eps_x-derivatives, without prefactors. Compiled for AVX-512, AVX2 with
// FMA (x86-64-v3) and the baseline, picked at run time.
using Integrands = NodeValues<kNodeIntegrals>;
// Occupied: the level lies far below every Fermi level, where f = 1 to
// rounding; the occupation-type integrands use A g< = A kappa - A g> and the
// sum rule int A kappa dw = 2 pi, so a resonance too narrow to resolve there
// (far out, where kappa is tiny) contributes nothing that must be integrated.
template <bool Occupied>
__attribute__((always_inline)) inline void node_integrands(const leads::LeadModel& left, const leads::LeadModel& right,
                                                           double e, const Nodes& w, Integrands& out) {
  constexpr std::size_t kNode = kNodeIntegrals;
  LeadNodes L, R;
  lead_nodes(left, right, w, L, R);
  double t[kNode][kLanes];  // component-major for the vectorised loop, transposed at the end
  for (unsigned i = 0; i < kLanes; ++i) {
    // G = 1 / (w - e - Sigma), A = |G|^2, g1 = G (1 - dSigma/dw).
    const double zr = w[i] - e - (L.sigma_re[i] + R.sigma_re[i]), zi = -(L.sigma_im[i] + R.sigma_im[i]);
    const double inv = 1.0 / (zr * zr + zi * zi);
    const double Gr = zr * inv, Gi = -zi * inv;
    const double A = inv;  // |G|^2 = 1 / |z|^2
    const double ur = 1.0 - (L.dsigma_re[i] + R.dsigma_re[i]), ui = -(L.dsigma_im[i] + R.dsigma_im[i]);
    const double g1r = Gr * ur - Gi * ui, g1i = Gr * ui + Gi * ur;
    const double dA = -2.0 * A * g1r;                                     // dA/dw
    const double dA_de = 2.0 * A * Gr;                                    // dA/d eps_x
    const double Gg1r = Gr * g1r - Gi * g1i, Gg1i = Gr * g1i + Gi * g1r;  // G g1
    const double ddA_de = -2.0 * dA_de * g1r - 2.0 * A * Gg1r;            // d/d eps_x of dA/dw
    // Second and third eps_x-derivatives (dG/d eps_x = G^2, so with
    // g_k = Re G^k and q_k = Re(G^(k-1) g1): dg_1 = g_2, dg_2 = 2 g_3,
    // dq_1 = q_2, dq_2 = 2 q_3, dq_3 = 3 q_4).
    const double G2r = Gr * Gr - Gi * Gi, G2i = 2.0 * Gr * Gi;                      // G^2
    const double G3r = Gr * G2r - Gi * G2i;                                         // Re G^3
    const double G2g1r = Gr * Gg1r - Gi * Gg1i, G2g1i = Gr * Gg1i + Gi * Gg1r;      // G^2 g1
    const double G3g1r = Gr * G2g1r - Gi * G2g1i;                                   // Re(G^3 g1)
    const double A_ee = 4.0 * A * Gr * Gr + 2.0 * A * G2r;                          // d^2A/d eps_x^2
    const double A_wee = -2.0 * A_ee * g1r - 4.0 * dA_de * Gg1r - 4.0 * A * G2g1r;  // of dA/dw
    const double A_eee = 2.0 * A_ee * Gr + 4.0 * dA_de * G2r + 4.0 * A * G3r;       // d^3A/d eps_x^3
    const double A_weee = -2.0 * A_eee * g1r - 6.0 * A_ee * Gg1r - 12.0 * dA_de * G2g1r - 12.0 * A * G3g1r;
    const double gl = L.kappa[i] * L.f[i] + R.kappa[i] * R.f[i];
    const double gg = L.kappa[i] * L.h[i] + R.kappa[i] * R.h[i];
    const double dgg = L.dkappa[i] * L.h[i] - L.kappa[i] * L.df[i] + R.dkappa[i] * R.h[i] - R.kappa[i] * R.df[i];
    // f_L - f_R = h_R - h_L, from the pair of small numbers (no cancellation),
    // in one subtraction (exactly zero for equal leads, even where the
    // compiler fuses multiply-adds).
    // (Both differences, then a select by arithmetic: a conditional here
    // kept GCC from vectorising the loop for AVX2 and SSE2, "control flow in
    // loop"; measured 2026-12-02.)
    const double small_f = L.f[i] + R.f[i] < 1.0 ? 1.0 : 0.0;
    const double bias = small_f * (L.f[i] - R.f[i]) + (1.0 - small_f) * (R.h[i] - L.h[i]);
    const double kk = L.kappa[i] * R.kappa[i];
    const double force = dA * gg + A * dgg;  // d/dw [A g>]
    // g< for the occupation-type integrands, or -g> in the occupied form.
    const double occ = Occupied ? -gg : gl;
    t[0][i] = A * occ;
    t[1][i] = A * A * gl * gg;
    t[2][i] = A * gl * force;
    t[3][i] = kk * A * bias;
    t[4][i] = dA_de * occ;
    t[5][i] = 2.0 * A * dA_de * gl * gg;
    t[6][i] = dA_de * gl * force + A * gl * (ddA_de * gg + dA_de * dgg);
    t[7][i] = kk * dA_de * bias;
    t[8][i] = A_ee * occ;
    t[9][i] = 2.0 * (dA_de * dA_de + A * A_ee) * gl * gg;
    t[10][i] = gl * gg * (A_ee * dA + 2.0 * dA_de * ddA_de + A * A_wee) + gl * dgg * 2.0 * (dA_de * dA_de + A * A_ee);
    t[11][i] = kk * A_ee * bias;
    t[12][i] = A_eee * occ;
    t[13][i] = 2.0 * (A * A_eee + 3.0 * dA_de * A_ee) * gl * gg;
    t[14][i] = gl * gg * (A_eee * dA + 3.0 * A_ee * ddA_de + 3.0 * dA_de * A_wee + A * A_weee) +
               gl * dgg * 2.0 * (A * A_eee + 3.0 * dA_de * A_ee);
    t[15][i] = kk * A_eee * bias;
  }
  for (unsigned i = 0; i < kLanes; ++i)
    for (unsigned k = 0; k < kNode; ++k) out[i][k] = t[k][i];
}

using IntegrandsKernel = void (*)(const leads::LeadModel&, const leads::LeadModel&, double, bool, const Nodes&,
                                  Integrands&);
__attribute__((target("avx512f"))) void node_integrands_avx512(const leads::LeadModel& left,
                                                               const leads::LeadModel& right, double e, bool occupied,
                                                               const Nodes& w, Integrands& out) {
  occupied ? node_integrands<true>(left, right, e, w, out) : node_integrands<false>(left, right, e, w, out);
}
__attribute__((target("arch=x86-64-v3"))) void node_integrands_avx2(const leads::LeadModel& left,
                                                                    const leads::LeadModel& right, double e,
                                                                    bool occupied, const Nodes& w, Integrands& out) {
  occupied ? node_integrands<true>(left, right, e, w, out) : node_integrands<false>(left, right, e, w, out);
}
void node_integrands_sse2(const leads::LeadModel& left, const leads::LeadModel& right, double e, bool occupied,
                          const Nodes& w, Integrands& out) {
  occupied ? node_integrands<true>(left, right, e, w, out) : node_integrands<false>(left, right, e, w, out);
}

}  // namespace

bool deeply_occupied(const leads::LeadModel& left, const leads::LeadModel& right, double e) {
  // The resonances lie within (Gamma_L + Gamma_R) / 4 of e; f = 1 - 4e-18 at
  // 40 temperatures below a Fermi level.
  const double top = e + 0.25 * (left.Gamma() + right.Gamma());
  return top < left.mu - 40 / left.beta && top < right.mu - 40 / right.beta;
}

std::array<double, kNodeIntegrals> node_integrals(const leads::LeadModel& left, const leads::LeadModel& right, double e,
                                                  const numerics::LineOptions& options) {
  const IntegrandsKernel kernel = isa::choose(node_integrands_sse2, node_integrands_avx2, node_integrands_avx512);
  const bool occupied = deeply_occupied(left, right, e);
  auto v = numerics::integrate_line<kNodeIntegrals>(
      [&](const Nodes& w, Integrands& out) { kernel(left, right, e, occupied, w, out); }, breakpoints(left, right, e),
      options);
  if (occupied) v[0] += 2 * std::numbers::pi;  // int A g< = int A kappa - int A g>, int A kappa = 2 pi
  return v;
}

}  // namespace ergon::electronic
