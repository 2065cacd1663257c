// A validity condition of an approximation (docs/model.md, "Validity"):
// electronic models report theirs, the steady-state solvers add the
// oscillator's.
#pragma once

#include <string>

namespace ergon {

struct Diagnostic {
  std::string name;    // e.g. "quasi_adiabatic_w0"
  double ratio = 0.0;  // small parameter; the condition holds when ratio << 1
  double limit = 0.0;  // warning threshold
  std::string text;    // what it compares
  bool violated() const { return ratio > limit; }
};

}  // namespace ergon
