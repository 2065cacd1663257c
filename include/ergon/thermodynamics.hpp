// Stage 7: thermodynamics of the battery state (docs/model.md,
// "Thermodynamics"). Battery Hamiltonian H_b = w0 a^dag a.
#pragma once

#include <Eigen/Dense>
#include <string>
#include <utility>
#include <vector>

#include "ergon/parameters.hpp"

namespace ergon {

struct Thermodynamics {
  double nbar = 0.0;       // <a^dag a>
  double energy = 0.0;     // U = w0 nbar [energy]
  double entropy = 0.0;    // von Neumann S = -Tr rho ln rho
  double g2 = 0.0;         // <a^dag^2 a^2> / nbar^2 (thermal 2, coherent 1); 0 if undefined
  bool g2_defined = true;  // false for (numerically) the vacuum, nbar < 1e-9, where g2 is 0/0
  double mandel_q = 0.0;   // (Var n - nbar) / nbar = nbar (g2 - 1)
  double ergotropy = 0.0;  // W_E = U - min over unitaries [energy]
  // W_E = incoherent + coherent (Francica et al., PRL 125, 180603 (2020)):
  // the incoherent part is the ergotropy of the dephased state diag(rho),
  // the coherent part the rest (>= 0: diag(rho) is majorised by the spectrum).
  // A diagonal state has coherent_ergotropy = 0.
  double incoherent_ergotropy = 0.0;  // [energy]
  double coherent_ergotropy = 0.0;    // [energy]
  double max_coherence = 0.0;         // max_{m != n} |rho_mn| (0 for a diagonal state)
  double free_energy_work = 0.0;      // W_F = T D(rho || rho_th) = F_neq - F_eq [energy]
  double temperature = 0.0;           // reference temperature of W_F [energy]
};

// The values by name, in a fixed order: nbar, energy, entropy, g2,
// mandel_q, ergotropy, free_energy_work, temperature, incoherent_ergotropy,
// coherent_ergotropy, max_coherence (what `ergon analyze` writes and
// Python's dicts hold).
std::vector<std::pair<std::string, double>> named_values(const Thermodynamics& t);

// Diagonal state rho = sum_n p_n |n><n|. w0 and T must be finite and > 0;
// p must be a probability vector within rounding (no p_n below -1e-6, the
// sum 1 within 1e-3), else ergon::Error names the entry. Negative p_n within
// that (noise of a Wigner-to-Fock map) are set to zero and the rest
// renormalised; the negative weight is reported separately
// (Populations::negative_weight).
Thermodynamics thermodynamics(const std::vector<double>& p, double w0, double temperature);

// Populations produced by a Fock map (Populations from fock.hpp): their
// small negative entries are the map's noise, clipped to zero before the
// rest is renormalised (negative_weight and trace report them).
Thermodynamics thermodynamics_of_map(const std::vector<double>& p, double w0, double temperature);

// General density matrix in the Fock basis: Hermitian (to 1e-8 of its
// largest entry), its eigenvalues a probability vector as above (none below
// -negative_tolerance; a matrix reconstructed from a sampled Wigner grid
// passes its own resolution); entropy and ergotropy from its
// eigen-decomposition.
Thermodynamics thermodynamics(const Eigen::MatrixXcd& rho, double w0, double temperature,
                              double negative_tolerance = 1e-6);

// g2 and Mandel Q from the moments of y = |alpha|^2 of the Wigner function
// (symmetric ordering): <a^dag a> = <y> - 1/2,
// <a^dag^2 a^2> = <y^2> - 2 <y> + 1/2. Needs no Fock populations.
double g2_from_moments(double y_mean, double y2_mean);

// Reference temperature for W_F: config.thermo.temperature if set, else the
// leads' common temperature (an error if they differ).
double reference_temperature(const Config& config);

}  // namespace ergon
