// Edge: the provenance record (ergon/io/provenance.hpp).
#include "ergon/io/provenance.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>

#include "ergon/config.hpp"
#include "ergon/units.hpp"
#include "ergon/version.hpp"

namespace ergon {

nlohmann::json provenance(const Config& config, const std::string& command_line) {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  nlohmann::json j;
  j["ergon_version"] = version();
  j["git_commit"] = git_commit();
  j["host"] = host;
  j["created_utc"] = stamp;
  j["command_line"] = command_line;
  j["seed"] = config.langevin.seed;
  j["bias_convention"] = "mu_L = +V, mu_R = -V";
  j["config"] = to_json(config);
  j["config_toml"] = to_toml(config);
  // What the internal units are in SI, on every output (units.hpp).
  if (!config.units.energy.empty()) {
    const units::SiScale si = units::si_scale(config.units.energy);
    j["si_units"] = {{"energy_unit_J", si.energy_J},
                     {"time_unit_s", si.time_s},
                     {"current_unit_nA", si.current_nA()},
                     {"power_unit_fW", si.power_fW()},
                     {"energy_unit_as_frequency_Hz", si.frequency_Hz()}};
  }
  return j;
}

}  // namespace ergon
