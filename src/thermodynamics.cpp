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

// Thermal populations q_n = (1 - e^{-w0/T}) e^{-n w0/T}: ln q_n.
double log_thermal(int n, double w0, double T) { return std::log(-std::expm1(-w0 / T)) - n * w0 / T; }

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
  double nbar = 0, nn1 = 0, D = 0;
  for (std::size_t n = 0; n < d.size(); ++n) {
    const double k = static_cast<double>(n);
    nbar += k * d[n];
    nn1 += k * (k - 1) * d[n];
  }
  for (double v : r)
    if (v > 0) t.entropy -= v * std::log(v);
  // Passive state: largest eigenvalue in the ground state, and so on.
  std::sort(r.begin(), r.end(), std::greater<>());
  double passive = 0.0;
  for (std::size_t k = 0; k < r.size(); ++k) passive += static_cast<double>(k) * r[k];
  // D(rho || rho_th) = -S - sum_n rho_nn ln q_n, summed term by term.
  D = -t.entropy;
  for (std::size_t n = 0; n < d.size(); ++n)
    if (d[n] > 0) D -= d[n] * log_thermal(static_cast<int>(n), w0, T);
  t.nbar = nbar;
  t.energy = w0 * nbar;
  t.g2 = nbar > 0 ? nn1 / (nbar * nbar) : 0.0;
  t.mandel_q = nbar > 0 ? nbar * (t.g2 - 1.0) : 0.0;
  t.ergotropy = std::max(0.0, w0 * (nbar - passive));
  t.free_energy_work = std::max(0.0, T * D);
  return t;
}

}  // namespace

Thermodynamics thermodynamics(const std::vector<double>& p, double w0, double T) {
  if (!(T > 0)) throw messages::out_of_range("thermo.temperature", T, "must be > 0");
  // Ergotropy of a diagonal state: W_E = w0 sum_n n (p_n - p_n^down); with
  // unsorted p as the "spectrum" the sort happens inside.
  Thermodynamics t = from_spectrum(p, p, w0, T);
  return t;
}

Thermodynamics thermodynamics(const Eigen::MatrixXcd& rho, double w0, double T) {
  if (!(T > 0)) throw messages::out_of_range("thermo.temperature", T, "must be > 0");
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXcd> solver(rho, Eigen::EigenvaluesOnly);
  if (solver.info() != Eigen::Success) throw messages::not_converged("thermodynamics", "eigen-decomposition failed");
  const Eigen::VectorXd ev = solver.eigenvalues();
  std::vector<double> r(ev.data(), ev.data() + ev.size());
  std::vector<double> diag(static_cast<std::size_t>(rho.rows()));
  for (Eigen::Index n = 0; n < rho.rows(); ++n) diag[static_cast<std::size_t>(n)] = rho(n, n).real();
  return from_spectrum(r, diag, w0, T);
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
          {"temperature", t.temperature}};
}

}  // namespace ergon
