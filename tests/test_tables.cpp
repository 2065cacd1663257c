// Coefficient tables: the Hermite interpolation error against direct
// evaluation (the bound quoted in docs/model.md), and the mean-force potential.
#include <gtest/gtest.h>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <string>

#include "ergon/errors.hpp"
#include "ergon/resonant_level.hpp"
#include "ergon/tables.hpp"

namespace {

using ergon::CoefficientTable;
using ergon::Device;
using ergon::ResonantLevel;

TEST(Tables, GridHasOriginAsNodeAndNaturalSpacing) {
  Device d;
  const ResonantLevel m(d);
  const auto g = ergon::symmetric_grid(m, 60.0);
  EXPECT_EQ(g.points() % 2, 1);
  EXPECT_EQ(g.node(g.points() / 2), 0.0);
  EXPECT_GE(g.x_max(), 60.0);
  EXPECT_LE(g.x_min(), -60.0);
  EXPECT_LE(g.spacing(), ergon::natural_spacing(m) * (1 + 1e-12));
}

TEST(Tables, InterpolationErrorBelowDocumentedBound) {
  // docs/model.md: at the natural spacing the quintic interpolation error is
  // below 2e-9 of each function's largest magnitude at the paper's parameters
  // (measured: at most 7e-10, for <n> at V = 6).
  for (double V : {0.0, 6.0, 16.0}) {
    Device d;
    ergon::set_bias(d, V);
    const ResonantLevel m(d);
    const CoefficientTable t(m, ergon::symmetric_grid(m, 40.0));
    const double h = t.grid().spacing();
    double scale_n = 0, scale_D = 0, err_n = 0, err_D = 0, err_g = 0, err_I = 0, scale_I = 0;
    for (int i = 0; i + 1 < t.grid().points(); i += 3) {
      const double x = t.grid().node(i) + 0.5 * h;  // cell midpoints: the worst case
      const auto c = m.coefficients(x);
      scale_n = std::max(scale_n, std::abs(c.n));
      scale_D = std::max(scale_D, std::abs(c.D));
      scale_I = std::max(scale_I, std::abs(c.current));
      err_n = std::max(err_n, std::abs(t.n(x) - c.n));
      err_D = std::max(err_D, std::abs(t.D(x) - c.D));
      err_g = std::max(err_g, std::abs(t.gamma(x) - c.gamma) * d.oscillator.mass);
      err_I = std::max(err_I, std::abs(t.current(x) - c.current));
    }
    EXPECT_LT(err_n, 2e-9 * std::max(scale_n, 0.01)) << "V=" << V;
    EXPECT_LT(err_D, 2e-9 * scale_D) << "V=" << V;
    EXPECT_LT(err_g, 2e-9 * scale_D) << "V=" << V;
    EXPECT_LE(err_I, 2e-9 * scale_I) << "V=" << V;
  }
}

TEST(Tables, NodesReproduceDirectValuesExactly) {
  Device d;
  ergon::set_bias(d, 10.0);
  const ResonantLevel m(d);
  const CoefficientTable t(m, ergon::symmetric_grid(m, 10.0));
  for (int i = 0; i < t.grid().points(); i += 5) {
    const double x = t.grid().node(i);
    // Nodes hold the one-pass values exactly ...
    const auto node = m.node(x);
    const auto& c = node.values;
    const auto& s = node.slopes;
    const auto k = static_cast<std::size_t>(i);
    EXPECT_EQ(t.n_nodes()[k], c.n);
    EXPECT_EQ(t.D_nodes()[k], c.D);
    EXPECT_EQ(t.gamma_nodes()[k], c.gamma);
    EXPECT_EQ(t.current_nodes()[k], c.current);
    EXPECT_EQ(t.dgamma_nodes()[k], s.dgamma);
    // ... which agree with the separately integrated coefficients within the
    // quadrature tolerance (1e-11 of each integrand's L1 norm).
    const auto c1 = m.coefficients(x);
    const auto s1 = m.slopes(x);
    EXPECT_NEAR(c.n, c1.n, 1e-10);
    EXPECT_NEAR(c.D, c1.D, 1e-10 * c1.D);
    EXPECT_NEAR(c.gamma, c1.gamma, 1e-9 * std::abs(c1.gamma) + 1e-16);
    EXPECT_NEAR(c.current, c1.current, 1e-10 * std::abs(c1.current) + 1e-16);
    EXPECT_NEAR(s.dn, s1.dn, 1e-10 * std::abs(s1.dn) + 1e-14);
    EXPECT_NEAR(s.dD, s1.dD, 1e-9 * std::abs(s1.dD) + 1e-16);
    EXPECT_NEAR(s.dgamma, s1.dgamma, 1e-9 * std::abs(s1.dgamma) + 1e-17);
    EXPECT_NEAR(s.dcurrent, s1.dcurrent, 1e-10 * std::abs(s1.dcurrent) + 1e-14);
  }
  // x = 0 is exactly a stationary point of the mean-force potential.
  EXPECT_EQ(m.node(0.0).values.n, 0.0);
}

TEST(Tables, MeanForcePotentialIntegratesTheForce) {
  Device d;
  ergon::set_bias(d, 16.0);
  const ResonantLevel m(d);
  const CoefficientTable t(m, ergon::symmetric_grid(m, 30.0));
  EXPECT_EQ(t.potential(0.0), 0.0);
  for (double x : {-25.0, -3.0, 4.0, 29.0}) {
    double err = 0;
    const double direct = -m.F() * boost::math::quadrature::gauss_kronrod<double, 31>::integrate(
                                       [&](double y) { return m.excess_charge(y); }, 0.0, x, 10, 1e-12, &err);
    // |<n>| <= 1/2 and the interpolation error bound of 1e-7 give the bound
    // |F x| * 0.5e-7 on the integral.
    EXPECT_NEAR(t.potential(x), direct, 0.5e-7 * std::abs(m.F() * x)) << "x=" << x;
  }
}

TEST(Tables, ExtendedTableAgreesBitForBitOnTheOldRange) {
  Device d;
  ergon::set_bias(d, 16.0);
  const ResonantLevel m(d);
  const CoefficientTable small(m, ergon::symmetric_grid(m, 10.0)), large(m, ergon::symmetric_grid(m, 25.0));
  for (double x = small.x_min(); x <= small.x_max(); x += 0.0371) {
    EXPECT_EQ(small.n(x), large.n(x));
    EXPECT_EQ(small.gamma(x), large.gamma(x));
    EXPECT_EQ(small.potential(x), large.potential(x));
  }
}

TEST(Tables, ResultIndependentOfThreadCount) {
  Device d;
  ergon::set_bias(d, 6.0);
  const ResonantLevel m(d);
  const auto g = ergon::symmetric_grid(m, 8.0);
  const CoefficientTable a(m, g, 1), b(m, g, 2);
  EXPECT_EQ(a.gamma_nodes(), b.gamma_nodes());
  EXPECT_EQ(a.dn_nodes(), b.dn_nodes());
}

TEST(Tables, SpacingFollowsTheSmallestScaleAndTooFineGridsAreRefused) {
  Device d;  // paper: smallest scale width = 1, F = 2 lambda / x0
  EXPECT_DOUBLE_EQ(ergon::natural_spacing(ResonantLevel(d)), 0.2 * 1.0 / d.oscillator.F());
  d.left.beta = 1e6;  // T = 1e-6 sets the spacing
  const ResonantLevel cold(d);
  EXPECT_DOUBLE_EQ(ergon::natural_spacing(cold), 0.2 * 1e-6 / d.oscillator.F());
  try {
    (void)ergon::symmetric_grid(cold, 20 * d.oscillator.x0());
    FAIL() << "a grid of 4e7 nodes was accepted";
  } catch (const ergon::Error& e) {
    EXPECT_EQ(e.kind(), ergon::ErrorKind::config);
    EXPECT_NE(std::string(e.what()).find("lead.L.beta = 1e+06"), std::string::npos) << e.what();
  }
  Device weak;  // weak coupling: never coarser than x0
  weak.oscillator.lambda = 1e-8;
  EXPECT_DOUBLE_EQ(ergon::natural_spacing(ResonantLevel(weak)), weak.oscillator.x0());
}

}  // namespace
