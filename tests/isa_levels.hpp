// Runs a test body once per instruction-set level this CPU supports, with
// every kernel forced to that level (numerics/isa.hpp), then restores the
// automatic choice.
#pragma once

#include <functional>

#include "ergon/isa.hpp"

namespace ergon_test {

inline void for_each_isa(const std::function<void(const char* level)>& body) {
  for (const char* level : {"sse2", "avx2", "avx512"}) {
    if (!ergon::isa::force(level)) continue;
    try {
      body(level);
    } catch (...) {
      ergon::isa::force("");
      throw;
    }
  }
  ergon::isa::force("");
}

}  // namespace ergon_test
