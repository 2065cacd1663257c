// The sequential-tunnelling dot (docs/model.md, "Sequential tunnelling").
#include "ergon/sequential.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <bit>
#include <cmath>

#include "electronic/leads/lead.hpp"
#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "numerics/jet.hpp"

namespace ergon {
namespace {

// Values and three derivatives need series to order 3; dP/dx one order more.
constexpr int kOrder = 5;
using J = numerics::Jet<kOrder>;
using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;

// kappa_a(E) as a series in x, E = E0 + slope (x - x_expansion).
J kappa_jet(const leads::LeadModel& lead, const J& E) {
  return leads::with_band(lead.band, [&](const auto& band) -> J {
    using Band = std::decay_t<decltype(band)>;
    if constexpr (std::is_same_v<Band, leads::Lorentzian>) {
      const J u = E + (-band.center);
      return (band.Gamma * band.width * band.width) * numerics::reciprocal(u * u + band.width * band.width);
    } else {
      return J::constant(band.Gamma);
    }
  });
}

// Fermi function f and its complement h = 1 - f of lead a at E, both
// without cancellation (from exp(-|t|), t = beta (E - mu)).
void fermi_jets(const leads::LeadModel& lead, const J& E, J& f, J& h) {
  const J t = lead.beta * (E + (-lead.mu));
  if (t.value() > 0) {
    const J e = numerics::exp(-1.0 * t);  // small
    const J inv = numerics::reciprocal(e + 1.0);
    f = e * inv;
    h = inv;
  } else {
    const J e = numerics::exp(t);
    const J inv = numerics::reciprocal(e + 1.0);
    h = e * inv;
    f = inv;
  }
}

// The rate matrix's series M_k (column = from, row = to), and the current
// from L into the dot per state, c_s (I = c . P).
struct Rates {
  std::array<Matrix, kOrder> M;
  std::array<Vector, kOrder> c;
};

}  // namespace

SequentialTunnelling::SequentialTunnelling(const Config& config) : device_(config.device) {
  validate(device_);
  const Electronic& e = config.electronic;
  left_ = std::make_unique<leads::LeadModel>(leads::make_lead(device_.left, "L"));
  right_ = std::make_unique<leads::LeadModel>(leads::make_lead(device_.right, "R"));
  F_ = device_.oscillator.F();
  // Single-particle states: orbital k (spin up and down with `spin`).
  const int per_orbital = e.spin ? 2 : 1;
  const int single = e.orbitals * per_orbital;
  if (single > 8)
    throw messages::bad_value("electronic.orbitals", fmt::format("{}", e.orbitals),
                              fmt::format("at most 8 single-particle states ({} with electronic.spin = {})",
                                          e.spin ? 4 : 8, e.spin ? "true" : "false"));
  const int max_n = e.max_electrons > 0 ? e.max_electrons : single;
  std::vector<int> index(1u << single, -1);
  for (unsigned mask = 0; mask < (1u << single); ++mask) {
    const int N = std::popcount(mask);
    if (N > max_n) continue;
    double E = e.charging * N * (N - 1) / 2.0;
    for (int i = 0; i < single; ++i)
      if (mask & (1u << i)) E += device_.dot.eps + (i / per_orbital) * e.level_spacing;
    index[mask] = static_cast<int>(electrons_.size());
    electrons_.push_back(N);
    energies_.push_back(E);
  }
  for (unsigned mask = 0; mask < (1u << single); ++mask) {
    if (index[mask] < 0) continue;
    for (int i = 0; i < single; ++i) {
      if (mask & (1u << i)) continue;
      const unsigned to = mask | (1u << i);
      if (index[to] < 0) continue;
      pairs_.emplace_back(index[mask], index[to]);
      energy0_.push_back(energies_[static_cast<std::size_t>(index[to])] -
                         energies_[static_cast<std::size_t>(index[mask])]);
    }
  }
  const std::vector<double> P = probabilities(0.0);
  double n = 0;
  for (std::size_t s = 0; s < P.size(); ++s) n += electrons_[s] * P[s];
  N0_ = n;
}

SequentialTunnelling::~SequentialTunnelling() = default;

MechanicalMode SequentialTunnelling::oscillator() const { return {device_.oscillator.w0, device_.oscillator.mass, F_}; }

namespace {

Rates rates(const std::vector<int>& electrons, const std::vector<std::pair<int, int>>& pairs,
            const std::vector<double>& energy0, const leads::LeadModel& L, const leads::LeadModel& R, double F,
            double x) {
  const auto S = static_cast<Eigen::Index>(electrons.size());
  Rates r;
  for (auto& m : r.M) m = Matrix::Zero(S, S);
  for (auto& v : r.c) v = Vector::Zero(S);
  for (std::size_t t = 0; t < pairs.size(); ++t) {
    const auto [from, to] = pairs[t];
    // Adding an electron costs E_to(x) - E_from(x) = energy0 - F x.
    const J E = J::linear(energy0[t] - F * x, -F);
    for (const leads::LeadModel* lead : {&L, &R}) {
      const J kappa = kappa_jet(*lead, E);
      J f, h;
      fermi_jets(*lead, E, f, h);
      const J in = kappa * f, out = kappa * h;
      for (int k = 0; k < kOrder; ++k) {
        r.M[k](to, from) += in.c[k];
        r.M[k](from, from) -= in.c[k];
        r.M[k](from, to) += out.c[k];
        r.M[k](to, to) -= out.c[k];
        if (lead == &L) {
          r.c[k](from) += in.c[k];  // an electron enters from L
          r.c[k](to) -= out.c[k];   // one leaves into L
        }
      }
    }
  }
  return r;
}

// Solves M0 y = b with 1^T y = total, for b with 1^T b = 0 (every column of
// M sums to zero, 1^T M = 0, so row 0 is redundant and is replaced by the
// normalisation). With total = 0 the solution is the group inverse's M0# b.
struct Solver {
  Eigen::PartialPivLU<Matrix> lu;
  explicit Solver(const Matrix& M0) {
    Matrix A = M0;
    A.row(0).setOnes();
    lu.compute(A);
  }
  Vector solve(Vector b, double total) const {
    b(0) = total;
    return lu.solve(b);
  }
};

}  // namespace

std::vector<double> SequentialTunnelling::probabilities(double x) const {
  const Rates r = rates(electrons_, pairs_, energy0_, *left_, *right_, F_, x);
  const Solver solver(r.M[0]);
  const Vector P = solver.solve(Vector::Zero(r.M[0].rows()), 1.0);
  return {P.data(), P.data() + P.size()};
}

double SequentialTunnelling::relaxation_rate(double x) const {
  const Rates r = rates(electrons_, pairs_, energy0_, *left_, *right_, F_, x);
  Eigen::EigenSolver<Matrix> es(r.M[0], false);
  double gap = std::numeric_limits<double>::infinity();
  for (Eigen::Index i = 0; i < es.eigenvalues().size(); ++i) {
    const double re = -es.eigenvalues()(i).real();
    if (re > 1e-12 * r.M[0].cwiseAbs().maxCoeff()) gap = std::min(gap, re);
  }
  return gap;
}

CoefficientNode SequentialTunnelling::node(double x) const {
  const Rates r = rates(electrons_, pairs_, energy0_, *left_, *right_, F_, x);
  const auto S = r.M[0].rows();
  const Solver solver(r.M[0]);
  Vector N(S);
  for (Eigen::Index s = 0; s < S; ++s) N(s) = electrons_[static_cast<std::size_t>(s)];
  // P(x + d) = sum_k P_k d^k: M0 P_k = -sum_{j>=1} M_j P_{k-j}.
  std::array<Vector, kOrder> P;
  for (int k = 0; k < kOrder; ++k) {
    Vector rhs = Vector::Zero(S);
    for (int j = 1; j <= k; ++j) rhs -= r.M[j] * P[k - j];
    P[k] = solver.solve(rhs, k == 0 ? 1.0 : 0.0);
  }
  // Y = M# (P o N - P (N.P)) and Z = M# dP/dx, by the same recursion.
  std::array<double, kOrder> NP{};
  for (int k = 0; k < kOrder; ++k) NP[k] = N.dot(P[k]);
  constexpr int V = kOrder - 1;  // orders of the values and their three derivatives
  std::array<Vector, V> Y, Z;
  for (int k = 0; k < V; ++k) {
    Vector rhs = P[k].cwiseProduct(N);
    for (int j = 0; j <= k; ++j) rhs -= P[j] * NP[k - j];
    for (int j = 1; j <= k; ++j) rhs -= r.M[j] * Y[k - j];
    Y[k] = solver.solve(rhs, 0.0);
    Vector rz = (k + 1.0) * P[k + 1];
    for (int j = 1; j <= k; ++j) rz -= r.M[j] * Z[k - j];
    Z[k] = solver.solve(rz, 0.0);
  }
  J n, D, mg, I;
  for (int k = 0; k < V; ++k) {
    n.c[k] = NP[k];
    D.c[k] = -2.0 * F_ * F_ * N.dot(Y[k]);
    mg.c[k] = -F_ * N.dot(Z[k]);
    for (int j = 0; j <= k; ++j) I.c[k] += r.c[j].dot(P[k - j]);
  }
  n.c[0] -= N0_;
  for (const J* q : {&n, &D, &mg, &I})
    for (int k = 0; k < V; ++k)
      if (!std::isfinite(q->c[k]))
        throw messages::not_converged("sequential model", fmt::format("the rate matrix is singular at x = {}", x));
  const double m = device_.oscillator.mass;
  CoefficientNode out;
  out.values = {x, n.derivative(0), D.derivative(0), mg.derivative(0) / m, I.derivative(0)};
  out.slopes = {n.derivative(1), D.derivative(1), mg.derivative(1) / m, I.derivative(1)};
  out.curvatures = {n.derivative(2), D.derivative(2), mg.derivative(2) / m, I.derivative(2)};
  out.thirds = {n.derivative(3), D.derivative(3), mg.derivative(3) / m, I.derivative(3)};
  return out;
}

EnergyScale SequentialTunnelling::smallest_scale() const {
  // The coefficients change where a transition energy crosses a Fermi level
  // (over a temperature) or a band's structure; the rates' size (Gamma)
  // sets no length.
  return leads::smallest_lead_scale(*left_, *right_);
}

std::vector<Diagnostic> SequentialTunnelling::diagnostics() const {
  std::vector<Diagnostic> out;
  for (const leads::LeadModel* lead : {left_.get(), right_.get()}) {
    const double r = lead->Gamma() * lead->beta;
    out.push_back({"sequential_tunnelling_" + lead->side, r, 0.1,
                   fmt::format("{} {} = {:.3g} (rate model: Gamma << T)", lead->key("Gamma"), lead->key("beta"), r)});
  }
  const double w0 = device_.oscillator.w0, relax = relaxation_rate(0.0);
  out.push_back({"quasi_adiabatic_relaxation", w0 / relax, 0.3,
                 fmt::format("w0 / charge relaxation rate = {:.3g} / {:.3g}", w0, relax)});
  const double T = std::min(1.0 / left_->beta, 1.0 / right_->beta);
  const double lambda = std::abs(device_.oscillator.coupling_energy());
  out.push_back({"quasi_adiabatic_lambda", lambda / T, 0.3, fmt::format("|lambda| / T = {:.3g} / {:.3g}", lambda, T)});
  return out;
}

}  // namespace ergon
