// Stage 3: coefficient tables. The electronic coefficients <n>_x, D(x),
// gamma(x) and I(x) on a uniform x grid, with their analytic first, second
// and third x-derivatives, interpolated by septic Hermite polynomials (error
// O(h^8); measured in tests/test_tables.cpp and stated in docs/model.md).
#pragma once

#include <atomic>
#include <vector>

#include "ergon/electronic.hpp"

namespace ergon {

// Nodes at x = i h for integer i in [first, last]. Grids with the same h
// share node positions exactly, so extending a table leaves every value on
// the old range bit-for-bit unchanged.
struct TableGrid {
  double h = 1.0;   // node spacing [length]
  long first = -1;  // index of the first node
  long last = 1;    // index of the last node
  int points() const { return static_cast<int>(last - first + 1); }
  double spacing() const { return h; }
  double x_min() const { return static_cast<double>(first) * h; }
  double x_max() const { return static_cast<double>(last) * h; }
  double node(int k) const { return static_cast<double>(first + k) * h; }
};

// Grid spacing that resolves the electronic structure: a fifth of the
// model's smallest energy scale divided by |F|, which converts an energy
// shift of the level into a length; never coarser than x0.
double natural_spacing(const ElectronicModel& model);

// Symmetric grid with spacing natural_spacing() covering at least
// [-half_width, +half_width]; x = 0 is a node. More than max_table_nodes
// nodes (an electronic scale far below the others: a lead nearly at zero
// temperature, a band of vanishing width) is refused with table_too_fine,
// naming the key that sets the spacing.
inline constexpr long max_table_nodes = 2'000'001;
TableGrid symmetric_grid(const ElectronicModel& model, double half_width);

class CoefficientTable {
 public:
  CoefficientTable() = default;
  // Evaluates the model at every node (in parallel on `threads` threads;
  // the result does not depend on the thread count). When `stop` is set
  // during the fill, throws interrupted().
  CoefficientTable(const ElectronicModel& model, const TableGrid& grid, int threads = 0,
                   const std::atomic<bool>* stop = nullptr);

  // The same table on a larger grid with the same spacing: nodes already
  // present are copied, only new ones are computed.
  CoefficientTable extended(const ElectronicModel& model, const TableGrid& grid, int threads = 0,
                            const std::atomic<bool>* stop = nullptr) const;

  const TableGrid& grid() const { return grid_; }
  double x_min() const { return grid_.x_min(); }
  double x_max() const { return grid_.x_max(); }
  bool contains(double x) const { return x >= x_min() && x <= x_max(); }

  // Interpolated values; x must lie in [x_min, x_max].
  double n(double x) const { return eval(n_, x); }
  double D(double x) const { return eval(D_, x); }
  double gamma(double x) const { return eval(gamma_, x); }
  double current(double x) const { return eval(I_, x); }
  // Everything at one x with a single cell lookup (what orbit averages use).
  struct Sample {
    double n, D, gamma, current;  // as n(), D(), gamma(), current()
    double potential;             // as potential()
  };
  Sample at(double x) const;
  // Mean-force potential Phi(x) = -int_0^x F <n>_x' dx', so that the total
  // conservative force is -m w0^2 x - dPhi/dx. Exact integral of the Hermite
  // interpolant of <n>.
  double potential(double x) const;

  // Node data (values and first derivatives as the model gave them).
  const std::vector<double>& n_nodes() const { return n_.y; }
  const std::vector<double>& dn_nodes() const { return n_.dy; }
  const std::vector<double>& D_nodes() const { return D_.y; }
  const std::vector<double>& gamma_nodes() const { return gamma_.y; }
  const std::vector<double>& dgamma_nodes() const { return gamma_.dy; }
  const std::vector<double>& current_nodes() const { return I_.y; }
  double F() const { return F_; }
  double mass() const { return mass_; }
  double w0() const { return w0_; }

 private:
  // One coefficient at the nodes: values and first three derivatives.
  struct Column {
    std::vector<double> y, dy, d2y, d3y;
  };
  void fill(const ElectronicModel& model, int threads, const std::atomic<bool>* stop, const CoefficientTable* known);
  double eval(const Column& c, double x) const;
  // Cell index and position in the cell, t in [0, 1].
  std::size_t locate(double x, double& t) const;

  TableGrid grid_;
  double inv_h_ = 1.0;
  double F_ = 0.0, mass_ = 1.0, w0_ = 1.0;
  Column n_, D_, gamma_, I_;
  std::vector<double> cumulative_;  // int_0^{x_i} <n> dx
};

}  // namespace ergon
