// Stage 4 (deterministic method): the energy-averaged steady state.
//
// Because |gamma| << w0 and the diffusion per period is small, the phase of
// the oscillation is fast and the energy slow. With the mean force included
// (averaged.mean_force, default), the slow variable is the energy in the
// effective potential V(x) = m w0^2 x^2/2 + Phi(x), Phi(x) = -int_0^x F<n>,
//
//   E' = p^2/2m + V(x),  dE' = [-gamma p^2/m + D/(2m)] dt + (p/m) sqrt(D) dW,
//
// and averaging over the unperturbed orbit of energy E' in V gives
//
//   a(E') = < -gamma(x) p^2/m + D(x)/(2m) >_orbit     (drift)
//   b(E') = < D(x) p^2 / m^2 >_orbit                   (diffusion)
//   P(E') = C / b(E') exp( int 2 a/b dE' )              (zero-flux stationary density)
//
// Without the mean force V is harmonic and the orbits are x = A cos(th).
// The E' -> E_min singularity (2a/b ~ 1/eps, eps = E' - E_min) is removed
// analytically: ln P = ln(eps/b) + int_0^eps r, with
//   r = [-2 <gamma p^2/m> + <D (1 - p^2/(m eps))>/m] / <D p^2/m^2>,
// which has no cancellation. The battery energy E_h = p^2/2m + m w0^2 x^2/2
// = E' - Phi(x) varies along an orbit; its moments and the density P_y of
// y = E_h / w0 are orbit-resolved. docs/model.md, "Energy-averaged steady
// state", states the accuracy.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "ergon/parameters.hpp"
#include "ergon/tables.hpp"

namespace ergon {

class AveragedSteadyState {
 public:
  // Solves on orbits that stay inside the table. `resolution` scales the
  // number of orbit nodes (h / (4 resolution) apart in the label A, h =
  // length_scale(), half the table spacing) and phases; solve_averaged
  // starts at 0.375, compares with 0.25 and refines by 2 while the estimated
  // error (the change / (q^4 - 1) for resolutions q apart; the scheme is of
  // sixth order) exceeds the tolerance. Without `with_radial`
  // only P(E'), its moments and the orbit averages are built (what error
  // control and table sizing need); the radial-density functions then throw
  // std::logic_error.
  // When `stop` is set during the orbit pass, throws interrupted().
  AveragedSteadyState(const CoefficientTable& table, const Averaged& options = {}, double resolution = 0.375,
                      bool with_radial = true, const std::atomic<bool>* stop = nullptr);

  // Orbit-phase nodes a solve at `resolution` visits on `table`: about J^2/4
  // for J orbits, J = 3.8 resolution (half-width / h), so the cost grows as
  // the square of the table's extent over its spacing.
  static double orbit_nodes(const CoefficientTable& table, double resolution);

  double mass() const { return mass_; }
  double w0() const { return w0_; }
  bool mean_force() const { return mean_force_; }
  // Bottom of the effective potential and the largest orbit energy on the grid.
  double energy_min() const { return E_min_; }
  double energy_max() const;

  // Orbit averages at orbit energy E' (>= energy_min()).
  double drift(double E) const;      // a(E') [energy/time]
  double diffusion(double E) const;  // b(E') [energy^2/time]

  // Normalised stationary density of the orbit energy E' and its log.
  double density(double E) const;
  double log_density(double E) const;
  // Cumulative distribution of E', its inverse, and the energy above which
  // the probability mass is below `mass`.
  double cdf(double E) const;
  double quantile(double u) const;
  double tail_energy(double mass) const;
  // A point (x, p) on the orbit of energy E' at phase th in [0, 2 pi).
  std::pair<double, double> orbit_point(double E, double th) const;

  // The battery energy E_h = p^2/2m + m w0^2 x^2/2 (includes the zero point):
  // <E_h^k>, k = 1, 2.
  double moment(int k) const;
  // Density of y = |alpha|^2 = E_h / w0 (int P_y dy = 1) and its support end
  // (where every orbit phase still contributes).
  double radial_density(double y) const;
  double radial_max() const;
  // |Z - 1| of the phase-interpolated P_y before it was renormalised.
  double radial_normalisation_error() const { return radial_normalisation_error_; }
  // Mass of P_y above y.
  double radial_tail(double y) const;
  // Values of y where the radial density is least smooth (breakpoints for
  // the Fock map's quadrature).
  std::vector<double> radial_nodes() const;
  // <x^2> and the mean current <I>, computed with the density.
  double mean_x2() const { return node_average(x2_); }
  double mean_current() const { return node_average(current_); }

 private:
  struct Orbit {
    double eps = 0;                            // E' - E_min
    double c = 0, r = 0;                       // centre and half-width of the orbit in x
    std::vector<double> x, kinetic, w;         // phase nodes: position, p^2/2m, time weight (sum 1)
    std::vector<CoefficientTable::Sample> at;  // the table at the phase nodes
  };
  Orbit orbit(double A) const;  // orbit of eps = k A^2 / 2
  // The constructor's steps, in order.
  void find_bottom();
  void place_orbit_labels();
  void orbit_pass(bool with_radial, std::vector<double>& g, std::vector<double>& eps_over_b,
                  const std::atomic<bool>* stop);
  void phase_samples(std::size_t j, const Orbit& o, const std::vector<double>& phase_cos,
                     const std::vector<double>& phase_sin);
  void integrate_log_density(const std::vector<double>& g, const std::vector<double>& eps_over_b);
  void normalise();
  void build_node_weights();
  void tabulate_radial_density();
  void build_radial_tail();
  // The length on which the coefficients vary by a tenth of their smallest
  // energy scale: half the (septic) table's spacing. Orbit nodes and phases
  // are set in units of it.
  double length_scale() const { return 0.5 * table_->grid().spacing(); }
  double potential(double x) const;  // V(x) - E_min
  double phi(double x) const;        // Phi(x) (0 without the mean force)
  double node_average(const std::vector<double>& node_values) const;
  double log_p_at(double A) const;  // interpolated ln P as a function of the orbit label A
  double amplitude_of(double E) const;
  double energy_of(double A) const { return E_min_ + 0.5 * k_ * A * A; }
  std::size_t locate(double A, double& t) const;

  const CoefficientTable* table_;
  double mass_, w0_, k_;
  bool mean_force_ = true;
  double x_min_ = 0.0, E_min_ = 0.0;
  int phases_ = 64;  // phase nodes per orbit (radial density)
  double resolution_ = 1.0;
  double dA_ = 0.0;           // orbit-label grid spacing [length]
  std::vector<double> A_;     // orbit labels: eps = k A^2 / 2
  std::vector<double> logp_;  // ln P(E') at the nodes (normalised)
  // ln P and its slope sampled from a quintic spline through logp_ (C^4) on a
  // grid 4 times finer, for
  // fast cubic Hermite evaluation (error far below the spline's own).
  double fine_dA_ = 0.0;
  std::vector<double> fine_logp_, fine_slope_;
  std::vector<double> cdf_;                          // CDF of E' at the nodes
  std::vector<double> node_weights_;                 // steady-state average = sum_i weight_i m_i
  std::vector<double> m1_, m2_;                      // <E_h>, <E_h^2> over each node's orbit
  std::vector<double> x2_, current_;                 // <x^2>, <I> over each node's orbit
  std::vector<std::vector<double>> eh_, wt_;         // per node and phase: E_h and time weight
  std::vector<double> radial_tail_y_, radial_tail_;  // mass of P_y above y
  double radial_density_direct(double y) const;      // orbit-phase sum (mean force)
  std::vector<double> radial_density_direct(const std::vector<double>& y) const;  // at increasing y
  // Phase k's inverse of E_h on the six orbit nodes around node cell lo, and
  // its part of P_y at battery energy E.
  struct PhaseWindow {
    std::size_t first = 0;             // first of the six nodes
    double e[6], w[6], eps[6], wt[6];  // E_h, barycentric weights, eps, time weight
    bool monotone = true;              // E_h increases over the window
  };
  PhaseWindow phase_window(std::size_t k, std::size_t lo) const;
  double phase_term(const PhaseWindow& window, double E) const;
  double radial_ds_ = 0.0;  // grid of ln P_y in s = sqrt(y)
  std::vector<double> radial_logp_, radial_slope_;
  double radial_normalisation_error_ = 0.0;
};

// A coefficient table wide enough that the averaged stationary density is
// negligible (mass < tail beyond 85 % of its half-width), and that density.
// The table grows from 20 x0 (or the static displacement) to where a coarse
// solve's tail, extrapolated in energy, falls below `tail`; throws if
// 2000 x0 is not enough (an oscillator that the electrons do not confine).
struct AveragedSolution {
  std::shared_ptr<const CoefficientTable> table;
  std::shared_ptr<const AveragedSteadyState> state;
  // Estimated relative error of <E_h> and <E_h^2> (their change between the
  // last two resolutions, q apart, / (q^4 - 1); refined until below
  // averaged.tolerance), or the normalisation defect of the tabulated P_y if
  // larger.
  double numerical_error = 0.0;
};
// A solve whose orbits would visit more than max_orbit_nodes phase nodes
// (minutes of work: an electronic scale far below the state's extent, such
// as a lead at a low temperature) is refused up front, naming the key that
// sets the spacing; so is an averaged.tolerance the finest resolution does not
// reach.
inline constexpr double max_orbit_nodes = 2e8;
AveragedSolution solve_averaged(const ElectronicModel& model, const Config& config, int threads, double tail = 1e-13,
                                const std::atomic<bool>* stop = nullptr);

}  // namespace ergon
