// States from elsewhere (an experiment's tomography, another simulator):
// the same Fock-space and thermodynamic analysis as for ergon's own steady
// states. Inputs are validated first (ergon::Error names the problem).
#pragma once

#include <Eigen/Dense>
#include <atomic>
#include <cmath>
#include <string>
#include <vector>

#include "ergon/fock.hpp"
#include "ergon/thermodynamics.hpp"

namespace ergon {

struct Analysis {
  std::string source;       // "populations", "radial", "wigner" or "density_matrix"
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

// The phase-space variables of a Wigner function given on axis vectors.
// ergon: the axes are Re alpha and Im alpha with alpha = x/x0 + i p/p0 (the
// coherent amplitude, <a>), W normalised as int W d^2alpha = 1. qutip: the
// axes are QuTiP's (x, y) of wigner(rho, xvec, yvec, g=g), alpha = g (x + i y)/2,
// int W dx dy = 1, so W_alpha = (4/g^2) W_xy (docs/model.md, section 9).
struct PhaseSpaceConvention {
  enum class Kind { ergon, qutip };
  Kind kind = Kind::ergon;
  double g = std::sqrt(2.0);  // QuTiP's default
  // alpha per unit of the axes, and W_alpha per unit of the given W.
  double alpha_per_axis() const { return kind == Kind::qutip ? g / 2 : 1.0; }
  double density_factor() const { return kind == Kind::qutip ? 4 / (g * g) : 1.0; }
};
PhaseSpaceConvention parse_convention(const std::string& name, double g);

// Wigner function as a matrix on two axis vectors, W[i * xvec.size() + j] at
// (xvec[j], yvec[i]): rows follow the second axis, the layout of
// qutip.wigner(rho, xvec, yvec) and of matplotlib's contourf(xvec, yvec, W).
// The axes must be equally spaced (in either direction).
Analysis analyze_wigner_matrix(const std::vector<double>& xvec, const std::vector<double>& yvec,
                               const std::vector<double>& W, const PhaseSpaceConvention& convention, double w0,
                               double temperature, int n_max = 0, const std::atomic<bool>* stop = nullptr);

// A density matrix in the Fock basis |0>, |1>, ... (Hermitian, trace 1,
// positive within 1e-6): the thermodynamics of the general state, its
// coherences included (thermodynamics.hpp).
Analysis analyze_density_matrix(const Eigen::MatrixXcd& rho, double w0, double temperature);

}  // namespace ergon
