// Fuzz target: the TOML configuration parser and validation. Any input must
// give a valid configuration or an ergon::Error; never a crash, a hang or an
// undefined behaviour, and a configuration that validates must survive a
// round trip through to_toml.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ergon/config.hpp"
#include "ergon/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ergon::Config config;
  try {
    ergon::load_config_text(config, text, "fuzz.toml");
    ergon::validate(config);
  } catch (const ergon::Error&) {
    return 0;
  }
  ergon::Config again;
  ergon::load_config_text(again, ergon::to_toml(config), "round-trip");  // must not throw
  if (ergon::to_toml(again) != ergon::to_toml(config)) std::abort();
  return 0;
}
