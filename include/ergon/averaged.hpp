// Stage 4 (deterministic method): the energy-averaged steady state.
//
// Because |gamma| << w0 and the diffusion per period is small, the phase of
// the oscillation is fast and its energy E = p^2/2m + m w0^2 x^2/2 slow.
// Averaging the Ito equation of E over an unperturbed orbit
// x = A cos(th), p = -m w0 A sin(th), E = m w0^2 A^2 / 2, gives
//
//   a(E) = < -gamma(x) p^2/m + D(x)/(2m) >_th      (drift of E)
//   b(E) = < D(x) p^2 / m^2 >_th                    (diffusion of E)
//   P(E) = C / b(E) exp( int_0^E 2 a/b dE' )        (zero-flux stationary density)
//
// The E -> 0 singularity (2a/b ~ 1/E) is removed analytically:
//   ln P(E) = -ln(2 <D sin^2>/m) + int_0^E r dE' + const,
//   r(E) = -2m <gamma sin^2>/<D sin^2> + <D cos 2th> / (2E <D sin^2>).
// docs/model.md, "Energy-averaged steady state", states the accuracy.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "ergon/parameters.hpp"
#include "ergon/tables.hpp"

namespace ergon {

class AveragedSteadyState {
 public:
  // Solves on orbits whose amplitude stays inside the table.
  AveragedSteadyState(const CoefficientTable& table, const Averaged& options = {});

  double mass() const { return mass_; }
  double w0() const { return w0_; }
  // Largest energy on the grid (orbit amplitude = table half-width).
  double energy_max() const;

  // Orbit averages at energy E.
  double drift(double E) const;      // a(E) [energy/time]
  double diffusion(double E) const;  // b(E) [energy^2/time]

  // Normalised stationary density of E (int_0^E_max P dE = 1) and its log.
  double density(double E) const;
  double log_density(double E) const;
  // Density of y = |alpha|^2 = E / w0: P_y(y) = w0 P(w0 y).
  double radial_density(double y) const { return w0_ * density(w0_ * y); }
  // The y = E / w0 of the amplitude grid's nodes, where the interpolated
  // density is least smooth (quadrature breakpoints for the Fock map).
  std::vector<double> radial_nodes() const;
  // Cumulative distribution of E, and its inverse (for initial conditions).
  double cdf(double E) const;
  double quantile(double u) const;
  // Energy above which the probability mass is below `mass`.
  double tail_energy(double mass) const;
  // <E^k> for k = 1, 2 (the phase-space energy, including zero point).
  double moment(int k) const;
  // Steady-state average of a function of position: int P(E) <f(A cos th)>_th dE.
  double position_average(const std::function<double(double)>& f) const;

 private:
  struct OrbitAverages {
    double gamma_s2, D_s2, D_c2, dD_s2;  // <gamma sin^2>, <D sin^2>, <D cos 2th>, d<D sin^2>/dA
  };
  OrbitAverages orbit(double A) const;
  double energy_of(double A) const { return 0.5 * mass_ * w0_ * w0_ * A * A; }
  double amplitude_of(double E) const;
  double r_of(double A) const;  // r(E(A))
  // Locates A on the grid: index and t in [0, 1].
  std::size_t locate(double A, double& t) const;

  const CoefficientTable* table_;
  double mass_, w0_;
  double dA_ = 0.0;               // amplitude grid spacing [length]
  std::vector<double> A_;         // amplitude nodes
  std::vector<double> logp_;      // ln P(E(A)) at nodes (normalised)
  std::vector<double> dlogp_dA_;  // its A-derivative
  std::vector<double> cdf_;       // CDF at nodes
};

// A coefficient table wide enough that the averaged stationary density is
// negligible (< tail) at its edge, and that density. The table grows by
// factors of 1.5 from 20 x0; throws if 2000 x0 is not enough (an oscillator
// that the electrons do not confine).
struct AveragedSolution {
  std::shared_ptr<const CoefficientTable> table;
  std::shared_ptr<const AveragedSteadyState> state;
};
AveragedSolution solve_averaged(const CoefficientSource& source, const Config& config, int threads,
                                double tail = 1e-13);

}  // namespace ergon
