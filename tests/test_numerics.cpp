// Shared numerics (src/numerics): the vector adaptive Gauss-Kronrod
// integrator against Boost.Math's on scalar integrands, and the one
// instruction-set choice that every kernel follows.
#include <gtest/gtest.h>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "ergon/resonant_level.hpp"
#include "isa_levels.hpp"
#include "numerics/gauss_kronrod.hpp"
#include "numerics/gauss_legendre.hpp"
#include "ergon/isa.hpp"
#include "numerics/roots.hpp"

namespace {

using Fn = std::function<double(double)>;

struct Case {
  std::string name;
  Fn f;
  std::vector<double> breakpoints;
};

// Integrands with the structure of the electronic ones: Lorentzian peaks,
// Fermi steps, products of both, tails that decay like 1/w^2 or faster.
std::vector<Case> cases() {
  auto fermi = [](double beta, double mu, double w) { return 1.0 / (1.0 + std::exp(beta * (w - mu))); };
  return {
      {"lorentzian", [](double w) { return 1.0 / (1.0 + w * w); }, {-1.0, 0.0, 1.0}},
      {"gaussian", [](double w) { return std::exp(-w * w); }, {0.0}},
      {"narrow resonance times fermi",
       [=](double w) { return fermi(2.0, 1.0, w) * 0.01 / ((w - 0.3) * (w - 0.3) + 1e-4); },
       {-1.0, 0.29, 0.3, 0.31, 1.0}},
      {"fermi window", [=](double w) { return fermi(0.5, 3.0, w) - fermi(0.5, -3.0, w); }, {-3.0, 0.0, 3.0}},
      {"sign change",
       [](double w) { return w / ((1 + w * w) * (1 + w * w)) + 0.1 / (1 + (w - 2) * (w - 2)); },
       {-1.0, 0.0, 2.0}},
  };
}

double boost_reference(const Fn& f) {
  double error = 0;
  const double inf = std::numeric_limits<double>::infinity();
  const double v = boost::math::quadrature::gauss_kronrod<double, 61>::integrate(f, -inf, inf, 20, 1e-14, &error);
  return v;
}

TEST(Numerics, GaussKronrodAgreesWithBoostOnScalarIntegrands) {
  for (const Case& c : cases()) {
    const double ours = ergon::numerics::integrate_line(c.f, c.breakpoints, {1e-12, 14});
    const double ref = boost_reference(c.f);
    EXPECT_NEAR(ours, ref, 1e-11 * std::abs(ref) + 1e-14) << c.name;
  }
  // Closed forms.
  EXPECT_NEAR(ergon::numerics::integrate_line(cases()[0].f, {0.0}, {1e-12, 14}), std::numbers::pi, 1e-11);
  EXPECT_NEAR(ergon::numerics::integrate_line(cases()[1].f, {0.0}, {1e-12, 14}), std::sqrt(std::numbers::pi), 1e-11);
  // The bias window: int (f_{mu=3} - f_{mu=-3}) dw = 6 exactly, at any temperature.
  EXPECT_NEAR(ergon::numerics::integrate_line(cases()[3].f, {0.0}, {1e-12, 14}), 6.0, 1e-10);
}

TEST(Numerics, SixteenComponentsShareEvaluationsAndMatchTheirScalarIntegrals) {
  // The vector path (K = 16, the dispatched sums) on every instruction set:
  // each component equals its own scalar integral within the tolerance, and
  // the levels agree to rounding (they differ only by fused multiply-adds).
  const auto cs = cases();
  std::vector<double> scalar;
  for (std::size_t k = 0; k < 16; ++k)
    scalar.push_back(ergon::numerics::integrate_line(cs[k % cs.size()].f, {-1.0, 0.0, 0.3, 1.0, 2.0}, {1e-12, 14}) *
                     static_cast<double>(k + 1));
  std::vector<std::array<double, 16>> results;
  ergon_test::for_each_isa([&](const char* level) {
    std::size_t evaluations = 0;
    const auto v = ergon::numerics::integrate_line<16>(
        [&](const ergon::numerics::Nodes& w, ergon::numerics::NodeValues<16>& out) {
          ++evaluations;
          for (unsigned i = 0; i < ergon::numerics::kLanes; ++i)
            for (std::size_t k = 0; k < 16; ++k) out[i][k] = cs[k % cs.size()].f(w[i]) * static_cast<double>(k + 1);
        },
        {-1.0, 0.0, 0.3, 1.0, 2.0}, {1e-12, 14});
    EXPECT_GT(evaluations, 0u);
    for (std::size_t k = 0; k < 16; ++k)
      EXPECT_NEAR(v[k], scalar[k], 1e-10 * std::abs(scalar[k]) + 1e-13) << level << " component " << k;
    results.push_back(v);
  });
  for (const auto& r : results)
    for (std::size_t k = 0; k < 16; ++k) EXPECT_NEAR(r[k], results.front()[k], 1e-13 * std::abs(r[k]) + 1e-16);
}

TEST(Numerics, GaussLegendreRulesAreExactToDegree2NMinus1) {
  auto check = [](const auto& rule, int n) {
    for (int i = 1; i < n; ++i) EXPECT_LT(rule.x[static_cast<std::size_t>(i - 1)], rule.x[static_cast<std::size_t>(i)]);
    for (int degree = 0; degree < 2 * n; ++degree) {
      double s = 0;
      for (int q = 0; q < n; ++q)
        s += rule.w[static_cast<std::size_t>(q)] * std::pow(rule.x[static_cast<std::size_t>(q)], degree);
      EXPECT_NEAR(s, 1.0 / (degree + 1), 4e-16) << n << " points, degree " << degree;
    }
  };
  check(ergon::numerics::unit_gauss_legendre<4>(), 4);
  check(ergon::numerics::unit_gauss_legendre<5>(), 5);
  check(ergon::numerics::unit_gauss_legendre<10>(), 10);
}

TEST(Numerics, RootsThroughBoost) {
  EXPECT_NEAR(ergon::numerics::bisect_root([](double x) { return x * x - 2; }, 0.0, 2.0), std::sqrt(2.0), 4e-16);
  const double r = ergon::numerics::newton_root(
      [](double x) {
        return std::pair{std::cos(x) - x, -std::sin(x) - 1};
      },
      1.0, 0.0, 1.0);
  EXPECT_NEAR(r, 0.7390851332151607, 1e-14);
  const auto [lo, hi] = ergon::numerics::bisect_bracket([](double x) { return x > 0.3 ? 1.0 : -1.0; }, 0.0, 1.0, 1e-3);
  EXPECT_LE(hi - lo, 1e-3);
  EXPECT_LE(lo, 0.3);
  EXPECT_GE(hi, 0.3);
}

TEST(Numerics, ForcingALevelSwitchesEveryKernel) {
  EXPECT_FALSE(ergon::isa::force("avx1024"));
  EXPECT_EQ(ergon::isa::active(), ergon::isa::detected());
  ASSERT_TRUE(ergon::isa::force("sse2"));
  EXPECT_EQ(ergon::isa::active(), ergon::isa::Level::sse2);
  EXPECT_STREQ(ergon::engine::isa(), "sse2");
  EXPECT_EQ(ergon::engine::width(), 8);  // SSE2: vectors of two doubles, four per step group
  ASSERT_TRUE(ergon::isa::force(""));
  EXPECT_EQ(ergon::isa::active(), ergon::isa::detected());
  EXPECT_STREQ(ergon::engine::isa(), ergon::isa::name(ergon::isa::detected()));
}

TEST(Numerics, TableNodeAgreesOnEveryInstructionSet) {
  // The resonant level's sixteen integrands and their sums, per level.
  ergon::Device d;
  ergon::set_bias(d, 6.0);
  const ergon::ResonantLevel m(d);
  std::vector<ergon::CoefficientNode> nodes;
  ergon_test::for_each_isa([&](const char*) { nodes.push_back(m.node(3.0)); });
  ASSERT_FALSE(nodes.empty());
  for (const auto& n : nodes) {
    EXPECT_NEAR(n.values.gamma, nodes.front().values.gamma, 1e-12 * std::abs(nodes.front().values.gamma));
    EXPECT_NEAR(n.values.D, nodes.front().values.D, 1e-12 * nodes.front().values.D);
    EXPECT_NEAR(n.thirds.d3n, nodes.front().thirds.d3n, 1e-10 * std::abs(nodes.front().thirds.d3n));
  }
}

}  // namespace
