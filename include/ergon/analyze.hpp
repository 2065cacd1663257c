// States from elsewhere (an experiment's tomography, another simulator):
// the same Fock-space and thermodynamic analysis as for ergon's own steady
// states. Inputs are validated first (ergon::Error names the problem).
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "ergon/fock.hpp"
#include "ergon/thermodynamics.hpp"

namespace ergon {

struct Analysis {
  std::string source;       // "populations", "radial" or "wigner"
  Populations populations;  // diagonal of rho
  Thermodynamics thermo;
  double off_diagonal = 0.0;  // Frobenius norm of the off-diagonal part of rho (wigner input)
};

// Populations p_n, n = 0, 1, ... (sum ~ 1; negative entries are reported).
Analysis analyze_populations(const std::vector<double>& p, double w0, double temperature);

// Radial density P_y at points y (increasing, >= 0), zero beyond the last
// point: a C^4 quintic B-spline through equally spaced points (a modified
// Akima interpolant otherwise), then the overlap map.
Analysis analyze_radial(const std::vector<double>& y, const std::vector<double>& P, double w0, double temperature);

// Wigner function on a regular grid in alpha = (re, im) (any order of
// points; W normalised so that sum W dA = 1): the full rho_mn by overlap with
// the Wigner functions of |m><n|, n <= n_max (0: from the grid extent).
// Throws interrupted() if `stop` is set meanwhile.
Analysis analyze_wigner(const std::vector<double>& re, const std::vector<double>& im, const std::vector<double>& W,
                        double w0, double temperature, int n_max = 0, const std::atomic<bool>* stop = nullptr);

}  // namespace ergon
