// Instruction-set detection and the forced level (see isa.hpp).
#include "ergon/isa.hpp"

#include <atomic>

namespace ergon::isa {
namespace {

// -1: automatic; otherwise a forced Level.
std::atomic<int> g_forced{-1};

bool supports(Level level) {
  __builtin_cpu_init();
  switch (level) {
    case Level::avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
             __builtin_cpu_supports("avx512cd");
    case Level::avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    default:
      return true;
  }
}

}  // namespace

Level detected() {
  static const Level level = supports(Level::avx512) ? Level::avx512
                             : supports(Level::avx2) ? Level::avx2
                                                     : Level::sse2;
  return level;
}

Level active() {
  const int forced = g_forced.load(std::memory_order_relaxed);
  return forced < 0 ? detected() : static_cast<Level>(forced);
}

const char* name(Level level) {
  switch (level) {
    case Level::avx512:
      return "avx512";
    case Level::avx2:
      return "avx2";
    default:
      return "sse2";
  }
}

bool force(std::string_view text) {
  if (text.empty()) {
    g_forced = -1;
    return true;
  }
  for (Level level : {Level::sse2, Level::avx2, Level::avx512})
    if (text == name(level)) {
      if (!supports(level)) return false;
      g_forced = static_cast<int>(level);
      return true;
    }
  return false;
}

}  // namespace ergon::isa
