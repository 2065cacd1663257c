// Edge: sweep result files.
#include "ergon/io.hpp"
#include "ergon/sweep.hpp"

namespace ergon {

std::string sweep_csv(const std::vector<SweepAxis>& axes, const std::vector<SweepPoint>& points) {
  std::vector<std::string> cols;
  for (const auto& a : axes) cols.push_back(a.key);
  const auto keys =
      points.empty() ? std::vector<std::pair<std::string, double>>{} : summary_values(points.front().state);
  for (const auto& [k, v] : keys) cols.push_back(k);
  cols.push_back("gamma0");
  CsvTable t(cols);
  for (const auto& p : points) {
    std::vector<double> row = p.coordinates;
    for (const auto& [k, v] : summary_values(p.state)) row.push_back(v);
    row.push_back(p.gamma0);
    t.add_row(row);
  }
  return t.str();
}

nlohmann::json sweep_json(const std::vector<SweepAxis>& axes, const std::vector<SweepPoint>& points, const Config& base,
                          const std::string& method, double wall_seconds, const std::string& command_line) {
  nlohmann::json j;
  j["method"] = method;
  j["points"] = points.size();
  j["wall_seconds"] = wall_seconds;
  nlohmann::json ax = nlohmann::json::array();
  for (const auto& a : axes) ax.push_back({{"key", a.key}, {"values", a.values}});
  j["axes"] = ax;
  nlohmann::json warnings = nlohmann::json::array();
  for (const auto& p : points)
    for (const auto& d : p.state.diagnostics)
      if (d.violated())
        warnings.push_back({{"coordinates", p.coordinates}, {"name", d.name}, {"ratio", d.ratio}, {"text", d.text}});
  j["diagnostic_warnings"] = warnings;
  j["provenance"] = provenance(base, command_line);
  return j;
}

}  // namespace ergon
