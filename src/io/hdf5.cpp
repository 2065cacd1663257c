// Edge: HDF5 result files (C API of Debian's libhdf5). Every dataset is
// chunked with a Fletcher-32 checksum, so corruption is detected on read;
// the root attribute "complete" is written last and the file is renamed into
// place only after it is closed, so a file under its final name is complete.
#include <hdf5.h>

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "ergon/errors.hpp"
#include "ergon/io/csv.hpp"
#include "ergon/io/files.hpp"
#include "ergon/io/hdf5.hpp"
#include "ergon/io/provenance.hpp"
#include "ergon/io/sweep_files.hpp"
#include "ergon/steady.hpp"
#include "ergon/sweep.hpp"

namespace ergon {
namespace {

constexpr const char* kFormat = "ergon-result-1";

// Owns an HDF5 identifier; closes it with the matching function.
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*closer)(hid_t)) : id_(id), close_(closer) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  ~Handle() {
    if (id_ >= 0 && close_) close_(id_);
  }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  herr_t close() {
    const herr_t r = id_ >= 0 && close_ ? close_(id_) : 0;
    id_ = -1;
    return r;
  }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

void quiet() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

// Writing -------------------------------------------------------------------

struct Writer {
  std::string path;  // final name (for messages)
  Handle file;

  void check(bool ok, const std::string& what) const {
    if (!ok) throw messages::cannot_write(path, "HDF5 failed to write " + what);
  }
  Handle group(hid_t parent, const std::string& name) const {
    // Track creation order so columns read back in the order written.
    Handle plist(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
    H5Pset_link_creation_order(plist.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    Handle g(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, plist.get(), H5P_DEFAULT), H5Gclose);
    check(g.valid(), "group " + name);
    return g;
  }
  void dataset(hid_t parent, const std::string& name, const std::vector<double>& v,
               const std::vector<hsize_t>& dims) const {
    for (double x : v)
      if (!std::isfinite(x)) throw messages::not_converged("output", fmt::format("dataset '{}' would hold NaN", name));
    hsize_t n = 1;
    for (auto d : dims) n *= d;
    check(n == v.size() && n > 0, "dataset " + name + " (shape)");
    Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
    Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    std::vector<hsize_t> chunk = dims;
    // Chunks of at most ~64 Ki values; each carries its own checksum.
    hsize_t total = n;
    for (std::size_t k = 0; k < chunk.size() && total > 65536; ++k) {
      const hsize_t shrink = std::min<hsize_t>(chunk[k], (total + 65535) / 65536);
      chunk[k] = (chunk[k] + shrink - 1) / shrink;
      total = 1;
      for (auto c : chunk) total *= c;
    }
    check(H5Pset_chunk(plist.get(), static_cast<int>(chunk.size()), chunk.data()) >= 0 &&
              H5Pset_fletcher32(plist.get()) >= 0,
          "dataset " + name + " (checksum filter)");
    Handle ds(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, plist.get(), H5P_DEFAULT),
              H5Dclose);
    check(ds.valid(), "dataset " + name);
    check(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0, "dataset " + name);
  }
  void vector(hid_t parent, const std::string& name, const std::vector<double>& v) const {
    if (!v.empty()) dataset(parent, name, v, {v.size()});
  }
  void attribute(hid_t obj, const std::string& name, const std::string& value) const {
    Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type.get(), H5T_VARIABLE);
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    Handle a(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    const char* p = value.c_str();
    check(a.valid() && H5Awrite(a.get(), type.get(), &p) >= 0, "attribute " + name);
  }
  void attribute(hid_t obj, const std::string& name, double value) const {
    if (!std::isfinite(value))
      throw messages::not_converged("output", fmt::format("attribute '{}' would hold NaN", name));
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    Handle a(H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    check(a.valid() && H5Awrite(a.get(), H5T_NATIVE_DOUBLE, &value) >= 0, "attribute " + name);
  }
  void attribute(hid_t obj, const std::string& name, long long value) const {
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    Handle a(H5Acreate2(obj, name.c_str(), H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    check(a.valid() && H5Awrite(a.get(), H5T_NATIVE_LLONG, &value) >= 0, "attribute " + name);
  }
};

// Builds the file in memory (HDF5's core driver, no backing store), lets
// `fill` write it, marks it complete, and writes the image with
// write_file_atomic: HDF5 itself never touches the file system, so a full disk
// or an unwritable directory is one clean error from our own writer (a failed
// flush inside HDF5 left an open file that crashed its library shutdown),
// and devices and FIFOs work as for every other output.
template <class Fill>
void write_hdf5(const std::string& path, const std::string& kind, const nlohmann::json& meta, Fill fill) {
  quiet();
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!fapl.valid() || H5Pset_fapl_core(fapl.get(), 1 << 20, 0) < 0)
    throw messages::cannot_write(path, "HDF5 cannot set up an in-memory file");
  Writer w{path, Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), H5Fclose)};
  if (!w.file.valid()) throw messages::cannot_write(path, "HDF5 cannot create the file");
  std::string image;
  {
    const hid_t root = w.file.get();
    w.attribute(root, "format", std::string(kFormat));
    w.attribute(root, "kind", kind);
    w.attribute(root, "metadata", meta.dump());
    if (meta.contains("provenance")) {
      const auto& p = meta["provenance"];
      for (const char* key : {"ergon_version", "git_commit", "host", "created_utc", "command_line", "config_toml"})
        if (p.contains(key)) w.attribute(root, key, p[key].get<std::string>());
      if (p.contains("seed")) w.attribute(root, "seed", static_cast<long long>(p["seed"].get<std::uint64_t>()));
    }
    if (meta.contains("wall_seconds")) w.attribute(root, "wall_seconds", meta["wall_seconds"].get<double>());
    fill(w);
    w.attribute(root, "complete", 1LL);
    w.check(H5Fflush(root, H5F_SCOPE_GLOBAL) >= 0, "the file (flush)");
    const ssize_t size = H5Fget_file_image(root, nullptr, 0);
    w.check(size > 0, "the file image");
    image.resize(static_cast<std::size_t>(size));
    w.check(H5Fget_file_image(root, image.data(), image.size()) == size, "the file image");
  }
  if (w.file.close() < 0) throw messages::cannot_write(path, "HDF5 failed to close the in-memory file");
  write_file_atomic(path, image);
}

void write_columns(const Writer& w, hid_t parent, const std::string& name, const std::vector<std::string>& names,
                   const std::vector<std::vector<double>>& columns) {
  Handle g = w.group(parent, name);
  for (std::size_t i = 0; i < names.size(); ++i) w.vector(g.get(), names[i], columns[i]);
}

std::vector<double> centres(int bins, double width) {
  std::vector<double> c(static_cast<std::size_t>(bins));
  for (int i = 0; i < bins; ++i) c[static_cast<std::size_t>(i)] = (i + 0.5) * width;
  return c;
}

std::vector<double> indices(std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<double>(i);
  return v;
}

// Reading -------------------------------------------------------------------

struct Reader {
  std::string path;
  Handle file;
  std::string where;  // group being read, for messages

  [[noreturn]] void fail(const std::string& what) const { throw messages::malformed_file(path, 0, what); }

  bool has(hid_t parent, const std::string& name) const { return H5Lexists(parent, name.c_str(), H5P_DEFAULT) > 0; }
  std::string string_attribute(hid_t obj, const std::string& name) const {
    if (H5Aexists(obj, name.c_str()) <= 0) return {};
    Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
    Handle type(H5Aget_type(a.get()), H5Tclose);
    if (!a.valid() || H5Tget_class(type.get()) != H5T_STRING) fail("attribute '" + name + "' is not a string");
    if (H5Tis_variable_str(type.get()) <= 0) fail("attribute '" + name + "' is not a variable-length string");
    Handle space(H5Aget_space(a.get()), H5Sclose);
    if (H5Sget_simple_extent_type(space.get()) != H5S_SCALAR) fail("attribute '" + name + "' is not a scalar");
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    char* p = nullptr;
    if (H5Aread(a.get(), mem.get(), &p) < 0 || !p) fail("attribute '" + name + "' cannot be read");
    std::string out(p);
    H5free_memory(p);
    return out;
  }
  long long integer_attribute(hid_t obj, const std::string& name) const {
    if (H5Aexists(obj, name.c_str()) <= 0) return 0;
    Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
    Handle space(H5Aget_space(a.get()), H5Sclose);
    Handle type(H5Aget_type(a.get()), H5Tclose);
    if (!a.valid() || H5Sget_simple_extent_type(space.get()) != H5S_SCALAR || H5Tget_class(type.get()) != H5T_INTEGER)
      fail("attribute '" + name + "' is not an integer");
    long long v = 0;
    if (H5Aread(a.get(), H5T_NATIVE_LLONG, &v) < 0) fail("attribute '" + name + "' cannot be read");
    return v;
  }
  // A dataset of doubles with its shape; limits its size to what the file can hold.
  std::vector<double> dataset(hid_t parent, const std::string& short_name, std::vector<hsize_t>& dims) const {
    const std::string name = where.empty() ? short_name : where + "/" + short_name;
    if (!has(parent, short_name)) fail("missing dataset '" + name + "'");
    Handle ds(H5Dopen2(parent, short_name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!ds.valid()) fail("'" + name + "' is not a dataset");
    Handle type(H5Dget_type(ds.get()), H5Tclose);
    if (H5Tget_class(type.get()) != H5T_FLOAT) fail("dataset '" + name + "' does not hold floating-point numbers");
    Handle space(H5Dget_space(ds.get()), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 1 || rank > 2) fail("dataset '" + name + "' has rank " + std::to_string(rank) + " (1 or 2 expected)");
    dims.assign(static_cast<std::size_t>(rank), 0);
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    hsize_t n = 1;
    for (auto d : dims) {
      if (d == 0 || d > (hsize_t{1} << 31)) fail("dataset '" + name + "' has an implausible size");
      n *= d;
    }
    if (n > (hsize_t{1} << 31)) fail("dataset '" + name + "' has an implausible size");
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path, ec);
    if (!ec && n > 8 * static_cast<hsize_t>(bytes) + 1024)
      fail("dataset '" + name + "' is larger than the file (truncated?)");
    std::vector<double> v(static_cast<std::size_t>(n));
    if (H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
      fail("dataset '" + name + "' cannot be read (checksum mismatch or truncated file)");
    for (double x : v)
      if (!std::isfinite(x)) fail("dataset '" + name + "' holds a non-finite value");
    return v;
  }
};

Reader open_result(const std::string& path) {
  quiet();
  if (!std::filesystem::exists(path)) throw messages::cannot_read(path, "no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0)
    throw messages::incomplete_file(path, "not an HDF5 file (or its superblock is damaged)");
  Reader r{path, Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose), {}};
  if (!r.file.valid()) throw messages::incomplete_file(path, "HDF5 cannot open it (truncated or damaged)");
  if (r.string_attribute(r.file.get(), "format") != kFormat)
    throw messages::incomplete_file(path, fmt::format("no 'format' attribute '{}' (not written by ergon)", kFormat));
  if (r.integer_attribute(r.file.get(), "complete") != 1)
    throw messages::incomplete_file(path, "the 'complete' attribute is missing (written by an interrupted run?)");
  return r;
}

}  // namespace

bool hdf5_available() { return true; }

void write_steady_hdf5(const std::string& path, const SteadyState& s, const nlohmann::json& summary,
                       const CsvData& coefficients) {
  write_hdf5(path, "steady", summary, [&](const Writer& w) {
    const hid_t root = w.file.get();
    {
      Handle g = w.group(root, "summary");
      for (const auto& [k, v] : summary_values(s)) w.attribute(g.get(), k, v);
    }
    if (s.wigner.bins > 0) {  // absent for states computed inside a sweep
      Handle g = w.group(root, "wigner");
      std::vector<double> axis(static_cast<std::size_t>(s.wigner.bins));
      for (int i = 0; i < s.wigner.bins; ++i) axis[static_cast<std::size_t>(i)] = s.wigner.centre(i);
      w.vector(g.get(), "re_alpha", axis);
      w.vector(g.get(), "im_alpha", axis);
      std::vector<double> W(axis.size() * axis.size());
      for (int i = 0; i < s.wigner.bins; ++i)
        for (int j = 0; j < s.wigner.bins; ++j)
          W[static_cast<std::size_t>(i) * axis.size() + static_cast<std::size_t>(j)] = s.wigner.at(i, j);
      w.dataset(g.get(), "W", W, {axis.size(), axis.size()});
      w.attribute(g.get(), "description",
                  std::string("W[i, j] at alpha = re_alpha[i] + i im_alpha[j]; "
                              "sum W * d(re) * d(im) = 1"));
    }
    {
      Handle g = w.group(root, "radial");
      w.vector(g.get(), "y", centres(s.radial.bins, s.radial.width()));
      w.vector(g.get(), "P_y", s.radial.density);
      w.vector(g.get(), "stderr", s.radial_error);
    }
    {
      Handle g = w.group(root, "populations");
      w.vector(g.get(), "n", indices(s.populations.p.size()));
      w.vector(g.get(), "p_n", s.populations.p);
      w.vector(g.get(), "stderr", s.populations.error);
      w.vector(g.get(), "p_n_mc", s.populations_mc.p);
    }
    if (s.density.size() > 0) {  // the HEOM's reduced state rho_mn
      Handle g = w.group(root, "density");
      const auto N = static_cast<std::size_t>(s.density.rows());
      std::vector<double> re(N * N), im(N * N);
      for (std::size_t m = 0; m < N; ++m)
        for (std::size_t n = 0; n < N; ++n) {
          const auto v = s.density(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(n));
          re[m * N + n] = v.real();
          im[m * N + n] = v.imag();
        }
      w.dataset(g.get(), "re", re, {N, N});
      w.dataset(g.get(), "im", im, {N, N});
      w.attribute(g.get(), "description",
                  std::string("rho[m, n] = re[m, n] + i im[m, n], Fock states m, n = 0 .. N-1 of the oscillator"));
    }
    write_columns(w, root, "coefficients", coefficients.names, coefficients.columns);
  });
}

void write_sweep_hdf5(const std::string& path, const std::vector<SweepAxis>& axes,
                      const std::vector<SweepRecord>& records, const nlohmann::json& meta) {
  write_hdf5(path, "sweep", meta, [&](const Writer& w) {
    const hid_t root = w.file.get();
    const CsvData table = parse_csv(sweep_csv(axes, records), path);
    write_columns(w, root, "sweep", table.names, table.columns);
    Handle points = w.group(root, "points");
    for (const auto& r : records) {
      Handle p = w.group(points.get(), fmt::format("{:06d}", r.index));
      w.vector(p.get(), "coordinates", r.coordinates);
      nlohmann::json d = nlohmann::json::array();
      for (const auto& x : r.diagnostics)
        d.push_back({{"name", x.name}, {"ratio", x.ratio}, {"limit", x.limit}, {"text", x.text}});
      w.attribute(p.get(), "diagnostics", d.dump());
      w.attribute(p.get(), "gamma0", r.gamma0);
      {
        Handle g = w.group(p.get(), "radial");
        w.vector(g.get(), "y", centres(r.radial.bins, r.radial.width()));
        w.vector(g.get(), "P_y", r.radial.density);
        w.vector(g.get(), "stderr", r.radial_error);
      }
      {
        Handle g = w.group(p.get(), "populations");
        w.vector(g.get(), "n", indices(r.populations.p.size()));
        w.vector(g.get(), "p_n", r.populations.p);
        w.vector(g.get(), "stderr", r.populations.error);
      }
    }
  });
}

void write_table_hdf5(const std::string& path, const std::string& group, const CsvData& table,
                      const nlohmann::json& meta) {
  write_hdf5(path, group, meta,
             [&](const Writer& w) { write_columns(w, w.file.get(), group, table.names, table.columns); });
}

nlohmann::json read_hdf5_metadata(const std::string& path) {
  const Reader r = open_result(path);
  try {
    return nlohmann::json::parse(r.string_attribute(r.file.get(), "metadata"));
  } catch (const nlohmann::json::exception& e) {
    throw messages::malformed_file(path, 0, fmt::format("attribute 'metadata' is not JSON ({})", e.what()));
  }
}

CsvData read_hdf5_table(const std::string& path, const std::string& group) {
  Reader r = open_result(path);
  r.where = group;
  if (!r.has(r.file.get(), group)) r.fail("no group '" + group + "' (is this the right kind of result?)");
  Handle g(H5Gopen2(r.file.get(), group.c_str(), H5P_DEFAULT), H5Gclose);
  if (!g.valid()) r.fail("'" + group + "' is not a group");
  CsvData d;
  if (group == "wigner") {
    // The grid as one row per point, like wigner.csv.
    std::vector<hsize_t> dre, dim, dw;
    const auto re = r.dataset(g.get(), "re_alpha", dre);
    const auto im = r.dataset(g.get(), "im_alpha", dim);
    const auto W = r.dataset(g.get(), "W", dw);
    if (dw.size() != 2 || dw[0] != re.size() || dw[1] != im.size())
      r.fail("wigner/W's shape does not match re_alpha x im_alpha");
    d.names = {"re_alpha", "im_alpha", "W"};
    d.columns.assign(3, {});
    for (std::size_t i = 0; i < re.size(); ++i)
      for (std::size_t j = 0; j < im.size(); ++j) {
        d.columns[0].push_back(re[i]);
        d.columns[1].push_back(im[j]);
        d.columns[2].push_back(W[i * im.size() + j]);
        d.lines.push_back(static_cast<long>(d.lines.size() + 1));
      }
    return d;
  }
  H5G_info_t info{};
  H5Gget_info(g.get(), &info);
  for (hsize_t k = 0; k < info.nlinks; ++k) {
    char name[256] = {0};
    if (H5Lget_name_by_idx(g.get(), ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, k, name, sizeof name - 1, H5P_DEFAULT) < 0 &&
        H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, k, name, sizeof name - 1, H5P_DEFAULT) < 0)
      r.fail("cannot list group '" + group + "'");
    std::vector<hsize_t> dims;
    auto v = r.dataset(g.get(), name, dims);
    if (dims.size() != 1) continue;
    if (!d.columns.empty() && v.size() != d.columns.front().size())
      r.fail(fmt::format("'{}/{}' has {} values, other columns {}", group, name, v.size(), d.columns.front().size()));
    d.names.emplace_back(name);
    d.columns.push_back(std::move(v));
  }
  if (d.columns.empty()) r.fail("group '" + group + "' holds no columns");
  for (std::size_t i = 0; i < d.columns.front().size(); ++i) d.lines.push_back(static_cast<long>(i + 1));
  return d;
}

}  // namespace ergon

namespace ergon {

bool is_hdf5_path(const std::string& path) { return path.ends_with(".h5") || path.ends_with(".hdf5"); }

}  // namespace ergon
