// Edge: sweep result files, the exact serialisation of finished points and
// the checkpoint directory that makes a sweep resumable.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <mutex>

#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "ergon/io/csv.hpp"
#include "ergon/io/files.hpp"
#include "ergon/io/provenance.hpp"
#include "ergon/io/sweep_files.hpp"
#include "ergon/sweep.hpp"
#include "ergon/version.hpp"

namespace ergon {

std::vector<SweepRecord> sweep_records(const std::vector<SweepPoint>& points) {
  std::vector<SweepRecord> out;
  out.reserve(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) out.push_back(sweep_record(static_cast<int>(i), points[i]));
  return out;
}

std::string sweep_csv(const std::vector<SweepAxis>& axes, const std::vector<SweepRecord>& records) {
  std::vector<std::string> cols;
  for (const auto& a : axes) cols.push_back(a.key);
  if (!records.empty())
    for (const auto& [k, v] : records.front().values) cols.push_back(k);
  cols.push_back("gamma0");
  CsvTable t(cols);
  for (const auto& r : records) {
    std::vector<double> row = r.coordinates;
    for (const auto& [k, v] : r.values) row.push_back(v);
    row.push_back(r.gamma0);
    t.add_row(row);
  }
  return t.str();
}

nlohmann::json sweep_json(const std::vector<SweepAxis>& axes, const std::vector<SweepRecord>& records,
                          const Config& base, const std::string& method, double wall_seconds,
                          const std::string& command_line) {
  nlohmann::json j;
  j["method"] = method;
  j["points"] = records.size();
  j["complete"] = true;
  j["fingerprint"] = sweep_fingerprint(base, axes, method);  // what --resume of a finished sweep compares
  j["wall_seconds"] = wall_seconds;
  nlohmann::json ax = nlohmann::json::array();
  for (const auto& a : axes) ax.push_back({{"key", a.key}, {"values", a.values}});
  j["axes"] = ax;
  nlohmann::json warnings = nlohmann::json::array();
  for (const auto& r : records)
    for (const auto& d : r.diagnostics)
      if (d.violated())
        warnings.push_back({{"coordinates", r.coordinates}, {"name", d.name}, {"ratio", d.ratio}, {"text", d.text}});
  j["diagnostic_warnings"] = warnings;
  j["provenance"] = provenance(base, command_line);
  return j;
}

// Doubles go through JSON in shortest round-trip form, so a record read back
// is bit-identical to the one written.
nlohmann::json record_to_json(const SweepRecord& r) {
  nlohmann::json j;
  j["index"] = r.index;
  j["coordinates"] = r.coordinates;
  nlohmann::json names = nlohmann::json::array(), values = nlohmann::json::array();
  for (const auto& [k, v] : r.values) {
    names.push_back(k);
    values.push_back(v);
  }
  j["names"] = names;
  j["values"] = values;
  j["gamma0"] = r.gamma0;
  nlohmann::json diags = nlohmann::json::array();
  for (const auto& d : r.diagnostics)
    diags.push_back({{"name", d.name}, {"ratio", d.ratio}, {"limit", d.limit}, {"text", d.text}});
  j["diagnostics"] = diags;
  j["radial"] = {{"y_max", r.radial.y_max}, {"density", r.radial.density}, {"stderr", r.radial_error}};
  j["populations"] = {{"p", r.populations.p},
                      {"stderr", r.populations.error},
                      {"n_max", r.populations.n_max},
                      {"negative_weight", r.populations.negative_weight},
                      {"trace", r.populations.trace}};
  return j;
}

SweepRecord record_from_json(const nlohmann::json& j, const std::string& source) {
  try {
    SweepRecord r;
    r.index = j.at("index").get<int>();
    r.coordinates = j.at("coordinates").get<std::vector<double>>();
    const auto names = j.at("names").get<std::vector<std::string>>();
    const auto values = j.at("values").get<std::vector<double>>();
    if (names.size() != values.size()) throw messages::malformed_file(source, 1, "names and values differ in length");
    for (std::size_t i = 0; i < names.size(); ++i) r.values.emplace_back(names[i], values[i]);
    r.gamma0 = j.at("gamma0").get<double>();
    for (const auto& d : j.at("diagnostics"))
      r.diagnostics.push_back({d.at("name").get<std::string>(), d.at("ratio").get<double>(),
                               d.at("limit").get<double>(), d.at("text").get<std::string>()});
    const auto& rad = j.at("radial");
    r.radial.y_max = rad.at("y_max").get<double>();
    r.radial.density = rad.at("density").get<std::vector<double>>();
    r.radial.bins = static_cast<int>(r.radial.density.size());
    r.radial_error = rad.at("stderr").get<std::vector<double>>();
    const auto& pop = j.at("populations");
    r.populations.p = pop.at("p").get<std::vector<double>>();
    r.populations.error = pop.at("stderr").get<std::vector<double>>();
    r.populations.n_max = pop.at("n_max").get<int>();
    r.populations.negative_weight = pop.at("negative_weight").get<double>();
    r.populations.trace = pop.at("trace").get<double>();
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw messages::malformed_file(source, 1, fmt::format("not a sweep point record ({})", e.what()));
  }
}

namespace {
std::string fnv1a(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a, 64 bit
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("{:016x}", h);
}
}  // namespace

std::string sweep_fingerprint(const Config& base, const std::vector<SweepAxis>& axes, const std::string& method) {
  std::string text = fmt::format("{}\nmethod={}\nbuild={} {}", to_toml(base), method, version(), git_commit());
  for (const auto& a : axes) text += fmt::format("\naxis {}: {}", a.key, fmt::join(a.values, " "));
  return fnv1a(text);
}

namespace {
std::string point_file(const std::string& dir, int index) { return fmt::format("{}/point-{:06d}.json", dir, index); }

// One checkpoint file, parsed, refused unless it carries this sweep's
// fingerprint (`owner` names the directory or file in the message).
nlohmann::json read_checkpoint_file(const std::string& path, const std::string& fingerprint, const std::string& owner) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw messages::malformed_file(path, 1, e.what());
  }
  if (j.value("fingerprint", std::string()) != fingerprint)
    throw messages::checkpoint_mismatch(owner, "the configuration, axes, method or ergon build");
  return j;
}
}  // namespace

SweepCheckpoint::SweepCheckpoint(std::string dir, std::string fingerprint, std::size_t points)
    : dir_(std::move(dir)), fingerprint_(std::move(fingerprint)), points_(points) {}

bool SweepCheckpoint::exists() const { return std::filesystem::exists(dir_ + "/checkpoint.json"); }

std::map<int, SweepRecord> SweepCheckpoint::load(std::vector<std::string>* damaged) const {
  const nlohmann::json desc = read_checkpoint_file(dir_ + "/checkpoint.json", fingerprint_, dir_);
  if (desc.value("points", std::size_t{0}) != points_)
    throw messages::checkpoint_mismatch(dir_, "the number of points");
  std::map<int, SweepRecord> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("point-") || !name.ends_with(".json")) continue;
    const std::string path = entry.path().string();
    // A record that does not parse or whose checksum does not match (a
    // truncated or edited file) is dropped, so its point is computed again.
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(read_file(path));
    } catch (const nlohmann::json::exception&) {
    }
    if (!j.is_object() || !j.contains("record") || j.value("checksum", std::string()) != fnv1a(j["record"].dump())) {
      std::error_code ec;
      std::filesystem::remove(path, ec);
      if (damaged) damaged->push_back(path);
      continue;
    }
    if (j.value("fingerprint", std::string()) != fingerprint_)
      throw messages::checkpoint_mismatch(path, "the configuration, axes, method or ergon build");
    SweepRecord r = record_from_json(j.at("record"), path);
    if (r.index < 0 || static_cast<std::size_t>(r.index) >= points_ || point_file(dir_, r.index) != path)
      throw messages::malformed_file(path, 1, fmt::format("point index {} does not match the file", r.index));
    out.emplace(r.index, std::move(r));
  }
  return out;
}

void SweepCheckpoint::begin(const std::string& command_line) const {
  ensure_directory(dir_);
  nlohmann::json d;
  d["fingerprint"] = fingerprint_;
  d["points"] = points_;
  d["command_line"] = command_line;
  d["ergon_version"] = version();
  d["git_commit"] = git_commit();
  write_file_atomic(dir_ + "/checkpoint.json", d.dump(2) + "\n");
}

void SweepCheckpoint::save(const SweepRecord& record) const {
  nlohmann::json j;
  j["fingerprint"] = fingerprint_;
  j["record"] = record_to_json(record);
  j["checksum"] = fnv1a(j["record"].dump());
  write_file_atomic(point_file(dir_, record.index), j.dump() + "\n");
}

void SweepCheckpoint::remove() const {
  // Renamed first (atomic), then deleted: a run killed while deleting
  // leaves no half-deleted checkpoint (whose description may already be
  // gone while point files remain) for a later --resume to take for an
  // unfinished sweep, only DIR.removing, which the next removal deletes.
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string doomed = dir_ + ".removing";
  fs::remove_all(doomed, ec);
  if (fs::exists(dir_, ec)) {
    fs::rename(dir_, doomed, ec);
    if (ec) {
      fs::remove_all(dir_, ec);
      return;
    }
  }
  fs::remove_all(doomed, ec);
}

}  // namespace ergon
