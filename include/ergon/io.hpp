// Edge: result files. Atomic writes, CSV tables and provenance records.
// Numerical kernels never call this module; commands do.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ergon/parameters.hpp"

namespace ergon {

// Writes `content` to `path` atomically: a temporary file in the same
// directory, flushed and synced, then renamed over `path`. An interrupted run
// never leaves a half-written file under the final name.
void write_file_atomic(const std::string& path, const std::string& content);

// Creates a directory (and parents); throws ergon::Error on failure.
void ensure_directory(const std::string& path);

// Reads a whole file; throws ergon::Error on failure.
std::string read_file(const std::string& path);

// Last line of every CSV table ergon writes: a comment (numpy's loadtxt and
// genfromtxt skip it, pandas with comment='#') that makes completeness
// checkable: a file without it, or with another row count, is not complete.
inline constexpr const char* kCsvTrailer = "# complete: ";

// A CSV table: header row, rows of numbers in shortest round-trip form,
// trailer.
// Non-finite values are refused (ergon never writes NaN): the caller decides
// how to represent them before adding a row.
class CsvTable {
 public:
  explicit CsvTable(std::vector<std::string> columns);
  void add_row(const std::vector<double>& values);
  std::string str() const;
  std::size_t rows() const { return rows_; }

 private:
  std::vector<std::string> columns_;
  std::string body_;
  std::size_t rows_ = 0;
};

// Provenance recorded in every output: ergon version, git commit, host,
// UTC time, command line, the effective configuration (JSON and TOML).
nlohmann::json provenance(const Config& config, const std::string& command_line);

// Formats a double for JSON/CSV output in shortest round-trip form.
std::string format_number(double value);

}  // namespace ergon

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

namespace ergon {

struct SweepPoint;
struct SweepAxis;

// sweep.csv: one row per point: the swept values, every summary quantity
// with its _stderr twin, gamma at x = 0.
std::string sweep_csv(const std::vector<SweepAxis>& axes, const std::vector<SweepPoint>& points);
// sweep.json: axes, method, timings, diagnostics per point, provenance.
nlohmann::json sweep_json(const std::vector<SweepAxis>& axes, const std::vector<SweepPoint>& points, const Config& base,
                          const std::string& method, double wall_seconds, const std::string& command_line);

}  // namespace ergon

namespace ergon {

// A numeric CSV table read back: header names and columns. Lines starting
// with '#' and blank lines are skipped. Errors name the file and line. A file
// with ergon's trailer must end with it and hold exactly that many rows (an
// edited or spliced file is refused); files from elsewhere need no trailer.
struct CsvData {
  std::vector<std::string> names;
  std::vector<std::vector<double>> columns;
  std::vector<long> lines;  // source line of each row
  const std::vector<double>& column(const std::string& name, const std::string& file) const;
  std::size_t rows() const { return lines.size(); }
};
CsvData read_csv(const std::string& path);
CsvData parse_csv(const std::string& text, const std::string& name);

}  // namespace ergon
