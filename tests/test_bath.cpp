// The mechanical bath (physics.md section 10): its coefficients, the exact
// quantum thermal state when it dominates, the damping threshold it moves,
// and its configuration keys.
#include <gtest/gtest.h>

#include <cmath>

#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "ergon/mechanical_bath.hpp"
#include "ergon/steady.hpp"
#include "ergon/threshold.hpp"

namespace {

double coth(double a) { return 1.0 / std::tanh(a); }

ergon::Config with_bath(double Q, double Tm) {
  ergon::Config c;
  c.device.oscillator.quality = Q;
  c.device.oscillator.phonon_temperature = Tm;
  return c;
}

TEST(Bath, AddsConstantDampingAndDiffusion) {
  ergon::Config plain;
  ergon::set_bias(plain.device, 6.0);
  ergon::Config c = with_bath(250.0, 0.7);
  ergon::set_bias(c.device, 6.0);
  c.device.oscillator.mass = 1.9;
  plain.device.oscillator.mass = 1.9;
  const auto electrons = ergon::make_electronic_model(plain);
  const auto both = ergon::make_electronic_model(c);
  const double w0 = 0.2, gm = w0 / 250.0, Dm = 1.9 * gm * w0 * coth(w0 / 1.4);
  for (double x : {-7.0, 0.0, 3.0}) {
    const auto a = electrons->node(x), b = both->node(x);
    EXPECT_DOUBLE_EQ(b.values.gamma - a.values.gamma, gm);
    EXPECT_NEAR(b.values.D - a.values.D, Dm, 1e-15 * b.values.D);
    EXPECT_EQ(b.values.n, a.values.n);
    EXPECT_EQ(b.slopes.dgamma, a.slopes.dgamma);
    EXPECT_EQ(b.thirds.d3D, a.thirds.d3D);
    EXPECT_DOUBLE_EQ(both->coefficients(x).gamma, b.values.gamma);
  }
  EXPECT_EQ(both->name(), "resonant_level");
  // At T_m = 0 only the zero-point noise: D_m = m gamma_m w0.
  const ergon::MechanicalBath cold(electrons, 250.0, 0.0);
  EXPECT_DOUBLE_EQ(cold.diffusion(), 1.9 * gm * w0);
}

// Electrons coupled 1000 times more weakly than the paper's (gamma_e falls
// as lambda^2), a bath of Q = 10 at T_m = 0.3 (hbar w0 / T_m = 2/3: far
// from classical).
ergon::Config bath_dominated() {
  ergon::Config c = with_bath(10.0, 0.3);
  c.device.oscillator.lambda = 1e-4;
  return c;
}

TEST(Bath, AloneItGivesTheQuantumThermalState) {
  const ergon::Config c = bath_dominated();
  const double w0 = 0.2, Tm = 0.3, bose = 1.0 / std::expm1(w0 / Tm);
  // The electrons' share of the damping bounds their pull toward T = 2.
  const auto model = ergon::make_electronic_model(c);
  const double share = std::abs(model->coefficients(0.0).gamma - w0 / 10.0) / (w0 / 10.0);
  ASSERT_LT(share, 1e-6);
  const double tol = 10 * share * (2.0 / Tm) * (bose + 0.5) + 1e-7;
  const ergon::SteadyState a = ergon::solve_steady_state(c, ergon::Method::averaged);
  EXPECT_NEAR(a.wigner_energy.value, 0.5 * w0 * coth(w0 / (2 * Tm)), tol * w0);
  EXPECT_NEAR(a.nbar.value, bose, tol);
  // A thermal state at T_m: its populations are Bose-Einstein, so the
  // ergotropy vanishes.
  EXPECT_LT(std::abs(a.ergotropy.value), 1e-8);
  ASSERT_GT(a.populations.p.size(), 3u);
  EXPECT_NEAR(a.populations.p[1] / a.populations.p[0], std::exp(-w0 / Tm), 1e-6);
  // The sampler within its error bar (splitting bias T (w0 dt)^2 / 8 ~ 1e-4 relative).
  ergon::Config s = c;
  s.langevin.time = 2e7;
  const ergon::SteadyState l = ergon::solve_steady_state(s, ergon::Method::langevin);
  ASSERT_GT(l.nbar.error, 0.0);
  EXPECT_NEAR(l.nbar.value, bose, 4.5 * l.nbar.error);
}

TEST(Bath, TheDampingThresholdIncludesIt) {
  // gamma(0) + gamma_m = 0 at the threshold: the electrons' own damping is
  // -w0 / Q there, and the threshold lies above the bath-free one.
  const ergon::Config plain;
  const ergon::Config c = with_bath(2000.0, 0.1);  // gamma_m = 1e-4, half of the paper's deepest -gamma(0)
  const double V0 = ergon::damping_threshold(plain), V = ergon::damping_threshold(c, 1e-9);
  EXPECT_GT(V, V0 + 0.01);
  ergon::Config at = c, electrons = plain;
  ergon::set_bias(at.device, V);
  ergon::set_bias(electrons.device, V);
  EXPECT_NEAR(ergon::make_electronic_model(at)->coefficients(0.0).gamma, 0.0, 1e-9);
  EXPECT_NEAR(ergon::make_electronic_model(electrons)->coefficients(0.0).gamma, -0.2 / 2000.0, 1e-9);
}

TEST(Bath, KeysAreCheckedAndNeedATemperature) {
  ergon::Config c;
  c.device.oscillator.quality = 1e4;
  try {
    (void)ergon::make_electronic_model(c);
    FAIL() << "a quality factor without a phonon temperature was accepted";
  } catch (const ergon::Error& e) {
    EXPECT_NE(std::string(e.what()).find("oscillator.phonon_temperature"), std::string::npos) << e.what();
  }
  c.device.oscillator.phonon_temperature = -1.0;
  EXPECT_THROW(ergon::validate(c), ergon::Error);
  c.device.oscillator.phonon_temperature = 0.1;
  c.device.oscillator.quality = 1e13;
  EXPECT_THROW(ergon::validate(c), ergon::Error);
  // Without a quality factor there is no bath.
  ergon::Config none;
  none.device.oscillator.phonon_temperature = 0.5;
  EXPECT_EQ(dynamic_cast<const ergon::MechanicalBath*>(ergon::make_electronic_model(none).get()), nullptr);
}

}  // namespace

namespace {

TEST(Maps, DampingAtRestIsGammaZeroOnTheGridAndChangesSignAtTheThreshold) {
  // The map's threshold contour: gamma(x = 0) on a (V, eps) grid, the bath
  // included, point by point as the model gives it; along eps = 0 it
  // changes sign between the grid biases that bracket damping_threshold.
  const ergon::Config c = with_bath(2000.0, 0.1);
  const ergon::SweepAxis V{"V", {0.0, 2.0, 4.0, 6.0, 8.0}}, eps{"dot.eps", {-1.0, 0.0, 1.5}};
  const std::vector<double> g = ergon::damping_at_rest(c, V, eps, 2);
  ASSERT_EQ(g.size(), 15u);
  for (std::size_t i = 0; i < 5; ++i)
    for (std::size_t j = 0; j < 3; ++j) {
      ergon::Config p = c;
      ergon::apply_axis(p, "V", V.values[i]);
      p.device.dot.eps = eps.values[j];
      EXPECT_EQ(g[i * 3 + j], ergon::make_electronic_model(p)->coefficients(0.0).gamma);
    }
  const double Vt = ergon::damping_threshold(c);  // 5.85
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(g[i * 3 + 1]<0, V.values[i]> Vt) << V.values[i];
  EXPECT_EQ(ergon::damping_at_rest(c, V, eps, 1), g);  // any thread count
}

}  // namespace
