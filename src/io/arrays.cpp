// Edge: NumPy .npy/.npz files and text matrices (ergon/io/arrays.hpp).
#include "ergon/io/arrays.hpp"

#include <fmt/format.h>
#include <zip.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>

#include "ergon/errors.hpp"
#include "ergon/io/files.hpp"

namespace ergon {
namespace {

bool ends_with(const std::string& s, const char* suffix) {
  const std::size_t n = std::strlen(suffix);
  if (s.size() < n) return false;
  return std::equal(s.end() - static_cast<std::ptrdiff_t>(n), s.end(), suffix,
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

[[noreturn]] void bad_npy(const std::string& origin, const std::string& what) {
  throw messages::malformed_file(origin, 0, what);
}

// The value after 'key': in the header's Python dict literal.
std::string_view dict_value(std::string_view header, std::string_view key, const std::string& origin) {
  for (const char quote : {'\'', '"'}) {
    const std::string pattern = fmt::format("{}{}{}", quote, key, quote);
    auto pos = header.find(pattern);
    if (pos == std::string_view::npos) continue;
    pos = header.find(':', pos + pattern.size());
    if (pos == std::string_view::npos) break;
    std::string_view rest = header.substr(pos + 1);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    return rest;
  }
  bad_npy(origin, fmt::format("the .npy header has no '{}' entry", key));
}

struct Descr {
  char kind = 'f';  // 'f' float, 'c' complex, 'i' signed integer
  std::size_t bytes = 8;
};

Descr parse_descr(std::string_view v, const std::string& origin) {
  if (v.empty() || (v.front() != '\'' && v.front() != '"'))
    bad_npy(origin, "the .npy dtype is not a simple type (structured arrays are not numbers)");
  const auto end = v.find(v.front(), 1);
  const std::string_view d = v.substr(1, end == std::string_view::npos ? 0 : end - 1);
  const std::string allowed = "allowed: float64, float32, complex128, complex64, int64, int32 (little-endian)";
  if (d.size() < 3 || (d[0] != '<' && d[0] != '|' && d[0] != '='))
    bad_npy(origin, fmt::format("dtype '{}' is not little-endian ({})", d, allowed));
  Descr out;
  out.kind = d[1];
  std::size_t bytes = 0;
  const auto [ptr, ec] = std::from_chars(d.data() + 2, d.data() + d.size(), bytes);
  out.bytes = bytes;
  const bool ok = ec == std::errc() && ptr == d.data() + d.size() &&
                  ((out.kind == 'f' && (bytes == 8 || bytes == 4)) ||
                   (out.kind == 'c' && (bytes == 16 || bytes == 8)) || (out.kind == 'i' && (bytes == 8 || bytes == 4)));
  if (!ok) bad_npy(origin, fmt::format("dtype '{}' is not supported ({})", d, allowed));
  return out;
}

std::vector<std::size_t> parse_shape(std::string_view v, const std::string& origin) {
  if (v.empty() || v.front() != '(') bad_npy(origin, "the .npy shape is not a tuple");
  const auto end = v.find(')');
  if (end == std::string_view::npos) bad_npy(origin, "the .npy shape tuple is not closed");
  std::string_view t = v.substr(1, end - 1);
  std::vector<std::size_t> shape;
  while (true) {
    while (!t.empty() && (t.front() == ' ' || t.front() == ',')) t.remove_prefix(1);
    if (t.empty()) break;
    std::size_t n = 0;
    const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
    if (ec != std::errc())
      bad_npy(origin, fmt::format("the .npy shape '{}' is not a tuple of sizes", v.substr(0, end + 1)));
    shape.push_back(n);
    t.remove_prefix(static_cast<std::size_t>(ptr - t.data()));
    while (!t.empty() && t.front() == 'L') t.remove_prefix(1);  // Python 2 longs
  }
  if (shape.empty() || shape.size() > 2)
    bad_npy(origin,
            fmt::format("an array of rank {} where rank 1 (a vector) or 2 (a matrix) is expected", shape.size()));
  return shape;
}

double load_value(const char* p, char kind, std::size_t bytes) {
  if (kind == 'i') {
    if (bytes == 8) {
      std::int64_t v;
      std::memcpy(&v, p, 8);
      return static_cast<double>(v);
    }
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  if (bytes == 8) {
    double v;
    std::memcpy(&v, p, 8);
    return v;
  }
  float v;
  std::memcpy(&v, p, 4);
  return v;
}

// One number of a text matrix: a real, or a complex as numpy writes it
// ("(1.5+0.25j)", "1.5-2e-3j", "2j"). Returns false if it is neither.
bool parse_entry(std::string_view f, double& re, double& im) {
  if (f.size() >= 2 && f.front() == '(' && f.back() == ')') f = f.substr(1, f.size() - 2);
  if (f.empty()) return false;
  auto number = [](std::string_view s, double& out) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    if (s.empty()) return false;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && ptr == s.data() + s.size();
  };
  im = 0;
  if (f.back() != 'j' && f.back() != 'J') return number(f, re);
  f.remove_suffix(1);
  // The sign that starts the imaginary part: the last + or - that is not the
  // first character and does not follow an exponent marker.
  std::size_t split = std::string_view::npos;
  for (std::size_t i = f.size(); i-- > 1;)
    if ((f[i] == '+' || f[i] == '-') && f[i - 1] != 'e' && f[i - 1] != 'E') {
      split = i;
      break;
    }
  if (split == std::string_view::npos) {
    re = 0;
    return number(f, im);
  }
  return number(f.substr(0, split), re) && number(f.substr(split), im);
}

}  // namespace

std::complex<double> NumericArray::at(std::size_t i, std::size_t j) const {
  const std::size_t k = i * cols() + j;
  return {real[k], imag.empty() ? 0.0 : imag[k]};
}

std::vector<double> NumericArray::real_values(double tolerance) const {
  if (!imag.empty()) {
    double largest = 0, imaginary = 0;
    for (std::size_t k = 0; k < real.size(); ++k) {
      largest = std::max(largest, std::hypot(real[k], imag[k]));
      imaginary = std::max(imaginary, std::abs(imag[k]));
    }
    if (imaginary > tolerance * largest)
      throw messages::malformed_file(
          origin, 0,
          fmt::format("complex values (largest imaginary part {:.3g}) where real numbers are expected", imaginary));
  }
  return real;
}

bool is_npy_path(const std::string& path) { return ends_with(path, ".npy"); }
bool is_npz_path(const std::string& path) { return ends_with(path, ".npz"); }

NumericArray parse_npy(const std::string& bytes, const std::string& origin) {
  static constexpr char magic[] = "\x93NUMPY";
  if (bytes.size() < 10 || bytes.compare(0, 6, magic, 6) != 0)
    bad_npy(origin, "not a NumPy .npy file (no \\x93NUMPY magic): save it with numpy.save");
  const auto major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len =
        static_cast<unsigned char>(bytes[8]) | (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) bad_npy(origin, "truncated .npy header");
    for (int b = 3; b >= 0; --b) header_len = (header_len << 8) | static_cast<unsigned char>(bytes[8 + b]);
    offset = 12;
  } else {
    bad_npy(origin, fmt::format(".npy format version {} (allowed: 1, 2, 3)", major));
  }
  if (header_len > bytes.size() - offset) bad_npy(origin, "truncated .npy header");
  const std::string_view header(bytes.data() + offset, header_len);
  const Descr descr = parse_descr(dict_value(header, "descr", origin), origin);
  const std::string_view fortran = dict_value(header, "fortran_order", origin);
  const bool fortran_order = fortran.starts_with("True");
  if (!fortran_order && !fortran.starts_with("False")) bad_npy(origin, "fortran_order is neither True nor False");
  NumericArray a;
  a.origin = origin;
  a.shape = parse_shape(dict_value(header, "shape", origin), origin);
  std::size_t count = 1;
  for (const auto n : a.shape) {
    if (n != 0 && count > max_input_bytes / n) bad_npy(origin, "the array is larger than ergon reads (1 GiB)");
    count *= n;
  }
  if (count == 0) bad_npy(origin, "the array is empty");
  const std::size_t data = offset + header_len;
  if (count > (bytes.size() - data) / descr.bytes || bytes.size() - data != count * descr.bytes)
    bad_npy(origin, fmt::format("holds {} bytes of data where its shape and dtype need {} (truncated or padded)",
                                bytes.size() - data, count * descr.bytes));
  const bool cplx = descr.kind == 'c';
  const std::size_t part = cplx ? descr.bytes / 2 : descr.bytes;
  const char kind = cplx ? 'f' : descr.kind;
  a.real.resize(count);
  if (cplx) a.imag.resize(count);
  const std::size_t rows = a.rows(), cols = a.cols();
  for (std::size_t k = 0; k < count; ++k) {
    // C order k = i cols + j; in Fortran order element (i, j) sits at j rows + i.
    const std::size_t i = k / cols, j = k % cols;
    const std::size_t src = fortran_order ? j * rows + i : k;
    const char* p = bytes.data() + data + src * descr.bytes;
    a.real[k] = load_value(p, kind, part);
    if (cplx) a.imag[k] = load_value(p + part, kind, part);
    if (!std::isfinite(a.real[k]) || (cplx && !std::isfinite(a.imag[k])))
      bad_npy(origin, a.shape.size() == 2 ? fmt::format("element [{}, {}] is not finite", i, j)
                                          : fmt::format("element [{}] is not finite", k));
  }
  return a;
}

NumericArray read_npy(const std::string& path) { return parse_npy(read_file(path), path); }

std::map<std::string, NumericArray> read_npz(const std::string& path) {
  int error = 0;
  std::unique_ptr<zip_t, decltype(&zip_discard)> archive(zip_open(path.c_str(), ZIP_RDONLY, &error), &zip_discard);
  if (!archive) {
    zip_error_t e;
    zip_error_init_with_code(&e, error);
    const std::string why = zip_error_strerror(&e);
    zip_error_fini(&e);
    throw messages::cannot_read(path, fmt::format("not a NumPy .npz archive ({})", why));
  }
  std::map<std::string, NumericArray> out;
  const zip_int64_t entries = zip_get_num_entries(archive.get(), 0);
  std::size_t total = 0;
  for (zip_int64_t k = 0; k < entries; ++k) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(k), 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) ||
        !(st.valid & ZIP_STAT_SIZE))
      throw messages::malformed_file(path, 0, fmt::format("entry {} of the .npz archive cannot be read", k));
    std::string name = st.name;
    const std::string origin = fmt::format("{}:{}", path, name);
    if (!ends_with(name, ".npy"))
      throw messages::malformed_file(origin, 0, "an .npz archive holds only .npy arrays (numpy.savez)");
    if (st.size > max_input_bytes - total) throw messages::malformed_file(origin, 0, "larger than ergon reads (1 GiB)");
    total += st.size;
    std::unique_ptr<zip_file_t, decltype(&zip_fclose)> file(
        zip_fopen_index(archive.get(), static_cast<zip_uint64_t>(k), 0), &zip_fclose);
    if (!file) throw messages::malformed_file(origin, 0, zip_strerror(archive.get()));
    std::string bytes(st.size, '\0');
    std::size_t got = 0;
    while (got < bytes.size()) {
      const zip_int64_t n = zip_fread(file.get(), bytes.data() + got, bytes.size() - got);
      if (n <= 0) throw messages::malformed_file(origin, 0, "truncated or damaged entry in the .npz archive");
      got += static_cast<std::size_t>(n);
    }
    name.resize(name.size() - 4);
    out.emplace(name, parse_npy(bytes, origin));
  }
  if (out.empty()) throw messages::malformed_file(path, 0, "the .npz archive holds no arrays");
  return out;
}

NumericArray parse_text_matrix(const std::string& text, const std::string& origin, std::vector<std::string>* comments) {
  if (text.find('\0') != std::string::npos)
    throw messages::malformed_file(origin, 1,
                                   "binary data (a NUL byte) in a text matrix (a .npy file needs that name)");
  NumericArray a;
  a.origin = origin;
  std::vector<double> re, im;
  bool any_complex = false;
  std::size_t rows = 0, cols = 0;
  long line_no = 0;
  std::size_t pos = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    std::string_view line(text.data() + pos, (end == std::string::npos ? text.size() : end) - pos);
    pos = end == std::string::npos ? text.size() : end + 1;
    ++line_no;
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.front() == '#') {
      if (comments) comments->emplace_back(line.substr(1));
      continue;
    }
    std::size_t count = 0, i = 0;
    while (i < line.size()) {
      while (i < line.size() && (std::isspace(static_cast<unsigned char>(line[i])) || line[i] == ',')) ++i;
      if (i >= line.size()) break;
      std::size_t j = i;
      while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j])) && line[j] != ',') ++j;
      const std::string_view field = line.substr(i, j - i);
      double r = 0, m = 0;
      if (!parse_entry(field, r, m))
        throw messages::malformed_file(origin, line_no, fmt::format("'{}' is not a real or complex number", field));
      if (!std::isfinite(r) || !std::isfinite(m))
        throw messages::malformed_file(origin, line_no, fmt::format("'{}' is not finite", field));
      any_complex = any_complex || field.back() == 'j' || field.back() == 'J' || field.back() == ')';
      re.push_back(r);
      im.push_back(m);
      ++count;
      i = j;
    }
    if (rows == 0) cols = count;
    if (count != cols)
      throw messages::malformed_file(origin, line_no, fmt::format("{} values where the first row has {}", count, cols));
    ++rows;
  }
  if (rows == 0) throw messages::malformed_file(origin, line_no, "no numbers (an empty matrix)");
  a.shape = cols == 1 ? std::vector<std::size_t>{rows} : std::vector<std::size_t>{rows, cols};
  a.real = std::move(re);
  if (any_complex) a.imag = std::move(im);
  return a;
}

NumericArray read_text_matrix(const std::string& path, std::vector<std::string>* comments) {
  return parse_text_matrix(read_file(path), path, comments);
}

}  // namespace ergon
