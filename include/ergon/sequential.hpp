// An interacting dot in sequential tunnelling (physics.md section 9): a rate
// model valid for Gamma_a << T, the second implementation of
// ElectronicModel. The dot has `orbitals` levels at eps + k level_spacing,
// each spinless or spin-degenerate, a constant-interaction charging energy
// U N (N - 1) / 2 and at most max_electrons electrons (U = infinity for one
// spin-degenerate level: max_electrons = 1). The oscillator shifts every
// many-body energy by -F x (N - N0). Rates from Fermi's golden rule with each
// lead's level-width function kappa_a (the same lead objects as the resonant
// level); the coefficients from the rate matrix M(x) and its group inverse:
//   n = N.P - N0,  D = -2 F^2 N^T M# diag(P) N,  m gamma = -F N^T M# dP/dx,
// and the current from L. Their first three x-derivatives are exact: every
// quantity is carried as a Taylor series in x (numerics/jet.hpp) through the
// linear solves (docs/model.md, "Sequential tunnelling").
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "ergon/electronic.hpp"
#include "ergon/parameters.hpp"

namespace ergon {

namespace leads {
struct LeadModel;
}

class SequentialTunnelling final : public ElectronicModel {
 public:
  // Reads config.device and config.electronic; validates them.
  explicit SequentialTunnelling(const Config& config);
  ~SequentialTunnelling() override;
  SequentialTunnelling(const SequentialTunnelling&) = delete;
  SequentialTunnelling& operator=(const SequentialTunnelling&) = delete;

  std::string name() const override { return "sequential"; }
  MechanicalMode oscillator() const override;
  double N0() const override { return N0_; }
  CoefficientNode node(double x) const override;
  EnergyScale smallest_scale() const override;
  // Sequential tunnelling (Gamma_a beta_a small, per lead), charge
  // relaxation fast against the oscillator (w0 against the rate matrix's
  // smallest relaxation rate at x = 0) and |lambda| small against T.
  std::vector<Diagnostic> diagnostics() const override;

  // Many-body states: electron numbers and energies at x = 0.
  int states() const { return static_cast<int>(electrons_.size()); }
  const std::vector<int>& electrons() const { return electrons_; }
  const std::vector<double>& energies() const { return energies_; }
  // Stationary probabilities at x.
  std::vector<double> probabilities(double x) const;
  // Smallest relaxation rate of the charge (the rate matrix's spectral gap) at x.
  double relaxation_rate(double x) const;

 private:
  Device device_;
  std::unique_ptr<leads::LeadModel> left_, right_;
  double F_ = 0.0, N0_ = 0.0;
  std::vector<int> electrons_;
  std::vector<double> energies_;
  // Transitions s -> s' adding one electron, and E_s' - E_s at x = 0 [energy].
  std::vector<std::pair<int, int>> pairs_;
  std::vector<double> energy0_;
};

}  // namespace ergon
