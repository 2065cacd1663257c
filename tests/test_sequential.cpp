// The sequential-tunnelling dot (physics.md section 9, docs/model.md
// "Sequential tunnelling"): closed forms of one level, the equilibrium
// fluctuation-dissipation relation for every dot, additivity of independent
// levels, the U = infinity current, the approach to the NEGF level as
// Gamma -> 0, exact derivatives against finite differences, and the
// validity diagnostics.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ergon/averaged.hpp"
#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "ergon/resonant_level.hpp"
#include "ergon/sequential.hpp"

namespace {

using ergon::Config;
using ergon::LeadType;
using ergon::SequentialTunnelling;

double rel(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); }
double fermi(double beta, double mu, double w) { return 1.0 / (1.0 + std::exp(beta * (w - mu))); }

Config wideband(double GL, double GR, double muL, double muR, double betaL = 0.5, double betaR = 0.5) {
  Config c;
  c.electronic.model = "sequential";
  c.device.left = {LeadType::wideband, GL, 0.0, 1.0, muL, betaL};
  c.device.right = {LeadType::wideband, GR, 0.0, 1.0, muR, betaR};
  return c;
}

ergon::Coefficients at(const ergon::ElectronicModel& m, double x) { return m.node(x).values; }

TEST(Sequential, OneLevelMatchesItsClosedForms) {
  // Two states, M# = M / Gamma^2 (Gamma = Gamma_L + Gamma_R): at level
  // energy e = eps - F x, P1 = sum_a Gamma_a f_a / Gamma,
  //   D = 2 F^2 P0 P1 / Gamma,  m gamma = F^2 sum_a Gamma_a beta_a f_a (1 - f_a) / Gamma^2,
  //   I = Gamma_L Gamma_R (f_L - f_R) / Gamma.
  Config c = wideband(0.013, 0.029, 1.7, -0.9, 0.5, 1.3);
  c.device.dot.eps = 0.4;
  c.device.oscillator.mass = 1.7;
  const SequentialTunnelling model(c);
  const double F = c.device.oscillator.F(), G = 0.013 + 0.029, m = 1.7;
  const double N0 = (0.013 * fermi(0.5, 1.7, 0.4) + 0.029 * fermi(1.3, -0.9, 0.4)) / G;
  EXPECT_NEAR(model.N0(), N0, 1e-15);
  for (double x : {-30.0, -7.0, 0.0, 2.5, 11.0, 40.0}) {
    const double e = 0.4 - F * x, fL = fermi(0.5, 1.7, e), fR = fermi(1.3, -0.9, e);
    const double P1 = (0.013 * fL + 0.029 * fR) / G;
    const auto v = at(model, x);
    EXPECT_NEAR(v.n, P1 - N0, 1e-14) << x;
    EXPECT_LT(rel(v.D, 2 * F * F * (1 - P1) * P1 / G), 1e-12) << x;
    EXPECT_LT(rel(v.gamma * m, F * F * (0.013 * 0.5 * fL * (1 - fL) + 0.029 * 1.3 * fR * (1 - fR)) / (G * G)), 1e-12)
        << x;
    EXPECT_LT(rel(v.current, 0.013 * 0.029 * (fL - fR) / G), 1e-12) << x;
  }
}

// Dots of every kind the model builds.
std::vector<Config> dots(double V) {
  std::vector<Config> out;
  Config spinless;  // the paper's Lorentzian leads, weak coupling
  spinless.electronic.model = "sequential";
  spinless.device.left.Gamma = spinless.device.right.Gamma = 0.02;
  spinless.device.left.mu = V;
  spinless.device.right.mu = -V;
  out.push_back(spinless);
  Config spin = spinless;  // Anderson level, finite U
  spin.electronic.spin = true;
  spin.electronic.charging = 3.0;
  spin.device.dot.eps = -1.0;
  out.push_back(spin);
  Config infinite = spin;  // U = infinity
  infinite.electronic.max_electrons = 1;
  out.push_back(infinite);
  Config orbitals = spin;  // three spin-degenerate orbitals, constant interaction
  orbitals.electronic.orbitals = 3;
  orbitals.electronic.level_spacing = 0.7;
  orbitals.electronic.charging = 1.5;
  orbitals.device.left.type = LeadType::wideband;
  out.push_back(orbitals);
  return out;
}

TEST(Sequential, EquilibriumFluctuationDissipationHoldsForEveryDot) {
  // At V = 0 (both leads at T = 2) detailed balance gives D = 2 m gamma T at
  // every x, and gamma >= 0.
  for (const Config& c : dots(0.0)) {
    const SequentialTunnelling model(c);
    const double m = c.device.oscillator.mass;
    for (double x = -40; x <= 40; x += 2.5) {
      const auto v = at(model, x);
      EXPECT_LT(rel(v.D, 2 * m * v.gamma * 2.0), 1e-10) << model.states() << " states, x = " << x;
      EXPECT_GE(v.gamma, 0.0) << x;
      EXPECT_NEAR(v.current, 0.0, 1e-16) << x;
    }
  }
}

TEST(Sequential, IndependentLevelsAdd) {
  // Without interaction (U = 0, no electron limit) the levels are
  // independent: the spin-degenerate level carries twice the spinless
  // one's n, D, gamma and I, and two orbitals the sum of two single levels.
  const double V = 2.3;
  Config one = wideband(0.011, 0.017, V, -V);
  one.device.dot.eps = 0.3;
  Config two = one;
  two.electronic.spin = true;
  Config orbitals = one;
  orbitals.electronic.orbitals = 2;
  orbitals.electronic.level_spacing = 1.1;
  Config upper = one;
  upper.device.dot.eps = 0.3 + 1.1;
  const SequentialTunnelling m1(one), m2(two), mo(orbitals), mu(upper);
  for (double x : {-12.0, 0.0, 5.0}) {
    const auto a = at(m1, x), b = at(m2, x), o = at(mo, x), u = at(mu, x);
    EXPECT_LT(rel(b.n, 2 * a.n), 1e-12);
    EXPECT_LT(rel(b.D, 2 * a.D), 1e-12);  // the noises of independent charges add
    EXPECT_LT(rel(b.gamma, 2 * a.gamma), 1e-12);
    EXPECT_LT(rel(b.current, 2 * a.current), 1e-12);
    EXPECT_LT(rel(o.n, a.n + u.n), 1e-12);
    EXPECT_LT(rel(o.D, a.D + u.D), 1e-12);
    EXPECT_LT(rel(o.gamma, a.gamma + u.gamma), 1e-12);
    EXPECT_LT(rel(o.current, a.current + u.current), 1e-12);
  }
}

TEST(Sequential, InfiniteUCurrentAtLargeBias) {
  // One spin-degenerate level, U = infinity, far inside the bias window:
  // I = 2 Gamma_L Gamma_R / (2 Gamma_L + Gamma_R).
  const double GL = 0.01, GR = 0.03;
  Config c = wideband(GL, GR, 80.0, -80.0);  // Fermi tails exp(-beta V) = 4e-18
  c.electronic.spin = true;
  c.electronic.max_electrons = 1;
  const SequentialTunnelling model(c);
  EXPECT_EQ(model.states(), 3);
  EXPECT_LT(rel(at(model, 0.0).current, 2 * GL * GR / (2 * GL + GR)), 1e-12);
  // A finite U approaches it: the doubly occupied state lies U above the
  // window's edge and its weight falls as exp(-beta (U - V)).
  double last = 1.0;
  for (double U : {90.0, 100.0, 120.0, 160.0}) {
    Config f = c;
    f.electronic.max_electrons = 0;
    f.electronic.charging = U;
    const SequentialTunnelling finite(f);
    EXPECT_EQ(finite.states(), 4);
    const double d = rel(at(finite, 0.0).current, at(model, 0.0).current);
    EXPECT_LT(d, last) << U;
    last = d;
  }
  EXPECT_LT(last, 1e-12);
}

TEST(Sequential, ApproachesTheNegfLevelAsGammaFalls) {
  // Wide-band leads at V = 1: the rate model neglects the level's width, so
  // n and I differ from the exact level by O(Gamma beta), D and gamma by
  // O((Gamma beta)^2). Halving Gamma twice: the first pair of ratios near
  // 2 (at least 1.7), the second near 4 (at least 3.4).
  std::vector<std::array<double, 4>> diffs;
  for (double G : {0.02, 0.01, 0.005}) {
    Config c = wideband(G, G, 1.0, -1.0);
    c.device.dot.eps = 0.6;
    const SequentialTunnelling seq(c);
    const ergon::ResonantLevel negf(c.device);
    std::array<double, 4> d{};
    for (double x : {-9.0, 0.0, 6.0}) {
      const auto s = at(seq, x), r = at(negf, x);
      d[0] = std::max(d[0], rel(s.n + seq.N0(), r.n + negf.N0()));
      d[1] = std::max(d[1], rel(s.current, r.current));
      d[2] = std::max(d[2], rel(s.D, r.D));
      d[3] = std::max(d[3], rel(s.gamma, r.gamma));
    }
    diffs.push_back(d);
  }
  for (int k = 0; k < 2; ++k) {
    for (int q = 0; q < 2; ++q) EXPECT_GT(diffs[k][q] / diffs[k + 1][q], 1.7) << "n, I " << q;
    for (int q = 2; q < 4; ++q) EXPECT_GT(diffs[k][q] / diffs[k + 1][q], 3.4) << "D, gamma " << q;
  }
  EXPECT_LT(diffs[2][0], 0.01);
  EXPECT_LT(diffs[2][2], 1e-4);
}

TEST(Sequential, DerivativesAreExact) {
  // The jets' derivatives against fourth-order central differences of the
  // values (error h^4 f^(5), h = 1e-2 x0: about 1e-9 relative).
  for (const Config& c : dots(6.0)) {
    const SequentialTunnelling model(c);
    const double h = 0.01 * c.device.oscillator.x0();
    for (double x : {-13.0, 0.0, 4.0}) {
      const auto node = model.node(x);
      std::array<ergon::Coefficients, 5> v;
      for (int k = 0; k < 5; ++k) v[k] = at(model, x + (k - 2) * h);
      auto d1 = [&](auto f) { return (f(v[0]) - 8 * f(v[1]) + 8 * f(v[3]) - f(v[4])) / (12 * h); };
      auto d2 = [&](auto f) {
        return (-f(v[0]) + 16 * f(v[1]) - 30 * f(v[2]) + 16 * f(v[3]) - f(v[4])) / (12 * h * h);
      };
      auto n = [](const ergon::Coefficients& q) { return q.n; };
      auto D = [](const ergon::Coefficients& q) { return q.D; };
      auto g = [](const ergon::Coefficients& q) { return q.gamma; };
      auto I = [](const ergon::Coefficients& q) { return q.current; };
      const double sn = std::abs(node.slopes.dn) + 1e-3 * std::abs(v[2].n / h);
      EXPECT_NEAR(node.slopes.dn, d1(n), 1e-6 * sn);
      EXPECT_NEAR(node.slopes.dD, d1(D), 1e-6 * (std::abs(node.slopes.dD) + 1e-3 * v[2].D / h));
      EXPECT_NEAR(node.slopes.dgamma, d1(g), 1e-6 * (std::abs(node.slopes.dgamma) + 1e-3 * std::abs(v[2].gamma) / h));
      EXPECT_NEAR(node.slopes.dcurrent, d1(I), 1e-6 * (std::abs(node.slopes.dcurrent) + 1e-3 * v[2].current / h));
      EXPECT_NEAR(node.curvatures.d2D, d2(D), 1e-4 * (std::abs(node.curvatures.d2D) + 1e-3 * v[2].D / (h * h)));
      EXPECT_NEAR(node.curvatures.d2gamma, d2(g),
                  1e-4 * (std::abs(node.curvatures.d2gamma) + 1e-3 * std::abs(v[2].gamma) / (h * h)));
      // The third derivative against differences of the exact second.
      const auto up = model.node(x + h), down = model.node(x - h);
      EXPECT_NEAR(node.thirds.d3n, (up.curvatures.d2n - down.curvatures.d2n) / (2 * h),
                  1e-3 * (std::abs(node.thirds.d3n) + 1e-3 * std::abs(v[2].n) / (h * h * h)));
      EXPECT_NEAR(node.thirds.d3gamma, (up.curvatures.d2gamma - down.curvatures.d2gamma) / (2 * h),
                  1e-3 * (std::abs(node.thirds.d3gamma) + 1e-3 * std::abs(v[2].gamma) / (h * h * h)));
    }
  }
}

TEST(Sequential, NegativeDampingNeedsAStructuredBand) {
  // Wide-band leads damp at every bias; the paper's Lorentzian leads give
  // gamma(0) < 0 above a threshold bias, as for the resonant level.
  Config flat = wideband(0.02, 0.02, 6.0, -6.0);
  for (double x = -30; x <= 30; x += 3) EXPECT_GT(at(SequentialTunnelling(flat), x).gamma, 0.0) << x;
  Config lorentz = dots(6.0)[0];
  EXPECT_LT(at(SequentialTunnelling(lorentz), 0.0).gamma, 0.0);
  EXPECT_GT(at(SequentialTunnelling(dots(0.5)[0]), 0.0).gamma, 0.0);
}

TEST(Sequential, DiagnosticsNameTheLeadAndTheSlowCharge) {
  auto violated = [](const Config& c, const std::string& name) {
    for (const auto& d : SequentialTunnelling(c).diagnostics())
      if (d.name == name) return d.violated();
    ADD_FAILURE() << "no diagnostic " << name;
    return false;
  };
  // The paper's Gamma = 2 at beta = 0.5: not sequential tunnelling, lead L named.
  Config paper;
  paper.electronic.model = "sequential";
  paper.device.right.Gamma = 0.02;
  EXPECT_TRUE(violated(paper, "sequential_tunnelling_L"));
  EXPECT_FALSE(violated(paper, "sequential_tunnelling_R"));
  // Gamma = 0.02 at the paper's w0 = 0.2: the charge relaxes slower than the
  // oscillator turns.
  Config slow = dots(6.0)[0];
  EXPECT_FALSE(violated(slow, "sequential_tunnelling_L"));
  EXPECT_TRUE(violated(slow, "quasi_adiabatic_relaxation"));
  // The device: w0 = 0.002, Gamma = 0.05, beta = 0.5: both hold.
  Config good = slow;
  good.device.oscillator.w0 = 0.002;
  good.device.left.Gamma = good.device.right.Gamma = 0.05;
  EXPECT_FALSE(violated(good, "sequential_tunnelling_L"));
  EXPECT_FALSE(violated(good, "sequential_tunnelling_R"));
  EXPECT_FALSE(violated(good, "quasi_adiabatic_relaxation"));
  // The relaxation rate of one level is Gamma_L + Gamma_R (wide band).
  EXPECT_LT(rel(SequentialTunnelling(wideband(0.02, 0.03, 1.0, -1.0)).relaxation_rate(3.0), 0.05), 1e-12);
}

TEST(Sequential, EquilibriumStateIsThermal) {
  // At V = 0 the averaged solver's harmonic state is Boltzmann at the leads'
  // T = 2: <E> = T.
  Config c = dots(0.0)[1];
  c.averaged.mean_force = false;
  const SequentialTunnelling model(c);
  const auto sol = ergon::solve_averaged(model, c, 0);
  EXPECT_NEAR(sol.state->moment(1), 2.0, 1e-7);
}

TEST(Sequential, AveragedSolverRefusesADoubleWell) {
  // w0 = 0.002 with lambda = 0.1: the polaron energy 2 lambda^2 / w0 = 10
  // exceeds T = 2 and F^2 dn/dx > m w0^2 at x = 0, so x = 0 is a maximum of
  // the mean-force potential. The solver used to build its orbits around
  // it silently; it must refuse, naming the coupling. With lambda = 0.03
  // the same device has one well and solves.
  Config c = dots(0.0)[0];
  c.device.oscillator.w0 = 0.002;
  c.device.left.Gamma = c.device.right.Gamma = 0.05;
  try {
    (void)ergon::solve_averaged(SequentialTunnelling(c), c, 0);
    ADD_FAILURE() << "a double-well potential was solved";
  } catch (const ergon::Error& e) {
    EXPECT_NE(std::string(e.what()).find("more than one well"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("oscillator.lambda"), std::string::npos) << e.what();
  }
  c.device.oscillator.lambda = 0.03;
  EXPECT_GT(ergon::solve_averaged(SequentialTunnelling(c), c, 0).state->moment(1), 0.0);
}

TEST(Sequential, RefusesDotsItCannotBuild) {
  Config c = wideband(0.02, 0.02, 1, -1);
  c.electronic.orbitals = 5;
  c.electronic.spin = true;
  EXPECT_THROW(SequentialTunnelling{c}, ergon::Error);
}

}  // namespace
