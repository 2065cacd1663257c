// Stage 3: coefficient tables (docs/model.md, "Coefficient tables").
#include "ergon/tables.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "ergon/errors.hpp"

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

namespace {

// The smallest electronic energy scale and the key that sets it.
struct Scale {
  double value;  // [energy]
  std::string key;
  double key_value;
  bool inverse;  // the key is an inverse energy (beta)
};

Scale smallest_scale(const Device& device) {
  Scale s{1.0 / device.left.beta, "lead.L.beta", device.left.beta, true};
  auto take = [&](const Scale& c) {
    if (c.value < s.value) s = c;
  };
  take({1.0 / device.right.beta, "lead.R.beta", device.right.beta, true});
  if (device.left.type == LeadType::lorentzian) take({device.left.width, "lead.L.width", device.left.width, false});
  if (device.right.type == LeadType::lorentzian) take({device.right.width, "lead.R.width", device.right.width, false});
  const double G = 0.5 * (device.left.Gamma + device.right.Gamma);
  take({G, "(lead.L.Gamma + lead.R.Gamma)/2", G, false});
  return s;
}

}  // namespace

double natural_spacing(const Device& device) {
  // A twentieth of the smallest scale, as a length; never coarser than half
  // the zero-point length x0, so weak coupling still resolves the orbits.
  return std::min(0.05 * smallest_scale(device).value / std::abs(device.oscillator.F()), 0.5 * device.oscillator.x0());
}

TableGrid symmetric_grid(const Device& device, double half_width) {
  const double h = natural_spacing(device);
  const double half = std::max(2.0, std::ceil(half_width / h - 1e-9));
  if (!(2 * half + 1 <= static_cast<double>(max_table_nodes))) {
    const Scale s = smallest_scale(device);
    throw messages::table_too_fine(2 * half + 1, max_table_nodes, half_width / device.oscillator.x0(), s.key,
                                   s.key_value, s.inverse);
  }
  const auto n = static_cast<long>(half);
  return {h, -n, n};
}

CoefficientSource electronic_source(const ElectronicModel& model) {
  CoefficientSource s;
  s.values = [&model](double x) { return model.coefficients(x); };
  s.slopes = [&model](double x) { return model.slopes(x); };
  s.node = [&model](double x) { return model.node(x); };
  s.F = model.F();
  s.mass = model.device().oscillator.mass;
  s.w0 = model.device().oscillator.w0;
  return s;
}

CoefficientTable::CoefficientTable(const CoefficientSource& source, const TableGrid& grid, int threads)
    : grid_(grid), inv_h_(1.0 / grid.h), F_(source.F), mass_(source.mass), w0_(source.w0) {
  fill(source, threads, nullptr);
}

CoefficientTable CoefficientTable::extended(const CoefficientSource& source, const TableGrid& grid, int threads) const {
  if (grid.h != grid_.h) throw std::logic_error("extending a table to a grid of another spacing");
  CoefficientTable t;
  t.grid_ = grid;
  t.inv_h_ = inv_h_;
  t.F_ = F_;
  t.mass_ = mass_;
  t.w0_ = w0_;
  t.fill(source, threads, this);
  return t;
}

void CoefficientTable::fill(const CoefficientSource& source, int threads, const CoefficientTable* known) {
  const auto m = static_cast<std::size_t>(grid_.points());
  for (auto* v : {&n_, &dn_, &D_, &dD_, &gamma_, &dgamma_, &I_, &dI_}) v->assign(m, 0.0);
  // Nodes that `known` already has are copied.
  std::vector<int> todo;
  for (int i = 0; i < grid_.points(); ++i) {
    const long g = grid_.first + i;
    if (known && g >= known->grid_.first && g <= known->grid_.last) {
      const auto k = static_cast<std::size_t>(i), s = static_cast<std::size_t>(g - known->grid_.first);
      n_[k] = known->n_[s];
      D_[k] = known->D_[s];
      gamma_[k] = known->gamma_[s];
      I_[k] = known->I_[s];
      dn_[k] = known->dn_[s];
      dD_[k] = known->dD_[s];
      dgamma_[k] = known->dgamma_[s];
      dI_[k] = known->dI_[s];
    } else {
      todo.push_back(i);
    }
  }
  parallel_for(static_cast<int>(todo.size()), threads, [&](int j) {
    if (source.stop && source.stop->load(std::memory_order_relaxed)) return;
    const int i = todo[static_cast<std::size_t>(j)];
    const double x = grid_.node(i);
    const auto [c, s] = source.node ? source.node(x) : std::pair{source.values(x), source.slopes(x)};
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
  if (source.stop && source.stop->load()) throw messages::interrupted();
  // Cumulative integral of the Hermite interpolant of <n> from x = 0 (or the
  // first node when 0 is outside), summed outwards: the same bits for every
  // table extent.
  const double h = grid_.spacing();
  cumulative_.assign(m, 0.0);
  const auto zero = static_cast<std::size_t>(std::clamp(-grid_.first, 0L, grid_.last - grid_.first));
  auto cell = [&](std::size_t i) { return h * (0.5 * (n_[i] + n_[i + 1]) + h * (dn_[i] - dn_[i + 1]) / 12.0); };
  for (std::size_t i = zero + 1; i < m; ++i) cumulative_[i] = cumulative_[i - 1] + cell(i - 1);
  for (std::size_t i = zero; i-- > 0;) cumulative_[i] = cumulative_[i + 1] - cell(i);
}

std::size_t CoefficientTable::locate(double x, double& t) const {
  // Position in global cell units: identical for every grid with this h.
  const double u = x * inv_h_;
  const double k = std::floor(u);
  t = u - k;
  const long last_cell = grid_.last - 1;
  long i = static_cast<long>(k);
  if (i < grid_.first) {
    i = grid_.first;
    t = u - static_cast<double>(i);
  } else if (i > last_cell) {
    i = last_cell;
    t = u - static_cast<double>(i);
  }
  return static_cast<std::size_t>(i - grid_.first);
}

double CoefficientTable::eval(const std::vector<double>& y, const std::vector<double>& dy, double x) const {
  double t = 0.0;
  const std::size_t i = locate(x, t);
  const double h = grid_.h;
  const Hermite b = basis(t);
  return b.h00 * y[i] + b.h10 * h * dy[i] + b.h01 * y[i + 1] + b.h11 * h * dy[i + 1];
}

double CoefficientTable::eval_slope(const std::vector<double>& y, const std::vector<double>& dy, double x) const {
  double t = 0.0;
  const std::size_t i = locate(x, t);
  const double h = grid_.h;
  // Derivatives of the Hermite basis with respect to t, divided by h.
  const double d00 = 6 * t * t - 6 * t, d10 = 3 * t * t - 4 * t + 1, d01 = -d00, d11 = 3 * t * t - 2 * t;
  return (d00 * y[i] + d01 * y[i + 1]) / h + d10 * dy[i] + d11 * dy[i + 1];
}

double CoefficientTable::potential(double x) const {
  double t = 0.0;
  const std::size_t i = locate(x, t);
  const double h = grid_.h;
  const Hermite b = basis_integral(t);
  const double integral =
      cumulative_[i] + h * (b.h00 * n_[i] + b.h10 * h * dn_[i] + b.h01 * n_[i + 1] + b.h11 * h * dn_[i + 1]);
  return -F_ * integral;
}

CoefficientTable::Sample CoefficientTable::at(double x) const {
  double t = 0.0;
  const std::size_t i = locate(x, t);
  const double h = grid_.h;
  const Hermite b = basis(t);
  auto value = [&](const std::vector<double>& y, const std::vector<double>& dy) {
    return b.h00 * y[i] + b.h10 * h * dy[i] + b.h01 * y[i + 1] + b.h11 * h * dy[i + 1];
  };
  const Hermite c = basis_integral(t);
  const double integral =
      cumulative_[i] + h * (c.h00 * n_[i] + c.h10 * h * dn_[i] + c.h01 * n_[i + 1] + c.h11 * h * dn_[i + 1]);
  return {value(n_, dn_), value(D_, dD_), value(gamma_, dgamma_), value(I_, dI_), -F_ * integral};
}

}  // namespace ergon
