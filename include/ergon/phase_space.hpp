// Stage 5: phase space. The oscillator's Wigner function on a grid in
// alpha = x/x0 + i p/p0 (normalised to int W d^2alpha = 1) and the density
// P_y of y = |alpha|^2 (int P_y dy = 1), from samples or from a density.
#pragma once

#include <cstdint>
#include <functional>

#include <Eigen/Dense>
#include <vector>

namespace ergon {

// W on a bins x bins grid of cells centred at centre(i), Re alpha along i,
// Im alpha along j: density[i * bins + j].
struct WignerGrid {
  double alpha_max = 0.0;  // grid covers [-alpha_max, alpha_max]^2
  int bins = 0;
  std::vector<double> density;
  double width() const { return 2 * alpha_max / bins; }
  double centre(int i) const { return -alpha_max + (i + 0.5) * width(); }
  double at(int i, int j) const { return density[static_cast<std::size_t>(i) * bins + j]; }
};

// P_y on bins of width y_max / bins (cell averages).
struct RadialGrid {
  double y_max = 0.0;
  int bins = 0;
  std::vector<double> density;
  double width() const { return y_max / bins; }
  double centre(int i) const { return (i + 0.5) * width(); }
};

// Integer histogram of phase-space samples in the alpha plane.
class WignerHistogram {
 public:
  WignerHistogram() = default;
  WignerHistogram(double alpha_max, int bins);
  void add(double re, double im) {
    const double u = (re + alpha_max_) * inv_width_, v = (im + alpha_max_) * inv_width_;
    ++total_;
    if (u >= 0 && v >= 0 && u < bins_ && v < bins_)
      ++counts_[static_cast<std::size_t>(u) * static_cast<std::size_t>(bins_) + static_cast<std::size_t>(v)];
  }
  void merge(const WignerHistogram& other);
  std::uint64_t total() const { return total_; }
  // Every integer of the histogram (counts, then the total) for summing
  // partial histograms across processes; the binning must agree.
  std::vector<std::uint64_t*> integers() {
    std::vector<std::uint64_t*> v;
    for (auto& c : counts_) v.push_back(&c);
    v.push_back(&total_);
    return v;
  }
  // Density normalised by all samples (those outside the grid included).
  WignerGrid grid() const;

 private:
  double alpha_max_ = 0.0, inv_width_ = 0.0;
  int bins_ = 0;
  std::uint64_t total_ = 0;
  std::vector<std::uint64_t> counts_;
};

// Integer histogram of y = |alpha|^2 with an overflow count.
class RadialHistogram {
 public:
  RadialHistogram() = default;
  RadialHistogram(double y_max, int bins);
  void add(double y) {
    const double u = y * inv_width_;
    ++total_;
    if (u < bins_)
      ++counts_[static_cast<std::size_t>(u)];
    else
      ++overflow_;
  }
  void merge(const RadialHistogram& other);
  std::uint64_t total() const { return total_; }
  // As WignerHistogram::integers (counts, total, overflow).
  std::vector<std::uint64_t*> integers() {
    std::vector<std::uint64_t*> v;
    for (auto& c : counts_) v.push_back(&c);
    v.push_back(&total_);
    v.push_back(&overflow_);
    return v;
  }
  std::uint64_t overflow() const { return overflow_; }
  double y_max() const { return y_max_; }
  int bins() const { return bins_; }
  const std::vector<std::uint64_t>& counts() const { return counts_; }
  RadialGrid grid() const;

 private:
  double y_max_ = 0.0, inv_width_ = 0.0;
  int bins_ = 0;
  std::uint64_t total_ = 0, overflow_ = 0;
  std::vector<std::uint64_t> counts_;
};

// Rotationally symmetric W(alpha) = P_y(|alpha|^2) / pi on a grid (cell centres).
WignerGrid wigner_from_radial(const std::function<double(double)>& radial_density, double alpha_max, int bins);
// The Wigner function of a Fock-basis density matrix rho_mn (Hermitian,
// n = 0 .. N-1) at the cell centres, W(alpha) per unit area of the alpha
// plane, index [i * bins + j] at (Re alpha, Im alpha) = (centre(i),
// centre(j)):
//   W = (2/pi) sum_{m,k} (2 - delta_k0) Re[e^{i k theta} rho_{m,m+k}] (-1)^m phi_m^k(4|alpha|^2),
// phi_m^k(x) = sqrt(m!/(m+k)!) x^{k/2} e^{-x/2} L_m^{(k)}(x) by its upward
// recurrence in m (docs/model.md section 9b).
WignerGrid wigner_from_density(const Eigen::MatrixXcd& rho, double alpha_max, int bins, int threads = 0);
// Cell averages of P_y over [0, y_max] (Gauss-Legendre per cell).
RadialGrid radial_grid(const std::function<double(double)>& radial_density, double y_max, int bins);

}  // namespace ergon
