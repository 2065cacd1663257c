// Fuzz target: the CSV reader and the analyze pipeline behind it (the three
// input kinds of `ergon analyze`). Any input gives results or an
// ergon::Error; results are finite.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ergon/analyze.hpp"
#include "ergon/errors.hpp"
#include "ergon/io.hpp"

namespace {
void check(const ergon::Analysis& a) {
  const auto& t = a.thermo;
  // Never NaN or inf in a result (issue 20, item 12).
  for (double v : {t.nbar, t.energy, t.entropy, t.g2, t.mandel_q, t.ergotropy, t.free_energy_work})
    if (!std::isfinite(v)) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;  // keep each run's analysis small
  const std::string text(reinterpret_cast<const char*>(data), size);
  ergon::CsvData d;
  try {
    d = ergon::parse_csv(text, "fuzz.csv");
  } catch (const ergon::Error&) {
    return 0;
  }
  const double w0 = 0.2, T = 2.0;
  try {
    check(ergon::analyze_populations(d.column("p_n", "fuzz.csv"), w0, T));
  } catch (const ergon::Error&) {
  }
  try {
    // The Fock map's cost grows as n_max^2 ~ y_max^2 (seconds at y ~ 2e4,
    // far more under the sanitizers): keep fuzzed states small; wide ones are
    // covered by the unit tests and fuzz/regressions/csv/timeout-wide-radial.csv.
    const auto& y = d.column("y", "fuzz.csv");
    if (!y.empty() && y.back() <= 2000) check(ergon::analyze_radial(y, d.column("P_y", "fuzz.csv"), w0, T));
  } catch (const ergon::Error&) {
  }
  try {
    check(ergon::analyze_wigner(d.column("re_alpha", "fuzz.csv"), d.column("im_alpha", "fuzz.csv"),
                                d.column("W", "fuzz.csv"), w0, T, 40));
  } catch (const ergon::Error&) {
  }
  return 0;
}
