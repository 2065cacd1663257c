// A synthetic electronic model, defined only here: coefficients given as
// functions of x (values and first derivatives), driving the paper's
// oscillator unless told otherwise. It implements ergon::ElectronicModel
// like the resonant level, so every solver, sweep and command runs on it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "ergon/electronic.hpp"

namespace ergon_test {

// The paper's oscillator: w0 = 0.2, m = 1, F = 2 lambda / x0 with lambda = 0.1.
inline ergon::MechanicalMode paper_mode(double w0 = 0.2, double mass = 1.0) {
  ergon::MechanicalMode m{w0, mass, 0.0};
  m.F = 2.0 * 0.1 / m.x0();
  return m;
}

class FunctionModel final : public ergon::ElectronicModel {
 public:
  using Values = std::function<ergon::Coefficients(double x)>;
  using Slopes = std::function<ergon::CoefficientSlopes(double x)>;

  // `scale` is the smallest electronic energy scale (sets the table spacing
  // through natural_spacing).
  FunctionModel(Values values, Slopes slopes, ergon::MechanicalMode mode = paper_mode(), double scale = 1.0)
      : values_(std::move(values)), slopes_(std::move(slopes)), mode_(mode), scale_(scale) {}

  std::string name() const override { return "function"; }
  ergon::MechanicalMode oscillator() const override { return mode_; }
  double N0() const override { return 0.0; }
  int derivatives() const override { return 1; }
  ergon::CoefficientNode node(double x) const override {
    ergon::CoefficientNode n;
    n.values = values_(x);
    n.slopes = slopes_(x);
    return n;
  }
  ergon::EnergyScale smallest_scale() const override { return {scale_, "synthetic.scale", scale_, false}; }

 private:
  Values values_;
  Slopes slopes_;
  ergon::MechanicalMode mode_;
  double scale_;
};

// An oscillator with constant damping and diffusion (Ornstein-Uhlenbeck): no
// mean force, stationary phase-space energy D / (2 m gamma).
inline FunctionModel constant_model(double gamma, double D, double w0 = 0.2, double mass = 1.0) {
  return FunctionModel(
      [=](double x) {
        return ergon::Coefficients{x, 0.0, D, gamma, 0.0};
      },
      [](double) { return ergon::CoefficientSlopes{}; }, paper_mode(w0, mass));
}

}  // namespace ergon_test
