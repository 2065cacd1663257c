// Engine dispatch (the instruction set of numerics/isa.hpp) and the fast table.
#include "engine.hpp"

#include <cmath>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "ergon/dynamics.hpp"
#include "ergon/errors.hpp"
#include "ergon/isa.hpp"

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

int width() { return isa::choose(width_sse2, width_avx2, width_avx512)(); }
const char* isa() { return isa::name(isa::active()); }

Result run(const Job& job) { return isa::choose(run_sse2, run_avx2, run_avx512)(job); }

void sample_normals(std::uint64_t seed, std::uint32_t first_trajectory, std::uint64_t block, double* out) {
  isa::choose(normals_sse2, normals_avx2, normals_avx512)(seed, first_trajectory, block, out);
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
  t.records.assign(static_cast<std::size_t>(t.cells) + 1, Cell{});
  Cell* r = t.records.data();
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
