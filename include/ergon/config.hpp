// Configuration: the registry of every key, TOML files, `key=value`
// overrides, validation, and the range syntax shared by all options.
//
// Every key of Config has one entry in the registry (src/config.cpp) with its
// type, documentation and constraint, so that unknown keys, printing and
// validation all come from one table.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ergon/parameters.hpp"

namespace ergon {

struct KeyInfo {
  std::string name;  // dotted key, e.g. "lead.L.mu"
  std::string type;  // "real", "integer", "boolean" or "string"
  std::string doc;   // one line: meaning, units, allowed values
};

// All known keys in the order `ergon config` prints them.
const std::vector<KeyInfo>& config_keys();

// The known key closest to `key` (edit distance), or "" if none is close.
std::string closest_key(std::string_view key);

// Reads a TOML file on top of `config` (keys absent from the file keep their
// values). Throws ergon::Error naming the file, line and key.
void load_config_file(Config& config, const std::string& path);
// Parses TOML text (used by the loader and by tests).
void load_config_text(Config& config, std::string_view text, std::string_view source_name);

// Applies `key=value` assignments, in order, as one layer: setting both
// oscillator.lambda and oscillator.force in one layer is an error; a later
// layer replaces an earlier layer's choice.
void apply_assignments(Config& config, const std::vector<std::string>& assignments);
// Sets one key from its textual value.
void set_key(Config& config, std::string_view key, std::string_view value);
// Sets one real-valued key (used by sweeps). Throws for unknown or non-real keys.
void set_real(Config& config, std::string_view key, double value);
// Reads one key as text (TOML value syntax).
std::string get_key(const Config& config, std::string_view key);

// What a user asks for, in the order it applies: the defaults, a TOML file,
// the bias V (mu_L = +V, mu_R = -V) and the leads' common beta, then
// key=value assignments; a sweep names the keys it will set per point. One
// rule for the CLI and Python: no key may be set twice on top of the file
// (V and lead.L.mu, beta and lead.R.beta, an assignment and a run option, two
// assignments of one key, a swept key and an assignment), whatever the
// spelling (whitespace around keys is ignored).
struct ConfigRequest {
  struct Assignment {
    std::string origin;  // how the user gave it, for messages: "--set", "--dt", "settings"
    std::string text;    // "key=value"
  };
  std::string file;  // "" = none
  std::optional<double> V, beta;
  std::vector<Assignment> assignments;
  std::vector<std::string> swept;  // "V", "beta" or a real key
  // How V and beta were given, for messages ("--V" on the command line).
  std::string V_origin = "V", beta_origin = "beta";
};
// Builds and validates the configuration; throws ergon::Error naming both
// origins of a key set twice.
Config build_config(const ConfigRequest& request);

// The keys a sweep axis sets: lead.L.mu and lead.R.mu for "V", both betas
// for "beta", else the key itself.
std::vector<std::string> axis_keys(const std::string& axis);

// The effective configuration as TOML that load_config_text reads back.
std::string to_toml(const Config& config);

// The effective configuration as nested JSON (mirrors the TOML layout).
nlohmann::json to_json(const Config& config);

// Checks every key's constraint; throws ergon::Error for the first violation.
void validate(const Config& config);
void validate(const Device& device);

// "START:STOP:COUNT" (COUNT >= 1 points, both ends included) or a comma list
// "a,b,c" or a single number. `option` names the option in error messages.
std::vector<double> parse_values(std::string_view option, std::string_view text);
// A finite number; `option` names it in the error message.
double parse_number(std::string_view option, std::string_view text);

// Shortest text that reads back to the same double, always with a decimal
// point or exponent (valid TOML float).
std::string format_real(double value);

}  // namespace ergon
