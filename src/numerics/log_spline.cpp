// The log-spline density estimator (log_spline.hpp).
#include "numerics/log_spline.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "ergon/errors.hpp"
#include "numerics/gauss_legendre.hpp"

namespace ergon::numerics {
namespace {

// Natural cubic spline basis (Hastie, Tibshirani, Friedman, Eq. 5.4-5.5) on
// knots xi_1 < ... < xi_K: N_1 = y, N_{k+1} = d_k - d_{K-1},
// d_k = ((y - xi_k)_+^3 - (y - xi_K)_+^3) / (xi_K - xi_k).
void natural_basis(const std::vector<double>& xi, double y, double* out) {
  const std::size_t K = xi.size();
  auto cube = [](double v) { return v > 0 ? v * v * v : 0.0; };
  auto d = [&](std::size_t k) { return (cube(y - xi[k]) - cube(y - xi[K - 1])) / (xi[K - 1] - xi[k]); };
  out[0] = y;
  const double last = d(K - 2);
  for (std::size_t k = 0; k + 2 < K; ++k) out[k + 1] = d(k) - last;
}

}  // namespace

LogSplineDensity::LogSplineDensity(const std::vector<double>& counts, double bin_width, int n_knots) {
  // Data on bin centres; drop trailing empty bins.
  std::size_t last = counts.size();
  while (last > 0 && counts[last - 1] == 0) --last;
  double N = 0;
  for (std::size_t i = 0; i < last; ++i) N += counts[i];
  if (last == 0 || N <= 0) throw messages::usage("no samples to estimate the radial density from");
  scale_ = static_cast<double>(last) * bin_width;
  place_knots(counts, last, bin_width, N, std::max(3, n_knots));
  fit(counts, last, bin_width, N);
  if (!(tail_slope() < 0))
    throw messages::not_converged("radial density fit", "the fitted density does not decay beyond the data");
  normalise(bin_width, last);
  tabulate_tail();
}

// Knots at quantiles of the data (end knots at the first and last occupied
// bins).
void LogSplineDensity::place_knots(const std::vector<double>& counts, std::size_t last, double bin_width, double N,
                                   int K) {
  std::size_t first = 0;
  while (counts[first] == 0) ++first;
  knots_.clear();
  knots_.push_back((static_cast<double>(first) + 0.5) * bin_width / scale_);
  double cum = 0;
  int next = 1;
  for (std::size_t i = first; i < last && next < K - 1; ++i) {
    cum += counts[i];
    while (next < K - 1 && cum >= N * next / (K - 1.0)) {
      const double y = (static_cast<double>(i) + 0.5) * bin_width / scale_;
      if (y > knots_.back() + 1e-9) knots_.push_back(y);
      ++next;
    }
  }
  const double y_last = (static_cast<double>(last) - 0.5) * bin_width / scale_;
  if (y_last > knots_.back() + 1e-9) knots_.push_back(y_last);
  if (knots_.size() < 3) {  // all data in one or two bins: spread knots
    knots_ = {0.0, 0.5, 1.0};
  }
}

// Maximum likelihood of the binned data (a concave problem: damped Newton).
void LogSplineDensity::fit(const std::vector<double>& counts, std::size_t last, double bin_width, double N) {
  const std::size_t P = knots_.size() - 1;  // basis size
  // Quadrature grid: bin centres, extended beyond the data for the tail.
  const double w = bin_width / scale_;
  const std::size_t G = last + static_cast<std::size_t>(std::ceil(0.5 / w)) + 1;  // up to 1.5 y_max_data
  Eigen::MatrixXd B(static_cast<Eigen::Index>(G), static_cast<Eigen::Index>(P));
  std::vector<double> row(P);
  for (std::size_t i = 0; i < G; ++i) {
    natural_basis(knots_, (static_cast<double>(i) + 0.5) * w, row.data());
    for (std::size_t k = 0; k < P; ++k) B(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)) = row[k];
  }
  Eigen::VectorXd c = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(G));
  for (std::size_t i = 0; i < last; ++i) c(static_cast<Eigen::Index>(i)) = counts[i];
  // The truncated-power basis is badly conditioned with many knots:
  // orthonormalise it with respect to the data (thin QR of the weighted
  // design matrix) and fit in those coordinates; theta = R^-1 theta'.
  Eigen::ArrayXd sw = (c.array() / N + 1e-6 / static_cast<double>(G)).sqrt();
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(sw.matrix().asDiagonal() * B);
  const Eigen::MatrixXd R = qr.matrixQR().topRows(static_cast<Eigen::Index>(P)).triangularView<Eigen::Upper>();
  const Eigen::MatrixXd Rinv = R.triangularView<Eigen::Upper>().solve(
      Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(P), static_cast<Eigen::Index>(P)));
  B = B * Rinv;
  const Eigen::VectorXd data_sum = B.transpose() * c;  // sum_j c_j B(y_j)

  // Start from the uniform density (theta' = 0), which Newton leaves quickly.
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(P));

  auto loglik = [&](const Eigen::VectorXd& th, Eigen::VectorXd* grad, Eigen::MatrixXd* hess) {
    const Eigen::VectorXd s = B * th;
    const double smax = s.maxCoeff();
    const Eigen::ArrayXd e = (s.array() - smax).exp();
    const double Z = e.sum() * w;
    const double logZ = smax + std::log(Z);
    if (grad || hess) {
      const Eigen::VectorXd prob = e.matrix() * (w / Z);  // quadrature weights of the density
      const Eigen::VectorXd EB = B.transpose() * prob;
      if (grad) *grad = data_sum - N * EB;
      if (hess) {
        const Eigen::MatrixXd Bw = B.array().colwise() * prob.array().sqrt();
        *hess = -N * (Bw.transpose() * Bw - EB * EB.transpose());
      }
    }
    return data_sum.dot(th) - N * logZ;
  };

  double ll = loglik(theta, nullptr, nullptr);
  for (int it = 0; it < 100; ++it) {
    Eigen::VectorXd g;
    Eigen::MatrixXd H;
    loglik(theta, &g, &H);
    // Newton step on the concave likelihood; tiny ridge for safety.
    const Eigen::MatrixXd A =
        -H + 1e-12 * N * Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(P), static_cast<Eigen::Index>(P));
    const Eigen::VectorXd step = A.ldlt().solve(g);
    double t = 1.0, ll_new = ll;
    Eigen::VectorXd trial;
    for (int h = 0; h < 40; ++h, t *= 0.5) {
      trial = theta + t * step;
      ll_new = loglik(trial, nullptr, nullptr);
      if (std::isfinite(ll_new) && ll_new >= ll - 1e-12 * N) break;
    }
    const double gain = ll_new - ll;
    theta = trial;
    ll = ll_new;
    if (std::abs(gain) < 1e-10 * N && g.norm() < 1e-6 * N) break;
  }
  const Eigen::VectorXd raw = Rinv * theta;
  theta_.assign(raw.data(), raw.data() + raw.size());
}

double LogSplineDensity::tail_slope() const {
  // log P is linear beyond the last knot with slope theta . N'(y).
  const std::size_t P = theta_.size();
  std::vector<double> b_end(P), b_after(P);
  natural_basis(knots_, knots_.back(), b_end.data());
  natural_basis(knots_, knots_.back() + 1.0, b_after.data());
  double slope = 0;
  for (std::size_t k = 0; k < P; ++k) slope += theta_[k] * (b_after[k] - b_end[k]);
  return slope / scale_;
}

// Normalise accurately: Gauss-Legendre between knots, analytic linear tail.
void LogSplineDensity::normalise(double bin_width, std::size_t last) {
  log_norm_ = 0.0;
  // The peak over the fit's quadrature grid (bin centres up to 1.5 times the
  // data's extent), so that the exponentials below cannot overflow.
  const double w = bin_width / scale_;
  const std::size_t G = last + static_cast<std::size_t>(std::ceil(0.5 / w)) + 1;
  double peak = -1e300;
  for (std::size_t i = 0; i < G; ++i) peak = std::max(peak, spline((static_cast<double>(i) + 0.5) * w * scale_));
  log_norm_ = peak;
  const auto& [gx, gw] = unit_gauss_legendre<5>();
  // Panels no wider than a histogram bin (the density changes by a small
  // fraction across one), 5-point Gauss-Legendre on each.
  const double y_knot_end = knots_.back() * scale_;
  const auto panels = static_cast<std::size_t>(std::ceil(y_knot_end / std::min(bin_width, y_knot_end / 256)));
  const double dp = y_knot_end / static_cast<double>(panels);
  double Z = 0;
  for (std::size_t i = 0; i < panels; ++i)
    for (int q = 0; q < 5; ++q) Z += gw[q] * dp * std::exp(spline((static_cast<double>(i) + gx[q]) * dp) - log_norm_);
  const double s_end = spline(knots_.back() * scale_) - log_norm_;
  const double slope_y = tail_slope();
  Z += std::exp(s_end) / (-slope_y);
  log_norm_ += std::log(Z);
  // Support end: density below 1e-18 of the peak.
  y_end_ = knots_.back() * scale_ + (std::log(1e-18) - (s_end - std::log(Z) - (peak - log_norm_))) / slope_y;
  y_end_ = std::max(y_end_, knots_.back() * scale_);
}

// Tail masses on a grid from the support end down (for tail_mass).
void LogSplineDensity::tabulate_tail() {
  const auto& [gx, gw] = unit_gauss_legendre<5>();
  const int T = 4096;
  tail_y_.resize(T + 1);
  tail_cdf_.resize(T + 1);
  const double dy = y_end_ / T;
  double acc = std::exp(spline(y_end_) - log_norm_) / (-tail_slope());
  for (int i = T; i >= 0; --i) {
    tail_y_[static_cast<std::size_t>(i)] = i * dy;
    tail_cdf_[static_cast<std::size_t>(i)] = acc;
    if (i > 0) {
      double part = 0;
      for (int q = 0; q < 5; ++q) part += gw[q] * (*this)((i - 1 + gx[q]) * dy);
      acc += part * dy;
    }
  }
}

double LogSplineDensity::spline(double y) const {
  const std::size_t P = theta_.size();
  double b[64];
  std::vector<double> heap;
  double* out = b;
  if (P > 64) {
    heap.resize(P);
    out = heap.data();
  }
  natural_basis(knots_, y / scale_, out);
  double s = 0;
  for (std::size_t k = 0; k < P; ++k) s += theta_[k] * out[k];
  return s;
}

double LogSplineDensity::log_density(double y) const { return spline(y) - log_norm_; }

std::vector<double> LogSplineDensity::knots() const {
  std::vector<double> k;
  for (double v : knots_) k.push_back(v * scale_);
  return k;
}

double LogSplineDensity::operator()(double y) const { return y < 0 ? 0.0 : std::exp(log_density(y)); }

double LogSplineDensity::tail_mass(double y) const {
  if (y <= 0) return 1.0;
  if (y >= y_end_) return 0.0;
  const double u = y / y_end_ * static_cast<double>(tail_y_.size() - 1);
  const auto i = static_cast<std::size_t>(u);
  const double t = u - static_cast<double>(i);
  return (1 - t) * tail_cdf_[i] + t * tail_cdf_[std::min(i + 1, tail_cdf_.size() - 1)];
}

}  // namespace ergon::numerics
