// Stage 2: the electronic steady state at a fixed oscillator position x.
//
// A resonant level between two leads, solved exactly with non-equilibrium
// Green functions (docs/model.md, "Electronic steady state"). Every quantity
// is an integral over the real frequency axis computed by adaptive
// Gauss-Kronrod quadrature with breakpoints at the Fermi steps, band centres
// and the shifted level.
#pragma once

#include <complex>

#include "ergon/parameters.hpp"

namespace ergon {

// Everything the oscillator needs from the electrons at one position x.
struct Coefficients {
  double x = 0.0;        // oscillator position [length]
  double n = 0.0;        // mean excess charge <n>_x = <c^dag c>_x - N0
  double D = 0.0;        // momentum diffusion D(x) = S_x(0) [force^2 time]
  double gamma = 0.0;    // damping rate gamma(x) = S_x'(0) / m [1/time]
  double current = 0.0;  // particle current from L to R, I_x [1/time]
};

// x-derivatives of the coefficients, used by the Hermite tables.
struct CoefficientSlopes {
  double dn = 0.0;        // d<n>_x/dx
  double dD = 0.0;        // dD/dx
  double dgamma = 0.0;    // dgamma/dx
  double dcurrent = 0.0;  // dI/dx
};

// Second x-derivatives of the coefficients (septic Hermite tables).
struct CoefficientCurvatures {
  double d2n = 0.0;        // d^2<n>_x/dx^2
  double d2D = 0.0;        // d^2D/dx^2
  double d2gamma = 0.0;    // d^2gamma/dx^2
  double d2current = 0.0;  // d^2I/dx^2
};

// Third x-derivatives of the coefficients (septic Hermite tables).
struct CoefficientThirds {
  double d3n = 0.0;        // d^3<n>_x/dx^3
  double d3D = 0.0;        // d^3D/dx^3
  double d3gamma = 0.0;    // d^3gamma/dx^3
  double d3current = 0.0;  // d^3I/dx^3
};

// A table node: values and their first three x-derivatives at one x.
struct CoefficientNode {
  Coefficients values;
  CoefficientSlopes slopes;
  CoefficientCurvatures curvatures;
  CoefficientThirds thirds;
};

// Quadrature controls: relative tolerance per integral, referred to the
// integral of the absolute value of the integrand (so sign-changing results
// such as gamma near threshold converge in absolute terms).
struct QuadratureOptions {
  double tolerance = 1e-11;
  unsigned max_depth = 14;
};

class ElectronicModel {
 public:
  // Validates the device (throws ergon::Error with a one-line message).
  explicit ElectronicModel(const Device& device, QuadratureOptions options = {});

  const Device& device() const { return device_; }
  double F() const { return F_; }    // force per unit charge
  double N0() const { return N0_; }  // <c^dag c> at F = 0

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
  // S_x(W) = F^2 int dw/2pi A(w) g<(w) A(w+W) g>(w+W).
  double noise_spectrum(double x, double W) const;
  // Spectral sum rule int dw/2pi kappa A (1 for every x).
  double sum_rule(double x) const;

  Coefficients coefficients(double x) const;
  CoefficientSlopes slopes(double x) const;
  // Values and their first three x-derivatives together from one quadrature
  // pass that shares every evaluation of the Green function among the
  // sixteen integrands (what coefficient tables use; equal to coefficients()
  // and slopes() within the quadrature tolerance).
  CoefficientNode node(double x) const;

 private:
  Device device_;
  QuadratureOptions options_;
  double F_ = 0.0;
  double N0_ = 0.0;
};

}  // namespace ergon
