// Cross-validation of the two methods and the integrators' convergence in dt
// (docs/validation.md). Not a physics stage: a harness over stages 4-7.
#pragma once

#include <string>
#include <vector>

#include "ergon/steady.hpp"

namespace ergon {

struct Comparison {
  double bias = 0.0;
  std::string quantity;  // energy, g2, entropy, ergotropy, free_energy_work
  double averaged = 0.0;
  Estimate sampled;
  double deviation() const { return sampled.error > 0 ? (sampled.value - averaged) / sampled.error : 0.0; }
};

// Sampler (config.langevin) against the averaged solver at each bias.
std::vector<Comparison> cross_validate(const Config& base, const std::vector<double>& biases,
                                       const RunControl& control);

struct ConvergencePoint {
  Integrator integrator = Integrator::splitting;
  double dt = 0.0;
  Estimate energy;         // sampled battery energy U
  double reference = 0.0;  // exact (averaged, equilibrium) U
  double predicted = 0.0;  // leading-order prediction of the biased U
  double relative_bias() const { return energy.value / reference - 1.0; }
};

// At zero bias the stationary state is exactly the Boltzmann distribution in
// the potential of mean force (the averaged solution), so each integrator's
// bias is measured against an exact reference. Predictions: splitting
// U_ref + (T/2)(w0 dt)^2/4 (from its harmonic invariant measure); Euler, the
// effective damping gamma - w0^2 dt at the bottom of the well.
std::vector<ConvergencePoint> integrator_convergence(const Config& base, const std::vector<double>& splitting_dt,
                                                     const std::vector<double>& euler_dt, double time,
                                                     double euler_time, const RunControl& control);

}  // namespace ergon
