// Edge: the provenance record every output carries.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ergon/parameters.hpp"

namespace ergon {

// Provenance recorded in every output: ergon version, git commit, host,
// UTC time, command line, the effective configuration (JSON and TOML).
nlohmann::json provenance(const Config& config, const std::string& command_line);

}  // namespace ergon
