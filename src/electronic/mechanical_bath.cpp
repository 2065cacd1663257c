// The mechanical bath decorator (docs/model.md, "Mechanical bath").
#include "ergon/mechanical_bath.hpp"

#include <cmath>
#include <utility>

namespace ergon {

MechanicalBath::MechanicalBath(std::shared_ptr<const ElectronicModel> electrons, double quality,
                               double phonon_temperature)
    : electrons_(std::move(electrons)) {
  const MechanicalMode mode = electrons_->oscillator();
  gamma_m_ = mode.w0 / quality;
  // coth(w0 / 2 T_m) = 1 / tanh(...); at T_m = 0 the argument is +inf and tanh 1.
  const double coth = phonon_temperature > 0 ? 1.0 / std::tanh(mode.w0 / (2.0 * phonon_temperature)) : 1.0;
  D_m_ = mode.mass * gamma_m_ * mode.w0 * coth;
}

CoefficientNode MechanicalBath::node(double x) const {
  CoefficientNode n = electrons_->node(x);
  n.values.D += D_m_;
  n.values.gamma += gamma_m_;
  return n;  // constant in x: the derivatives are the electrons'
}

Coefficients MechanicalBath::coefficients(double x) const {
  Coefficients c = electrons_->coefficients(x);
  c.D += D_m_;
  c.gamma += gamma_m_;
  return c;
}

}  // namespace ergon
