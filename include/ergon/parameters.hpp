// Stage 1: parameters. Plain value types, one per physical block, with the
// paper's parameters as defaults (docs/model.md, "Parameters").
//
// Units: hbar = e = k_B = 1. Energies, frequencies and chemical potentials share
// one energy unit; times are in hbar / (energy unit); the mass sets the unit of
// x through x0 = sqrt(2 / (m w0)).
#pragma once

#include <cmath>
#include <optional>
#include <string>

namespace ergon {

enum class LeadType {
  lorentzian,  // kappa(w) = Gamma delta^2 / ((w - w_c)^2 + delta^2)
  wideband,    // kappa(w) = Gamma, independent of w (center and width unused)
};

struct Lead {
  LeadType type = LeadType::lorentzian;
  double Gamma = 2.0;   // coupling strength (peak level width) [energy]
  double center = 0.0;  // band centre w_a [energy]
  double width = 1.0;   // band half-width delta_a [energy]
  double mu = 0.0;      // chemical potential [energy]
  double beta = 0.5;    // inverse temperature [1/energy]
};

struct Oscillator {
  double w0 = 0.2;    // angular frequency [energy]
  double mass = 1.0;  // mass m
  // Exactly one of the coupling energy lambda = F x0 / 2 and the force per
  // unit charge F is set; the default is lambda = 0.1.
  std::optional<double> lambda = 0.1;  // [energy]
  std::optional<double> force;         // F [energy / length]
  // Mechanical bath (physics.md section 10): quality factor Q (0: none) and
  // phonon temperature T_m, which must be set when Q is.
  double quality = 0.0;
  std::optional<double> phonon_temperature;  // T_m [energy], >= 0

  // Zero-point length and momentum scales: a = x / x0 + i p / p0.
  double x0() const { return std::sqrt(2.0 / (mass * w0)); }
  double p0() const { return std::sqrt(2.0 * mass * w0); }
  // Force per unit excess charge, F = 2 lambda / x0.
  double F() const { return force ? *force : 2.0 * lambda.value_or(0.0) / x0(); }
  // Coupling energy, lambda = F x0 / 2.
  double coupling_energy() const { return lambda ? *lambda : force.value_or(0.0) * x0() / 2.0; }
};

struct Dot {
  double eps = 0.0;  // level energy at x = 0 [energy]
};

// The electromechanical device: everything the electronic stage needs.
struct Device {
  Oscillator oscillator;
  Dot dot;
  Lead left{LeadType::lorentzian, 2.0, 0.5, 1.0, 0.0, 0.5};
  Lead right{LeadType::lorentzian, 2.0, -0.5, 1.0, 0.0, 0.5};
};

// Integrator used by the Langevin sampler.
enum class Integrator {
  splitting,  // symmetric BAOAB splitting with exact Ornstein-Uhlenbeck step (default)
  euler,      // the paper's explicit Euler scheme (its Eqs. C1-C2), biased
};

// Distribution of the noise increments of the Langevin steps.
enum class Noise {
  gaussian,     // standard normals (Box-Muller), the default
  three_point,  // +-sqrt(1/(2q)) with probability q = 10923/65536 each, else 0:
                // the first five moments of a standard normal (the fourth to
                // 5e-6), so the weak order of the schemes is kept; cheaper
};

// Langevin sampler settings (stage 4, dynamics). Defaults reach a 1 %
// standard error on the battery energy at the paper's parameters.
struct Langevin {
  Integrator integrator = Integrator::splitting;
  Noise noise = Noise::gaussian;
  double dt = 0.25;        // time step [hbar / energy]
  double time = 1.0e8;     // sampled time summed over trajectories [hbar / energy]
  double burn_in = 2.0e5;  // discarded time at the start of each trajectory
  int trajectories = 64;   // independent trajectories (1 = the paper's single run)
  unsigned long long seed = 1;
  int batches = 64;  // batches for batch-means and jackknife errors
  // Steps between observations (a multiple of 4; of 8 with three-point
  // noise). The default's interval 16 exceeds pi / w0 at the paper's w0, so
  // time series of x sampled from it alias; spectra need a smaller stride.
  int stride = 64;
};

// Phase-space output grid (stage 5).
struct PhaseSpace {
  double alpha_max = 0.0;  // half-width of the Wigner grid in |alpha|; 0 = automatic
  int bins = 201;          // bins per axis of the Wigner histogram
};

// Thermodynamics (stage 7).
struct Thermo {
  // Reference temperature for the free-energy work W_F; 0 = the leads'
  // temperature (which must then be equal).
  double temperature = 0.0;  // [energy]
};

// Energy-averaged solver (stage 4b).
struct Averaged {
  bool mean_force = true;   // include F <n>_x in the orbits (effective potential)
  double tolerance = 1e-8;  // relative tolerance of the quadratures
};

// Exact HEOM solver (stage 4c, heom.hpp; physics.md section 12).
struct Heom {
  int tier = 2;               // hierarchy depth (tier 2 is exact for the dot alone only)
  int poles = 3;              // Pade poles of each lead's Fermi function
  int fock = 0;               // Fock cut-off N (states 0 .. N-1); 0 = from the averaged solver's state
  double tolerance = 1e-10;   // relative residual of the linear solve
  int max_iterations = 2000;  // matrix-vector products before giving up
  int restart = 40;           // GMRES restart length (Krylov vectors held)
  // Truncation check: raise N (x 1.25), the poles (+1) and the tier (+1), each
  // until nbar and the current change by less than `convergence` (relative),
  // or the problem no longer fits; the finest solution is reported.
  bool converge = true;
  double convergence = 1e-3;
};

// Which electronic model drives the oscillator (stage 2, electronic.hpp),
// and the interacting dot of the sequential-tunnelling model.
struct Electronic {
  std::string model = "resonant_level";  // a name known to make_electronic_model()
  // Resonant level only (physics.md section 13): "zero_frequency" takes D and
  // m gamma from the charge noise S_x(W) and its slope at W = 0 (the paper);
  // "frequency_resolved" from S_x(+-w0): D = [S(w0) + S(-w0)] / 2,
  // m gamma = [S(w0) - S(-w0)] / (2 w0).
  std::string coefficients = "zero_frequency";
  // Sequential model only (physics.md section 9): `orbitals` levels at
  // dot.eps + k level_spacing, each spin-degenerate with `spin`; constant
  // interaction charging N (N - 1) / 2; at most max_electrons on the dot
  // (0: no limit; 1 with spin is U = infinity).
  int orbitals = 1;
  bool spin = false;
  double charging = 0.0;       // U [energy]
  double level_spacing = 1.0;  // [energy]
  int max_electrons = 0;
};

// The whole effective configuration: what every output records.
// What one energy unit is (units.hpp): "ueV", "GHz" (h x 1 GHz), "0.1 meV";
// empty: values are plain numbers and carry no unit.
struct Units {
  std::string energy;
};

struct Config {
  Units units;
  Electronic electronic;
  Device device;
  Langevin langevin;
  PhaseSpace phase_space;
  Thermo thermo;
  Averaged averaged;
  Heom heom;
};

// Sets mu_L = +V and mu_R = -V (the paper's figures' bias convention).
inline void set_bias(Device& device, double V) {
  device.left.mu = V;
  device.right.mu = -V;
}

const char* to_string(LeadType type);
const char* to_string(Integrator integrator);
const char* to_string(Noise noise);

}  // namespace ergon
