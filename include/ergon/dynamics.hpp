// Stage 4: dynamics. The quasi-adiabatic Langevin equation
//
//   dx = (p/m) dt
//   dp = [-m w0^2 x + F <n>_x - gamma(x) p] dt + sqrt(D(x)) dW
//
// with steppers behind one small concept (in the manner of Boost.odeint):
//
//   System:  LocalForces operator()(double x) const;  double mass() const;
//            (ConstantSystem below; tests define others)
//   Stepper: void do_step(const System&, PhasePoint&, Normal&) const;
//            where Normal is callable, returning the next standard normal.
//
// These are the plain reference implementations; the sampler's fast engine
// (src/engine/) implements the same two schemes for many trajectories at once
// and is tested against them.
#pragma once

#include <cmath>

namespace ergon {

struct PhasePoint {
  double x = 0.0;  // position [length]
  double p = 0.0;  // momentum [mass length / time]
};

// What the oscillator feels at position x.
struct LocalForces {
  double force = 0.0;  // conservative force -m w0^2 x + F <n>_x
  double gamma = 0.0;  // damping rate gamma(x) [1/time] (may be negative)
  double D = 0.0;      // momentum diffusion D(x) [momentum^2 / time]
};

// A harmonic oscillator with constant damping and diffusion (an
// Ornstein-Uhlenbeck process): stationary energy D / (2 m gamma).
struct ConstantSystem {
  double w0 = 1.0, m = 1.0, gamma = 0.1, D = 0.2;
  LocalForces operator()(double x) const { return {-m * w0 * w0 * x, gamma, D}; }
  double mass() const { return m; }
};

// Variance factor of the exact Ornstein-Uhlenbeck step for the momentum:
// Var[p'] = D * ou_variance(gamma, dt) = D (1 - exp(-2 gamma dt)) / (2 gamma).
// Valid for either sign of gamma; dt at gamma = 0.
inline double ou_variance(double gamma, double dt) {
  return gamma == 0.0 ? dt : -std::expm1(-2.0 * gamma * dt) / (2.0 * gamma);
}

// The paper's explicit Euler scheme (its Eqs. C1-C2 written for p = m v):
//   p' = p + (force(x) - gamma(x) p) dt + sqrt(D(x) dt) xi,   x' = x + (p/m) dt  (old p).
// For the undamped oscillator it multiplies the energy by 1 + w0^2 dt^2 per
// step: an artificial damping -w0^2 dt.
struct EulerStepper {
  double dt = 0.01;
  template <class System, class Normal>
  void do_step(const System& sys, PhasePoint& z, Normal& normal) const {
    const LocalForces f = sys(z.x);
    const double p_old = z.p;
    z.p += (f.force - f.gamma * z.p) * dt + std::sqrt(f.D * dt) * normal();
    z.x += p_old / sys.mass() * dt;
  }
};

// Symmetric splitting: velocity Verlet (half kick, drift, half kick) with
// the conservative force, then an exact Ornstein-Uhlenbeck step of p with
// gamma and D frozen at the new x. Chained steps equal the palindromic
// O(dt/2) B A B O(dt/2) scheme; second order, no secular energy drift.
struct SplittingStepper {
  double dt = 0.25;
  template <class System, class Normal>
  void do_step(const System& sys, PhasePoint& z, Normal& normal) const {
    const double m = sys.mass();
    z.p += 0.5 * dt * sys(z.x).force;
    z.x += dt * z.p / m;
    const LocalForces f = sys(z.x);
    z.p += 0.5 * dt * f.force;
    z.p = std::exp(-f.gamma * dt) * z.p + std::sqrt(f.D * ou_variance(f.gamma, dt)) * normal();
  }
};

}  // namespace ergon
