// Thresholds of the phonon laser: the bias where the damping at rest changes
// sign, and the first bias with ergotropy above its error bar.
#pragma once

#include <vector>

#include "ergon/steady.hpp"
#include "ergon/sweep.hpp"

namespace ergon {

// Bias V (mu_L = +V, mu_R = -V) where gamma(x = 0) changes sign, bracketed by
// scanning from V = 0 in steps of `step` and refined by TOMS 748 to `tol`.
// Throws if there is no sign change below v_max.
double damping_threshold(const Config& base, double tol = 1e-6, double step = 0.25, double v_max = 200.0);

// gamma(x = 0) (the mechanical bath included) on a grid of sweep-axis
// values: result[i * b.values.size() + j] at a.values[i], b.values[j]
// (keys as in sweeps, e.g. "V" and "dot.eps"). Its zero contour is the
// damping threshold of a self-oscillation map. In parallel; the result does
// not depend on the thread count.
std::vector<double> damping_at_rest(const Config& base, const SweepAxis& a, const SweepAxis& b, int threads = 0,
                                    const std::atomic<bool>* stop = nullptr);

struct ErgotropyThreshold {
  double bias = 0.0;                    // first V with W_E above its error bar
  double resolution = 0.0;              // uncertainty of `bias` (grid step, or the bisection tolerance)
  double ergotropy = 0.0, error = 0.0;  // at `bias`
  bool found = false;
  // W_E is already above its error bar at the first scanned bias: the
  // threshold lies at or below `bias` (resolution 0: unknown below).
  bool below_scan = false;
};
// Scans `biases` (increasing) and returns the first where W_E exceeds its
// error bar (sampler: W_E > 2 stderr; averaged: W_E > 1e-6 w0, then refined
// by bisection to 1e-4 since the averaged W_E is a deterministic function).
ErgotropyThreshold ergotropy_threshold(const Config& base, const std::vector<double>& biases, Method method,
                                       const RunControl& control);

}  // namespace ergon
