// Stage 4 (sampling method): the oscillator's non-equilibrium steady state by
// integrating the Langevin equation for an ensemble of independent
// trajectories (or the paper's single long one), accumulating on the fly.
//
// Memory is O(histogram bins + batches), independent of the number of steps.
// Trajectories start from the energy-averaged stationary density (a uniform
// phase on an orbit whose energy is drawn from P(E)), then burn in. Random
// numbers are keyed by (seed, trajectory, step): the same seed gives
// bit-identical results on any number of threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ergon/electronic.hpp"
#include "ergon/phase_space.hpp"
#include "ergon/tables.hpp"

namespace ergon {

struct Estimate {
  double value = 0.0;
  double error = 0.0;  // standard error (0 where not statistical)
};

// Sums over the observed samples of one batch (a stretch of one trajectory).
// E is the phase-space energy p^2/2m + m w0^2 x^2/2 (Wigner average includes
// the zero point).
struct BatchSums {
  double samples = 0;
  double x = 0, p = 0, x2 = 0, p2 = 0, E = 0, E2 = 0, current = 0;
  double y3 = 0, y4 = 0;  // third and fourth moments of y = E / w0
};

struct LangevinRun;

// How to run: threads, cancellation and progress (not part of the physics).
struct RunControl {
  int threads = 0;                                // 0 = all cores
  const std::atomic<bool>* stop = nullptr;        // set to abandon the run
  std::function<void(double fraction)> progress;  // called from the calling thread
  // Whether the deterministic method tabulates the Wigner function on its
  // grid (SteadyState::wigner; sweeps record the radial density only).
  bool wigner_grid = true;

  // Distribution of one sampler run over processes (MPI; unset: this process
  // runs everything). The sampler runs only the trajectory groups g with
  // runs_group(g). After each pass, `agree` turns this process's outcome (the
  // first group that left the table, or -1, its position, and whether it was
  // stopped) into the common one, so every process extends the table alike.
  // `combine` then sums the partial runs (each batch belongs to one group;
  // histograms are integers), leaving every process with the full run, equal
  // to a single-process run bit for bit.
  std::function<bool(int group)> runs_group;
  std::function<void(int& left_group, double& x_escape, bool& stopped)> agree;
  std::function<void(LangevinRun& run)> combine;
};

struct LangevinRun {
  // What was run.
  Integrator integrator = Integrator::splitting;
  double dt = 0.0;
  double time = 0.0;     // sampled time, all trajectories together
  double burn_in = 0.0;  // per trajectory
  int trajectories = 0;
  int batches_per_trajectory = 0;
  int stride = 0;  // steps between observations
  std::uint64_t seed = 0;
  std::uint64_t steps = 0;  // all steps taken, burn-in included
  double wall_seconds = 0.0;
  double steps_per_second = 0.0;
  std::string isa;                // instruction set of the engine
  double table_half_width = 0.0;  // [length]
  int table_extensions = 0;       // reruns after a trajectory left the table
  double bias = 0.0;              // (mu_L - mu_R) / 2, for messages

  double w0 = 0.0, mass = 0.0, x0 = 0.0, p0 = 0.0;
  std::vector<BatchSums> batches;
  std::vector<RadialHistogram> radial;  // per batch, same binning
  WignerHistogram wigner;
  std::vector<std::vector<double>> y_samples;  // per batch: every k-th observed y
};

// Runs the sampler on the configuration's device with config.langevin.
LangevinRun run_langevin(const Config& config, const RunControl& control = {});
// The same with the coefficients from any source (the device's oscillator
// and config.langevin still apply).
LangevinRun run_langevin(const Config& config, const CoefficientSource& source, const RunControl& control = {});

// Averages over batches with batch-means standard errors.
struct LangevinSummary {
  Estimate wigner_energy;             // <p^2/2m + m w0^2 x^2/2>_W
  Estimate energy;                    // battery energy U = w0 nbar = wigner_energy - w0/2
  Estimate energy2;                   // <E^2>_W
  Estimate x2, p2;                    // <x^2>, <p^2>
  Estimate current;                   // <I(x)> over the steady state
  double autocorrelation_time = 0.0;  // integrated, of the energy [time]
  double effective_samples = 0.0;     // sampled time / (2 tau)
};
LangevinSummary summarize(const LangevinRun& run);

// Mean and standard error of per-batch values (i.i.d. batches).
Estimate batch_mean(const std::vector<double>& values);

}  // namespace ergon
