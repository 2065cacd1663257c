// Stage 3: coefficient tables (docs/model.md, "Coefficient tables").
#include "ergon/tables.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "ergon/errors.hpp"
#include "ergon/parallel.hpp"
#include "numerics/hermite.hpp"

namespace ergon {
double natural_spacing(const ElectronicModel& model) {
  // A fifth of the smallest scale, as a length (the septic Hermite error at
  // this spacing is in docs/model.md, section 5); never coarser than the
  // zero-point length x0, so weak coupling still resolves the orbits.
  const MechanicalMode mode = model.oscillator();
  return std::min(0.2 * model.smallest_scale().value / std::abs(mode.F), mode.x0());
}

TableGrid symmetric_grid(const ElectronicModel& model, double half_width) {
  const double h = natural_spacing(model);
  const double half = std::max(2.0, std::ceil(half_width / h - 1e-9));
  if (!(2 * half + 1 <= static_cast<double>(max_table_nodes))) {
    const EnergyScale s = model.smallest_scale();
    throw messages::table_too_fine(2 * half + 1, max_table_nodes, half_width / model.oscillator().x0(), s.key,
                                   s.key_value, s.inverse);
  }
  const auto n = static_cast<long>(half);
  return {h, -n, n};
}

CoefficientTable::CoefficientTable(const ElectronicModel& model, const TableGrid& grid, int threads,
                                   const std::atomic<bool>* stop)
    : grid_(grid), inv_h_(1.0 / grid.h) {
  const MechanicalMode mode = model.oscillator();
  F_ = mode.F;
  mass_ = mode.mass;
  w0_ = mode.w0;
  fill(model, threads, stop, nullptr);
}

CoefficientTable CoefficientTable::extended(const ElectronicModel& model, const TableGrid& grid, int threads,
                                            const std::atomic<bool>* stop) const {
  if (grid.h != grid_.h) throw std::logic_error("extending a table to a grid of another spacing");
  CoefficientTable t;
  t.grid_ = grid;
  t.inv_h_ = inv_h_;
  t.F_ = F_;
  t.mass_ = mass_;
  t.w0_ = w0_;
  t.fill(model, threads, stop, this);
  return t;
}

void CoefficientTable::fill(const ElectronicModel& model, int threads, const std::atomic<bool>* stop,
                            const CoefficientTable* known) {
  const auto m = static_cast<std::size_t>(grid_.points());
  for (Column* c : {&n_, &D_, &gamma_, &I_}) {
    c->y.assign(m, 0.0);
    c->dy.assign(m, 0.0);
    c->d2y.assign(m, 0.0);
    c->d3y.assign(m, 0.0);
  }
  // Nodes that `known` already has are copied.
  std::vector<int> todo;
  for (int i = 0; i < grid_.points(); ++i) {
    const long g = grid_.first + i;
    if (known && g >= known->grid_.first && g <= known->grid_.last) {
      const auto k = static_cast<std::size_t>(i), s = static_cast<std::size_t>(g - known->grid_.first);
      for (auto [to, from] : {std::pair{&n_, &known->n_}, std::pair{&D_, &known->D_},
                              std::pair{&gamma_, &known->gamma_}, std::pair{&I_, &known->I_}}) {
        to->y[k] = from->y[s];
        to->dy[k] = from->dy[s];
        to->d2y[k] = from->d2y[s];
        to->d3y[k] = from->d3y[s];
      }
    } else {
      todo.push_back(i);
    }
  }
  parallel_for(static_cast<int>(todo.size()), threads, [&](int j) {
    if (stop && stop->load(std::memory_order_relaxed)) return;
    const int i = todo[static_cast<std::size_t>(j)];
    const double x = grid_.node(i);
    const auto k = static_cast<std::size_t>(i);
    const CoefficientNode node = model.node(x);
    const Coefficients& c = node.values;
    const CoefficientSlopes& s = node.slopes;
    const CoefficientCurvatures& q = node.curvatures;
    const CoefficientThirds& r = node.thirds;
    n_.y[k] = c.n, n_.dy[k] = s.dn, n_.d2y[k] = q.d2n, n_.d3y[k] = r.d3n;
    D_.y[k] = c.D, D_.dy[k] = s.dD, D_.d2y[k] = q.d2D, D_.d3y[k] = r.d3D;
    gamma_.y[k] = c.gamma, gamma_.dy[k] = s.dgamma, gamma_.d2y[k] = q.d2gamma, gamma_.d3y[k] = r.d3gamma;
    I_.y[k] = c.current, I_.dy[k] = s.dcurrent, I_.d2y[k] = q.d2current, I_.d3y[k] = r.d3current;
  });
  if (stop && stop->load()) throw messages::interrupted();
  const double h = grid_.spacing();
  if (model.derivatives() < 3) {
    // A model with values and slopes only: curvatures and third derivatives
    // from central first and second differences of the slopes (one-sided or
    // zero at the ends), which keeps the interpolation error O(h^4).
    for (Column* c : {&n_, &D_, &gamma_, &I_})
      for (std::size_t i = 0; i < m; ++i) {
        const std::size_t lo = i == 0 ? 0 : i - 1, hi = i + 1 == m ? i : i + 1;
        c->d2y[i] = hi > lo ? (c->dy[hi] - c->dy[lo]) / (static_cast<double>(hi - lo) * h) : 0.0;
        c->d3y[i] = hi - lo == 2 ? (c->dy[hi] - 2 * c->dy[i] + c->dy[lo]) / (h * h) : 0.0;
      }
  }
  // Cumulative integral of the Hermite interpolant of <n> from x = 0 (or the
  // first node when 0 is outside), summed outwards: the same bits for every
  // table extent.
  cumulative_.assign(m, 0.0);
  const auto zero = static_cast<std::size_t>(std::clamp(-grid_.first, 0L, grid_.last - grid_.first));
  auto cell = [&](std::size_t i) {
    return h * (0.5 * (n_.y[i] + n_.y[i + 1]) + h * (n_.dy[i] - n_.dy[i + 1]) * (3.0 / 28) +
                h * h * (n_.d2y[i] + n_.d2y[i + 1]) / 84.0 + h * h * h * (n_.d3y[i] - n_.d3y[i + 1]) / 1680.0);
  };
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

namespace {

// The septic Hermite combination of a column's cell i with basis b.
template <class Column>
double combine(const numerics::Septic& b, const Column& c, std::size_t i, double h) {
  const double h2 = h * h, h3 = h2 * h;
  return b.v0 * c.y[i] + b.s0 * h * c.dy[i] + b.c0 * h2 * c.d2y[i] + b.d0 * h3 * c.d3y[i] + b.v1 * c.y[i + 1] +
         b.s1 * h * c.dy[i + 1] + b.c1 * h2 * c.d2y[i + 1] + b.d1 * h3 * c.d3y[i + 1];
}

}  // namespace

double CoefficientTable::eval(const Column& c, double x) const {
  double t = 0.0;
  const std::size_t i = locate(x, t);
  return combine(numerics::septic_basis(t), c, i, grid_.h);
}

double CoefficientTable::potential(double x) const {
  double t = 0.0;
  const std::size_t i = locate(x, t);
  const double h = grid_.h;
  return -F_ * (cumulative_[i] + h * combine(numerics::septic_basis_integral(t), n_, i, h));
}

CoefficientTable::Sample CoefficientTable::at(double x) const {
  double t = 0.0;
  const std::size_t i = locate(x, t);
  const double h = grid_.h;
  const numerics::Septic b = numerics::septic_basis(t);
  auto value = [&](const Column& c) { return combine(b, c, i, h); };
  const double integral = cumulative_[i] + h * combine(numerics::septic_basis_integral(t), n_, i, h);
  return {value(n_), value(D_), value(gamma_), value(I_), -F_ * integral};
}

}  // namespace ergon
