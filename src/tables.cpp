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

// Septic Hermite basis on t in [0, 1]: the interpolant of values y and the
// first three derivatives y1, y2, y3 at both ends is
//   v0 y + s0 h y1 + c0 h^2 y2 + d0 h^3 y3 (left end) + the same at the right.
struct Septic {
  double v0, s0, c0, d0, v1, s1, c1, d1;
};

Septic basis(double t) {
  const double t2 = t * t, t3 = t2 * t, t4 = t3 * t;
  // The t^4 .. t^7 parts (Horner).
  auto high = [&](double a4, double a5, double a6, double a7) { return t4 * (a4 + t * (a5 + t * (a6 + t * a7))); };
  return {1 + high(-35, 84, -70, 20),       t + high(-20, 45, -36, 10),
          0.5 * t2 + high(-5, 10, -7.5, 2), t3 / 6 + high(-2.0 / 3, 1, -2.0 / 3, 1.0 / 6),
          high(35, -84, 70, -20),           high(-15, 39, -34, 10),
          high(2.5, -7, 6.5, -2),           high(-1.0 / 6, 0.5, -0.5, 1.0 / 6)};
}

// d/dt of the basis functions.
Septic basis_slope(double t) {
  const double t2 = t * t, t3 = t2 * t;
  auto high = [&](double a3, double a4, double a5, double a6) { return t3 * (a3 + t * (a4 + t * (a5 + t * a6))); };
  return {high(-140, 420, -420, 140), 1 + high(-80, 225, -216, 70),
          t + high(-20, 50, -45, 14), 0.5 * t2 + high(-8.0 / 3, 5, -4, 7.0 / 6),
          high(140, -420, 420, -140), high(-60, 195, -204, 70),
          high(10, -35, 39, -14),     high(-2.0 / 3, 2.5, -3, 7.0 / 6)};
}

// int_0^t of the basis functions (at t = 1: 1/2, 3/28, 1/84, 1/1680, 1/2,
// -3/28, 1/84, -1/1680).
Septic basis_integral(double t) {
  const double t2 = t * t, t3 = t2 * t, t4 = t3 * t, t5 = t4 * t;
  auto high = [&](double a5, double a6, double a7, double a8) { return t5 * (a5 + t * (a6 + t * (a7 + t * a8))); };
  return {t + high(-7, 14, -10, 2.5),
          0.5 * t2 + high(-4, 7.5, -36.0 / 7, 1.25),
          t3 / 6 + high(-1, 5.0 / 3, -15.0 / 14, 0.25),
          t4 / 24 + high(-2.0 / 15, 1.0 / 6, -2.0 / 21, 1.0 / 48),
          high(7, -14, 10, -2.5),
          high(-3, 6.5, -34.0 / 7, 1.25),
          high(0.5, -7.0 / 6, 13.0 / 14, -0.25),
          high(-1.0 / 30, 1.0 / 12, -1.0 / 14, 1.0 / 48)};
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
  // A fifth of the smallest scale, as a length (septic Hermite: the averaged
  // moments agree with a table four times as fine to 1e-11 at the paper's
  // parameters); never coarser than the zero-point length x0, so weak
  // coupling still resolves the orbits.
  return std::min(0.2 * smallest_scale(device).value / std::abs(device.oscillator.F()), device.oscillator.x0());
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
  s.node = [&model](double x) { return model.node(x); };  // all three in one pass
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
    if (source.stop && source.stop->load(std::memory_order_relaxed)) return;
    const int i = todo[static_cast<std::size_t>(j)];
    const double x = grid_.node(i);
    const auto k = static_cast<std::size_t>(i);
    CoefficientNode node;
    if (source.node) {
      node = source.node(x);
    } else {
      node.values = source.values(x);
      node.slopes = source.slopes(x);
    }
    const Coefficients& c = node.values;
    const CoefficientSlopes& s = node.slopes;
    const CoefficientCurvatures& q = node.curvatures;
    const CoefficientThirds& r = node.thirds;
    n_.y[k] = c.n, n_.dy[k] = s.dn, n_.d2y[k] = q.d2n, n_.d3y[k] = r.d3n;
    D_.y[k] = c.D, D_.dy[k] = s.dD, D_.d2y[k] = q.d2D, D_.d3y[k] = r.d3D;
    gamma_.y[k] = c.gamma, gamma_.dy[k] = s.dgamma, gamma_.d2y[k] = q.d2gamma, gamma_.d3y[k] = r.d3gamma;
    I_.y[k] = c.current, I_.dy[k] = s.dcurrent, I_.d2y[k] = q.d2current, I_.d3y[k] = r.d3current;
  });
  if (source.stop && source.stop->load()) throw messages::interrupted();
  const double h = grid_.spacing();
  if (!source.node) {
    // A source with values and slopes only: curvatures and third derivatives
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
double combine(const Septic& b, const Column& c, std::size_t i, double h) {
  const double h2 = h * h, h3 = h2 * h;
  return b.v0 * c.y[i] + b.s0 * h * c.dy[i] + b.c0 * h2 * c.d2y[i] + b.d0 * h3 * c.d3y[i] + b.v1 * c.y[i + 1] +
         b.s1 * h * c.dy[i + 1] + b.c1 * h2 * c.d2y[i + 1] + b.d1 * h3 * c.d3y[i + 1];
}

}  // namespace

double CoefficientTable::eval(const Column& c, double x) const {
  double t = 0.0;
  const std::size_t i = locate(x, t);
  return combine(basis(t), c, i, grid_.h);
}

double CoefficientTable::eval_slope(const Column& c, double x) const {
  double t = 0.0;
  const std::size_t i = locate(x, t);
  return combine(basis_slope(t), c, i, grid_.h) / grid_.h;
}

double CoefficientTable::potential(double x) const {
  double t = 0.0;
  const std::size_t i = locate(x, t);
  const double h = grid_.h;
  return -F_ * (cumulative_[i] + h * combine(basis_integral(t), n_, i, h));
}

CoefficientTable::Sample CoefficientTable::at(double x) const {
  double t = 0.0;
  const std::size_t i = locate(x, t);
  const double h = grid_.h;
  const Septic b = basis(t);
  auto value = [&](const Column& c) { return combine(b, c, i, h); };
  const double integral = cumulative_[i] + h * combine(basis_integral(t), n_, i, h);
  return {value(n_), value(D_), value(gamma_), value(I_), -F_ * integral};
}

}  // namespace ergon
