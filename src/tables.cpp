// Stage 3: coefficient tables (docs/model.md, "Coefficient tables").
#include "ergon/tables.hpp"

#include <algorithm>
#include <cmath>

#include "ergon/parallel.hpp"

namespace ergon {
namespace {

// Cubic Hermite basis on t in [0, 1].
struct Hermite {
  double h00, h10, h01, h11;
};

Hermite basis(double t) {
  const double t2 = t * t, t3 = t2 * t;
  return {2 * t3 - 3 * t2 + 1, t3 - 2 * t2 + t, -2 * t3 + 3 * t2, t3 - t2};
}

// int_0^t of the basis functions.
Hermite basis_integral(double t) {
  const double t2 = t * t, t3 = t2 * t, t4 = t3 * t;
  return {t4 / 2 - t3 + t, t4 / 4 - 2 * t3 / 3 + t2 / 2, -t4 / 2 + t3, t4 / 4 - t3 / 3};
}

}  // namespace

double natural_spacing(const Device& device) {
  double scale = std::min(1.0 / device.left.beta, 1.0 / device.right.beta);
  for (const Lead* lead : {&device.left, &device.right})
    if (lead->type == LeadType::lorentzian) scale = std::min(scale, lead->width);
  scale = std::min(scale, 0.5 * (device.left.Gamma + device.right.Gamma));
  return 0.05 * scale / std::abs(device.oscillator.F());
}

TableGrid symmetric_grid(const Device& device, double half_width) {
  const double h = natural_spacing(device);
  int half = std::max(2, static_cast<int>(std::ceil(half_width / h)));
  return {-half_width, half_width, 2 * half + 1};
}

CoefficientTable::CoefficientTable(const ElectronicModel& model, const TableGrid& grid, int threads)
    : grid_(grid), F_(model.F()), mass_(model.device().oscillator.mass), w0_(model.device().oscillator.w0) {
  const auto m = static_cast<std::size_t>(grid.points);
  for (auto* v : {&n_, &dn_, &D_, &dD_, &gamma_, &dgamma_, &I_, &dI_}) v->assign(m, 0.0);
  parallel_for(grid.points, threads, [&](int i) {
    const double x = grid_.node(i);
    const Coefficients c = model.coefficients(x);
    const CoefficientSlopes s = model.slopes(x);
    const auto k = static_cast<std::size_t>(i);
    n_[k] = c.n;
    D_[k] = c.D;
    gamma_[k] = c.gamma;
    I_[k] = c.current;
    dn_[k] = s.dn;
    dD_[k] = s.dD;
    dgamma_[k] = s.dgamma;
    dI_[k] = s.dcurrent;
  });
  // Cumulative integral of the Hermite interpolant of <n>.
  const double h = grid_.spacing();
  cumulative_.assign(m, 0.0);
  for (std::size_t i = 1; i < m; ++i)
    cumulative_[i] = cumulative_[i - 1] + h * (0.5 * (n_[i - 1] + n_[i]) + h * (dn_[i - 1] - dn_[i]) / 12.0);
  cumulative_at_zero_ = 0.0;
  if (contains(0.0)) {
    const double x = 0.0;
    const double u = (x - grid_.x_min) / h;
    const auto i = std::min(static_cast<std::size_t>(u), m - 2);
    const double t = u - static_cast<double>(i);
    const Hermite b = basis_integral(t);
    cumulative_at_zero_ =
        cumulative_[i] + h * (b.h00 * n_[i] + b.h10 * h * dn_[i] + b.h01 * n_[i + 1] + b.h11 * h * dn_[i + 1]);
  }
}

double CoefficientTable::eval(const std::vector<double>& y, const std::vector<double>& dy, double x) const {
  const double h = grid_.spacing();
  const double u = (x - grid_.x_min) / h;
  const auto last = y.size() - 2;
  const auto i = std::min(static_cast<std::size_t>(std::max(u, 0.0)), last);
  const double t = u - static_cast<double>(i);
  const Hermite b = basis(t);
  return b.h00 * y[i] + b.h10 * h * dy[i] + b.h01 * y[i + 1] + b.h11 * h * dy[i + 1];
}

double CoefficientTable::potential(double x) const {
  const double h = grid_.spacing();
  const double u = (x - grid_.x_min) / h;
  const auto m = n_.size();
  const auto i = std::min(static_cast<std::size_t>(std::max(u, 0.0)), m - 2);
  const double t = u - static_cast<double>(i);
  const Hermite b = basis_integral(t);
  const double integral =
      cumulative_[i] + h * (b.h00 * n_[i] + b.h10 * h * dn_[i] + b.h01 * n_[i + 1] + b.h11 * h * dn_[i + 1]);
  return -F_ * (integral - cumulative_at_zero_);
}

}  // namespace ergon
