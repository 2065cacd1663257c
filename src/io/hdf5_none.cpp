// Edge: HDF5 entry points of a build without HDF5 (ERGON_WITH_HDF5=OFF).
#include "ergon/errors.hpp"
#include "ergon/io/csv.hpp"
#include "ergon/io/files.hpp"
#include "ergon/io/hdf5.hpp"
#include "ergon/io/provenance.hpp"

namespace ergon {
namespace {
[[noreturn]] void unavailable() {
  throw messages::usage("this ergon was built without HDF5 (configure with -DERGON_WITH_HDF5=ON and libhdf5-dev)");
}
}  // namespace

bool hdf5_available() { return false; }
void write_steady_hdf5(const std::string&, const SteadyState&, const nlohmann::json&, const CsvData&) { unavailable(); }
void write_sweep_hdf5(const std::string&, const std::vector<SweepAxis>&, const std::vector<SweepRecord>&,
                      const nlohmann::json&) {
  unavailable();
}
void write_table_hdf5(const std::string&, const std::string&, const CsvData&, const nlohmann::json&) { unavailable(); }
nlohmann::json read_hdf5_metadata(const std::string&) { unavailable(); }
CsvData read_hdf5_table(const std::string&, const std::string&) { unavailable(); }

}  // namespace ergon

namespace ergon {

bool is_hdf5_path(const std::string& path) { return path.ends_with(".h5") || path.ends_with(".hdf5"); }

}  // namespace ergon
