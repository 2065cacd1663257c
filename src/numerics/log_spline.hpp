// Shared numerics: a smooth density estimate from binned samples. log P is
// a natural cubic spline (linear beyond the end knots, so the tail decays
// exponentially) with knots at quantiles of the data, fitted by maximum
// likelihood (Newton's method). The sampler's P_y uses it, so that histogram
// bins and interpolation kinks stay out of the high-n Fock populations
// (docs/model.md, "Fock populations").
#pragma once

#include <cstddef>
#include <vector>

namespace ergon::numerics {

class LogSplineDensity {
 public:
  LogSplineDensity() = default;
  // counts[i] samples in [i w, (i+1) w); `knots` >= 3 interior+end knots.
  // Throws ergon::Error when there are no samples or the fit does not decay.
  LogSplineDensity(const std::vector<double>& counts, double bin_width, int knots);
  double operator()(double y) const;  // normalised density
  double log_density(double y) const;
  double tail_mass(double y) const;              // mass above y
  double support_end() const { return y_end_; }  // density < 1e-18 of its peak beyond
  std::vector<double> knots() const;             // knot positions in y

 private:
  double spline(double y) const;  // the fitted log density, unnormalised
  // The steps of the constructor.
  void place_knots(const std::vector<double>& counts, std::size_t last, double bin_width, double N, int K);
  void fit(const std::vector<double>& counts, std::size_t last, double bin_width, double N);
  void normalise(double bin_width, std::size_t last);
  void tabulate_tail();
  double tail_slope() const;  // d log P / dy beyond the last knot (< 0)

  std::vector<double> knots_;  // in units of scale_
  std::vector<double> theta_;
  double scale_ = 1.0, log_norm_ = 0.0, y_end_ = 0.0;
  std::vector<double> tail_y_, tail_cdf_;  // cumulative mass from above, for tail_mass
};

}  // namespace ergon::numerics
