// Energy-averaged stationary density (docs/model.md, "Energy-averaged steady state").
#include "ergon/averaged.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>

#include "ergon/errors.hpp"

namespace ergon {
namespace {

// 4-point Gauss-Legendre on [0, 1].
constexpr std::array<double, 4> gl_x = {0.5 - 0.4305681557970262, 0.5 - 0.1699905217924281, 0.5 + 0.1699905217924281,
                                        0.5 + 0.4305681557970262};
constexpr std::array<double, 4> gl_w = {0.5 * 0.3478548451374538, 0.5 * 0.6521451548625461, 0.5 * 0.6521451548625461,
                                        0.5 * 0.3478548451374538};

// Cubic Hermite interpolation on [0, 1] with slopes given per unit t.
double hermite(double y0, double m0, double y1, double m1, double t) {
  const double t2 = t * t, t3 = t2 * t;
  return (2 * t3 - 3 * t2 + 1) * y0 + (t3 - 2 * t2 + t) * m0 + (-2 * t3 + 3 * t2) * y1 + (t3 - t2) * m1;
}

}  // namespace

AveragedSteadyState::AveragedSteadyState(const CoefficientTable& table, const Averaged& options)
    : table_(&table), mass_(table.mass()), w0_(table.w0()) {
  (void)options;
  const double half_width = std::min(-table.x_min(), table.x_max());
  if (!(half_width > 0)) throw messages::usage("the averaged solver needs a coefficient table around x = 0");
  dA_ = table.grid().spacing() / 4;
  const auto J = static_cast<std::size_t>(std::floor(half_width / dA_ * (1 - 1e-12)));
  A_.resize(J + 1);
  for (std::size_t j = 0; j <= J; ++j) A_[j] = static_cast<double>(j) * dA_;

  const double k = mass_ * w0_ * w0_;
  // Node data.
  std::vector<double> ds2(J + 1), dds2(J + 1), r(J + 1);
  for (std::size_t j = 0; j <= J; ++j) {
    const OrbitAverages o = orbit(A_[j]);
    ds2[j] = o.D_s2;
    dds2[j] = o.dD_s2;
    r[j] = j == 0 ? 0.0 : r_of(A_[j]);
  }
  // R(A) = int_0^E r dE', with dE = m w0^2 A dA, by 4-point Gauss-Legendre per interval.
  std::vector<double> R(J + 1, 0.0);
  for (std::size_t j = 0; j < J; ++j) {
    double s = 0;
    for (int q = 0; q < 4; ++q) {
      const double A = A_[j] + gl_x[q] * dA_;
      s += gl_w[q] * r_of(A) * k * A;
    }
    R[j + 1] = R[j] + s * dA_;
  }
  logp_.resize(J + 1);
  dlogp_dA_.resize(J + 1);
  for (std::size_t j = 0; j <= J; ++j) {
    if (!(ds2[j] > 0)) throw messages::not_converged("averaged solver", "D(x) is not positive on an orbit");
    logp_[j] = -std::log(2 * ds2[j] / mass_) + R[j];
    dlogp_dA_[j] = -dds2[j] / ds2[j] + r[j] * k * A_[j];
  }
  // Normalise: Z = int P dE, with the interpolated log density.
  const double shift = *std::max_element(logp_.begin(), logp_.end());
  cdf_.assign(J + 1, 0.0);
  for (std::size_t j = 0; j < J; ++j) {
    double s = 0;
    for (int q = 0; q < 4; ++q) {
      const double t = gl_x[q];
      const double lp = hermite(logp_[j], dlogp_dA_[j] * dA_, logp_[j + 1], dlogp_dA_[j + 1] * dA_, t);
      s += gl_w[q] * std::exp(lp - shift) * k * (A_[j] + t * dA_);
    }
    cdf_[j + 1] = cdf_[j] + s * dA_;
  }
  const double Z = cdf_.back();
  if (!(Z > 0) || !std::isfinite(Z)) throw messages::not_converged("averaged solver", "density is not normalisable");
  const double log_norm = shift + std::log(Z);
  for (auto& v : logp_) v -= log_norm;
  for (auto& c : cdf_) c /= Z;
}

AveragedSteadyState::OrbitAverages AveragedSteadyState::orbit(double A) const {
  // Midpoint rule in th on [0, pi]: spectrally accurate for smooth periodic
  // integrands; enough nodes to resolve the table's cells along the orbit.
  const double h = table_->grid().spacing();
  const int n = std::max(32, 2 * static_cast<int>(std::ceil(2 * A / h)));
  OrbitAverages o{0, 0, 0, 0};
  for (int i = 0; i < n; ++i) {
    const double th = (i + 0.5) * std::numbers::pi / n;
    const double c = std::cos(th), s2 = 1 - c * c;
    const double x = A * c;
    const double D = table_->D(x);
    o.gamma_s2 += table_->gamma(x) * s2;
    o.D_s2 += D * s2;
    o.D_c2 += D * (2 * c * c - 1);
    o.dD_s2 += table_->D_slope(x) * c * s2;
  }
  o.gamma_s2 /= n;
  o.D_s2 /= n;
  o.D_c2 /= n;
  o.dD_s2 /= n;
  return o;
}

double AveragedSteadyState::r_of(double A) const {
  const OrbitAverages o = orbit(A);
  const double E = energy_of(A);
  return -2 * mass_ * o.gamma_s2 / o.D_s2 + o.D_c2 / (2 * E * o.D_s2);
}

std::vector<double> AveragedSteadyState::radial_nodes() const {
  std::vector<double> y;
  for (double A : A_) y.push_back(energy_of(A) / w0_);
  return y;
}

double AveragedSteadyState::energy_max() const { return energy_of(A_.back()); }

double AveragedSteadyState::amplitude_of(double E) const {
  return std::sqrt(2 * std::max(E, 0.0) / (mass_ * w0_ * w0_));
}

double AveragedSteadyState::drift(double E) const {
  const OrbitAverages o = orbit(amplitude_of(E));
  // <D> = <D cos 2th> + 2 <D sin^2>.
  return -2 * E * o.gamma_s2 + (o.D_c2 + 2 * o.D_s2) / (2 * mass_);
}

double AveragedSteadyState::diffusion(double E) const {
  const OrbitAverages o = orbit(amplitude_of(E));
  return 2 * E / mass_ * o.D_s2;
}

std::size_t AveragedSteadyState::locate(double A, double& t) const {
  const double u = A / dA_;
  auto j = static_cast<std::size_t>(std::max(0.0, std::floor(u)));
  j = std::min(j, A_.size() - 2);
  t = u - static_cast<double>(j);
  return j;
}

double AveragedSteadyState::log_density(double E) const {
  const double A = amplitude_of(E);
  if (A > A_.back()) return -std::numeric_limits<double>::infinity();
  double t = 0;
  const std::size_t j = locate(A, t);
  return hermite(logp_[j], dlogp_dA_[j] * dA_, logp_[j + 1], dlogp_dA_[j + 1] * dA_, t);
}

double AveragedSteadyState::density(double E) const { return E < 0 ? 0.0 : std::exp(log_density(E)); }

double AveragedSteadyState::cdf(double E) const {
  const double A = amplitude_of(E);
  if (A >= A_.back()) return 1.0;
  double t = 0;
  const std::size_t j = locate(A, t);
  // Partial interval by 4-point Gauss-Legendre on [A_j, A].
  const double k = mass_ * w0_ * w0_;
  const double len = t * dA_;
  double s = 0;
  for (int q = 0; q < 4; ++q) {
    const double tq = gl_x[q] * t;
    const double lp = hermite(logp_[j], dlogp_dA_[j] * dA_, logp_[j + 1], dlogp_dA_[j + 1] * dA_, tq);
    s += gl_w[q] * std::exp(lp) * k * (A_[j] + tq * dA_);
  }
  return std::min(1.0, cdf_[j] + s * len);
}

double AveragedSteadyState::quantile(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
  if (it == cdf_.end()) return energy_max();
  const auto j = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, it - cdf_.begin() - 1));
  // Bisection on the exact CDF within the interval.
  double lo = energy_of(A_[j]), hi = energy_of(A_[j + 1]);
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    (cdf(mid) < u ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double AveragedSteadyState::tail_energy(double mass) const {
  for (std::size_t j = 0; j < cdf_.size(); ++j)
    if (1.0 - cdf_[j] < mass) return energy_of(A_[j]);
  return energy_max();
}

double AveragedSteadyState::position_average(const std::function<double(double)>& f) const {
  const double k = mass_ * w0_ * w0_;
  const double h = table_->grid().spacing();
  double s = 0;
  for (std::size_t j = 0; j + 1 < A_.size(); ++j) {
    double part = 0;
    for (int q = 0; q < 4; ++q) {
      const double t = gl_x[q];
      const double A = A_[j] + t * dA_;
      const double lp = hermite(logp_[j], dlogp_dA_[j] * dA_, logp_[j + 1], dlogp_dA_[j + 1] * dA_, t);
      const int n = std::max(32, 2 * static_cast<int>(std::ceil(2 * A / h)));
      double avg = 0;
      for (int i = 0; i < n; ++i) avg += f(A * std::cos((i + 0.5) * std::numbers::pi / n));
      part += gl_w[q] * std::exp(lp) * (avg / n) * k * A;
    }
    s += part * dA_;
  }
  return s;
}

AveragedSolution solve_averaged(const CoefficientSource& source, const Config& config, int threads, double tail) {
  const Device& dev = config.device;
  const double x0 = dev.oscillator.x0();
  double X = 20.0 * x0;
  const double X_cap = 2000.0 * x0;
  std::shared_ptr<CoefficientTable> table;
  while (true) {
    auto grid = symmetric_grid(dev, X);
    table = table ? std::make_shared<CoefficientTable>(table->extended(source, grid, threads))
                  : std::make_shared<CoefficientTable>(source, grid, threads);
    auto state = std::make_shared<AveragedSteadyState>(*table, config.averaged);
    if (1.0 - state->cdf(0.6 * state->energy_max()) < tail) return {table, state};
    X *= 1.5;
    if (X > X_cap) throw messages::table_range(0.5 * (dev.left.mu - dev.right.mu), X / x0, -X_cap / x0, X_cap / x0);
  }
}

double AveragedSteadyState::moment(int power) const {
  const double k = mass_ * w0_ * w0_;
  double s = 0;
  for (std::size_t j = 0; j + 1 < A_.size(); ++j) {
    double part = 0;
    for (int q = 0; q < 4; ++q) {
      const double t = gl_x[q];
      const double A = A_[j] + t * dA_;
      const double lp = hermite(logp_[j], dlogp_dA_[j] * dA_, logp_[j + 1], dlogp_dA_[j + 1] * dA_, t);
      part += gl_w[q] * std::exp(lp) * std::pow(energy_of(A), power) * k * A;
    }
    s += part * dA_;
  }
  return s;
}

}  // namespace ergon
