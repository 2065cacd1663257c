// Stage 6: Fock populations from the Wigner function (docs/model.md, "Fock
// populations").
//
// For a rotationally symmetric Wigner function with radial density P_y of
// y = |alpha|^2 (int P_y dy = 1), the overlap with the Fock-state Wigner
// functions W_n(alpha) = (2/pi) (-1)^n exp(-2|alpha|^2) L_n(4|alpha|^2) gives
//
//   p_n = 2 (-1)^n int_0^inf P_y(y) exp(-2y) L_n(4y) dy.
//
// exp(-x/2) L_n(x) is evaluated by the three-term recurrence on values
// carrying their own binary exponent (no over- or underflow up to n ~ 1e5),
// and the integral by Gauss-Legendre panels in s = sqrt(y), in which the
// kernel's oscillation has a bounded wavenumber 4 sqrt(n + 1/2).
#pragma once

#include <Eigen/Dense>
#include <atomic>
#include <complex>
#include <functional>
#include <vector>

#include "ergon/phase_space.hpp"

namespace ergon {

struct Populations {
  std::vector<double> p;      // p_n, n = 0 .. n_max
  std::vector<double> error;  // standard errors (empty when not statistical)
  int n_max = 0;
  double negative_weight = 0.0;  // sum of |p_n| over p_n < 0
  double trace = 0.0;            // sum of p_n
};

// exp(-x/2) L_n(x) for n = 0 .. n_max (|value| <= 1 for x >= 0).
std::vector<double> laguerre_functions(int n_max, double x);

// The overlap kernel 2 (-1)^n exp(-2y) L_n(4y), n = 0 .. n_max.
std::vector<double> fock_kernel(int n_max, double y);

// Smallest n_max that covers the density: the tail mass of P_y above n_max
// (from `tail_mass(y)`, the mass above y) is below `tail` (with a margin).
int choose_n_max(const std::function<double(double)>& tail_mass, double tail = 1e-12);

// Largest n_max the Fock map accepts (its cost grows as n_max^2: ~3 s at the
// limit); a hotter or larger state is refused with fock_too_large.
inline constexpr int max_fock_states = 50'000;
// A full density matrix rho_mn (analyze --wigner) up to n = max_density_states:
// 16 (n + 1)^2 bytes, 256 MiB at the limit.
inline constexpr int max_density_states = 4'000;

// p_n for a radial density on [0, y_max] (zero beyond), n = 0 .. n_max.
// `breakpoints` (values of y) are where the density is less smooth (spline
// knots, interpolation nodes): quadrature panels end there, so each panel
// integrates one smooth piece and no kink leaks into the high-n populations.
Populations populations_from_radial(const std::function<double(double)>& radial_density, double y_max, int n_max,
                                    const std::vector<double>& breakpoints = {});

// The unbiased Monte Carlo estimator p_n = mean_i 2 (-1)^n exp(-2 y_i) L_n(4 y_i).
Populations populations_from_samples(const std::vector<double>& y, int n_max);

// A Wigner function sampled on a regular grid: node (i, j) at
// (x0 + i hx, y0 + j hy), values[i * ny + j].
struct WignerSamples {
  double x0 = 0, y0 = 0, hx = 1, hy = 1;
  int nx = 0, ny = 0;
  std::vector<double> values;
};
WignerSamples samples_of(const WignerGrid& grid);

// Density matrix rho_mn = pi int d^2alpha W(alpha) W_nm(alpha), for states
// without rotational symmetry; W_nm is the Wigner function of |n><m|.
// W is interpolated smoothly (Keys cubic convolution) and integrated in polar
// coordinates: angular Fourier modes c_k(r) by the trapezoid rule, then
// Gauss-Legendre panels in r that resolve the Laguerre kernels up to n_max
// (the kernel's wavenumber in r is 4 sqrt(n + 1/2)). The disc inscribed in
// the grid is integrated; W outside it is taken as zero.
// Hermitian, n, m = 0 .. n_max.
// Throws interrupted() if `stop` is set meanwhile; n_max is at most
// max_density_states.
Eigen::MatrixXcd density_matrix(const WignerSamples& wigner, int n_max, const std::atomic<bool>* stop = nullptr);
Eigen::MatrixXcd density_matrix_from_wigner(const WignerGrid& wigner, int n_max);
// Radial density P_y of the angular average of the samples, at y, for
// choosing n_max: P_y(y) = (1/2) int W(sqrt(y), th) dth.
double sampled_radial_density(const WignerSamples& wigner, double y);

}  // namespace ergon
