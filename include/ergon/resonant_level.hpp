// The paper's electronic model: a spinless resonant level between two leads,
// solved exactly with non-equilibrium Green functions (docs/model.md,
// "Electronic steady state"). Every quantity is an integral over the real
// frequency axis by adaptive Gauss-Kronrod quadrature with breakpoints at
// the Fermi steps, band structure and the shifted level.
#pragma once

#include <complex>
#include <memory>
#include <vector>

#include "ergon/electronic.hpp"
#include "ergon/parameters.hpp"

namespace ergon {

namespace leads {
struct LeadModel;
}

// Quadrature controls: relative tolerance per integral, referred to the
// integral of the absolute value of the integrand (so sign-changing results
// such as gamma near threshold converge in absolute terms).
struct QuadratureOptions {
  double tolerance = 1e-11;
  unsigned max_depth = 14;
};

class ResonantLevel final : public ElectronicModel {
 public:
  // Validates the device (throws ergon::Error with a one-line message).
  // frequency_resolved: D and gamma from the charge noise at W = +-w0
  // (diffusion_at_w0, damping_at_w0) instead of at W = 0.
  explicit ResonantLevel(const Device& device, QuadratureOptions options = {}, bool frequency_resolved = false);
  ~ResonantLevel() override;
  ResonantLevel(const ResonantLevel&) = delete;
  ResonantLevel& operator=(const ResonantLevel&) = delete;

  // ElectronicModel.
  std::string name() const override { return "resonant_level"; }
  MechanicalMode oscillator() const override;
  double N0() const override { return N0_; }  // <c^dag c> at F = 0
  CoefficientNode node(double x) const override;
  // Each value from its own quadrature (node() computes all sixteen
  // integrals in one pass; both agree within the quadrature tolerance).
  Coefficients coefficients(double x) const override;
  EnergyScale smallest_scale() const override;
  // Quasi-adiabatic conditions: w0 and |lambda| against min(T, Gamma).
  std::vector<Diagnostic> diagnostics() const override;

  const Device& device() const { return device_; }
  double F() const { return F_; }  // force per unit charge

  // Level energy at position x: eps_x = eps - F x.
  double level(double x) const { return device_.dot.eps - F_ * x; }

  // Retarded Green function G(w) = 1 / (w - eps_x - Sigma_L(w) - Sigma_R(w)).
  std::complex<double> green(double w, double x) const;
  // Lead level-width function kappa_a(w) (a = 0: L, 1: R).
  double kappa(int lead, double w) const;

  // <c^dag c>_x = int dw/2pi A g<.
  double occupation(double x) const;
  // <n>_x = <c^dag c>_x - N0.
  double excess_charge(double x) const { return occupation(x) - N0_; }
  // D(x) = F^2 int dw/2pi A^2 g< g>.
  double diffusion(double x) const;
  // gamma(x) = (F^2/m) int dw/2pi A g< d/dw[A g>].
  double damping(double x) const;
  // Same quantity from the integrated-by-parts form
  // -(F^2/m) int dw/2pi (kappa A) d/dw[A g<]; an independent check.
  double damping_by_parts(double x) const;
  // I_x = int dw/2pi kappa_L kappa_R A (f_L - f_R).
  double current(double x) const;
  // Zero-frequency current noise at fixed x (Landauer-Buttiker, two-sided,
  // unit charge, physics.md section 11), with T = kappa_L kappa_R A:
  // S_I = int dw/2pi {T [f_L (1 - f_L) + f_R (1 - f_R)] + T (1 - T) (f_L - f_R)^2}
  // [1/time]. Equilibrium: 2 T_lead G (one-sided Johnson-Nyquist 4 T G).
  double current_noise(double x) const;
  // Linear conductance dI/d(mu_L - mu_R) at zero bias with both leads at
  // lead L's temperature: G = int dw/2pi T (-df/dw) [dimensionless].
  double conductance(double x) const;
  // S_x(W) = F^2 int dw/2pi A(w) g<(w) A(w+W) g>(w+W).
  double noise_spectrum(double x, double W) const;
  // Frequency-resolved coefficients (physics.md section 13), each from two
  // quadratures of noise_spectrum: D_w(x) = [S_x(w0) + S_x(-w0)] / 2 and
  // gamma_w(x) = [S_x(w0) - S_x(-w0)] / (2 m w0).
  double diffusion_at_w0(double x) const;
  double damping_at_w0(double x) const;
  bool frequency_resolved() const { return frequency_resolved_; }
  // Spectral sum rule int dw/2pi kappa A (1 for every x).
  double sum_rule(double x) const;
  // First x-derivatives of the zero-frequency coefficients, each from its
  // own quadrature.
  CoefficientSlopes slopes(double x) const;

 private:
  Device device_;
  QuadratureOptions options_;
  std::unique_ptr<leads::LeadModel> left_, right_;
  double F_ = 0.0;
  double N0_ = 0.0;
  bool frequency_resolved_ = false;
  // Replaces D, gamma and their x-derivatives in r by the frequency-resolved ones.
  void resolved_node(double x, CoefficientNode& r) const;
};

}  // namespace ergon
