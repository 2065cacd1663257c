// Stage 4c: an exact reference. The steady state of dot + oscillator + two
// Lorentzian leads by the fermionic hierarchical equations of motion (HEOM),
// without the quasi-adiabatic elimination of the electrons (physics.md
// section 12; docs/model.md section 9b).
//
// The leads' correlation functions are sums of exponentials (the Lorentzian
// pole and the Pade poles of the Fermi function); the hierarchy follows
// QuTiP's fermionic HEOM term by term (same exponent order, same parity
// signs), truncated at `tier`. Fermionic parity leaves each auxiliary
// operator 1 or 2 of its 4 dot elements, so every oscillator Liouville node
// (m, n) carries `block` electronic unknowns. The steady state is found by a
// restarted GMRES on the matrix-free Liouvillian, right-preconditioned by the
// exact elimination of the fast electronic modes per node against the slow
// one (the electronic zero mode), whose Schur complement is a sparse
// N^2 x N^2 effective oscillator Liouvillian factorised once.
#pragma once

#include <atomic>
#include <complex>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "ergon/parameters.hpp"

namespace ergon {

// Pade approximant of the Fermi function (Hu, Xu, Yan, JCP 134, 244106
// (2011), the [N-1/N] form QuTiP's LorentzianPadeBath uses):
//   f(z) = 1 / (e^z + 1) ~ 1/2 - sum_l 2 kappa_l z / (z^2 + xi_l^2).
struct PadeFermi {
  std::vector<double> kappa;  // residues k_l, l = 1 .. poles
  std::vector<double> xi;     // pole positions xi_l > 0 (ascending)
};
PadeFermi pade_fermi(int poles);
// The approximant at a complex argument.
std::complex<double> fermi_pade(std::complex<double> z, const PadeFermi& pade);

// One exponential of a lead's correlation function C^s(t) = sum c e^{-nu t},
// t >= 0, with s = +1 ("+", the occupied part, coupled through d^dag in the
// hierarchy's downward terms) or s = -1 ("-").
struct FermionExponent {
  int lead = 0;             // 0 = L, 1 = R
  int sign = 1;             // +1 or -1
  std::complex<double> c;   // amplitude [energy^2]
  std::complex<double> nu;  // rate, Re nu > 0 [energy]
};
// The exponents of one Lorentzian lead in QuTiP's order: for the Lorentzian
// pole and then each Fermi pole, the "+" exponent followed by its "-" partner.
std::vector<FermionExponent> lead_exponents(const Lead& lead, int lead_index, int poles);
// The correlation function C^s(t) summed from the exponents of one lead.
std::complex<double> lead_correlation(const std::vector<FermionExponent>& exponents, int sign, double t);

struct HeomSolution {
  Eigen::MatrixXcd rho;      // reduced oscillator state rho_mn (traced over dot and leads), N x N
  Eigen::MatrixXcd rho_dot;  // reduced dot state (basis empty, occupied), 2 x 2
  double occupation = 0.0;   // <c^dag c>
  double current = 0.0;      // particle current from L into the dot = from the dot into R [1/time]
  double current_left = 0.0, current_right = 0.0;  // into the dot from L, from R (sum 0 in the steady state)
  double residual = 0.0;                           // ||L rho - 0|| / ||rho||-type relative residual of the linear solve
  int iterations = 0;                              // GMRES iterations (matrix-vector products)
  int restart = 0;                                 // GMRES restart length used (heom_restart_that_fits)
  int fock = 0;                                    // Fock cut-off N (states 0 .. N-1)
  int tier = 0, poles = 0;
  int ados = 0;                      // auxiliary operators kept (after the parity reduction)
  int block = 0;                     // electronic unknowns per oscillator node
  std::int64_t unknowns = 0;         // block * N^2
  double memory_bytes = 0.0;         // estimated peak working memory
  double hermiticity = 0.0;          // max |rho - rho^dag| before symmetrisation
  double smallest_eigenvalue = 0.0;  // of rho (after symmetrisation)
  double tail = 0.0;                 // population of the top Fock state, rho_{N-1,N-1}
  double wall_seconds = 0.0;
};

struct HeomOptions {
  int threads = 0;                          // 0 = all cores
  double memory_limit = 0.0;                // bytes; 0 = 80 % of the machine's available memory
  const std::atomic<bool>* stop = nullptr;  // set to abandon the solve (messages::interrupted)
};

// The HEOM steady state for the configuration's device with the settings in
// config.heom (tier, poles, Fock cut-off, tolerance). Lorentzian leads only;
// the mechanical bath (oscillator.quality) acts on the oscillator as a
// Lindblad term. Throws a config error for what HEOM cannot represent, a
// numerical error naming the sizes when the problem does not fit in memory
// or the solve does not converge.
HeomSolution solve_heom(const Config& config, const HeomOptions& options = {});

// The size of the problem the settings make, without solving (for the
// memory check and for users planning a run).
struct HeomSize {
  int ados = 0, block = 0;
  std::int64_t unknowns = 0;
  double memory_bytes = 0.0;
};
HeomSize heom_size(int tier, int poles, int fock, int restart);
// The GMRES restart length a solve uses: the requested one, or where that
// does not fit in `limit` bytes the largest one from kHeomMinRestart up that
// does (fewer Krylov vectors change the iterations, not the answer); 0 when
// even the shortest does not fit.
inline constexpr int kHeomMinRestart = 8;
int heom_restart_that_fits(int tier, int poles, int fock, int restart, double limit);
// The memory a solve may use: options.memory_limit, or 80 % of what the
// machine has available.
double heom_memory_limit(const HeomOptions& options);

}  // namespace ergon
