// Rung 5 of the validation ladder: Wigner function to Fock populations.
#include <gtest/gtest.h>

#include <boost/math/special_functions/bessel.hpp>
#include <boost/math/special_functions/laguerre.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <cmath>
#include <numbers>
#include <random>

#include "ergon/errors.hpp"
#include "ergon/fock.hpp"
#include "ergon/phase_space.hpp"
#include "isa_levels.hpp"
#include "numerics/log_spline.hpp"
#include "simd/laguerre.hpp"

namespace {

// Classical Boltzmann radial density with mean theta: thermal state with
// nbar = theta - 1/2 (geometric populations).
std::vector<double> geometric(double nbar, int n_max) {
  std::vector<double> p;
  const double q = nbar / (nbar + 1);
  for (int n = 0; n <= n_max; ++n) p.push_back((1 - q) * std::pow(q, n));
  return p;
}

// Phase-averaged coherent state |beta|^2 = mu: P_y = 2 exp(-2 (y + mu)) I0(4 sqrt(mu y)),
// written with the exponentially scaled Bessel function.
double coherent_radial(double mu, double y) {
  const double z = 4 * std::sqrt(mu * y);
  const double scaled = z < 700 ? boost::math::cyl_bessel_i(0, z) * std::exp(-z)
                                : 1 / std::sqrt(2 * std::numbers::pi * z) * (1 + 1 / (8 * z) + 9 / (128 * z * z));
  return 2 * std::exp(-2 * std::pow(std::sqrt(y) - std::sqrt(mu), 2)) * scaled;
}

TEST(Fock, LaguerreFunctionsAgreeWithBoostAndHighPrecision) {
  for (double x : {0.0, 0.5, 7.3, 40.0}) {
    const auto phi = ergon::laguerre_functions(60, x);
    for (unsigned n = 0; n <= 60; n += 7)
      EXPECT_NEAR(phi[n], std::exp(-x / 2) * boost::math::laguerre(n, x), 1e-12) << "x=" << x << " n=" << n;
  }
  // Far beyond double range of exp(-x/2) and L_n separately: 50-digit reference.
  using big = boost::multiprecision::cpp_bin_float_50;
  const double x = 4000.0;
  const auto phi = ergon::laguerre_functions(1200, x);
  big l0 = 1, l1 = 1 - big(x);
  for (unsigned n = 1; n < 1200; ++n) {
    big l2 = ((2 * n + 1 - big(x)) * l1 - n * l0) / (n + 1);
    l0 = l1;
    l1 = l2;
  }
  const double ref = static_cast<double>(exp(-big(x) / 2) * l1);
  EXPECT_NEAR(phi[1200], ref, 1e-10 * std::max(1.0, std::abs(ref)));
  for (double v : phi) EXPECT_LE(std::abs(v), 1.0 + 1e-12);
}

TEST(Fock, LaguerreSumKernelsAgree) {
  // Every kernel this machine runs against the scalar recurrence
  // (fock_kernel), over points from y = 0 to far beyond n_max (where the
  // lanes rescale) and a count that leaves a group partly empty; the
  // kernels with fused multiply-adds add in the same order, so AVX-512 and
  // AVX2 agree bit for bit.
  const int n_max = 1500;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> y, w;
  for (int i = 0; i < 203; ++i) {
    y.push_back(2500.0 * u(rng) * u(rng));
    w.push_back(u(rng) / 203);
  }
  std::vector<double> ref(n_max + 1, 0.0);
  for (std::size_t i = 0; i < y.size(); ++i) {
    const std::vector<double> k = ergon::fock_kernel(n_max, y[i]);
    for (int n = 0; n <= n_max; ++n) ref[static_cast<std::size_t>(n)] += w[i] * k[static_cast<std::size_t>(n)];
  }
  std::vector<std::pair<std::string, std::vector<double>>> out;
  ergon_test::for_each_isa([&](const char* name) {
    std::vector<double> p(n_max + 1, 0.0);
    ergon::simd::laguerre_sum(y.data(), w.data(), y.size(), n_max, p.data());
    for (int n = 0; n <= n_max; ++n) {
      EXPECT_NEAR(p[n], ref[n], 1e-14) << name << " n = " << n;
    }
    out.emplace_back(name, p);
  });
  // The lane order does not depend on the vector width: the fused
  // multiply-add kernels agree bit for bit.
  for (const auto& [a, pa] : out)
    for (const auto& [b, pb] : out) {
      if (a != "sse2" && b != "sse2") {
        EXPECT_EQ(pa, pb) << a << " vs " << b;
      }
    }
}

TEST(Fock, StatesBeyondTheFockLimitAreRefused) {
  const auto P = [](double y) { return std::exp(-y / 1e5) / 1e5; };
  EXPECT_THROW((void)ergon::populations_from_radial(P, 1e6, ergon::max_fock_states + 1, {}), ergon::Error);
  EXPECT_THROW((void)ergon::populations_from_samples({1.0, 2.0}, ergon::max_fock_states + 1), ergon::Error);
}

TEST(Fock, ThermalStateGivesGeometricPopulations) {
  for (double theta : {0.7, 10.0, 60.0}) {
    auto P = [&](double y) { return std::exp(-y / theta) / theta; };
    const int n_max = ergon::choose_n_max([&](double y) { return std::exp(-y / theta); });
    const auto pop = ergon::populations_from_radial(P, 60 * theta + 100, n_max);
    const auto ref = geometric(theta - 0.5, n_max);
    for (int n = 0; n <= n_max; ++n)
      EXPECT_NEAR(pop.p[static_cast<std::size_t>(n)], ref[static_cast<std::size_t>(n)], 1e-13) << "n=" << n;
    EXPECT_NEAR(pop.trace, 1.0, 1e-11);
    EXPECT_LT(pop.negative_weight, 1e-12);
  }
}

TEST(Fock, PhaseAveragedCoherentStateGivesPoisson) {
  for (double mu : {0.3, 25.0}) {
    const int n_max = static_cast<int>(mu + 20 * std::sqrt(mu) + 40);
    const auto pop =
        ergon::populations_from_radial([&](double y) { return coherent_radial(mu, y); }, n_max + 60.0, n_max);
    for (int n = 0; n <= n_max; ++n) {
      const double poisson = std::exp(n * std::log(mu) - mu - std::lgamma(n + 1.0));
      EXPECT_NEAR(pop.p[static_cast<std::size_t>(n)], poisson, 1e-12) << "mu=" << mu << " n=" << n;
    }
  }
}

TEST(Fock, StableAtLargeOccupation) {
  // nbar ~ 500: exp(-2y) underflows where L_n(4y) overflows; both states exact to 1e-12.
  const double mu = 500.0;
  const int n_max = 900;
  const auto pop = ergon::populations_from_radial([&](double y) { return coherent_radial(mu, y); }, 1000.0, n_max);
  double worst = 0;
  for (int n = 0; n <= n_max; ++n)
    worst = std::max(
        worst, std::abs(pop.p[static_cast<std::size_t>(n)] - std::exp(n * std::log(mu) - mu - std::lgamma(n + 1.0))));
  EXPECT_LT(worst, 1e-12);
  EXPECT_LT(pop.negative_weight, 1e-11);
  const double theta = 500.5;
  const auto th =
      ergon::populations_from_radial([&](double y) { return std::exp(-y / theta) / theta; }, 40 * theta, 2000);
  const auto ref = geometric(500.0, 2000);
  for (int n = 0; n <= 2000; n += 50)
    EXPECT_NEAR(th.p[static_cast<std::size_t>(n)], ref[static_cast<std::size_t>(n)], 1e-13);
}

TEST(Fock, MonteCarloEstimatorIsUnbiased) {
  // Exact thermal samples: y exponential with mean theta.
  const double theta = 4.0;
  std::mt19937_64 rng(5);
  std::exponential_distribution<double> ex(1 / theta);
  std::vector<double> y(200000);
  for (auto& v : y) v = ex(rng);
  const auto pop = ergon::populations_from_samples(y, 30);
  const auto ref = geometric(theta - 0.5, 30);
  // Var of the kernel is at most 4; 5 sigma.
  for (int n = 0; n <= 30; ++n)
    EXPECT_NEAR(pop.p[static_cast<std::size_t>(n)], ref[static_cast<std::size_t>(n)], 5 * 2 / std::sqrt(2e5));
}

TEST(Fock, DensityMatrixOfACoherentStateFromItsWignerGrid) {
  // W = (2/pi) exp(-2 |alpha - beta|^2): rho_mn = e^{-|b|^2} b^m conj(b)^n / sqrt(m! n!).
  const std::complex<double> beta(1.1, -0.7);
  ergon::WignerGrid g;
  g.alpha_max = 6.0;
  g.bins = 241;
  g.density.resize(static_cast<std::size_t>(g.bins * g.bins));
  for (int i = 0; i < g.bins; ++i)
    for (int j = 0; j < g.bins; ++j)
      g.density[static_cast<std::size_t>(i * g.bins + j)] =
          2 / std::numbers::pi * std::exp(-2 * std::norm(std::complex<double>(g.centre(i), g.centre(j)) - beta));
  const auto rho = ergon::density_matrix_from_wigner(g, 8);
  for (int m = 0; m <= 8; ++m)
    for (int n = 0; n <= 8; ++n) {
      const auto ref = std::exp(-std::norm(beta)) * std::pow(beta, m) * std::pow(std::conj(beta), n) /
                       std::sqrt(std::tgamma(m + 1.0) * std::tgamma(n + 1.0));
      EXPECT_NEAR(std::abs(rho(m, n) - ref), 0.0, 2e-4) << m << "," << n;
    }
}

TEST(Fock, LogSplineDensityRecoversAnExponential) {
  // Binned exact expectations (no noise) of an exponential: the fit is exact
  // in log space (linear), so the populations are geometric.
  const double theta = 10.0, w = 0.125;
  std::vector<double> counts(4000);
  for (std::size_t i = 0; i < counts.size(); ++i)
    counts[i] =
        1e9 * (std::exp(-static_cast<double>(i) * w / theta) - std::exp(-static_cast<double>(i + 1) * w / theta));
  const ergon::numerics::LogSplineDensity fit(counts, w, 12);
  for (double y : {0.0, 3.0, 40.0, 200.0}) EXPECT_NEAR(fit(y) * theta * std::exp(y / theta), 1.0, 2e-4) << y;
  const auto pop = ergon::populations_from_radial([&](double y) { return fit(y); }, fit.support_end(), 300);
  const auto ref = geometric(theta - 0.5, 300);
  for (int n = 0; n <= 300; n += 10)
    EXPECT_NEAR(pop.p[static_cast<std::size_t>(n)] / ref[static_cast<std::size_t>(n)], 1.0, 0.01) << n;
  EXPECT_LT(pop.negative_weight, 1e-12);
}

}  // namespace
