// A mechanical bath on the oscillator (physics.md section 10, docs/model.md
// "Mechanical bath"): intrinsic damping of quality factor Q at phonon
// temperature T_m, added to the electrons' coefficients,
//   gamma_m = w0 / Q,  D_m = m gamma_m w0 coth(w0 / (2 T_m)),
// constant in x, so that the bath alone gives the exact quantum thermal
// Wigner function, <E_h> = (w0 / 2) coth(w0 / (2 T_m)). A decorator: it
// wraps any ElectronicModel and changes nothing else (name, N0, the mode,
// the energy scale and the model's diagnostics are the inner model's).
// make_electronic_model() adds it when oscillator.quality > 0, so every
// method, sweep and threshold includes it.
#pragma once

#include <memory>

#include "ergon/electronic.hpp"

namespace ergon {

class MechanicalBath final : public ElectronicModel {
 public:
  // quality Q > 0; phonon_temperature T_m >= 0 [energy] (0: the bath's
  // zero-point noise only, coth -> 1).
  MechanicalBath(std::shared_ptr<const ElectronicModel> electrons, double quality, double phonon_temperature);

  std::string name() const override { return electrons_->name(); }
  MechanicalMode oscillator() const override { return electrons_->oscillator(); }
  double N0() const override { return electrons_->N0(); }
  CoefficientNode node(double x) const override;
  int derivatives() const override { return electrons_->derivatives(); }
  Coefficients coefficients(double x) const override;
  EnergyScale smallest_scale() const override { return electrons_->smallest_scale(); }
  std::vector<Diagnostic> diagnostics() const override { return electrons_->diagnostics(); }

  const ElectronicModel& electrons() const { return *electrons_; }
  double damping() const { return gamma_m_; }  // gamma_m [1/time]
  double diffusion() const { return D_m_; }    // D_m [force^2 time]

 private:
  std::shared_ptr<const ElectronicModel> electrons_;
  double gamma_m_ = 0.0, D_m_ = 0.0;
};

}  // namespace ergon
