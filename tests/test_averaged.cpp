// The energy-averaged stationary density (deterministic solver).
#include <gtest/gtest.h>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>

#include "ergon/averaged.hpp"
#include "ergon/config.hpp"
#include "ergon/resonant_level.hpp"
#include "synthetic_model.hpp"

namespace {

using ergon_test::constant_model;

TEST(Averaged, ConstantCoefficientsGiveBoltzmannExactly) {
  // D = 2 m gamma T: P(E) = exp(-E/T)/T.
  const double gamma = 3e-4, T = 2.0;
  const ergon::Config c;
  const auto sol = ergon::solve_averaged(constant_model(gamma, 2 * gamma * T), c, 0);
  const auto& a = *sol.state;
  for (double E : {0.0, 0.01, 1.0, 7.0, 30.0, 60.0}) EXPECT_NEAR(a.density(E) * T * std::exp(E / T), 1.0, 1e-9) << E;
  EXPECT_NEAR(a.moment(1), T, 1e-9);
  EXPECT_NEAR(a.moment(2), 2 * T * T, 1e-8);
  EXPECT_NEAR(a.cdf(3.0), 1 - std::exp(-1.5), 1e-9);
  EXPECT_NEAR(a.quantile(0.5), T * std::log(2.0), 1e-9);
  // Orbit averages: a(E) = -gamma E + D/(2m), b(E) = E D / m.
  EXPECT_NEAR(a.drift(5.0), -gamma * 5.0 + gamma * T, 1e-15);
  EXPECT_NEAR(a.diffusion(5.0), 5.0 * 2 * gamma * T, 1e-15);
}

TEST(Averaged, EquilibriumDeviceIsThermalAtTheLeadsTemperature) {
  // FDT holds at every x at zero bias: phase-space Boltzmann at T = 2.
  // Harmonic orbits: P(E) = exp(-E/T)/T, <E> = T.
  ergon::Config c;
  c.averaged.mean_force = false;
  const ergon::ResonantLevel m(c.device);
  const auto harmonic = ergon::solve_averaged(m, c, 0);
  EXPECT_NEAR(harmonic.state->moment(1), 2.0, 1e-8);
  EXPECT_NEAR(harmonic.state->density(4.0) * 2.0 * std::exp(2.0), 1.0, 1e-8);
  // With the mean force: Boltzmann in V(x) = m w0^2 x^2/2 + Phi(x),
  // <E_h> = T/2 + <m w0^2 x^2/2>, computed here by direct quadrature of
  // exp(-V/T) with Phi from the electronic model (independent of the solver).
  c.averaged.mean_force = true;
  const auto full = ergon::solve_averaged(m, c, 0);
  using GK = boost::math::quadrature::gauss_kronrod<double, 31>;
  const double k = 0.04, T = 2.0, F = m.F();
  auto Phi = [&](double x) {
    return -F * GK::integrate([&](double y) { return m.excess_charge(y); }, 0.0, x, 8, 1e-12);
  };
  auto weight = [&](double x) { return std::exp(-(0.5 * k * x * x + Phi(x)) / T); };
  const double L = 60.0;
  const double Z = GK::integrate(weight, -L, L, 10, 1e-12);
  const double X2 = GK::integrate([&](double x) { return 0.5 * k * x * x * weight(x); }, -L, L, 10, 1e-12);
  EXPECT_NEAR(full.state->moment(1), T / 2 + X2 / Z, 1e-6);
  EXPECT_GT(full.state->moment(1) - 2.0, 0.01);  // the mean force softens the potential at V = 0
}

TEST(Averaged, TableCoversTheDensity) {
  ergon::Config c;
  ergon::set_bias(c.device, 16.0);
  const ergon::ResonantLevel m(c.device);
  const auto sol = ergon::solve_averaged(m, c, 0);
  // The mass beyond 85 % of the table's half-width is below the tail 1e-13.
  const double A = 0.85 * sol.table->x_max();
  EXPECT_LT(1.0 - sol.state->cdf(sol.state->energy_min() + 0.5 * 0.04 * A * A), 1e-13);
  EXPECT_GT(sol.state->moment(1), 20.0);  // a ring far above the thermal energy 2
}

TEST(Averaged, RadialDensityIsNormalisedAndCarriesTheBatteryEnergy) {
  // P_y is built from orbit phases, <E_h> from orbit averages: integrating
  // P_y independently (adaptive Gauss-Kronrod in y) must give 1 and <E_h>/w0.
  ergon::Config c;
  ergon::set_bias(c.device, 16.0);
  const ergon::ResonantLevel m(c.device);
  const auto sol = ergon::solve_averaged(m, c, 0);
  const auto& a = *sol.state;
  using GK = boost::math::quadrature::gauss_kronrod<double, 31>;
  const double top = a.radial_max();
  double Z = 0, Y = 0;
  for (int k = 0; k < 64; ++k) {
    const double lo = top * k / 64, hi = top * (k + 1) / 64;
    Z += GK::integrate([&](double y) { return a.radial_density(y); }, lo, hi, 8, 1e-13);
    Y += GK::integrate([&](double y) { return y * a.radial_density(y); }, lo, hi, 8, 1e-13);
  }
  EXPECT_NEAR(Z, 1.0, 1e-9);
  EXPECT_NEAR(Y / (a.moment(1) / 0.2), 1.0, 1e-8);  // phase vs orbit interpolation
  // Before its exact renormalisation the tabulated P_y integrates to 1 within
  // 1e-8 (cubic inversion of E_h along each phase; ~1e-10 measured).
  EXPECT_LT(a.radial_normalisation_error(), 1e-8);
  EXPECT_LT(sol.numerical_error, 1e-8);
}

TEST(Averaged, ErrorEstimateBoundsTheErrorAgainstAFineReference) {
  // The sixth-order scheme at the solver's chosen resolution against
  // sixteen times as many orbits and phases on the same table, below, at and
  // far above threshold: the reported error must bound the true error, and
  // both must meet the tolerance.
  for (double V : {2.0, 4.3, 8.0, 16.0}) {
    ergon::Config c;
    ergon::set_bias(c.device, V);
    const ergon::ResonantLevel m(c.device);
    const auto sol = ergon::solve_averaged(m, c, 0);
    const ergon::AveragedSteadyState ref(*sol.table, c.averaged, 8.0, false);
    for (int k : {1, 2}) {
      const double error = std::abs(sol.state->moment(k) / ref.moment(k) - 1);
      EXPECT_LT(error, sol.numerical_error) << "V = " << V << ", moment " << k;
      EXPECT_LT(error, c.averaged.tolerance) << "V = " << V << ", moment " << k;
    }
  }
}

}  // namespace
