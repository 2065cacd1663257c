// Engine dispatch (instruction set chosen at run time) and the fast table.
#include "engine.hpp"

#include <cmath>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "ergon/dynamics.hpp"
#include "ergon/errors.hpp"

namespace ergon::engine {

Result run_sse2(const Job& job);
Result run_avx2(const Job& job);
Result run_avx512(const Job& job);
int width_sse2();
int width_avx2();
int width_avx512();
void normals_sse2(std::uint64_t, std::uint32_t, std::uint64_t, double*);
void normals_avx2(std::uint64_t, std::uint32_t, std::uint64_t, double*);
void normals_avx512(std::uint64_t, std::uint32_t, std::uint64_t, double*);

namespace {

struct Isa {
  const char* name;
  Result (*run)(const Job&);
  int (*width)();
  void (*normals)(std::uint64_t, std::uint32_t, std::uint64_t, double*);
};

bool cpu_has(const char* name) {
  __builtin_cpu_init();
  if (std::strcmp(name, "avx512") == 0)
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512cd");
  if (std::strcmp(name, "avx2") == 0) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return true;  // SSE2 is part of x86-64
}

Isa automatic() {
  if (cpu_has("avx512")) return {"avx512", run_avx512, width_avx512, normals_avx512};
  if (cpu_has("avx2")) return {"avx2", run_avx2, width_avx2, normals_avx2};
  return {"sse2", run_sse2, width_sse2, normals_sse2};
}

Isa& selected() {
  static Isa isa = automatic();
  return isa;
}

}  // namespace

int width() { return selected().width(); }
const char* isa() { return selected().name; }

bool select_isa(const char* name) {
  if (name == nullptr || *name == 0) {
    selected() = automatic();
    return true;
  }
  if (!cpu_has(name)) return false;
  if (std::strcmp(name, "avx512") == 0)
    selected() = {"avx512", run_avx512, width_avx512, normals_avx512};
  else if (std::strcmp(name, "avx2") == 0)
    selected() = {"avx2", run_avx2, width_avx2, normals_avx2};
  else if (std::strcmp(name, "sse2") == 0)
    selected() = {"sse2", run_sse2, width_sse2, normals_sse2};
  else
    return false;
  return true;
}

Result run(const Job& job) { return selected().run(job); }

void sample_normals(std::uint64_t seed, std::uint32_t first_trajectory, std::uint64_t block, double* out) {
  selected().normals(seed, first_trajectory, block, out);
}

FastTable make_fast_table(const CoefficientTable& table, Integrator integrator, double dt, int refine,
                          const TableGrid* range) {
  FastTable t;
  const TableGrid& g = range ? *range : table.grid();
  if (g.h != table.grid().h || g.first < table.grid().first || g.last > table.grid().last)
    throw std::logic_error("fast table range outside the coefficient table");
  t.h = g.spacing() / refine;
  t.inv_h = 1.0 / t.h;
  t.first = g.first * refine;
  t.x_min = static_cast<double>(t.first) * t.h;
  t.cells = static_cast<std::int64_t>(g.points() - 1) * refine;
  const auto nodes = static_cast<std::size_t>(t.cells + 1);
  std::vector<double> fn(nodes), damp(nodes), noise(nodes), cur(nodes);
  for (std::size_t i = 0; i < nodes; ++i) {
    // Node positions are integer multiples of h: identical for every extent.
    const double x = static_cast<double>(t.first + static_cast<std::int64_t>(i)) * t.h;
    const double gamma = table.gamma(x), D = std::max(table.D(x), 0.0);
    fn[i] = table.F() * table.n(x);
    cur[i] = table.current(x);
    if (integrator == Integrator::splitting) {
      damp[i] = std::expm1(-gamma * dt);
      noise[i] = std::sqrt(D * ou_variance(gamma, dt));
    } else {
      damp[i] = gamma * dt;
      noise[i] = std::sqrt(D * dt);
    }
  }
  // 32-byte aligned storage: over-allocate and offset.
  t.records.assign(static_cast<std::size_t>(t.cells) + 2, Cell{});
  const auto addr = reinterpret_cast<std::uintptr_t>(t.records.data());
  t.offset = ((32 - addr % 32) % 32) / sizeof(Cell);
  Cell* r = t.records.data() + t.offset;
  auto pair = [](const std::vector<double>& v, std::size_t i, float& value, float& increment) {
    value = static_cast<float>(v[i]);
    // The increment reaches the next node's value as rounded, so the
    // interpolant is continuous.
    increment = static_cast<float>(static_cast<double>(static_cast<float>(v[i + 1])) - static_cast<double>(value));
  };
  for (std::int64_t c = 0; c < t.cells; ++c) {
    const auto i = static_cast<std::size_t>(c);
    Cell& q = r[c];
    pair(fn, i, q.force, q.dforce);
    pair(damp, i, q.g, q.dg);
    pair(noise, i, q.noise, q.dnoise);
    pair(cur, i, q.current, q.dcurrent);
  }
  return t;
}

}  // namespace ergon::engine
