// Fuzz target: the --set key=value parser and the START:STOP:COUNT / a,b,c
// range parser. Each input line is one assignment; the last line is also
// parsed as a range.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "ergon/config.hpp"
#include "ergon/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  ergon::Config config;
  try {
    ergon::apply_assignments(config, lines);
    ergon::validate(config);
  } catch (const ergon::Error&) {
  }
  try {
    for (double v : ergon::parse_values("--V", lines.back()))
      if (!std::isfinite(v)) std::abort();  // ranges never yield NaN or inf
  } catch (const ergon::Error&) {
  }
  return 0;
}
