// Edge: a sweep's result files, the exact serialisation of finished points
// and the checkpoint directory that makes a sweep resumable.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ergon/parameters.hpp"

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
  // Finished points; throws if the directory belongs to another sweep. A
  // point file that is truncated or whose checksum does not match its record
  // (FNV-1a of the record's JSON) is removed and listed in `damaged`: its
  // point is computed again.
  std::map<int, SweepRecord> load(std::vector<std::string>* damaged = nullptr) const;
  void begin(const std::string& command_line) const;
  void save(const SweepRecord& record) const;
  void remove() const;  // rename to DIR.removing, then delete (never half-deleted in place)
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_, fingerprint_;
  std::size_t points_;
};

}  // namespace ergon
