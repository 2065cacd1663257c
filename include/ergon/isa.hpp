// Run-time choice of the instruction set, one for every vectorised kernel:
// the sampler's engine, the vector exp, the Laguerre sum of the Fock map, the
// Gauss-Kronrod sums and the resonant level's integrands. Each kernel is
// compiled once per level and picks its variant through choose() on every
// call, so forcing a level (tests, benchmarks, ERGON_ISA in the CLI) switches
// all of them at once.
#pragma once

#include <string_view>

namespace ergon::isa {

enum class Level : int {
  sse2 = 0,    // x86-64 baseline
  avx2 = 1,    // AVX2 and FMA
  avx512 = 2,  // AVX-512 F, DQ, BW, VL and CD
};

// The widest level this CPU runs.
Level detected();
// The level the kernels use: detected() unless forced.
Level active();
const char* name(Level level);
// Forces a level by name ("avx512", "avx2", "sse2"; "" returns to automatic).
// False, and nothing changes, if the name is unknown or the CPU lacks it.
bool force(std::string_view name);

// The variant of a kernel for the active level.
template <class F>
F choose(F sse2, F avx2, F avx512) {
  switch (active()) {
    case Level::avx512:
      return avx512;
    case Level::avx2:
      return avx2;
    default:
      return sse2;
  }
}

}  // namespace ergon::isa
