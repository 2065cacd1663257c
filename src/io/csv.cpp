// Edge: CSV tables, written with their trailer and read back strictly
// (ergon/io/csv.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "ergon/errors.hpp"
#include "ergon/io/csv.hpp"
#include "ergon/io/files.hpp"
#include "ergon/version.hpp"

namespace ergon {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const auto pos = line.find(',', start);
    out.push_back(trim(line.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start)));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

// "# complete: N rows" must match the rows read so far.
void check_trailer(std::string_view line, long line_no, std::size_t rows, const std::string& file) {
  std::string_view rest = line.substr(std::string_view(kCsvTrailer).size());
  std::size_t n = 0;
  const auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
  if (ec != std::errc() || std::string_view(ptr, static_cast<std::size_t>(rest.data() + rest.size() - ptr)) != " rows")
    throw messages::malformed_file(file, line_no, fmt::format("malformed trailer '{}'", line));
  if (n != rows)
    throw messages::malformed_file(
        file, line_no,
        fmt::format("the trailer promises {} rows but the file holds {} (truncated or edited?)", n, rows));
}

}  // namespace

const std::vector<double>& CsvData::column(const std::string& name, const std::string& file) const {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return columns[i];
  throw messages::malformed_file(file, 1,
                                 fmt::format("missing column '{}' (header has: {})", name, fmt::join(names, ", ")));
}

CsvData parse_csv(const std::string& text, const std::string& file) {
  CsvData d;
  std::size_t pos = 0;
  long line_no = 0;
  bool header = false, trailer = false, marked = false;
  if (text.find('\0') != std::string::npos)
    throw messages::malformed_file(file, 1, "binary data (a NUL byte) in a CSV file");
  if (text.starts_with("\xEF\xBB\xBF")) pos = 3;  // a UTF-8 byte-order mark is not part of the header
  while (pos <= text.size()) {
    const auto end = text.find('\n', pos);
    std::string_view line(text.data() + pos, (end == std::string::npos ? text.size() : end) - pos);
    pos = end == std::string::npos ? text.size() + 1 : end + 1;
    ++line_no;
    line = trim(line);
    if (line.starts_with(kCsvTrailer)) {
      check_trailer(line, line_no, d.lines.size(), file);
      trailer = true;
      continue;
    }
    if (trailer && !line.empty())
      throw messages::malformed_file(file, line_no, "content after the end-of-table trailer (spliced file?)");
    if (!header && line.starts_with(kCsvMarker)) marked = true;
    if (line.empty() || line.front() == '#') continue;
    const auto fields = split(line);
    if (!header) {
      for (auto f : fields) {
        if (f.empty()) throw messages::malformed_file(file, line_no, "empty column name in the header");
        d.names.emplace_back(f);
      }
      d.columns.assign(d.names.size(), {});
      header = true;
      continue;
    }
    if (fields.size() != d.names.size())
      throw messages::malformed_file(file, line_no,
                                     fmt::format("expected {} values, found {}", d.names.size(), fields.size()));
    for (std::size_t i = 0; i < fields.size(); ++i) {
      double v = 0;
      const auto f = fields[i];
      const auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
      if (ec != std::errc() || ptr != f.data() + f.size() || f.empty())
        throw messages::malformed_file(file, line_no,
                                       fmt::format("'{}' in column '{}' is not a number", f, d.names[i]));
      if (!std::isfinite(v))
        throw messages::malformed_file(file, line_no, fmt::format("'{}' in column '{}' is not finite", f, d.names[i]));
      d.columns[i].push_back(v);
    }
    d.lines.push_back(line_no);
  }
  if (!header) throw messages::malformed_file(file, line_no, "no header row");
  if (d.lines.empty()) throw messages::malformed_file(file, line_no, "no data rows");
  if (marked && !trailer)
    throw messages::malformed_file(
        file, line_no, fmt::format("written by ergon but without its trailer '{}N rows': truncated", kCsvTrailer));
  return d;
}

CsvData read_csv(const std::string& path) { return parse_csv(read_file(path), path); }

}  // namespace ergon

namespace ergon {

std::string format_number(double value) { return fmt::format("{}", value); }

CsvTable::CsvTable(std::vector<std::string> columns, std::vector<std::string> infinite_allowed)
    : columns_(std::move(columns)), infinite_ok_(columns_.size(), false) {
  for (std::size_t i = 0; i < columns_.size(); ++i)
    infinite_ok_[i] =
        std::find(infinite_allowed.begin(), infinite_allowed.end(), columns_[i]) != infinite_allowed.end();
}

void CsvTable::add_row(const std::vector<double>& values) {
  if (values.size() != columns_.size())
    throw std::logic_error(fmt::format("CSV row has {} values for {} columns", values.size(), columns_.size()));
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::isnan(values[i]) || (std::isinf(values[i]) && !infinite_ok_[i]))
      throw messages::not_converged("output", fmt::format("column '{}' would hold {}", columns_[i], values[i]));
    body_ += format_number(values[i]);
    body_ += i + 1 < values.size() ? ',' : '\n';
  }
  ++rows_;
}

std::string CsvTable::str() const {
  // The marker promises the trailer; the trailer makes completeness
  // checkable: parse_csv verifies the count.
  return fmt::format("{}{} ({})\n{}\n", kCsvMarker, version(), git_commit(), fmt::join(columns_, ",")) + body_ +
         fmt::format("{}{} rows\n", kCsvTrailer, rows_);
}

}  // namespace ergon
