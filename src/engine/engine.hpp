// The sampler's fast engine (internal): many Langevin trajectories in SIMD
// lanes, the same two schemes as EulerStepper and SplittingStepper
// (include/ergon/dynamics.hpp), with
//  * a fine, interleaved coefficient table (one 32-byte record per cell:
//    F<n>, exp(-gamma dt), the noise amplitude and the current, each with its increment,
//    for branch-free linear interpolation);
//  * Philox4x32-10 generated in the lanes, Box-Muller normals;
//  * the state handed to an observer every `stride` steps.
// The kernel is compiled once per instruction set (SSE2, AVX2+FMA,
// AVX-512) and picked at run time.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <vector>

#include "ergon/parameters.hpp"
#include "ergon/tables.hpp"

namespace ergon::engine {

// One cell of the fast table: four (value, increment) pairs in single
// precision, 32 bytes, read as three 64-bit gathers per step. Single
// precision keeps 6e-8 relative accuracy, below the interpolation error; the
// damping factor enters as exp(-gamma dt) - 1 (not exp(-gamma dt), whose
// distance from 1 would lose digits in single precision).
struct Cell {
  float force, dforce;      // F <n>_x                        [force]
  float g, dg;              // splitting: expm1(-gamma dt); euler: gamma dt
  float noise, dnoise;      // noise amplitude c2 (see make_fast_table) [momentum]
  float current, dcurrent;  // I(x), for observers        [1/time]
};
static_assert(sizeof(Cell) == 32);
enum Field : int { force_field = 0, damping_field = 1, noise_field = 2, current_field = 3 };

// Cells [i h, (i+1) h] for integer i in [first, first + cells).
struct FastTable {
  FastTable() = default;
  FastTable(const FastTable&) = delete;
  FastTable& operator=(const FastTable&) = delete;
  FastTable(FastTable&&) = default;
  FastTable& operator=(FastTable&&) = default;

  double h = 0.0;      // cell width [length]
  double inv_h = 0.0;  // 1 / h
  double x_min = 0.0;  // first * h
  std::int64_t first = 0;
  std::int64_t cells = 0;
  std::vector<Cell> records;  // `cells` records (and one spare); gathers need no alignment
  const Cell* data() const { return records.data(); }
  double x_max() const { return static_cast<double>(first + cells) * h; }
  bool contains(double x) const { return x >= x_min && x <= x_max(); }

  // Linear interpolation of one field at x (scalar; for observers and tests).
  double eval(Field f, double x) const {
    const double u = x * inv_h;
    double k = std::floor(u);
    k = std::min(std::max(k, static_cast<double>(first)), static_cast<double>(first + cells - 1));
    const double t = u - k;
    const float* r = &data()[static_cast<std::int64_t>(k) - first].force + 2 * f;
    return static_cast<double>(r[0]) + t * static_cast<double>(r[1]);
  }
};

// Samples the Hermite table onto `refine` sub-cells per table cell with the
// integrator's per-step factors:
//   splitting: g = expm1(-gamma dt), c2 = sqrt(D (1 - exp(-2 gamma dt)) / (2 gamma))
//   euler:     g = gamma dt,  c2 = sqrt(D dt)

// `range` (default: the whole table) selects the part of the table to use.
FastTable make_fast_table(const CoefficientTable& table, Integrator integrator, double dt, int refine,
                          const TableGrid* range = nullptr);
inline FastTable make_fast_table(const CoefficientTable& table, Integrator integrator, double dt, int refine,
                                 const TableGrid& range) {
  return make_fast_table(table, integrator, dt, refine, &range);
}

// Receives the lanes' state every `stride` steps after the burn-in.
class Observer {
 public:
  virtual ~Observer() = default;
  // x[i], p[i] for lanes i < lanes; trajectories first_trajectory + i;
  // `index` counts observations after the burn-in, `batch` is the time
  // batch within each trajectory.
  virtual void observe(const double* x, const double* p, int lanes, std::uint32_t first_trajectory, std::uint64_t index,
                       int batch) = 0;
};

struct Job {
  const FastTable* table = nullptr;
  Integrator integrator = Integrator::splitting;
  Noise noise = Noise::gaussian;
  double dt = 0.0;
  double mass = 1.0;
  double k = 0.0;  // m w0^2
  std::uint64_t seed = 0;
  std::uint32_t first_trajectory = 0;
  int lanes = 0;               // active lanes (<= width)
  const double* x0 = nullptr;  // initial state per lane
  const double* p0 = nullptr;
  std::uint64_t burn_in_steps = 0;  // multiple of stride
  std::uint64_t batch_steps = 0;    // per time batch, multiple of stride
  int batches = 1;                  // time batches per trajectory
  int stride = 16;                  // observation interval (multiple of 4)
  Observer* observer = nullptr;
  const std::atomic<bool>* stop = nullptr;
  std::atomic<std::uint64_t>* steps_done = nullptr;  // progress counter (per lane-step)
};

enum class Status { completed, left_range, stopped };

struct Result {
  Status status = Status::completed;
  double x_escape = 0.0;  // a position outside the table, if left_range
};

// Number of lanes the kernel of the active instruction set runs at once
// (isa::active(); isa::force() selects another for tests and benchmarks).
int width();
// Name of the active instruction set ("avx512", "avx2", "sse2").
const char* isa();

Result run(const Job& job);

// The selected kernel's normals for trajectories first_trajectory ..
// first_trajectory + width() - 1 at steps 4 block .. 4 block + 3:
// out[step * width() + lane]. For tests against the reference normals4().
void sample_normals(std::uint64_t seed, std::uint32_t first_trajectory, std::uint64_t block, double* out);

}  // namespace ergon::engine
