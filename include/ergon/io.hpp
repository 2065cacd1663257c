// Edge: result files. Atomic writes, CSV tables and provenance records.
// Numerical kernels never call this module; commands do.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ergon/parameters.hpp"

namespace ergon {

// Writes `content` to `path` atomically: a temporary file in the same
// directory, flushed and synced, then renamed over `path`. An interrupted run
// never leaves a half-written file under the final name.
void write_file_atomic(const std::string& path, const std::string& content);
// The two halves, for writers that produce the file themselves (HDF5): a
// fresh temporary name next to `path`, and sync-then-rename onto `path`
// (the temporary is removed if that fails).
std::string temporary_path_for(const std::string& path);
void commit_file(const std::string& temporary, const std::string& path);

// Creates a directory (and parents); throws ergon::Error on failure.
void ensure_directory(const std::string& path);

// An exclusive advisory lock (flock) on an output, held while a run writes
// it, so two runs (or a resumed run and the orphaned ranks of a killed MPI
// job) never write the same sweep. `path` is an existing directory (locked
// itself) or a lock file, created and removed again on release. The kernel
// drops the lock when the process dies, even by SIGKILL. Throws output_busy
// if another process holds it.
class OutputLock {
 public:
  explicit OutputLock(std::string path);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
  bool remove_ = false;
};

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
struct SweepRecord;

std::vector<SweepRecord> sweep_records(const std::vector<SweepPoint>& points);
// sweep.csv: one row per point: the swept values, every summary quantity
// with its _stderr twin, gamma at x = 0.
std::string sweep_csv(const std::vector<SweepAxis>& axes, const std::vector<SweepRecord>& records);
// sweep.json: axes, method, timings, diagnostics per point, provenance.
nlohmann::json sweep_json(const std::vector<SweepAxis>& axes, const std::vector<SweepRecord>& records,
                          const Config& base, const std::string& method, double wall_seconds,
                          const std::string& command_line);

// Exact (bit-identical round trip) serialisation of a finished point.
nlohmann::json record_to_json(const SweepRecord& record);
SweepRecord record_from_json(const nlohmann::json& json, const std::string& source);

// Identifies a sweep: effective base configuration, axes, method and the
// ergon build. A checkpoint resumes only the sweep it was written by.
std::string sweep_fingerprint(const Config& base, const std::vector<SweepAxis>& axes, const std::string& method);

// A checkpoint directory: checkpoint.json (fingerprint, point count) and one
// file per finished point, each written atomically, so a point file exists
// only when complete and a sweep killed at any moment (even kill -9) loses at
// most the points in flight. save() may be called from several threads.
class SweepCheckpoint {
 public:
  SweepCheckpoint(std::string dir, std::string fingerprint, std::size_t points);
  bool exists() const;
  // Finished points; throws if the directory belongs to another sweep.
  std::map<int, SweepRecord> load() const;
  void begin(const std::string& command_line) const;
  void save(const SweepRecord& record) const;
  void remove() const;  // rename to DIR.removing, then delete (never half-deleted in place)
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_, fingerprint_;
  std::size_t points_;
};

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

namespace ergon {

struct SteadyState;

// HDF5 result files (-o FILE.h5), readable by h5py. Root attributes: format
// ("ergon-result-1"), kind, metadata (the JSON summary with provenance),
// ergon_version, git_commit, host, created_utc, command_line, config_toml,
// seed, wall_seconds and, written last, complete = 1. Datasets are float64
// with Fletcher-32 checksums. Layout: docs/architecture.md, "File formats".
bool is_hdf5_path(const std::string& path);  // ends in .h5 or .hdf5
bool hdf5_available();
// steady: /summary (attributes), /wigner (re_alpha, im_alpha, W[i, j]),
// /radial (y, P_y, stderr), /populations (n, p_n, stderr[, p_n_mc]),
// /coefficients (the given columns).
void write_steady_hdf5(const std::string& path, const SteadyState& state, const nlohmann::json& summary,
                       const CsvData& coefficients);
// sweep: /sweep (one dataset per sweep.csv column), /points/NNNNNN (radial,
// populations, coordinates, diagnostics).
void write_sweep_hdf5(const std::string& path, const std::vector<SweepAxis>& axes,
                      const std::vector<SweepRecord>& records, const nlohmann::json& meta);
// One group of equal-length columns (ergon coefficients -o FILE.h5).
void write_table_hdf5(const std::string& path, const std::string& group, const CsvData& table,
                      const nlohmann::json& meta);
// Reading refuses files that are not complete ergon results, damaged
// (checksum) or truncated. A group of 1-D datasets comes back as a table;
// "wigner" as one row per grid point (columns re_alpha, im_alpha, W).
nlohmann::json read_hdf5_metadata(const std::string& path);
CsvData read_hdf5_table(const std::string& path, const std::string& group);

}  // namespace ergon
