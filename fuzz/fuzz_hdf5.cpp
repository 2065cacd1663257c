// Fuzz target: ergon's HDF5 result reader (read_hdf5_metadata and
// read_hdf5_table, as `ergon analyze FILE.h5` uses them). Structure-aware:
// the input chooses the root attributes' types and values (format,
// complete, the metadata JSON and its configuration), a group name and the
// shape and contents of its datasets (any doubles, NaN and inf included);
// the target writes that file with the HDF5 library and reads it back. The
// reader must return a table or an ergon::Error. (Byte-level robustness of
// libhdf5's own file-format parser is the library's, not ergon's.)
#include <hdf5.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "ergon/analyze.hpp"
#include "ergon/errors.hpp"
#include "ergon/io.hpp"

namespace {

struct Input {
  const std::uint8_t* p;
  std::size_t n;
  std::uint8_t byte() {
    if (!n) return 0;
    --n;
    return *p++;
  }
  std::string text() {  // up to a NUL byte
    std::string s;
    while (n && *p) s.push_back(static_cast<char>(byte()));
    byte();
    return s;
  }
  double real() {
    double v = 0;
    if (n >= sizeof v) {
      std::memcpy(&v, p, sizeof v);
      p += sizeof v;
      n -= sizeof v;
    }
    return v;
  }
};

void string_attribute(hid_t obj, const char* name, const std::string& value, bool fixed) {
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, fixed ? std::max<std::size_t>(1, value.size()) : H5T_VARIABLE);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  const char* c = value.c_str();
  if (fixed)
    H5Awrite(a, type, c);
  else
    H5Awrite(a, type, &c);
  H5Aclose(a);
  H5Sclose(space);
  H5Tclose(type);
}

void integer_attribute(hid_t obj, const char* name, long long value) {
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t a = H5Acreate2(obj, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_LLONG, &value);
  H5Aclose(a);
  H5Sclose(space);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Input in{data, size};
  const std::uint8_t flags = in.byte();
  static const char* groups[] = {"wigner", "radial", "populations", "sweep", "coefficients", "points/000000/radial"};
  static const char* names[] = {"re_alpha", "im_alpha", "W", "y", "P_y", "n", "p_n", "stderr", "V", "energy"};
  const std::string group = groups[in.byte() % 6];
  const std::string path = "/tmp/ergon-fuzz-" + std::to_string(::getpid()) + ".h5";
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) return 0;
  if (flags & 1) string_attribute(file, "format", (flags & 2) ? "ergon-result-1" : in.text(), flags & 4);
  if (flags & 8) integer_attribute(file, "complete", (flags & 16) ? 1 : static_cast<signed char>(in.byte()));
  if (flags & 32) string_attribute(file, "complete", "1", false);
  if (flags & 64) string_attribute(file, "metadata", in.text(), flags & 128);
  const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  const hid_t g = H5Gcreate2(file, group.c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT);
  const int datasets = in.byte() % 5;
  for (int k = 0; k < datasets && g >= 0; ++k) {
    const std::string name = names[in.byte() % 10];
    const int rank = 1 + in.byte() % 2;
    hsize_t dims[2] = {static_cast<hsize_t>(1 + in.byte() % 24), static_cast<hsize_t>(1 + in.byte() % 24)};
    const hsize_t count = rank == 1 ? dims[0] : dims[0] * dims[1];
    std::vector<double> v(count);
    for (auto& x : v) x = in.real();
    const hid_t space = H5Screate_simple(rank, dims, nullptr);
    const hid_t type = (in.byte() & 1) ? H5T_IEEE_F64LE : H5T_STD_I32LE;
    const hid_t ds = H5Dcreate2(g, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (ds >= 0) {
      H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
      H5Dclose(ds);
    }
    H5Sclose(space);
  }
  if (g >= 0) H5Gclose(g);
  H5Pclose(lcpl);
  H5Fclose(file);
  try {
    (void)ergon::read_hdf5_metadata(path);
  } catch (const ergon::Error&) {
  }
  try {
    const ergon::CsvData d = ergon::read_hdf5_table(path, group);
    if (group == "populations") (void)ergon::analyze_populations(d.column("p_n", path), 0.2, 2.0);
  } catch (const ergon::Error&) {
  }
  std::remove(path.c_str());
  return 0;
}
