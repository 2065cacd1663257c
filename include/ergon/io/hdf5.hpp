// Edge: HDF5 result files.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ergon/io/csv.hpp"

namespace ergon {

struct SteadyState;
struct SweepAxis;
struct SweepRecord;

// HDF5 result files (-o FILE.h5), readable by h5py. Root attributes: format
// ("ergon-result-1"), kind, metadata (the JSON summary with provenance),
// ergon_version, git_commit, host, created_utc, command_line, config_toml,
// seed, wall_seconds and, written last, complete = 1. Datasets are float64
// with Fletcher-32 checksums. Layout: docs/architecture.md, "File formats".
bool is_hdf5_path(const std::string& path);  // ends in .h5 or .hdf5
bool hdf5_available();
// steady: /summary (attributes), /wigner (re_alpha, im_alpha, W[i, j]),
// /radial (y, P_y, stderr), /populations (n, p_n, stderr[, p_n_mc]),
// /coefficients (the given columns), /density (re[m, n], im[m, n]: HEOM only).
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
