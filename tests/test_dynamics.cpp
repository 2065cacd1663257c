// Rung 4 of the validation ladder: the Langevin integrators and the sampler.
// Statistical assertions use the sampler's own standard errors (fixed seeds):
// a deviation beyond 4.5 standard errors fails.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <numeric>

#include "engine/engine.hpp"
#include "ergon/averaged.hpp"
#include "ergon/config.hpp"
#include "ergon/dynamics.hpp"
#include "ergon/random.hpp"
#include "ergon/sampler.hpp"
#include "synthetic_model.hpp"

namespace {

using ergon::Config;
using ergon::Integrator;

constexpr double kSigmas = 4.5;

using ergon_test::constant_model;
using ergon_test::FunctionModel;

Config ou_config(Integrator integrator, double dt, double time, unsigned long long seed = 11) {
  Config c;
  c.langevin.integrator = integrator;
  c.langevin.dt = dt;
  c.langevin.time = time;
  c.langevin.burn_in = 2e4;
  c.langevin.trajectories = 64;
  c.langevin.seed = seed;
  return c;
}

// Exact stationary <p^2/2m + m w0^2 x^2/2> of the linear recursion
// z' = M z + b xi (discrete Lyapunov equation S = M S M^T + b b^T).
double discrete_energy(const Eigen::Matrix2d& M, const Eigen::Vector2d& b, double w0, double m) {
  // vec(S) = (I - M (x) M)^-1 vec(b b^T)
  Eigen::Matrix4d K = Eigen::Matrix4d::Identity();
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      for (int k = 0; k < 2; ++k)
        for (int l = 0; l < 2; ++l) K(2 * i + j, 2 * k + l) -= M(i, k) * M(j, l);
  Eigen::Vector4d bb;
  bb << b(0) * b(0), b(0) * b(1), b(1) * b(0), b(1) * b(1);
  const Eigen::Vector4d S = K.fullPivLu().solve(bb);
  return S(3) / (2 * m) + 0.5 * m * w0 * w0 * S(0);  // S(0) = <x^2>, S(3) = <p^2>
}

// Euler for the OU oscillator: x' = x + p/m dt, p' = p(1 - gamma dt) - k x dt + sqrt(D dt) xi.
double euler_energy(double w0, double m, double gamma, double D, double dt) {
  Eigen::Matrix2d M;
  M << 1, dt / m, -m * w0 * w0 * dt, 1 - gamma * dt;
  return discrete_energy(M, Eigen::Vector2d(0, std::sqrt(D * dt)), w0, m);
}

// BABO splitting: invariant Gaussian with <p^2> = mT, <x^2> = T / (m w0^2 (1 - w0^2 dt^2 / 4)).
double splitting_energy(double w0, double T, double dt) { return 0.5 * T * (1 + 1 / (1 - w0 * w0 * dt * dt / 4)); }

TEST(Random, EngineNormalsMatchTheReference) {
  const int W = ergon::engine::width();
  std::vector<double> out(static_cast<std::size_t>(4 * W));
  for (std::uint64_t block : {0ULL, 7ULL, 123456789ULL}) {
    ergon::engine::sample_normals(42, 100, block, out.data());
    for (int lane = 0; lane < W; ++lane) {
      const auto ref =
          ergon::normals4(42, block, static_cast<std::uint32_t>(100 + lane), ergon::RandomStream::dynamics);
      for (int s = 0; s < 4; ++s)
        EXPECT_NEAR(out[static_cast<std::size_t>(s * W + lane)], ref[static_cast<std::size_t>(s)],
                    2e-6 * (1 + std::abs(ref[static_cast<std::size_t>(s)])));
    }
  }
}

TEST(Random, NormalMomentsAndPhiloxReference) {
  // Random123's published known-answer for Philox4x32-10 with zero counter and key.
  const auto w = ergon::philox_words(0, 0, 0, ergon::RandomStream::dynamics);
  EXPECT_EQ(w[0], 0x6627e8d5U);
  EXPECT_EQ(w[1], 0xe169c58dU);
  EXPECT_EQ(w[2], 0xbc57ac4cU);
  EXPECT_EQ(w[3], 0x9b00dbd8U);
  // Moments of 4e6 engine normals: mean 0, variance 1, kurtosis 3, within 5 sigma.
  const int W = ergon::engine::width();
  std::vector<double> out(static_cast<std::size_t>(4 * W));
  double s1 = 0, s2 = 0, s4 = 0, n = 0;
  for (std::uint64_t block = 0; n < 4e6; ++block) {
    ergon::engine::sample_normals(3, 0, block, out.data());
    for (double v : out) {
      s1 += v;
      s2 += v * v;
      s4 += v * v * v * v;
      n += 1;
    }
  }
  EXPECT_NEAR(s1 / n, 0.0, 5 * std::sqrt(1 / n));
  EXPECT_NEAR(s2 / n, 1.0, 5 * std::sqrt(2 / n));
  EXPECT_NEAR(s4 / n, 3.0, 5 * std::sqrt(96 / n));
}

TEST(Sampler, SplittingReachesItsExactStationaryEnergy) {
  // gamma = 2e-3, T = 2: at w0 dt = 0.5 the scheme's invariant energy is 3.3 %
  // above T, a bias the run must resolve; at w0 dt = 0.05 it is 3e-4.
  const double gamma = 2e-3, T = 2.0, D = 2 * gamma * T;
  for (double dt : {2.5, 0.25}) {
    const auto run = ergon::run_langevin(constant_model(gamma, D), ou_config(Integrator::splitting, dt, 6e7));
    const auto s = ergon::summarize(run);
    const double exact = splitting_energy(0.2, T, dt);
    EXPECT_NEAR(s.wigner_energy.value, exact, kSigmas * s.wigner_energy.error) << "dt=" << dt;
    EXPECT_LT(s.wigner_energy.error, 0.005 * T);
    if (dt == 2.5) {
      EXPECT_GT(s.wigner_energy.value - T, 4 * s.wigner_energy.error);
    }
  }
}

TEST(Sampler, EulerBiasMatchesItsExactStationaryEnergyAndThePrediction) {
  // The paper's scheme: effective damping gamma - w0^2 dt (docs/model.md).
  const double gamma = 2e-3, T = 2.0, D = 2 * gamma * T, w0 = 0.2;
  for (double dt : {0.02, 0.01}) {
    const auto run = ergon::run_langevin(constant_model(gamma, D), ou_config(Integrator::euler, dt, 2e7));
    const auto s = ergon::summarize(run);
    const double exact = euler_energy(w0, 1.0, gamma, D, dt);
    const double predicted = D / (2 * (gamma - w0 * w0 * dt));
    EXPECT_NEAR(s.wigner_energy.value, exact, kSigmas * s.wigner_energy.error) << "dt=" << dt;
    EXPECT_NEAR(exact, predicted, 0.03 * predicted) << "dt=" << dt;
    EXPECT_GT(s.wigner_energy.value - T, 10 * s.wigner_energy.error);
  }
  // First order: the bias halves with dt (exactly, up to O(dt^2)).
  const double b1 = euler_energy(w0, 1, gamma, D, 0.002) - T, b2 = euler_energy(w0, 1, gamma, D, 0.001) - T;
  EXPECT_NEAR(b1 / b2, 2.0, 0.2);
  // Second order for the splitting: bias quarters with dt.
  const double s1 = splitting_energy(w0, T, 0.5) - T, s2 = splitting_energy(w0, T, 0.25) - T;
  EXPECT_NEAR(s1 / s2, 4.0, 0.01);
}

TEST(Sampler, BoltzmannHistogram) {
  // Radial density of the OU oscillator: P_y = exp(-y/theta)/theta, theta = T/w0,
  // chi-square over 16 bins with per-bin errors from batch means.
  const double gamma = 4e-3, T = 2.0, w0 = 0.2, theta = T / w0;
  auto c = ou_config(Integrator::splitting, 0.25, 3e7);
  const auto run = ergon::run_langevin(constant_model(gamma, 2 * gamma * T), c);
  const double width = run.radial.front().y_max() / run.radial.front().bins();
  const int bins = 16;
  const double bin_width = 2.0 * theta / 4;  // 16 bins up to 8 theta
  double chi2 = 0;
  for (int k = 0; k < bins; ++k) {
    std::vector<double> per_batch;
    for (std::size_t b = 0; b < run.batches.size(); ++b) {
      double count = 0;
      const auto& h = run.radial[b].counts();
      for (std::size_t i = 0; i < h.size(); ++i) {
        const double y = (static_cast<double>(i) + 0.5) * width;
        if (y >= k * bin_width && y < (k + 1) * bin_width) count += static_cast<double>(h[i]);
      }
      per_batch.push_back(count / run.batches[b][ergon::BatchSums::samples]);
    }
    const auto e = ergon::batch_mean(per_batch);
    // Cells of the fine histogram are whole: integrate the exact density over them.
    const double lo = std::ceil(k * bin_width / width - 0.5) * width,
                 hi = std::ceil((k + 1) * bin_width / width - 0.5) * width;
    const double expected = std::exp(-lo / theta) - std::exp(-hi / theta);
    chi2 += std::pow((e.value - expected) / e.error, 2);
  }
  EXPECT_LT(chi2, 39.25);  // chi-square(16) quantile 0.999
}

TEST(Sampler, ResultsIndependentOfThreadCount) {
  Config c;
  ergon::set_bias(c.device, 6.0);
  c.langevin.time = 2e6;
  c.langevin.burn_in = 1e3;
  c.langevin.trajectories = 40;  // not a multiple of the lane count
  ergon::RunControl one, two;
  one.threads = 1;
  two.threads = 2;
  const auto a = ergon::run_langevin(c, one), b = ergon::run_langevin(c, two);
  ASSERT_EQ(a.batches.size(), b.batches.size());
  for (std::size_t i = 0; i < a.batches.size(); ++i) {
    EXPECT_EQ(a.batches[i].sums, b.batches[i].sums);
    EXPECT_EQ(a.radial[i].counts(), b.radial[i].counts());
    EXPECT_EQ(a.y_samples[i], b.y_samples[i]);
  }
  const auto ga = a.wigner.grid(), gb = b.wigner.grid();
  EXPECT_EQ(ga.density, gb.density);
}

TEST(Sampler, NegativeDampingRegionFormsARingThatMatchesTheAveragedSolution) {
  // gamma(x) = g0 (x^2/a^2 - 1): negative inside |x| < a, a van der Pol ring.
  const double g0 = 2e-3, a = 10.0, D = 4e-3;
  const FunctionModel src(
      [=](double x) {
        return ergon::Coefficients{x, 0.0, D, g0 * (x * x / (a * a) - 1), 0.0};
      },
      [=](double x) {
        return ergon::CoefficientSlopes{0.0, 0.0, 2 * g0 * x / (a * a), 0.0};
      });
  auto c = ou_config(Integrator::splitting, 0.25, 4e7);
  const auto run = ergon::run_langevin(src, c);
  const auto s = ergon::summarize(run);
  ASSERT_TRUE(std::isfinite(s.wigner_energy.value));
  const auto avg = ergon::solve_averaged(src, c, 0);
  const double E_avg = avg.state->moment(1);
  // The averaged solution is exact up to O(gamma/w0, D/(m E w0)) ~ 1e-2.
  EXPECT_NEAR(s.wigner_energy.value, E_avg, kSigmas * s.wigner_energy.error + 0.01 * E_avg);
  EXPECT_GT(E_avg, 2.0);  // well above the noise level: a ring
}

TEST(Sampler, FastEngineMatchesThePlainStepper) {
  // The plain SplittingStepper (scalar, std::exp and std::sqrt per step, the
  // reference normals) against the engine on a strongly damped ring.
  const double g0 = 2e-2, a = 6.0, D = 4e-2, w0 = 0.2, dt = 0.25;
  const FunctionModel src(
      [=](double x) {
        return ergon::Coefficients{x, 0.0, D, g0 * (x * x / (a * a) - 1), 0.0};
      },
      [=](double x) {
        return ergon::CoefficientSlopes{0.0, 0.0, 2 * g0 * x / (a * a), 0.0};
      },
      ergon_test::paper_mode(w0));
  auto c = ou_config(Integrator::splitting, dt, 8e6);
  c.langevin.burn_in = 2e3;
  const auto s = ergon::summarize(ergon::run_langevin(src, c));

  struct Ring {
    double g0, a, D, w0;
    ergon::LocalForces operator()(double x) const { return {-w0 * w0 * x, g0 * (x * x / (a * a) - 1), D}; }
    double mass() const { return 1.0; }
  } sys{g0, a, D, w0};
  const ergon::SplittingStepper stepper{dt};
  std::vector<double> means;
  for (std::uint32_t traj = 0; traj < 16; ++traj) {
    ergon::PhasePoint z{a, 0.0};
    ergon::NormalStream normal(99, traj);
    for (int i = 0; i < 8000; ++i) stepper.do_step(sys, z, normal);
    double sum = 0;
    const int n = 250000;
    for (int i = 0; i < n; ++i) {
      stepper.do_step(sys, z, normal);
      sum += 0.5 * z.p * z.p + 0.5 * w0 * w0 * z.x * z.x;
    }
    means.push_back(sum / n);
  }
  const auto plain = ergon::batch_mean(means);
  EXPECT_NEAR(s.wigner_energy.value, plain.value, kSigmas * std::hypot(s.wigner_energy.error, plain.error));
}

TEST(Steppers, SplittingIsExactForTheUndampedOscillatorEnergyShadow) {
  // Without damping and noise the splitting conserves p^2/m + m w0^2 (1 - w0^2 dt^2/4) x^2 exactly.
  const ergon::ConstantSystem sys{0.2, 1.0, 0.0, 0.0};
  const ergon::SplittingStepper st{0.5};
  ergon::PhasePoint z{3.0, 0.1};
  auto zero = [] { return 0.0; };
  const double c = 1 - 0.04 * 0.25 / 4;
  const double q0 = z.p * z.p + 0.04 * c * z.x * z.x;
  for (int i = 0; i < 100000; ++i) st.do_step(sys, z, zero);
  EXPECT_NEAR(z.p * z.p + 0.04 * c * z.x * z.x, q0, 1e-10 * q0);
  // Euler multiplies the energy by 1 + w0^2 dt^2 per step.
  const ergon::EulerStepper eu{0.01};
  ergon::PhasePoint e{3.0, 0.0};
  const double E0 = 0.5 * e.p * e.p + 0.02 * e.x * e.x;
  for (int i = 0; i < 1000; ++i) eu.do_step(sys, e, zero);
  EXPECT_NEAR((0.5 * e.p * e.p + 0.02 * e.x * e.x) / E0, std::pow(1 + 0.04 * 1e-4, 1000), 1e-9);
}

TEST(Steppers, OrnsteinUhlenbeckStepHandlesNegativeDamping) {
  // The references lose ~3 digits to cancellation; ou_variance uses expm1.
  EXPECT_NEAR(ergon::ou_variance(1e-3, 0.5), (1 - std::exp(-1e-3)) / 2e-3, 1e-12);
  EXPECT_NEAR(ergon::ou_variance(-1e-3, 0.5), (std::exp(1e-3) - 1) / 2e-3, 1e-12);
  EXPECT_EQ(ergon::ou_variance(0.0, 0.5), 0.5);
  EXPECT_GT(ergon::ou_variance(-0.2, 1.0), 1.0);
}

}  // namespace

namespace {

TEST(Sampler, ThreePointNoiseAgreesWithGaussianNoise) {
  // The three-point increments match the first five moments of a normal
  // variate (the fourth to 5e-6), so the schemes keep their weak order and
  // the steady state is the same within the statistical errors.
  ergon::Config c;
  ergon::set_bias(c.device, 6.0);
  c.langevin.time = 2e7;
  const auto g = ergon::summarize(ergon::run_langevin(c));
  c.langevin.noise = ergon::Noise::three_point;
  const auto t = ergon::summarize(ergon::run_langevin(c));
  EXPECT_NEAR(t.energy.value, g.energy.value, kSigmas * std::hypot(t.energy.error, g.energy.error));
  EXPECT_NEAR(t.x2.value, g.x2.value, kSigmas * std::hypot(t.x2.error, g.x2.error));
  EXPECT_NEAR(t.current.value, g.current.value, kSigmas * std::hypot(t.current.error, g.current.error));
  // The exact stationary energy of the OU oscillator depends on the noise
  // only through its variance.
  const double gamma = 2e-3, T = 2.0;
  auto ou = ou_config(Integrator::splitting, 2.5, 6e7);
  ou.langevin.noise = ergon::Noise::three_point;
  const auto s = ergon::summarize(ergon::run_langevin(constant_model(gamma, 2 * gamma * T), ou));
  EXPECT_NEAR(s.wigner_energy.value, splitting_energy(0.2, T, 2.5), kSigmas * s.wigner_energy.error);
}

}  // namespace
