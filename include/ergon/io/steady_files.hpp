// Edge: a steady state's result files and its terminal summary.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace ergon {

struct SteadyState;

// The flat summary of a steady state as JSON: method and run information,
// every summary value (with _stderr twins), diagnostics, provenance.
nlohmann::json summary_json(const SteadyState& state, const std::string& command_line);

// summary.json, wigner.csv (re_alpha, im_alpha, W), radial.csv (y, P_y,
// stderr) and populations.csv (n, p_n, stderr[, p_n_mc]) into `dir`, each
// written atomically.
void write_steady_files(const SteadyState& state, const nlohmann::json& summary, const std::string& dir);

// A human-readable summary for the terminal.
std::string format_summary(const SteadyState& state);

}  // namespace ergon
