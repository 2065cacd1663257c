// Energy-averaged stationary density (docs/model.md, "Energy-averaged steady state").
#include "ergon/averaged.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/math/interpolators/cardinal_quintic_b_spline.hpp>
#include <boost/math/quadrature/gauss.hpp>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

#include "ergon/errors.hpp"
#include "numerics/gauss_legendre.hpp"
#include "numerics/hermite.hpp"
#include "numerics/roots.hpp"

namespace ergon {
namespace {

using Spline = boost::math::interpolators::cardinal_quintic_b_spline<double>;

// 4-point Gauss-Legendre on [0, 1].
const numerics::UnitRule<4>& gl = numerics::unit_gauss_legendre<4>();

// Integral over [0, 1] of the quintic through six equally spaced nodes,
// times 1440: nodes at offsets -2 .. 3 (centred), -3 .. 2 and -4 .. 1 (at the
// end of the grid).
constexpr std::array<std::array<double, 6>, 3> interval_weights = {
    {{11, -93, 802, 802, -93, 11}, {-11, 77, -258, 1022, 637, -27}, {27, -173, 482, -798, 1427, 475}}};

// Lagrange basis through n nodes e[0..n) at e.
template <std::size_t N>
void lagrange_basis(const double* e, double at, std::array<double, N>& basis) {
  for (std::size_t q = 0; q < N; ++q) {
    double b = 1;
    for (std::size_t r = 0; r < N; ++r)
      if (r != q) b *= (at - e[r]) / (e[q] - e[r]);
    basis[q] = b;
  }
}

// Phase nodes for orbit averages: the midpoint rule in the phase is spectrally
// accurate for smooth integrands, and the coefficients vary on ~10 lengths h
// (length_scale()), so 2 resolution nodes per length h of the orbit's
// half-width (0.75 at the base resolution 3/8), at least 32, are ample
// (the convergence is in docs/model.md, section 7).
int phase_count(double r, double h, double resolution) {
  return std::max(32, static_cast<int>(std::ceil(2 * resolution * r / h)));
}

}  // namespace

double AveragedSteadyState::phi(double x) const { return mean_force_ ? table_->potential(x) : 0.0; }

double AveragedSteadyState::potential(double x) const { return 0.5 * k_ * x * x + phi(x) - E_min_; }

AveragedSteadyState::Orbit AveragedSteadyState::orbit(double A) const {
  Orbit o;
  o.eps = 0.5 * k_ * A * A;
  const double h = length_scale();
  if (A == 0.0) {
    o.c = x_min_;
    o.x = {x_min_};
    o.kinetic = {0.0};
    o.w = {1.0};
    o.at = {table_->at(x_min_)};
    return o;
  }
  // Turning points: potential(x) = eps on each side of x_min (Newton).
  auto turn = [&](double sign) {
    const double guess = x_min_ + sign * A;
    if (!mean_force_) return guess;
    auto fdf = [&](double x) {
      const CoefficientTable::Sample c = table_->at(x);
      return std::pair{0.5 * k_ * x * x + c.potential - E_min_ - o.eps, k_ * x - table_->F() * c.n};
    };
    // The effective potential can be too shallow to hold the orbit inside
    // the table (a state that reaches beyond it).
    const double lo = sign > 0 ? x_min_ : table_->x_min(), hi = sign > 0 ? table_->x_max() : x_min_;
    if ((fdf(lo).first < 0) == (fdf(hi).first < 0))
      throw messages::not_converged(
          "averaged solver", fmt::format("the orbit of energy {:.4g} above the potential's bottom has no turning "
                                         "point inside the coefficient table (|x| <= {:.4g} x0): the effective "
                                         "potential does not confine the state there",
                                         o.eps, table_->x_max() / std::sqrt(2.0 / (mass_ * w0_))));
    return numerics::newton_root(fdf, guess, lo, hi);
  };
  const double xp = turn(1.0), xm = turn(-1.0);
  o.c = 0.5 * (xp + xm);
  o.r = 0.5 * (xp - xm);
  const int n = phase_count(o.r, h, resolution_);
  o.x.resize(static_cast<std::size_t>(n));
  o.kinetic.resize(o.x.size());
  o.w.resize(o.x.size());
  o.at.resize(o.x.size());
  // Phases th_i = (i + 1/2) pi / n are symmetric about pi/2: sin(th_i) and
  // cos(th_i) for the first half give the second half.
  std::vector<double> cosines(static_cast<std::size_t>(n)), sines(cosines.size());
  for (int i = 0; i < (n + 1) / 2; ++i) {
    const double th = (i + 0.5) * std::numbers::pi / n;
    const auto a = static_cast<std::size_t>(i), b = static_cast<std::size_t>(n - 1 - i);
    cosines[a] = std::cos(th);
    sines[a] = std::sin(th);
    cosines[b] = -cosines[a];
    sines[b] = sines[a];
  }
  double total = 0;
  for (int i = 0; i < n; ++i) {
    const double s = sines[static_cast<std::size_t>(i)];
    const double x = o.c + o.r * cosines[static_cast<std::size_t>(i)];
    const CoefficientTable::Sample c = table_->at(x);
    o.at[static_cast<std::size_t>(i)] = c;
    // Kinetic energy; without the mean force exactly eps sin^2.
    const double K = mean_force_ ? std::max(o.eps - (0.5 * k_ * x * x + c.potential - E_min_), 0.0) : o.eps * s * s;
    // Time spent per unit phase: dt/dth = r sin(th) / |v|, |v| = sqrt(2K/m).
    const double dt = K > 0 ? o.r * s / std::sqrt(2 * K / mass_) : 0.0;
    const auto k = static_cast<std::size_t>(i);
    o.x[k] = x;
    o.kinetic[k] = K;
    o.w[k] = dt;
    total += dt;
  }
  for (auto& v : o.w) v /= total;
  return o;
}

AveragedSteadyState::AveragedSteadyState(const CoefficientTable& table, const Averaged& options, double resolution,
                                         bool with_radial, const std::atomic<bool>* stop)
    : table_(&table),
      mass_(table.mass()),
      w0_(table.w0()),
      k_(table.mass() * table.w0() * table.w0()),
      mean_force_(options.mean_force),
      resolution_(resolution) {
  if (mean_force_) find_bottom();
  place_orbit_labels();
  std::vector<double> g, eps_over_b;
  orbit_pass(with_radial, g, eps_over_b, stop);
  integrate_log_density(g, eps_over_b);
  normalise();
  build_node_weights();
  if (mean_force_ && with_radial) tabulate_radial_density();
  build_radial_tail();
}

// Bottom of the effective potential: V'(x) = k x - F <n>_x = 0.
void AveragedSteadyState::find_bottom() {
  const CoefficientTable& table = *table_;
  const double d = 1e-4 * length_scale();  // central difference for V''
  auto fdf = [&](double x) {
    return std::pair{k_ * x - table.F() * table.n(x), k_ - table.F() * (table.n(x + d) - table.n(x - d)) / (2 * d)};
  };
  const double x = numerics::newton_root(fdf, 0.0, table.x_min() + d, table.x_max() - d);
  x_min_ = x;
  E_min_ = 0.5 * k_ * x * x + table.potential(x);
}

// Orbit labels: eps = k A^2 / 2, uniform in A, h / (4 resolution) apart;
// orbits are kept 5 % inside the table. With the mean force the potential
// must rise monotonically from its bottom to those 95 % points (one well,
// checked at the table's nodes), and the largest orbit energy is the lower
// of its two values there (a softened potential puts the turning points of
// an orbit of harmonic amplitude A beyond A).
void AveragedSteadyState::place_orbit_labels() {
  const CoefficientTable& table = *table_;
  const double h = length_scale();
  const double half_width = std::min(x_min_ - table.x_min(), table.x_max() - x_min_);
  if (!(half_width > 0)) throw messages::usage("the averaged solver needs a coefficient table around x = 0");
  dA_ = h / (4 * resolution_);
  double reach = 0.95 * half_width;
  if (mean_force_) {
    const double step = table.grid().spacing();
    double eps_max = std::numeric_limits<double>::infinity();
    for (const double sign : {1.0, -1.0}) {
      const double edge = x_min_ + sign * 0.95 * (sign > 0 ? table.x_max() - x_min_ : x_min_ - table.x_min());
      double last = 0.0;
      for (double x = x_min_ + sign * step; sign * (x - edge) <= 0; x += sign * step) {
        const double v = potential(x);
        if (!(v > last)) {
          const double x0 = std::sqrt(2.0 / (mass_ * w0_));
          const double lambda = table.F() * x0 / 2;
          throw messages::several_wells(x / x0, 2 * lambda * lambda / w0_);
        }
        last = v;
      }
      eps_max = std::min(eps_max, last);
    }
    reach = std::min(reach, std::sqrt(2 * eps_max / k_));
  }
  const auto J = static_cast<std::size_t>(std::floor(reach / dA_));
  if (J < 8) throw messages::usage("the coefficient table is too small for the averaged solver");
  A_.resize(J + 1);
  for (std::size_t j = 0; j <= J; ++j) A_[j] = static_cast<double>(j) * dA_;
}

// One pass over the orbit nodes: the integrand g = r k A of ln P and eps/b,
// the battery energy's orbit moments, <x^2> and <I>, and the per-phase
// battery energy and time weight for P_y.
void AveragedSteadyState::orbit_pass(bool with_radial, std::vector<double>& g, std::vector<double>& eps_over_b,
                                     const std::atomic<bool>* stop) {
  const CoefficientTable& table = *table_;
  const std::size_t J = A_.size() - 1;
  logp_.resize(J + 1);
  m1_.resize(J + 1);
  m2_.resize(J + 1);
  x2_.resize(J + 1);
  current_.resize(J + 1);
  g.assign(J + 1, 0.0);  // g = r k A = r deps/dA
  eps_over_b.assign(J + 1, 0.0);
  // Fixed phase set for the radial density (none without it), converged
  // for P_y (docs/model.md, section 7).
  const int P = with_radial ? static_cast<int>(32 * std::max(1.0, resolution_)) : 0;
  phases_ = P;
  eh_.assign(J + 1, std::vector<double>(static_cast<std::size_t>(P)));
  wt_.assign(J + 1, std::vector<double>(static_cast<std::size_t>(P)));
  std::vector<double> phase_cos(static_cast<std::size_t>(P)), phase_sin(phase_cos.size());
  for (int i = 0; i < P; ++i) {
    const double th = (i + 0.5) * std::numbers::pi / P;
    phase_cos[static_cast<std::size_t>(i)] = std::cos(th);
    phase_sin[static_cast<std::size_t>(i)] = std::sin(th);
  }
  for (std::size_t j = 0; j <= J; ++j) {
    if (stop && (j & 255) == 0 && stop->load(std::memory_order_relaxed)) throw messages::interrupted();
    const Orbit o = orbit(A_[j]);
    const double E = E_min_ + o.eps;
    double GP2 = 0, X = 0, DP2 = 0, e1 = 0, e2 = 0, xx = 0, cur = 0;
    for (std::size_t i = 0; i < o.x.size(); ++i) {
      const double x = o.x[i], w = o.w[i];
      const CoefficientTable::Sample& c = o.at[i];
      const double D = c.D;
      const double K2 = 2 * o.kinetic[i];  // p^2/m
      GP2 += w * c.gamma * K2;
      if (j > 0) X += w * D * (1 - K2 / o.eps);
      DP2 += w * D * K2 / mass_;
      const double Eh = E - (mean_force_ ? c.potential : 0.0);
      e1 += w * Eh;
      e2 += w * Eh * Eh;
      xx += w * x * x;
      cur += w * c.current;
    }
    if (j > 0) {
      g[j] = (-2 * GP2 + X / mass_) / DP2 * k_ * A_[j];
      eps_over_b[j] = o.eps / DP2;
    } else {
      eps_over_b[j] = mass_ / table.D(x_min_);  // b ~ eps D / m on the smallest orbits
    }
    if (!(eps_over_b[j] > 0) || !std::isfinite(eps_over_b[j]))
      throw messages::diffusion_unresolved(DP2, A_[j] / std::sqrt(2.0 / (table.mass() * table.w0())));
    m1_[j] = e1;
    m2_[j] = e2;
    x2_[j] = xx;
    current_[j] = cur;
    if (P > 0) phase_samples(j, o, phase_cos, phase_sin);
  }
}

// Battery energy and time weight of orbit node j at the fixed phases, for P_y.
void AveragedSteadyState::phase_samples(std::size_t j, const Orbit& o, const std::vector<double>& phase_cos,
                                        const std::vector<double>& phase_sin) {
  const int P = phases_;
  const double E = E_min_ + o.eps;
  double total = 0;
  for (int i = 0; i < P; ++i) {
    const auto k = static_cast<std::size_t>(i);
    if (j == 0) {
      eh_[j][k] = E - phi(x_min_);
      wt_[j][k] = 1.0 / P;
      continue;
    }
    const double x = o.c + o.r * phase_cos[k];
    const double sn = phase_sin[k];
    const double Phi = phi(x);
    const double K = mean_force_ ? std::max(o.eps - (0.5 * k_ * x * x + Phi - E_min_), 0.0) : o.eps * sn * sn;
    eh_[j][k] = E - Phi;
    wt_[j][k] = K > 0 ? o.r * sn / std::sqrt(2 * K / mass_) : 0.0;
    total += wt_[j][k];
  }
  if (j > 0 && P > 0)
    for (auto& v : wt_[j]) v /= total;
}

// ln P = ln(eps/b) + R with R(A) = int_0^A g dA', and its fine cubic
// Hermite table.
void AveragedSteadyState::integrate_log_density(const std::vector<double>& g, const std::vector<double>& eps_over_b) {
  const std::size_t J = A_.size() - 1;
  // R(A) = int_0^A g dA' (g = r k A is odd in A), by the sixth-order rule
  // through the six nearest nodes on each interval (one-sided at the end).
  std::vector<double> R(J + 1, 0.0);
  auto g_at = [&](long i) { return i < 0 ? -g[static_cast<std::size_t>(-i)] : g[static_cast<std::size_t>(i)]; };
  for (std::size_t j = 0; j < J; ++j) {
    const auto jj = static_cast<long>(j);
    const long first = std::min(jj - 2, static_cast<long>(J) - 5);  // nodes first .. first + 5
    const auto& w = interval_weights[static_cast<std::size_t>(jj - 2 - first)];
    double part = 0;
    for (int q = 0; q < 6; ++q) part += w[static_cast<std::size_t>(q)] * g_at(first + q);
    R[j + 1] = R[j] + part * dA_ / 1440;
  }
  for (std::size_t j = 0; j <= J; ++j) logp_[j] = std::log(eps_over_b[j]) + R[j];
  // A C^4 interpolant of ln P in the orbit label (quintic spline), sampled
  // with its slope on a grid 4 times finer for cheap cubic Hermite
  // evaluation (error far below the spline's own), which the normalisation
  // and everything after it use.
  const double shift = *std::max_element(logp_.begin(), logp_.end());
  for (auto& v : logp_) v -= shift;
  {
    const Spline sp(logp_.data(), logp_.size(), 0.0, dA_);
    fine_dA_ = dA_ / 4;
    const std::size_t F = 4 * J + 1;
    fine_logp_.resize(F);
    fine_slope_.resize(F);
    for (std::size_t i = 0; i < F; ++i) {
      const double A = std::min(static_cast<double>(i) * fine_dA_, A_.back() * (1 - 1e-14));
      fine_logp_[i] = sp(A);
      fine_slope_[i] = sp.prime(A);
    }
  }
}

// The CDF of E' at the nodes and the normalisation of ln P.
void AveragedSteadyState::normalise() {
  const std::size_t J = A_.size() - 1;
  cdf_.assign(J + 1, 0.0);
  for (std::size_t j = 0; j < J; ++j) {
    double s = 0;
    for (int q = 0; q < 4; ++q) {
      const double A = A_[j] + gl.x[q] * dA_;
      s += gl.w[q] * std::exp(log_p_at(A)) * k_ * A;
    }
    cdf_[j + 1] = cdf_[j] + s * dA_;
  }
  const double Z = cdf_.back();
  if (!(Z > 0) || !std::isfinite(Z))
    throw messages::not_converged(
        "averaged solver",
        fmt::format("the stationary density is not normalisable on orbits up to |x| = {:.4g} x0: the oscillator is "
                    "not confined (hot leads, lead.*.beta small, or negative damping far out; check lead and "
                    "coupling parameters)",
                    A_.back() / std::sqrt(2.0 / (mass_ * w0_))));
  // Normalise: the interpolants are linear in the data, so shifting the data
  // by -ln Z shifts them alike.
  const double lnZ = std::log(Z);
  for (auto& v : logp_) v -= lnZ;
  for (auto& v : fine_logp_) v -= lnZ;
  for (auto& c : cdf_) c /= Z;
}

void AveragedSteadyState::build_node_weights() {
  const std::size_t J = A_.size() - 1;
  // Weights of orbit-node values in steady-state averages:
  // int P(E') m(E') dE' = sum_i node_weights_[i] m_i, with m interpolated by
  // the quintic in eps through the six nearest nodes on each interval
  // (sixth order, like R) and 4-point Gauss-Legendre per interval.
  node_weights_.assign(J + 1, 0.0);
  for (std::size_t j = 0; j < J; ++j) {
    const std::size_t b = std::min(j > 2 ? j - 2 : 0, J - 5);
    double e[6];
    for (std::size_t q = 0; q < 6; ++q) e[q] = 0.5 * k_ * A_[b + q] * A_[b + q];
    for (int q = 0; q < 4; ++q) {
      const double A = A_[j] + gl.x[q] * dA_;
      std::array<double, 6> basis;
      lagrange_basis(e, 0.5 * k_ * A * A, basis);
      const double density = gl.w[q] * std::exp(log_p_at(A)) * k_ * A * dA_;
      for (std::size_t r = 0; r < 6; ++r) node_weights_[b + r] += density * basis[r];
    }
  }
}

// With the mean force, P_y sums over the orbit phases (radial_density_direct);
// tabulate ln P_y on a uniform grid in s = sqrt(y), 8/3 times as fine as the
// orbit nodes (each phase walks its nodes once), smooth it with a quintic
// spline and sample that twice as finely again for cheap cubic Hermite
// evaluation in the Fock map.
void AveragedSteadyState::tabulate_radial_density() {
  const double s_max = std::sqrt(radial_max());
  // Three eighths of the nodes' spacing in s, fine enough that the
  // populations of a passive state stay monotone (W_E below 1e-10;
  // tests/test_averaged.cpp, docs/model.md section 7).
  const double ds = 0.375 * dA_ * std::sqrt(0.5 * mass_ * w0_);
  const auto n = static_cast<std::size_t>(std::ceil(s_max / ds)) + 1;
  std::vector<double> ys(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double sv = std::min(static_cast<double>(i) * ds, s_max);
    ys[i] = sv * sv;
  }
  std::vector<double> lp = radial_density_direct(ys);
  for (double& v : lp) v = std::log(std::max(v, 1e-300));
  const Spline sp(lp.data(), lp.size(), 0.0, ds);
  radial_ds_ = ds / 2;
  const std::size_t F = 2 * (n - 1) + 1;
  radial_logp_.resize(F);
  radial_slope_.resize(F);
  const double end = ds * static_cast<double>(n - 1) * (1 - 1e-14);
  for (std::size_t i = 0; i < F; ++i) {
    const double sv = std::min(static_cast<double>(i) * radial_ds_, end);
    radial_logp_[i] = sp(sv);
    radial_slope_[i] = sp.prime(sv);
  }
  // The phase interpolation in radial_density_direct leaves the tabulated
  // P_y normalised to ~1e-10; renormalise it exactly (4-point
  // Gauss-Legendre on every Hermite cell, dy = 2 s ds) so the Fock
  // populations sum to one.
  double Zr = 0;
  for (std::size_t i = 0; i + 1 < F; ++i) {
    const double a = static_cast<double>(i) * radial_ds_;
    for (int q = 0; q < 4; ++q) {
      const double sv = a + gl.x[q] * radial_ds_;
      Zr += gl.w[q] * radial_ds_ * 2 * sv * radial_density(sv * sv);
    }
  }
  if (!(Zr > 0) || !std::isfinite(Zr))
    throw messages::not_converged("averaged solver", "radial density is not normalisable");
  radial_normalisation_error_ = std::abs(Zr - 1);
  const double lnZr = std::log(Zr);
  for (double& v : radial_logp_) v -= lnZr;
}

// Mass of P_y above y, on the nodes' mean battery energies.
void AveragedSteadyState::build_radial_tail() {
  const std::size_t J = A_.size() - 1;
  radial_tail_y_.resize(J + 1);
  radial_tail_.resize(J + 1);
  for (std::size_t j = 0; j <= J; ++j) {
    radial_tail_y_[j] = m1_[j] / w0_;
    radial_tail_[j] = 1.0 - cdf_[j];
  }
}

double AveragedSteadyState::log_p_at(double A) const {
  const double u = std::clamp(A, 0.0, A_.back()) / fine_dA_;
  const auto i = std::min(static_cast<std::size_t>(u), fine_logp_.size() - 2);
  const double t = u - static_cast<double>(i);
  return numerics::cubic_hermite(t, fine_dA_, fine_logp_[i], fine_slope_[i], fine_logp_[i + 1], fine_slope_[i + 1]);
}

double AveragedSteadyState::energy_max() const { return energy_of(A_.back()); }

double AveragedSteadyState::amplitude_of(double E) const { return std::sqrt(2 * std::max(E - E_min_, 0.0) / k_); }

double AveragedSteadyState::drift(double E) const {
  const Orbit o = orbit(amplitude_of(E));
  double a = 0;
  for (std::size_t i = 0; i < o.x.size(); ++i)
    a += o.w[i] * (-table_->gamma(o.x[i]) * 2 * o.kinetic[i] + table_->D(o.x[i]) / (2 * mass_));
  return a;
}

double AveragedSteadyState::diffusion(double E) const {
  const Orbit o = orbit(amplitude_of(E));
  double b = 0;
  for (std::size_t i = 0; i < o.x.size(); ++i) b += o.w[i] * table_->D(o.x[i]) * 2 * o.kinetic[i] / mass_;
  return b;
}

std::size_t AveragedSteadyState::locate(double A, double& t) const {
  const double u = A / dA_;
  auto j = static_cast<std::size_t>(std::max(0.0, std::floor(u)));
  j = std::min(j, A_.size() - 2);
  t = u - static_cast<double>(j);
  return j;
}

double AveragedSteadyState::log_density(double E) const {
  if (E < E_min_) return -std::numeric_limits<double>::infinity();
  const double A = amplitude_of(E);
  if (A > A_.back()) return -std::numeric_limits<double>::infinity();
  return log_p_at(A);
}

double AveragedSteadyState::density(double E) const { return E < E_min_ ? 0.0 : std::exp(log_density(E)); }

double AveragedSteadyState::cdf(double E) const {
  const double A = amplitude_of(E);
  if (A >= A_.back()) return 1.0;
  double t = 0;
  const std::size_t j = locate(A, t);
  // Partial interval by 4-point Gauss-Legendre on [A_j, A].
  double s = 0;
  for (int q = 0; q < 4; ++q) {
    const double a = A_[j] + gl.x[q] * t * dA_;
    s += gl.w[q] * std::exp(log_p_at(a)) * k_ * a;
  }
  return std::min(1.0, cdf_[j] + s * t * dA_);
}

double AveragedSteadyState::quantile(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
  if (it == cdf_.end()) return energy_max();
  const auto j = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, it - cdf_.begin() - 1));
  const double lo = energy_of(A_[j]), hi = energy_of(A_[j + 1]);
  const double f_lo = cdf(lo) - u, f_hi = cdf(hi) - u;
  if (!(f_lo < 0)) return lo;
  if (!(f_hi > 0)) return hi;
  return numerics::bisect_root([&](double E) { return cdf(E) - u; }, lo, hi);
}

double AveragedSteadyState::tail_energy(double mass) const {
  for (std::size_t j = 0; j < cdf_.size(); ++j)
    if (1.0 - cdf_[j] < mass) return energy_of(A_[j]);
  return energy_max();
}

std::pair<double, double> AveragedSteadyState::orbit_point(double E, double th) const {
  const Orbit o = orbit(amplitude_of(E));
  const double x = o.c + o.r * std::cos(th);
  const double K = mean_force_ ? std::max(o.eps - potential(x), 0.0) : o.eps * std::pow(std::sin(th), 2);
  const double p = std::sqrt(2 * mass_ * K) * (std::sin(th) >= 0 ? -1.0 : 1.0);
  return {x, p};
}

double AveragedSteadyState::moment(int power) const { return node_average(power == 1 ? m1_ : m2_); }

double AveragedSteadyState::radial_density(double y) const {
  if (phases_ == 0) throw std::logic_error("AveragedSteadyState built without the radial density");
  if (mean_force_ && !radial_logp_.empty()) {
    // ln P_y as a cubic Hermite function of s = sqrt(y), sampled from a
    // quintic spline through the orbit-resolved values (see the constructor).
    const double s = std::sqrt(std::max(y, 0.0));
    if (s >= radial_ds_ * static_cast<double>(radial_logp_.size() - 1)) return 0.0;
    const double u = s / radial_ds_;
    const auto i = std::min(static_cast<std::size_t>(u), radial_logp_.size() - 2);
    const double t = u - static_cast<double>(i);
    return std::exp(numerics::cubic_hermite(t, radial_ds_, radial_logp_[i], radial_slope_[i], radial_logp_[i + 1],
                                            radial_slope_[i + 1]));
  }
  return radial_density_direct(y);
}

AveragedSteadyState::PhaseWindow AveragedSteadyState::phase_window(std::size_t k, std::size_t lo) const {
  // E_h,k is smooth in the orbit energy eps = k A^2/2 (slope
  // 1 - Phi' dx/deps): it is inverted by quintic Lagrange interpolation of
  // eps and the time weight as functions of E_h through the six nearest
  // nodes (sixth order, like R), which also gives the Jacobian deps/dE_h.
  // The window holds the barycentric weights, so that evaluating it at the
  // (typically two) radial points per cell needs no division.
  const std::size_t J = A_.size() - 1;
  PhaseWindow win;
  win.first = std::min(lo > 2 ? lo - 2 : 0, J - 5);
  for (std::size_t q = 0; q < 6; ++q) {
    const std::size_t j = win.first + q;
    win.e[q] = eh_[j][k];
    win.eps[q] = 0.5 * k_ * A_[j] * A_[j];
    win.wt[q] = wt_[j][k];
    if (q > 0 && !(win.e[q] > win.e[q - 1])) win.monotone = false;
  }
  if (!win.monotone) return win;
  for (std::size_t q = 0; q < 6; ++q) {
    double d = 1;
    for (std::size_t r = 0; r < 6; ++r)
      if (r != q) d *= win.e[q] - win.e[r];
    win.w[q] = 1.0 / d;
  }
  return win;
}

double AveragedSteadyState::phase_term(const PhaseWindow& win, double E) const {
  if (!win.monotone) return 0.0;
  // Lagrange basis l_q = w_q prod_{r != q} (E - e_r) and its derivative,
  // accumulated factor by factor.
  double eps_at = 0, slope = 0, w = 0;
  for (std::size_t q = 0; q < 6; ++q) {
    double v = win.w[q], dv = 0;
    for (std::size_t r = 0; r < 6; ++r) {
      if (r == q) continue;
      const double d = E - win.e[r];
      dv = dv * d + v;
      v *= d;
    }
    eps_at += v * win.eps[q];
    slope += dv * win.eps[q];
    w += v * win.wt[q];
  }
  if (!(slope > 0) || !(eps_at >= 0)) return 0.0;
  return w * std::exp(log_p_at(std::sqrt(2 * eps_at / k_))) * slope;
}

double AveragedSteadyState::radial_density_direct(double y) const {
  const double E = w0_ * y;
  if (!mean_force_) {
    // E_h = E' on harmonic orbits.
    const double A = amplitude_of(E);
    if (A > A_.back() || E < E_min_) return 0.0;
    return w0_ * std::exp(log_p_at(A));
  }
  // P_y(y) = w0 sum_k wt_k P(E') / (dE_h,k/dE') at the E' where E_h,k(E') = w0 y.
  double s = 0;
  const std::size_t J = A_.size() - 1;
  for (int i = 0; i < phases_; ++i) {
    const auto k = static_cast<std::size_t>(i);
    if (E < eh_[0][k] || E >= eh_[J][k]) continue;
    std::size_t lo = 0, hi = J;
    while (hi - lo > 1) {
      const std::size_t mid = (lo + hi) / 2;
      (eh_[mid][k] <= E ? lo : hi) = mid;
    }
    s += phase_term(phase_window(k, lo), E);
  }
  return w0_ * s;
}

std::vector<double> AveragedSteadyState::radial_density_direct(const std::vector<double>& y) const {
  // As above at increasing y: each phase walks its nodes once.
  std::vector<double> out(y.size(), 0.0);
  const std::size_t J = A_.size() - 1;
  for (int i = 0; i < phases_; ++i) {
    const auto k = static_cast<std::size_t>(i);
    std::size_t lo = 0;
    PhaseWindow win = phase_window(k, lo);
    for (std::size_t m = 0; m < y.size(); ++m) {
      const double E = w0_ * y[m];
      if (E < eh_[0][k]) continue;
      if (E >= eh_[J][k]) break;
      while (lo + 1 < J && eh_[lo + 1][k] <= E) ++lo;
      if (std::min(lo > 2 ? lo - 2 : 0, J - 5) != win.first) win = phase_window(k, lo);
      out[m] += phase_term(win, E);
    }
  }
  for (double& v : out) v *= w0_;
  return out;
}

double AveragedSteadyState::radial_max() const {
  if (phases_ == 0) throw std::logic_error("AveragedSteadyState built without the radial density");
  // With the mean force the top orbit's battery energy varies with the
  // phase; above its smallest value some phases would be missing from the sum
  // (a cliff in ln P_y that a spline would ring on), so the support ends
  // there. The mass cut off is below the table's tail criterion.
  double m = std::numeric_limits<double>::infinity();
  for (double v : eh_.back()) m = std::min(m, v);
  return (mean_force_ ? m : energy_max()) / w0_;
}

double AveragedSteadyState::radial_tail(double y) const {
  if (y <= radial_tail_y_.front()) return 1.0;
  if (y >= radial_tail_y_.back()) return 0.0;
  const auto it = std::upper_bound(radial_tail_y_.begin(), radial_tail_y_.end(), y);
  return radial_tail_[static_cast<std::size_t>(it - radial_tail_y_.begin() - 1)];
}

std::vector<double> AveragedSteadyState::radial_nodes() const {
  if (mean_force_) return {};  // the phases' nodes fall everywhere; the density is C^1 there with tiny jumps
  std::vector<double> y;
  for (double A : A_) y.push_back((energy_of(A)) / w0_);
  return y;
}

double AveragedSteadyState::node_average(const std::vector<double>& m) const {
  double s = 0;
  for (std::size_t i = 0; i < node_weights_.size(); ++i) s += node_weights_[i] * m[i];
  return s;
}

double AveragedSteadyState::orbit_nodes(const CoefficientTable& table, double resolution) {
  // As place_orbit_labels and phase_count, with the harmonic half-width r = A
  // (the mean force moves the turning points by a fraction of it).
  const double h = 0.5 * table.grid().spacing();
  const double dA = h / (4 * resolution);
  const double J = std::floor(0.95 * std::min(table.x_max(), -table.x_min()) / dA);
  // sum_{j <= J} max(32, j / 2): 32 per orbit up to j = 64, j / 2 beyond.
  const double small = std::min(J, 64.0) + 1;
  const double large = J > 64 ? (J * (J + 1) - 64.0 * 65.0) / 4 : 0.0;
  return 32 * small + large;
}

// Resolution of the solves that size the table; the error control starts
// from it.
constexpr double kProbeResolution = 0.25;

AveragedSolution solve_averaged(const ElectronicModel& model, const Config& config, int threads, double tail,
                                const std::atomic<bool>* stop) {
  const Device& dev = config.device;
  const MechanicalMode mode = model.oscillator();
  const double x0 = mode.x0();
  const double k = mode.mass * mode.w0 * mode.w0;
  // Start wide enough for the static displacement |F| <n> / (m w0^2), <n> <= 1.
  const double shift = std::abs(mode.F) / k;
  double X = std::max(20.0 * x0, 2.0 * shift + 10.0 * x0);
  const double X_cap = std::max(2000.0 * x0, 2.0 * X);
  std::shared_ptr<CoefficientTable> table;
  std::shared_ptr<AveragedSteadyState> probe;
  // Refuses a solve beyond the orbit budget, naming the key that sets the
  // spacing (the cost grows as (extent / spacing)^2).
  auto afford = [&](const CoefficientTable& t, double resolution) {
    const double nodes = AveragedSteadyState::orbit_nodes(t, resolution);
    if (nodes > max_orbit_nodes) {
      const EnergyScale s = model.smallest_scale();
      throw messages::orbits_too_many(nodes, max_orbit_nodes, t.x_max() / x0, s.key, s.key_value, s.inverse);
    }
  };
  // The table must hold the density: its mass beyond 85 % of the half-width
  // is below `tail`. A coarse solve (the probe resolution; its moments are
  // accurate to ~1e-8, plenty for locating a tail) decides, and the
  // half-width needed is extrapolated from the tail's decay in energy
  // (ln of the tail mass is close to linear in E' far out), growing by at
  // least 1.2 (1.05 once the tail is below 1e-6) and at most 3 per step.
  constexpr double inside = 0.85;
  while (true) {
    auto grid = symmetric_grid(model, X);
    table = table ? std::make_shared<CoefficientTable>(table->extended(model, grid, threads, stop))
                  : std::make_shared<CoefficientTable>(model, grid, threads, stop);
    afford(*table, 1.5 * kProbeResolution);  // the base solve on a table this large (tables only grow)
    probe = std::make_shared<AveragedSteadyState>(*table, config.averaged, kProbeResolution, false, stop);
    auto energy_at = [&](double A) { return probe->energy_min() + 0.5 * k * A * A; };
    // The orbit labels end where the softer side of the potential reaches
    // 95 % of the table; the tail is read at 85 % and 70 % of that.
    const double top = probe->energy_max() - probe->energy_min();
    const double E2 = std::min(energy_at(inside * X), probe->energy_min() + top * (inside / 0.95) * (inside / 0.95));
    const double E1 = std::min(energy_at(0.7 * X), probe->energy_min() + top * (0.7 / 0.95) * (0.7 / 0.95));
    const double t2 = 1.0 - probe->cdf(E2), t1 = 1.0 - probe->cdf(E1);
    if (t2 < tail) break;
    // Far in the tail (t2 < 1e-6) the extrapolation is reliable and a small
    // step suffices; nearer the bulk grow by at least 1.2.
    double next = (t2 < 1e-6 ? 1.05 : 1.2) * X;
    if (t1 > t2 && t2 > 0) {
      const double slope = (std::log(t2) - std::log(t1)) / (E2 - E1);  // < 0
      const double E = E2 + (std::log(tail) - std::log(t2)) / slope;
      next = std::max(next, 1.05 * std::sqrt(2.0 * std::max(E - probe->energy_min(), 0.0) / k) / inside);
    }
    X = std::min(next, 3.0 * X);
    if (X > X_cap) throw messages::density_beyond_table(0.5 * (dev.left.mu - dev.right.mu), X_cap / x0);
  }
  // Error control: the orbit-label grid and the phase nodes are refined
  // together. The scheme is of sixth order in the grid spacing, but the
  // error of the finer of two solutions, resolutions r and q r apart, is
  // estimated as if it were only of fourth order, their difference /
  // (q^4 - 1), an upper estimate (docs/model.md, section 7, has the
  // measured orders). The base solve is at 1.5 times the probe's resolution,
  // compared with the last probe, which was made on the final table; the
  // resolution doubles while the estimate exceeds the tolerance.
  auto change = [](const AveragedSteadyState& a, const AveragedSteadyState& b) {
    return std::max(std::abs(a.moment(1) / b.moment(1) - 1), std::abs(a.moment(2) / b.moment(2) - 1));
  };
  constexpr double base = 1.5;
  double resolution = base * kProbeResolution;
  afford(*table, resolution);
  auto state = std::make_shared<AveragedSteadyState>(*table, config.averaged, resolution, true, stop);
  double error = change(*state, *probe) / (base * base * base * base - 1);
  while (error > config.averaged.tolerance) {
    // The next solve doubles the resolution (four times the orbit work).
    if (resolution * 2 > 16 || AveragedSteadyState::orbit_nodes(*table, resolution * 2) > max_orbit_nodes)
      throw messages::tolerance_not_reached(error, config.averaged.tolerance, resolution);
    resolution *= 2;
    auto finer = std::make_shared<AveragedSteadyState>(*table, config.averaged, resolution, true, stop);
    error = change(*finer, *state) / 15.0;
    state = finer;
  }
  return {table, state, std::max(error, state->radial_normalisation_error())};
}

}  // namespace ergon
