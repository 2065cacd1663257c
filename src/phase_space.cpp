// Stage 5: phase-space histograms and grids.
#include "ergon/phase_space.hpp"

#include "ergon/errors.hpp"
#include "ergon/parallel.hpp"
#include "numerics/gauss_legendre.hpp"

#include <array>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace ergon {

WignerHistogram::WignerHistogram(double alpha_max, int bins)
    : alpha_max_(alpha_max),
      inv_width_(bins / (2 * alpha_max)),
      bins_(bins),
      counts_(static_cast<std::size_t>(bins) * static_cast<std::size_t>(bins), 0) {}

void WignerHistogram::merge(const WignerHistogram& other) {
  if (other.bins_ != bins_ || other.alpha_max_ != alpha_max_) throw std::logic_error("merging unlike histograms");
  total_ += other.total_;
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
}

WignerGrid WignerHistogram::grid() const {
  WignerGrid g;
  g.alpha_max = alpha_max_;
  g.bins = bins_;
  g.density.resize(counts_.size());
  const double cell = g.width() * g.width();
  for (std::size_t i = 0; i < counts_.size(); ++i)
    g.density[i] = total_ ? static_cast<double>(counts_[i]) / (static_cast<double>(total_) * cell) : 0.0;
  return g;
}

RadialHistogram::RadialHistogram(double y_max, int bins)
    : y_max_(y_max), inv_width_(bins / y_max), bins_(bins), counts_(static_cast<std::size_t>(bins), 0) {}

void RadialHistogram::merge(const RadialHistogram& other) {
  if (other.bins_ != bins_ || other.y_max_ != y_max_) throw std::logic_error("merging unlike histograms");
  total_ += other.total_;
  overflow_ += other.overflow_;
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
}

RadialGrid RadialHistogram::grid() const {
  RadialGrid g;
  g.y_max = y_max_;
  g.bins = bins_;
  g.density.resize(counts_.size());
  for (std::size_t i = 0; i < counts_.size(); ++i)
    g.density[i] = total_ ? static_cast<double>(counts_[i]) / (static_cast<double>(total_) * g.width()) : 0.0;
  return g;
}

WignerGrid wigner_from_radial(const std::function<double(double)>& radial_density, double alpha_max, int bins) {
  WignerGrid g;
  g.alpha_max = alpha_max;
  g.bins = bins;
  g.density.resize(static_cast<std::size_t>(bins) * static_cast<std::size_t>(bins));
  for (int i = 0; i < bins; ++i)
    for (int j = 0; j < bins; ++j) {
      const double a = g.centre(i), b = g.centre(j);
      g.density[static_cast<std::size_t>(i) * bins + j] = radial_density(a * a + b * b) / std::numbers::pi;
    }
  return g;
}

WignerGrid wigner_from_density(const Eigen::MatrixXcd& rho, double alpha_max, int bins, int threads) {
  const int N = static_cast<int>(rho.rows());
  WignerGrid g;
  g.alpha_max = alpha_max;
  g.bins = bins;
  g.density.assign(static_cast<std::size_t>(bins) * static_cast<std::size_t>(bins), 0.0);
  parallel_for(bins, threads, [&](int i) {
    std::vector<double> phi(static_cast<std::size_t>(N));
    for (int j = 0; j < bins; ++j) {
      const double a = g.centre(i), b = g.centre(j);
      const double x = 4.0 * (a * a + b * b), theta = std::atan2(b, a);
      const double lx = x > 0.0 ? std::log(x) : -std::numeric_limits<double>::infinity();
      double w = 0.0;
      for (int k = 0; k < N; ++k) {
        // phi_0^k = x^{k/2} e^{-x/2} / sqrt(k!), then
        // phi_{m+1} = ((2m + 1 + k - x) phi_m - sqrt(m (m + k)) phi_{m-1}) / sqrt((m + 1)(m + 1 + k)).
        // Held as (prev, cur) * e^E, rescaled as they grow, so that phi_0's
        // underflow far out in phase space (x/2 > 700) does not zero the rest.
        double E = (k == 0 ? 0.0 : 0.5 * k * lx - 0.5 * std::lgamma(k + 1.0)) - 0.5 * x;
        double prev = 0.0, cur = 1.0, scale = std::exp(E);
        const std::complex<double> phase = std::polar(1.0, k * theta);
        double acc_re = 0.0;
        for (int m = 0; m + k < N; ++m) {
          const double sign = (m % 2 == 0) ? 1.0 : -1.0;
          acc_re += sign * cur * scale * (phase * rho(m, m + k)).real();
          const double next = ((2.0 * m + 1.0 + k - x) * cur - std::sqrt(static_cast<double>(m) * (m + k)) * prev) /
                              std::sqrt((m + 1.0) * (m + 1.0 + k));
          prev = cur;
          cur = next;
          if (std::abs(cur) > 1e150) {
            prev *= 1e-150;
            cur *= 1e-150;
            E += 150.0 * std::log(10.0);
            scale = std::exp(E);
          }
        }
        w += (k == 0 ? 1.0 : 2.0) * acc_re;
      }
      g.density[static_cast<std::size_t>(i) * bins + j] = 2.0 / std::numbers::pi * w;
    }
  });
  return g;
}

RadialGrid radial_grid(const std::function<double(double)>& radial_density, double y_max, int bins) {
  const auto& [x, w] = numerics::unit_gauss_legendre<4>();
  RadialGrid g;
  g.y_max = y_max;
  g.bins = bins;
  g.density.resize(static_cast<std::size_t>(bins));
  for (int i = 0; i < bins; ++i) {
    double s = 0;
    for (int q = 0; q < 4; ++q) s += w[q] * radial_density((i + x[q]) * g.width());
    g.density[static_cast<std::size_t>(i)] = s;
  }
  return g;
}

}  // namespace ergon
