// Stages 4-7 together: the oscillator's non-equilibrium steady state at one
// operating point by either method, its Wigner function and radial density,
// Fock populations and thermodynamics, every quantity with its standard
// error (statistical for the sampler, numerical for the averaged solver).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ergon/diagnostic.hpp"
#include "ergon/electronic.hpp"
#include "ergon/fock.hpp"
#include "ergon/phase_space.hpp"
#include "ergon/sampler.hpp"
#include "ergon/tables.hpp"
#include "ergon/thermodynamics.hpp"

namespace ergon {

enum class Method {
  langevin,  // Langevin sampler (statistical errors)
  averaged,  // energy-averaged Fokker-Planck solution (deterministic)
  heom,      // exact hierarchical equations of motion (heom.hpp; deterministic)
};
const char* to_string(Method method);
// Parses "langevin", "averaged" or "heom"; throws a usage error naming `option`.
Method parse_method(const std::string& text, const std::string& option = "--method");

struct SteadyState {
  Method method = Method::averaged;
  Config config;
  double temperature = 0.0;  // reference temperature of W_F

  // Moments of the Wigner function and the battery energy.
  Estimate wigner_energy;  // <p^2/2m + m w0^2 x^2/2>_W (includes the zero point)
  Estimate energy;         // U = w0 nbar
  Estimate x2, p2;         // <x^2>, <p^2>
  Estimate current;        // <I> over the steady state [1/time]
  // Thermodynamics (nbar and g2 from Wigner moments; S, W_E, W_F from populations).
  Estimate nbar, g2, mandel_q, entropy, ergotropy, free_energy_work;
  double autocorrelation_time = 0.0;  // sampler only
  double negative_weight = 0.0;
  int n_max = 0;
  double trace = 0.0;
  double numerical_error = 0.0;  // averaged solver: estimated relative error of <E_h>, <E_h^2> (or of P_y's norm)

  // Phase space and Fock populations.
  WignerGrid wigner;
  RadialGrid radial;
  std::vector<double> radial_error;
  Populations populations;     // from the smooth radial density
  Populations populations_mc;  // sampler only: Monte Carlo estimator

  // Run information (sampler).
  double dt = 0.0, time = 0.0;
  int trajectories = 0;
  std::uint64_t steps = 0;
  double wall_seconds = 0.0, steps_per_second = 0.0;
  std::string isa;
  int table_extensions = 0;

  // HEOM only: the reduced density matrix with its coherences, the dot's
  // occupation, the linear solve and the truncation (heom.hpp).
  Eigen::MatrixXcd density;
  double occupation = 0.0;
  double coherent_ergotropy = 0.0;  // part of W_E from coherences [energy]
  double heom_residual = 0.0;
  int heom_iterations = 0;
  int heom_tier = 0, heom_poles = 0;  // the truncation used (after heom.converge)
  double fock_tail = 0.0;             // rho_{N-1,N-1}
  // Truncation errors from heom.converge: the relative change of nbar or the
  // current (the larger) when N, the poles or the tier was last raised; -1
  // where that check was not made (heom.converge off, or it did not fit).
  double heom_error_fock = -1.0, heom_error_poles = -1.0, heom_error_tier = -1.0;
  double smallest_eigenvalue = 0.0;

  std::vector<Diagnostic> diagnostics;
};

// Solves for the steady state with the configuration's electronic model
// (make_electronic_model); validates the configuration first.
SteadyState solve_steady_state(const Config& config, Method method, const RunControl& control = {});
// The same with any electronic model (the configuration's other blocks
// still apply).
SteadyState solve_steady_state(const ElectronicModel& model, const Config& config, Method method,
                               const RunControl& control = {});

// The validity conditions at this steady state: the electronic model's own
// (model.diagnostics(); quasi-adiabatic for the resonant level) and the
// oscillator's (underdamped: |gamma|, D/E << w0 on the range the state
// covers, read from the table).
std::vector<Diagnostic> validity_diagnostics(const ElectronicModel& model, const CoefficientTable& table,
                                             double mean_energy);

// The flat summary: (key, value) in a fixed order; statistical quantities are
// followed by their "_stderr" twin.
std::vector<std::pair<std::string, double>> summary_values(const SteadyState& state);

}  // namespace ergon
