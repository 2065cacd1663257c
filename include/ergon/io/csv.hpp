// Edge: CSV tables as ergon writes and reads them: a # comment block, one
// header line, rows of numbers in shortest round-trip form, the trailer.
#pragma once

#include <string>
#include <vector>

namespace ergon {

// Last line of every CSV table ergon writes: a comment (numpy's loadtxt and
// genfromtxt skip it, pandas with comment='#') that makes completeness
// checkable: a file without it, or with another row count, is not complete.
inline constexpr const char* kCsvTrailer = "# complete: ";

// First line of every CSV table ergon writes: "# ergon VERSION (COMMIT)". A
// file that starts with it must end with the trailer, so a truncated ergon
// file is never taken for a complete one from elsewhere.
inline constexpr const char* kCsvMarker = "# ergon ";

// A CSV table: the marker line, header row, rows of numbers in shortest
// round-trip form, trailer. Non-finite values are refused (ergon never writes
// NaN or inf): the caller decides how to represent them before adding a row,
// except in the columns named in `infinite_allowed` (a ratio whose
// denominator can vanish exactly, documented where it is written).
class CsvTable {
 public:
  explicit CsvTable(std::vector<std::string> columns, std::vector<std::string> infinite_allowed = {});
  void add_row(const std::vector<double>& values);
  std::string str() const;
  std::size_t rows() const { return rows_; }

 private:
  std::vector<std::string> columns_;
  std::vector<bool> infinite_ok_;
  std::string body_;
  std::size_t rows_ = 0;
};

// Formats a double for JSON/CSV output in shortest round-trip form.
std::string format_number(double value);

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
