// Cross-validation harness (docs/validation.md).
#include "ergon/cross_validation.hpp"

#include "ergon/config.hpp"
#include "ergon/electronic.hpp"
#include "ergon/errors.hpp"
#include "ergon/sweep.hpp"

namespace ergon {

std::vector<Comparison> cross_validate(const Config& base, const std::vector<double>& biases,
                                       const RunControl& control) {
  std::vector<Comparison> rows;
  for (double V : biases) {
    Config c = base;
    apply_axis(c, "V", V);
    const SteadyState a = solve_steady_state(c, Method::averaged, control);
    const SteadyState l = solve_steady_state(c, Method::langevin, control);
    if (control.stop && control.stop->load()) throw messages::interrupted();
    auto add = [&](const char* q, const Estimate& av, const Estimate& sa) { rows.push_back({V, q, av.value, sa}); };
    add("energy", a.energy, l.energy);
    add("g2", a.g2, l.g2);
    add("entropy", a.entropy, l.entropy);
    add("ergotropy", a.ergotropy, l.ergotropy);
    add("free_energy_work", a.free_energy_work, l.free_energy_work);
  }
  return rows;
}

std::vector<ConvergencePoint> integrator_convergence(const Config& base, const std::vector<double>& splitting_dt,
                                                     const std::vector<double>& euler_dt, double time,
                                                     double euler_time, const RunControl& control) {
  Config c = base;
  apply_axis(c, "V", 0.0);
  const double reference = solve_steady_state(c, Method::averaged, control).energy.value;
  const auto model = make_electronic_model(c);
  const MechanicalMode mode = model->oscillator();
  const double w0 = mode.w0, m = mode.mass, T = 1.0 / c.device.left.beta;
  const Coefficients at_rest = model->coefficients(0.0);
  const double gamma0 = at_rest.gamma, D0 = at_rest.D;
  std::vector<ConvergencePoint> out;
  auto run = [&](Integrator integrator, double dt, double t) {
    Config r = c;
    r.langevin.integrator = integrator;
    r.langevin.dt = dt;
    r.langevin.time = t;
    const auto s = summarize(run_langevin(r, control));
    if (control.stop && control.stop->load()) throw messages::interrupted();
    ConvergencePoint p;
    p.integrator = integrator;
    p.dt = dt;
    p.energy = s.energy;
    p.reference = reference;
    if (integrator == Integrator::splitting)
      p.predicted = reference + 0.5 * T * (1 / (1 - w0 * w0 * dt * dt / 4) - 1);
    else
      p.predicted = D0 / (2 * m * (gamma0 - w0 * w0 * dt)) - 0.5 * w0 + (reference - (T - 0.5 * w0));
    out.push_back(p);
  };
  for (double dt : splitting_dt) run(Integrator::splitting, dt, time);
  for (double dt : euler_dt) run(Integrator::euler, dt, euler_time);
  return out;
}

}  // namespace ergon
