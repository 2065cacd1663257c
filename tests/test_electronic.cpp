// Rungs 1-3 of the validation ladder (docs/model.md, "Validation"):
// quadrature accuracy, equilibrium fluctuation-dissipation, symmetries of the
// paper's point, and wide-band closed forms of the electronic steady state.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <functional>
#include <limits>
#include <numbers>
#include <vector>

#include "ergon/resonant_level.hpp"
#include "isa_levels.hpp"
#include "simd/exp.hpp"

namespace {

using ergon::Device;
using ergon::ResonantLevel;
using cplx = std::complex<double>;
constexpr double pi = std::numbers::pi;

Device paper(double V) {
  Device d;
  ergon::set_bias(d, V);
  return d;
}

double rel(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); }

// Complex digamma for Re z > 0: upward recurrence, then the asymptotic series.
cplx digamma(cplx z) {
  cplx shift = 0.0;
  while (std::abs(z) < 20.0) {
    shift -= 1.0 / z;
    z += 1.0;
  }
  const cplx z2 = 1.0 / (z * z);
  const cplx series =
      z2 *
      (1.0 / 12 - z2 * (1.0 / 120 - z2 * (1.0 / 252 - z2 * (1.0 / 240 - z2 * (1.0 / 132 - z2 * (691.0 / 32760))))));
  return shift + std::log(z) - 0.5 / z - series;
}

// Wide-band lead a: int dw/2pi kappa A f_a = 1/2 - Im psi(1/2 + beta(kappa/2 + i(eps - mu))/2pi)/pi,
// with kappa the total width.
double wideband_filling(double kappa, double eps, double mu, double beta) {
  const cplx z(0.5 + beta * kappa / (4 * pi), beta * (eps - mu) / (2 * pi));
  return 0.5 - digamma(z).imag() / pi;
}

double fermi(double beta, double mu, double w) { return 1.0 / (1.0 + std::exp(beta * (w - mu))); }

// Composite Simpson rule on a dense uniform grid over [-L, L]: the
// brute-force reference the adaptive quadrature is checked against.
double dense(const std::function<double(double)>& f, double L, long n) {
  const double h = 2 * L / static_cast<double>(n);
  double s = f(-L) + f(L);
  for (long i = 1; i < n; ++i) s += (i % 2 ? 4.0 : 2.0) * f(-L + static_cast<double>(i) * h);
  return s * h / 3;
}

TEST(Electronic, PublicReferenceValuesAtZeroBias) {
  const ResonantLevel m(paper(0.0));
  const auto c = m.coefficients(0.0);
  EXPECT_LT(rel(c.D, 1.300575785e-3), 1e-8);
  EXPECT_LT(rel(c.gamma * m.device().oscillator.mass, 3.251439464e-4), 1e-8);
}

TEST(Electronic, SumRuleHoldsEverywhere) {
  for (double V : {0.0, 6.0, 16.0}) {
    Device d = paper(V);
    const ResonantLevel m(d);
    for (double x : {-80.0, -10.0, 0.0, 3.3, 40.0}) EXPECT_NEAR(m.sum_rule(x), 1.0, 1e-10) << "V=" << V << " x=" << x;
  }
  Device wb = paper(3.0);
  wb.left.type = wb.right.type = ergon::LeadType::wideband;
  wb.right.Gamma = 0.7;
  const ResonantLevel m(wb);
  for (double x : {-30.0, 0.0, 12.0}) EXPECT_NEAR(m.sum_rule(x), 1.0, 1e-10);
}

TEST(Electronic, EquilibriumFluctuationDissipation) {
  // mu_L = mu_R, beta_L = beta_R: D = 2 m gamma / beta at every x, gamma > 0.
  for (double beta : {0.25, 0.5, 2.0, 5.0}) {
    Device d;
    d.left.mu = d.right.mu = 0.3;
    d.left.beta = d.right.beta = beta;
    d.dot.eps = -0.2;
    const ResonantLevel m(d);
    for (double x : {-25.0, -4.0, 0.0, 7.0, 30.0}) {
      const auto c = m.coefficients(x);
      EXPECT_GT(c.gamma, 0.0);
      EXPECT_LT(rel(c.D, 2 * d.oscillator.mass * c.gamma / beta), 1e-8) << "beta=" << beta << " x=" << x;
      EXPECT_NEAR(c.current, 0.0, 1e-12);
    }
  }
}

TEST(Electronic, SymmetriesAtThePapersPoint) {
  for (double V : {2.0, 6.0, 16.0}) {
    const ResonantLevel m(paper(V));
    EXPECT_NEAR(m.N0(), 0.5, 1e-11);
    for (double x : {1.0, 7.5, 22.0}) {
      const auto p = m.coefficients(x), q = m.coefficients(-x);
      EXPECT_NEAR(p.n, -q.n, 1e-11);
      EXPECT_LT(rel(p.D, q.D), 1e-9);
      EXPECT_NEAR(p.gamma, q.gamma, 1e-9 * std::abs(p.D));
      EXPECT_LT(rel(p.current, q.current), 1e-9);
    }
  }
}

TEST(Electronic, DampingFormsAgree) {
  // gamma from A g< d[A g>] and from the integrated-by-parts -(kappa A) d[A g<].
  for (double V : {0.0, 5.0, 16.0}) {
    const ResonantLevel m(paper(V));
    for (double x : {0.0, 9.0, -20.0}) {
      const double a = m.damping(x), b = m.damping_by_parts(x);
      EXPECT_NEAR(a, b, 1e-9 * m.diffusion(x)) << "V=" << V << " x=" << x;
    }
  }
}

TEST(Electronic, NoiseSpectrumConventionAndDetailedBalance) {
  Device d;  // equilibrium at mu = 0
  const ResonantLevel m(d);
  const double x = 2.0, W = 0.3;
  EXPECT_LT(rel(m.noise_spectrum(x, 0.0), m.diffusion(x)), 1e-9);
  // S(W) > S(-W) for W > 0 and S(-W) = exp(-beta W) S(W) at equilibrium.
  const double sp = m.noise_spectrum(x, W), sm = m.noise_spectrum(x, -W);
  EXPECT_GT(sp, sm);
  EXPECT_LT(rel(sm, std::exp(-d.left.beta * W) * sp), 1e-8);
  // m gamma = dS/dW at W = 0 (fourth-order central difference).
  const double h = 1e-3;
  const double dS = (-m.noise_spectrum(x, 2 * h) + 8 * m.noise_spectrum(x, h) - 8 * m.noise_spectrum(x, -h) +
                     m.noise_spectrum(x, -2 * h)) /
                    (12 * h);
  EXPECT_LT(rel(dS, d.oscillator.mass * m.damping(x)), 1e-7);
}

TEST(Electronic, AdaptiveQuadratureMatchesDenseGrid) {
  const Device d = paper(6.0);
  const ResonantLevel m(d);
  const double F = m.F();
  for (double x : {0.0, 12.0}) {
    const double e = m.level(x);
    auto A = [&](double w) { return std::norm(m.green(w, x)); };
    auto gl = [&](double w) {
      return m.kappa(0, w) * fermi(d.left.beta, d.left.mu, w) + m.kappa(1, w) * fermi(d.right.beta, d.right.mu, w);
    };
    auto gg = [&](double w) { return m.kappa(0, w) + m.kappa(1, w) - gl(w); };
    auto Agg = [&](double w) { return A(w) * gg(w); };
    const double h = 1e-3;
    auto dAgg = [&](double w) {
      return (-Agg(w + 2 * h) + 8 * Agg(w + h) - 8 * Agg(w - h) + Agg(w - 2 * h)) / (12 * h);
    };
    const double L = 3000.0;
    const long n = 3000000;
    const double occ = dense([&](double w) { return A(w) * gl(w); }, L, n) / (2 * pi);
    const double D = F * F * dense([&](double w) { return A(w) * A(w) * gl(w) * gg(w); }, L, n) / (2 * pi);
    const double mg = F * F * dense([&](double w) { return A(w) * gl(w) * dAgg(w); }, L, n) / (2 * pi);
    (void)e;
    EXPECT_LT(rel(m.occupation(x), occ), 1e-9) << "x=" << x;
    EXPECT_LT(rel(m.diffusion(x), D), 1e-9) << "x=" << x;
    EXPECT_NEAR(m.damping(x) * d.oscillator.mass, mg, 1e-9 * D) << "x=" << x;
  }
}

TEST(Electronic, WideBandClosedForms) {
  Device d;
  d.left.type = d.right.type = ergon::LeadType::wideband;
  d.left.Gamma = 1.3;
  d.right.Gamma = 0.6;
  d.left.mu = 2.0;
  d.right.mu = -1.5;
  d.left.beta = 0.8;
  d.right.beta = 3.0;
  d.dot.eps = 0.4;
  const ResonantLevel m(d);
  const double kappa = d.left.Gamma + d.right.Gamma;
  for (double x : {-20.0, 0.0, 5.0, 33.0}) {
    const double e = m.level(x);
    const double nL = wideband_filling(kappa, e, d.left.mu, d.left.beta);
    const double nR = wideband_filling(kappa, e, d.right.mu, d.right.beta);
    const double occ = (d.left.Gamma * nL + d.right.Gamma * nR) / kappa;
    EXPECT_NEAR(m.occupation(x), occ, 1e-10) << "x=" << x;
    EXPECT_NEAR(m.current(x), d.left.Gamma * d.right.Gamma / kappa * (nL - nR), 1e-10) << "x=" << x;
    // A(w) = 1 / ((w - eps_x)^2 + kappa^2 / 4).
    for (double w : {-3.0, e, 2.5})
      EXPECT_LT(rel(std::norm(m.green(w, x)), 1.0 / ((w - e) * (w - e) + kappa * kappa / 4)), 1e-14);
    // Energy-independent kappa: no negative damping at any bias.
    EXPECT_GT(m.damping(x), 0.0);
  }
}

TEST(Electronic, SlopesMatchFiniteDifferences) {
  const ResonantLevel m(paper(16.0));
  const double h = 1e-3;
  for (double x : {-9.0, 0.5, 14.0}) {
    const auto s = m.slopes(x);
    auto fd = [&](auto f) { return (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h); };
    EXPECT_NEAR(s.dn, fd([&](double y) { return m.excess_charge(y); }), 1e-9);
    EXPECT_NEAR(s.dD, fd([&](double y) { return m.diffusion(y); }), 1e-9 * m.diffusion(x));
    EXPECT_NEAR(s.dgamma, fd([&](double y) { return m.damping(y); }), 1e-9 * m.diffusion(x));
    EXPECT_NEAR(s.dcurrent, fd([&](double y) { return m.current(y); }), 1e-9);
  }
}

TEST(Electronic, CurvaturesMatchFiniteDifferencesOfTheSlopes) {
  // The table node's second x-derivatives against 4th-order
  // central differences of the independently integrated slopes.
  for (double V : {0.0, 6.0, 16.0}) {
    const ResonantLevel m(paper(V));
    const double h = 1e-2;
    for (double x : {-40.0, -9.0, 0.5, 14.0, 60.0}) {
      const auto q = m.node(x).curvatures;
      auto fd = [&](auto f) { return (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h); };
      const auto s = [&](double y) { return m.slopes(y); };
      const double D = m.diffusion(x);
      EXPECT_NEAR(q.d2n, fd([&](double y) { return s(y).dn; }), 1e-8 * 1e-2) << V << " " << x;
      EXPECT_NEAR(q.d2D, fd([&](double y) { return s(y).dD; }), 1e-8 * D * 1e-2) << V << " " << x;
      EXPECT_NEAR(q.d2gamma, fd([&](double y) { return s(y).dgamma; }), 1e-8 * D * 1e-2) << V << " " << x;
      EXPECT_NEAR(q.d2current, fd([&](double y) { return s(y).dcurrent; }), 1e-8 * 1e-2) << V << " " << x;
    }
  }
}

TEST(Electronic, ThirdDerivativesMatchSecondDifferencesOfTheSlopes) {
  // The table node's third x-derivatives (septic tables) against 4th-order
  // central second differences of the independently integrated slopes with
  // step h = 0.5 (the coefficients vary on |scale / F| = 16 here, so the
  // truncation error is ~(h/16)^4/90 ~ 1e-8; the slopes' quadrature noise,
  // ~1e-9 of their size for gamma, is amplified ~5/h^2 = 20 times). Measured
  // deviations: at most 1e-5 of each column's largest third derivative (tolerance 1e-4).
  for (double V : {0.0, 6.0, 16.0}) {
    const ResonantLevel m(paper(V));
    const double h = 0.5;
    std::vector<std::array<double, 4>> node, diff;
    std::array<double, 4> scale{};
    for (double x : {-40.0, -9.0, 0.5, 14.0, 60.0}) {
      const auto r = m.node(x).thirds;
      auto fd = [&](auto f) {
        return (-f(x + 2 * h) + 16 * f(x + h) - 30 * f(x) + 16 * f(x - h) - f(x - 2 * h)) / (12 * h * h);
      };
      const auto s = [&](double y) { return m.slopes(y); };
      node.push_back({r.d3n, r.d3D, r.d3gamma, r.d3current});
      diff.push_back({fd([&](double y) { return s(y).dn; }), fd([&](double y) { return s(y).dD; }),
                      fd([&](double y) { return s(y).dgamma; }), fd([&](double y) { return s(y).dcurrent; })});
      for (std::size_t k = 0; k < 4; ++k) scale[k] = std::max(scale[k], std::abs(diff.back()[k]));
    }
    for (std::size_t i = 0; i < node.size(); ++i)
      for (std::size_t k = 0; k < 4; ++k)
        EXPECT_NEAR(node[i][k], diff[i][k], 1e-4 * scale[k]) << V << " " << i << " " << k;
  }
}

TEST(Electronic, ThresholdSignChangeOfDampingAtOrigin) {
  // gamma(0) > 0 below and < 0 above the paper's threshold (mu_L = -mu_R = V).
  EXPECT_GT(ResonantLevel(paper(4.0)).damping(0.0), 0.0);
  EXPECT_LT(ResonantLevel(paper(4.5)).damping(0.0), 0.0);
}

TEST(Electronic, VectorExpMatchesTheLibrary) {
  // The integrands' Fermi factors use the vectorised exp on every kernel this
  // machine runs: within 2 ulp of std::exp from underflow to overflow.
  std::vector<double> x;
  for (double v = -760.0; v <= 700.0; v += 0.37) x.push_back(v);
  x.insert(x.end(), {0.0, -0.0, 1e-300, -1e-12, 708.5, -708.5, -744.0, -746.0});
  ergon_test::for_each_isa([&](const char* name) {
    std::vector<double> y = x;
    ergon::simd::exp_inplace(y.data(), y.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double ref = std::exp(x[i]);
      if (ref < std::numeric_limits<double>::min()) {
        EXPECT_LE(std::abs(y[i]), std::numeric_limits<double>::min()) << name << " x=" << x[i];
        continue;
      }
      EXPECT_LE(std::abs(y[i] - ref), 2 * std::numeric_limits<double>::epsilon() * ref) << name << " x=" << x[i];
    }
  });
}

}  // namespace

namespace {

TEST(Electronic, OccupationFarOutKeepsItsBoundsAndSymmetry) {
  // The paper's device at V = 0 is particle-hole symmetric: <n>_x is odd in
  // x, and |<n>| < 1/2 everywhere. Far out the level's resonance is far
  // narrower than anything a quadrature can resolve (width kappa/2 ~ 1e-13
  // at x = 1e6 x0); on the occupied side the occupation comes from the sum
  // rule and the empty part (issue 20, item 9: n(+1e5 x0) was 0.552).
  const ResonantLevel m(ergon::Device{});
  const double x0 = m.oscillator().x0();
  for (double u : {10.0, 1e3, 1e4, 1e5, 1e6}) {
    const double plus = m.excess_charge(u * x0), minus = m.excess_charge(-u * x0);
    EXPECT_LT(plus, 0.5) << u;
    EXPECT_GT(plus, 0.0) << u;
    EXPECT_NEAR(plus, -minus, 1e-12) << u;
    const auto node = m.node(u * x0), mirror = m.node(-u * x0);
    EXPECT_NEAR(node.values.n, plus, 1e-11) << u;
    EXPECT_NEAR(node.values.n, -mirror.values.n, 1e-12) << u;
    EXPECT_NEAR(node.slopes.dn, mirror.slopes.dn, 1e-10 * std::abs(node.slopes.dn) + 1e-300) << u;
  }
}

}  // namespace

// Frequency-resolved coefficients (physics.md section 13, docs/model.md
// section 4): D_w = [S(w0) + S(-w0)] / 2, m gamma_w = [S(w0) - S(-w0)] / (2 w0).
Device resolved_device(double V, double w0) {
  Device d = paper(V);
  d.oscillator.w0 = w0;
  return d;
}

TEST(Electronic, FrequencyResolvedDetailedBalanceGivesBose) {
  // At equilibrium S(-w0) = exp(-beta w0) S(w0), so D_w = m gamma_w w0
  // coth(beta w0 / 2) at every x: the quantum (Bose) fluctuation-dissipation
  // relation instead of the classical D = 2 m gamma T.
  for (double beta : {0.5, 2.0}) {
    for (double w0 : {0.2, 1.0}) {
      Device d;
      d.left.mu = d.right.mu = 0.3;
      d.left.beta = d.right.beta = beta;
      d.dot.eps = -0.2;
      d.oscillator.w0 = w0;
      const ResonantLevel m(d, {}, true);
      const double coth = 1.0 / std::tanh(beta * w0 / 2);
      for (double x : {-25.0, 0.0, 7.0, 30.0}) {
        const auto c = m.node(x).values;
        EXPECT_GT(c.gamma, 0.0);
        EXPECT_LT(rel(c.D, d.oscillator.mass * c.gamma * w0 * coth), 1e-8) << beta << " " << w0 << " " << x;
        // The one-pass node against separate quadratures of S(+-w0).
        EXPECT_LT(rel(c.D, m.diffusion_at_w0(x)), 1e-9);
        EXPECT_LT(rel(c.gamma, m.damping_at_w0(x)), 1e-8);
        const auto s = m.coefficients(x);
        EXPECT_EQ(s.D, m.diffusion_at_w0(x));
        EXPECT_EQ(s.gamma, m.damping_at_w0(x));
      }
    }
  }
}

TEST(Electronic, FrequencyResolvedReducesToZeroFrequencyAsW0Vanishes) {
  // D_w - D and gamma_w - gamma are even in w0 (S(W) smooth):
  // O(w0^2) relative, so halving w0 quarters the difference.
  for (double V : {0.0, 6.0, 16.0}) {
    double previous = 0.0;
    for (double w0 : {0.04, 0.02, 0.01}) {
      const Device d = resolved_device(V, w0);
      const ResonantLevel zero(d), resolved(d, {}, true);
      const double x = 0.5 * zero.oscillator().x0();
      const auto a = zero.node(x).values, b = resolved.node(x).values;
      const double diff = std::max(rel(b.D, a.D), std::abs(b.gamma - a.gamma) / std::abs(a.D));
      EXPECT_EQ(a.n, b.n);
      EXPECT_EQ(a.current, b.current);
      if (previous > 0) {
        EXPECT_NEAR(previous / diff, 4.0, 0.2) << "V=" << V << " w0=" << w0;
      }
      previous = diff;
    }
    EXPECT_LT(previous, 1e-4) << V;
  }
}

TEST(Electronic, FrequencyResolvedDerivativesMatchFiniteDifferences) {
  // The node's x-derivatives of D_w and gamma_w (one pass, Leibniz's rule)
  // against 4th-order central differences: the slopes of the separately
  // integrated values, the curvatures and third derivatives of the node's
  // own lower derivatives (each an independent integral).
  for (double V : {0.0, 6.0}) {
    const ResonantLevel m(resolved_device(V, 0.4), {}, true);
    const double h = 1e-2;
    for (double x : {-20.0, 0.5, 9.0}) {
      auto fd = [&](auto f) { return (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h); };
      const auto r = m.node(x);
      const double D = r.values.D;
      auto node = [&](double y) { return m.node(y); };
      EXPECT_NEAR(r.slopes.dD, fd([&](double y) { return m.diffusion_at_w0(y); }), 1e-8 * D) << V << " " << x;
      EXPECT_NEAR(r.slopes.dgamma, fd([&](double y) { return m.damping_at_w0(y); }), 1e-7 * D) << V << " " << x;
      EXPECT_NEAR(r.curvatures.d2D, fd([&](double y) { return node(y).slopes.dD; }), 1e-8 * D) << V << " " << x;
      EXPECT_NEAR(r.curvatures.d2gamma, fd([&](double y) { return node(y).slopes.dgamma; }), 1e-8 * D) << V;
      EXPECT_NEAR(r.thirds.d3D, fd([&](double y) { return node(y).curvatures.d2D; }), 1e-8 * D) << V << " " << x;
      EXPECT_NEAR(r.thirds.d3gamma, fd([&](double y) { return node(y).curvatures.d2gamma; }), 1e-8 * D) << V;
    }
  }
}

// Current noise at fixed x (physics.md section 11, two-sided, unit charge).
TEST(Electronic, CurrentNoiseAtEquilibriumIsJohnsonNyquist) {
  // mu_L = mu_R: S_I = 2 T G (one-sided 4 T G), with G = dI/dV from a
  // central difference of the current in the bias (an independent route).
  for (double beta : {0.5, 2.0}) {
    Device d;
    d.left.mu = d.right.mu = 0.3;
    d.left.beta = d.right.beta = beta;
    const ResonantLevel m(d);
    for (double x : {-12.0, 0.0, 4.0}) {
      const double G = m.conductance(x);
      EXPECT_LT(rel(m.current_noise(x), 2.0 * G / beta), 1e-9) << beta << " " << x;
      const double h = 1e-4;
      Device b = d;
      b.left.mu = 0.3 + h / 2;
      b.right.mu = 0.3 - h / 2;
      Device c = d;
      c.left.mu = 0.3 - h / 2;
      c.right.mu = 0.3 + h / 2;
      const double dIdV = (ResonantLevel(b).current(x) - ResonantLevel(c).current(x)) / (2 * h);
      EXPECT_LT(rel(G, dIdV), 1e-7) << beta << " " << x;
    }
  }
}

TEST(Electronic, CurrentNoiseFanoFactorAtLargeBias) {
  // Wide-band leads, the whole resonance inside the bias window (|mu| = 1e4,
  // Lorentzian tails outside it ~ Gamma / (pi mu) ~ 1e-5): the Fano factor
  // S_I / I is (Gamma_L^2 + Gamma_R^2) / (Gamma_L + Gamma_R)^2, 1/2 for a
  // symmetric level and -> 1 (Poisson) for a weakly transmitting one.
  for (const auto& [GL, GR] : {std::pair{0.3, 0.3}, std::pair{0.3, 0.1}, std::pair{1.0, 0.01}}) {
    Device d;
    d.left.type = d.right.type = ergon::LeadType::wideband;
    d.left.Gamma = GL;
    d.right.Gamma = GR;
    d.left.mu = 1e4;
    d.right.mu = -1e4;
    d.left.beta = d.right.beta = 5.0;
    const ResonantLevel m(d);
    const double fano = m.current_noise(0.0) / m.current(0.0);
    EXPECT_NEAR(fano, (GL * GL + GR * GR) / ((GL + GR) * (GL + GR)), 1e-4) << GL << " " << GR;
  }
}
