// Stage 4 (sampling method): the oscillator's non-equilibrium steady state by
// integrating the Langevin equation for an ensemble of independent
// trajectories (or the paper's single long one), accumulating on the fly.
//
// Memory is O(histogram bins + batches), independent of the number of steps.
// Trajectories start from the energy-averaged stationary density (a uniform
// phase on an orbit whose energy is drawn from P(E)), then burn in. Random
// numbers are keyed by (seed, trajectory, step): the same seed gives
// bit-identical results on any number of threads.
//
// Every langevin.stride steps after the burn-in the state of each trajectory
// is an observation: the run's own sums and histograms are built from them,
// and callers can attach their own observers (SampleObserver) to see every
// one.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
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

// Sums over the observations of one batch (a stretch of one trajectory),
// one slot per field, so accumulation, the MPI combination and any reader
// iterate the same list. E is the phase-space energy p^2/2m + m w0^2 x^2/2
// (its Wigner average includes the zero point).
struct BatchSums {
  enum Field : std::size_t { samples, x2, p2, E, E2, current, field_count };
  static constexpr std::array<const char*, field_count> names = {"samples", "x2", "p2", "E", "E2", "current"};
  std::array<double, field_count> sums{};
  double& operator[](Field f) { return sums[f]; }
  double operator[](Field f) const { return sums[f]; }
};

// The state of `lanes` trajectories first_trajectory + i (i < lanes) at one
// observation: `index` counts the observations after the burn-in (the state
// after burn_in + (index + 1) * interval of each trajectory's time).
struct Observation {
  const double* x = nullptr;  // positions [length]
  const double* p = nullptr;  // momenta [mass length / time]
  int lanes = 0;
  std::uint32_t first_trajectory = 0;
  std::uint64_t index = 0;
  int batch = 0;  // the time batch within each trajectory
};

// What a pass of the sampler observes (handed to observers first).
struct ObservationPlan {
  int trajectories = 0;
  std::uint64_t observations = 0;  // per trajectory
  int stride = 0;                  // steps between observations
  double dt = 0.0;                 // time step [time]
  double interval = 0.0;           // stride * dt [time]
  int batches_per_trajectory = 0;
  MechanicalMode oscillator;
};

// A caller's observer of a sampler run (in the manner of Boost.odeint's
// observers). observe() is called concurrently for different trajectory
// groups, and for any one trajectory in time order from one thread at a
// time: state kept per trajectory needs no locking. A pass that is abandoned
// because a trajectory left the coefficient table is followed by begin() of
// a fresh pass over the same observations; end() follows the last pass.
// Under MPI each process observes only the trajectory groups it runs.
class SampleObserver {
 public:
  virtual ~SampleObserver() = default;
  virtual void begin(const ObservationPlan& plan) { (void)plan; }
  virtual void observe(const Observation& observation) = 0;
  virtual void end() {}
};

struct LangevinRun;

// How to run: threads, cancellation, progress and observers (not part of the
// physics).
struct RunControl {
  int threads = 0;                                // 0 = all cores
  const std::atomic<bool>* stop = nullptr;        // set to abandon the run
  std::function<void(double fraction)> progress;  // called from the calling thread
  // Whether the deterministic method tabulates the Wigner function on its
  // grid (SteadyState::wigner; sweeps record the radial density only).
  bool wigner_grid = true;
  // Observers of every sampler observation (not owned).
  std::vector<SampleObserver*> observers;

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
  std::vector<std::vector<double>> y_samples;     // per batch: every k-th observed y
  std::shared_ptr<const CoefficientTable> table;  // the coefficients the run used
};

// Runs the sampler on the configuration's electronic model (built by
// make_electronic_model) with config.langevin.
LangevinRun run_langevin(const Config& config, const RunControl& control = {});
// The same with any electronic model (config.langevin still applies).
LangevinRun run_langevin(const ElectronicModel& model, const Config& config, const RunControl& control = {});

// Averages over batches with batch-means standard errors.
struct LangevinSummary {
  Estimate wigner_energy;             // <p^2/2m + m w0^2 x^2/2>_W
  Estimate energy;                    // battery energy U = w0 nbar = wigner_energy - w0/2
  Estimate x2, p2;                    // <x^2>, <p^2>
  Estimate current;                   // <I(x)> over the steady state
  double autocorrelation_time = 0.0;  // integrated, of the energy [time]
  double effective_samples = 0.0;     // sampled time / (2 tau)
};
LangevinSummary summarize(const LangevinRun& run);

// Mean and standard error of per-batch values (i.i.d. batches).
Estimate batch_mean(const std::vector<double>& values);

}  // namespace ergon
