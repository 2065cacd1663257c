// Stage 7: thermodynamics of the battery state.
#include "ergon/thermodynamics.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "ergon/errors.hpp"

namespace ergon {
namespace {

// Below this mean occupation g2 = <n(n-1)>/nbar^2 is 0/0 within rounding
// (a vacuum, or noise around it) and is reported as 0, undefined.
constexpr double kVacuum = 1e-9;

// A probability vector as given: finite, no entry below -1e-6, summing to
// 1 within 1e-3 (rounding of written files; more is not a state).
void check_probabilities(const std::vector<double>& p, const char* what, double negative_tolerance = 1e-6) {
  double total = 0;
  for (std::size_t n = 0; n < p.size(); ++n) {
    if (!std::isfinite(p[n])) throw messages::usage(fmt::format("{}[{}] = {} is not finite", what, n, p[n]));
    if (p[n] < -negative_tolerance)
      throw messages::usage(fmt::format("{}[{}] = {:.6g} < 0: probabilities cannot be negative", what, n, p[n]));
    total += p[n];
  }
  if (!(std::abs(total - 1.0) <= 1e-3))
    throw messages::usage(fmt::format("the {} sum to {:.10g}, not 1 (a state's trace is 1)", what, total));
}

void check_parameters(double w0, double T) {
  if (!(std::isfinite(w0) && w0 > 0)) throw messages::out_of_range("w0", w0, "must be a finite number > 0");
  if (!(std::isfinite(T) && T > 0))
    throw messages::out_of_range("thermo.temperature", T, "must be a finite number > 0");
}

// Entropy, passive energy and relative entropy of a probability vector whose
// basis-state energies are given (Fock: n w0).
Thermodynamics from_spectrum(std::vector<double> r, const std::vector<double>& diag, double w0, double T) {
  Thermodynamics t;
  t.temperature = T;
  // Negative eigenvalues/populations are noise: drop them, renormalise.
  double total = 0.0;
  for (auto& v : r) {
    if (v < 0) v = 0;
    total += v;
  }
  if (!(total > 0)) throw messages::not_converged("thermodynamics", "the state has no positive weight");
  for (auto& v : r) v /= total;
  std::vector<double> d = diag;
  double dtotal = 0.0;
  for (auto& v : d) {
    if (v < 0) v = 0;
    dtotal += v;
  }
  for (auto& v : d) v /= dtotal;
  double nbar = 0, nn1 = 0;
  for (std::size_t n = 0; n < d.size(); ++n) {
    const double k = static_cast<double>(n);
    nbar += k * d[n];
    nn1 += k * (k - 1) * d[n];
  }
  for (double v : r)
    if (v > 0) t.entropy -= v * std::log(v);
  // Passive state: largest eigenvalue in the ground state, and so on.
  auto passive_number = [](std::vector<double> s) {
    std::sort(s.begin(), s.end(), std::greater<>());
    double out = 0.0;
    for (std::size_t k = 0; k < s.size(); ++k) out += static_cast<double>(k) * s[k];
    return out;
  };
  const double passive = passive_number(r);
  const double passive_dephased = passive_number(d);
  t.nbar = nbar;
  t.energy = w0 * nbar;
  t.g2_defined = nbar > kVacuum;
  t.g2 = t.g2_defined ? nn1 / (nbar * nbar) : 0.0;
  t.mandel_q = t.g2_defined ? nbar * (t.g2 - 1.0) : 0.0;
  t.ergotropy = std::max(0.0, w0 * (nbar - passive));
  t.incoherent_ergotropy = std::min(t.ergotropy, std::max(0.0, w0 * (nbar - passive_dephased)));
  t.coherent_ergotropy = t.ergotropy - t.incoherent_ergotropy;
  // W_F = T D(rho || rho_th) = U - T S - F_eq with F_eq = T ln(1 - e^{-w0/T})
  // (the thermal state's free energy, ground state at 0): finite for any
  // T > 0, -> U as T -> 0.
  t.free_energy_work = std::max(0.0, t.energy - T * t.entropy - T * std::log(-std::expm1(-w0 / T)));
  return t;
}

}  // namespace

Thermodynamics thermodynamics(const std::vector<double>& p, double w0, double T) {
  check_parameters(w0, T);
  check_probabilities(p, "populations");
  // Ergotropy of a diagonal state: W_E = w0 sum_n n (p_n - p_n^down); with
  // unsorted p as the "spectrum" the sort happens inside.
  Thermodynamics t = from_spectrum(p, p, w0, T);
  return t;
}

Thermodynamics thermodynamics_of_map(const std::vector<double>& p, double w0, double T) {
  check_parameters(w0, T);
  return from_spectrum(p, p, w0, T);
}

Thermodynamics thermodynamics(const Eigen::MatrixXcd& rho, double w0, double T, double negative_tolerance) {
  check_parameters(w0, T);
  if (rho.rows() != rho.cols() || rho.rows() == 0)
    throw messages::usage("a density matrix must be square and not empty");
  if (!rho.allFinite()) throw messages::usage("the density matrix holds a number that is not finite");
  const double scale = rho.cwiseAbs().maxCoeff();
  const double skew = (rho - rho.adjoint()).cwiseAbs().maxCoeff();
  if (!(skew <= 1e-8 * scale))
    throw messages::usage(
        fmt::format("the density matrix is not Hermitian: max |rho - rho^dag| = {:.3g} of "
                    "max |rho| = {:.3g}",
                    skew, scale));
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXcd> solver(rho, Eigen::EigenvaluesOnly);
  if (solver.info() != Eigen::Success) throw messages::not_converged("thermodynamics", "eigen-decomposition failed");
  const Eigen::VectorXd ev = solver.eigenvalues();
  std::vector<double> r(ev.data(), ev.data() + ev.size());
  check_probabilities(r, "eigenvalues of rho", negative_tolerance);
  std::vector<double> diag(static_cast<std::size_t>(rho.rows()));
  for (Eigen::Index n = 0; n < rho.rows(); ++n) diag[static_cast<std::size_t>(n)] = rho(n, n).real();
  Thermodynamics t = from_spectrum(r, diag, w0, T);
  for (Eigen::Index m = 0; m < rho.rows(); ++m)
    for (Eigen::Index n = m + 1; n < rho.cols(); ++n) t.max_coherence = std::max(t.max_coherence, std::abs(rho(m, n)));
  return t;
}

double g2_from_moments(double y_mean, double y2_mean) {
  const double nbar = y_mean - 0.5;
  return (y2_mean - 2.0 * y_mean + 0.5) / (nbar * nbar);
}

double reference_temperature(const Config& config) {
  if (config.thermo.temperature > 0) return config.thermo.temperature;
  const double bL = config.device.left.beta, bR = config.device.right.beta;
  if (bL != bR)
    throw messages::bad_value("thermo.temperature", "0",
                              fmt::format("the leads' temperatures differ (beta_L = {}, beta_R = {}); set "
                                          "thermo.temperature to the reference temperature of W_F",
                                          bL, bR));
  return 1.0 / bL;
}

std::vector<std::pair<std::string, double>> named_values(const Thermodynamics& t) {
  return {{"nbar", t.nbar},
          {"energy", t.energy},
          {"entropy", t.entropy},
          {"g2", t.g2},
          {"mandel_q", t.mandel_q},
          {"ergotropy", t.ergotropy},
          {"free_energy_work", t.free_energy_work},
          {"temperature", t.temperature},
          {"incoherent_ergotropy", t.incoherent_ergotropy},
          {"coherent_ergotropy", t.coherent_ergotropy},
          {"max_coherence", t.max_coherence}};
}

}  // namespace ergon
