// Rung 6 of the validation ladder: thermodynamics of the battery state.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

#include "ergon/thermodynamics.hpp"

namespace {

std::vector<double> thermal(double w0, double T, int n_max) {
  std::vector<double> p;
  const double q = std::exp(-w0 / T);
  for (int n = 0; n <= n_max; ++n) p.push_back((1 - q) * std::pow(q, n));
  return p;
}

// A random full-rank density matrix A A^dag / Tr(A A^dag), A with entries
// uniform in the square [-1/2, 1/2]^2 of the complex plane.
Eigen::MatrixXcd random_density_matrix(std::mt19937_64& rng, int n) {
  std::uniform_real_distribution<double> u(-0.5, 0.5);
  Eigen::MatrixXcd A(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) A(i, j) = {u(rng), u(rng)};
  const Eigen::MatrixXcd rho = A * A.adjoint();
  return rho / rho.trace().real();
}

TEST(Thermodynamics, ThermalStateHasNoExtractableWork) {
  const double w0 = 0.2, T = 2.0;
  const auto t = ergon::thermodynamics(thermal(w0, T, 600), w0, T);
  const double q = std::exp(-w0 / T), nbar = q / (1 - q);
  EXPECT_NEAR(t.nbar, nbar, 1e-10);
  EXPECT_NEAR(t.g2, 2.0, 1e-9);
  EXPECT_NEAR(t.entropy, (nbar + 1) * std::log(nbar + 1) - nbar * std::log(nbar), 1e-10);
  EXPECT_LT(t.ergotropy, 1e-12);
  EXPECT_LT(t.free_energy_work, 1e-12);
  // At another temperature W_F > 0, W_E still 0 (passive).
  const auto hot = ergon::thermodynamics(thermal(w0, T, 600), w0, 3.0);
  EXPECT_GT(hot.free_energy_work, 1e-3);
  EXPECT_LT(hot.ergotropy, 1e-12);
}

TEST(Thermodynamics, InvertedToyStateErgotropyByHand) {
  // p = (0.1, 0.2, 0.7), w0 = 1: U = 1.6; passive (0.7, 0.2, 0.1) has energy 0.4; W_E = 1.2.
  const auto t = ergon::thermodynamics(std::vector<double>{0.1, 0.2, 0.7}, 1.0, 1.0);
  EXPECT_NEAR(t.energy, 1.6, 1e-15);
  EXPECT_NEAR(t.ergotropy, 1.2, 1e-15);
  EXPECT_NEAR(t.entropy, -(0.1 * std::log(0.1) + 0.2 * std::log(0.2) + 0.7 * std::log(0.7)), 1e-15);
  // g2 = sum n(n-1) p / nbar^2 = 2*0.7 / 1.6^2.
  EXPECT_NEAR(t.g2, 1.4 / 2.56, 1e-15);
  EXPECT_NEAR(t.mandel_q, 1.6 * (1.4 / 2.56 - 1), 1e-14);
}

TEST(Thermodynamics, PoissonHasG2OneAndZeroMandelQ) {
  const double mu = 7.5;
  std::vector<double> p;
  for (int n = 0; n <= 80; ++n) p.push_back(std::exp(n * std::log(mu) - mu - std::lgamma(n + 1.0)));
  const auto t = ergon::thermodynamics(p, 0.2, 2.0);
  EXPECT_NEAR(t.g2, 1.0, 1e-12);
  EXPECT_NEAR(t.mandel_q, 0.0, 1e-10);
  EXPECT_NEAR(t.nbar, mu, 1e-12);
  EXPECT_GT(t.ergotropy, 0.0);
}

TEST(Thermodynamics, ErgotropyBoundedByFreeEnergyWorkOnRandomStates) {
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> u(0, 1);
  for (int trial = 0; trial < 200; ++trial) {
    const int n = 2 + trial % 30;
    std::vector<double> p(static_cast<std::size_t>(n));
    double s = 0;
    for (auto& v : p) s += (v = std::pow(u(rng), 3));
    for (auto& v : p) v /= s;
    const double T = 0.1 + 3 * u(rng);
    const auto t = ergon::thermodynamics(p, 0.7, T);
    EXPECT_LE(t.ergotropy, t.free_energy_work + 1e-12);
    EXPECT_GE(t.ergotropy, 0.0);
  }
  // General (non-diagonal) random density matrices.
  for (int trial = 0; trial < 50; ++trial) {
    const int n = 3 + trial % 10;
    const Eigen::MatrixXcd rho = random_density_matrix(rng, n);
    const auto t = ergon::thermodynamics(rho, 0.3, 0.5 + u(rng));
    EXPECT_LE(t.ergotropy, t.free_energy_work + 1e-12);
  }
}

TEST(Thermodynamics, PureStateHasZeroEntropyAndFullErgotropy) {
  // A coherent state truncated at n = 40 (weight lost < 1e-20).
  const std::complex<double> beta(1.5, 0.5);
  const int N = 41;
  Eigen::VectorXcd v(N);
  for (int n = 0; n < N; ++n)
    v(n) = std::exp(-std::norm(beta) / 2) * std::pow(beta, n) / std::sqrt(std::tgamma(n + 1.0));
  const Eigen::MatrixXcd rho = v * v.adjoint();
  const auto t = ergon::thermodynamics(rho, 0.2, 2.0);
  EXPECT_NEAR(t.entropy, 0.0, 1e-10);
  EXPECT_NEAR(t.ergotropy, 0.2 * std::norm(beta), 1e-10);  // everything above the ground state
  EXPECT_NEAR(t.g2, 1.0, 1e-10);
}

// |beta> truncated at N states (weight lost < 1e-20 for the sizes used).
Eigen::VectorXcd coherent_state(std::complex<double> beta, int N) {
  Eigen::VectorXcd v(N);
  for (int n = 0; n < N; ++n)
    v(n) = std::exp(-std::norm(beta) / 2) * std::pow(beta, n) / std::sqrt(std::tgamma(n + 1.0));
  return v;
}

TEST(Thermodynamics, CoherentStateErgotropySplitsIntoIncoherentAndCoherentParts) {
  // Pure |beta>: W_E = U. Its dephased state is Poissonian, whose ergotropy
  // (the incoherent part) is U minus the passive energy of the sorted Poisson
  // weights; the coherent part is the rest, and max |rho_mn| is the largest
  // product of two Poisson amplitudes.
  const std::complex<double> beta(2.0, -1.0);
  const double w0 = 0.2, mu = std::norm(beta);
  const Eigen::VectorXcd v = coherent_state(beta, 60);
  const auto t = ergon::thermodynamics(Eigen::MatrixXcd(v * v.adjoint()), w0, 2.0);
  std::vector<double> poisson;
  for (int n = 0; n < 60; ++n) poisson.push_back(std::exp(n * std::log(mu) - mu - std::lgamma(n + 1.0)));
  auto sorted = poisson;
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  double passive = 0;
  for (std::size_t k = 0; k < sorted.size(); ++k) passive += static_cast<double>(k) * sorted[k];
  EXPECT_NEAR(t.ergotropy, w0 * mu, 1e-12);
  EXPECT_NEAR(t.incoherent_ergotropy, w0 * (mu - passive), 1e-12);
  EXPECT_NEAR(t.coherent_ergotropy, w0 * passive, 1e-12);
  EXPECT_GT(t.coherent_ergotropy, 0.1 * t.ergotropy);
  EXPECT_NEAR(t.max_coherence, std::sqrt(sorted[0] * sorted[1]), 1e-14);  // the two largest amplitudes
  // The phase-averaged state is diagonal: all its ergotropy is incoherent,
  // and it equals the population-vector path's to rounding.
  Eigen::MatrixXcd averaged = Eigen::MatrixXcd::Zero(60, 60);
  for (int n = 0; n < 60; ++n) averaged(n, n) = poisson[static_cast<std::size_t>(n)];
  const auto a = ergon::thermodynamics(averaged, w0, 2.0);
  const auto p = ergon::thermodynamics(poisson, w0, 2.0);
  EXPECT_NEAR(a.coherent_ergotropy, 0.0, 1e-15);
  EXPECT_EQ(a.max_coherence, 0.0);
  EXPECT_NEAR(a.ergotropy, a.incoherent_ergotropy, 1e-15);
  EXPECT_NEAR(a.ergotropy, p.ergotropy, 1e-14);
  EXPECT_NEAR(a.entropy, p.entropy, 1e-13);
  EXPECT_NEAR(a.free_energy_work, p.free_energy_work, 1e-14);
  EXPECT_NEAR(a.g2, p.g2, 1e-14);
  EXPECT_EQ(p.coherent_ergotropy, 0.0);
  EXPECT_EQ(p.incoherent_ergotropy, p.ergotropy);
}

TEST(Thermodynamics, SqueezedVacuumAgainstClosedForms) {
  // S(r)|0> = (cosh r)^{-1/2} sum_n (-tanh r)^n sqrt((2n)!)/(2^n n!) |2n>
  // (squeezing phase 0): pure, nbar = sinh^2 r, <a^dag^2 a^2> = 3 sinh^4 r +
  // sinh^2 r, so g2 = 3 + 1/sinh^2 r; W_E = U; S = 0; W_F = U - F_eq.
  const double r = 0.7, w0 = 0.3, T = 1.5;
  const int N = 200;
  Eigen::VectorXcd v = Eigen::VectorXcd::Zero(N);
  for (int k = 0; 2 * k < N; ++k)
    v(2 * k) = std::exp(-0.5 * std::log(std::cosh(r)) + k * std::log(std::tanh(r)) + 0.5 * std::lgamma(2 * k + 1.0) -
                        k * std::log(2.0) - std::lgamma(k + 1.0)) *
               (k % 2 ? -1.0 : 1.0);
  const auto t = ergon::thermodynamics(Eigen::MatrixXcd(v * v.adjoint()), w0, T);
  const double s2 = std::pow(std::sinh(r), 2);
  EXPECT_NEAR(t.nbar, s2, 1e-12);
  EXPECT_NEAR(t.g2, 3 + 1 / s2, 1e-11);
  EXPECT_NEAR(t.entropy, 0.0, 1e-10);
  EXPECT_NEAR(t.ergotropy, w0 * s2, 1e-12);
  EXPECT_NEAR(t.free_energy_work, w0 * s2 - T * std::log(-std::expm1(-w0 / T)), 1e-10);
  EXPECT_NEAR(t.incoherent_ergotropy + t.coherent_ergotropy, t.ergotropy, 1e-15);
}

TEST(Thermodynamics, IncoherentErgotropyIsTheDephasedStatesOnRandomStates) {
  std::mt19937_64 rng(23);
  std::uniform_real_distribution<double> u(0, 1);
  for (int trial = 0; trial < 40; ++trial) {
    const int n = 3 + trial % 12;
    const Eigen::MatrixXcd rho = random_density_matrix(rng, n);
    const auto t = ergon::thermodynamics(rho, 0.4, 0.8);
    std::vector<double> diag;
    for (int k = 0; k < n; ++k) diag.push_back(rho(k, k).real());
    const auto d = ergon::thermodynamics(diag, 0.4, 0.8);
    EXPECT_NEAR(t.incoherent_ergotropy, d.ergotropy, 1e-13);
    EXPECT_GE(t.coherent_ergotropy, 0.0);
    EXPECT_LE(t.entropy, d.entropy + 1e-13);  // dephasing raises the entropy
    double largest = 0;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        if (i != j) largest = std::max(largest, std::abs(rho(i, j)));
    EXPECT_DOUBLE_EQ(t.max_coherence, largest);
  }
}

TEST(Thermodynamics, G2FromWignerMoments) {
  // Thermal: y exponential with mean nbar + 1/2: <y^2> = 2 (nbar + 1/2)^2.
  const double nbar = 9.5;
  EXPECT_NEAR(ergon::g2_from_moments(nbar + 0.5, 2 * std::pow(nbar + 0.5, 2)), 2.0, 1e-14);
  // Coherent (phase averaged) mu: y = |alpha|^2 with alpha ~ beta + noise of variance 1/4 per axis:
  // <y> = mu + 1/2, <y^2> = mu^2 + 2 mu + 1/2.
  const double mu = 3.0;
  EXPECT_NEAR(ergon::g2_from_moments(mu + 0.5, mu * mu + 2 * mu + 0.5), 1.0, 1e-14);
}

}  // namespace
