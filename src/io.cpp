// Edge: result files (atomic writes, CSV, provenance).
#include "ergon/io.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "ergon/version.hpp"

namespace ergon {

void write_file_atomic(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::random_device rd;
  const fs::path tmp = dir / fmt::format(".{}.tmp.{}.{:x}", target.filename().string(), ::getpid(), rd());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw messages::cannot_write(path, std::strerror(errno));
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t w = ::write(fd, content.data() + done, content.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      const std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      throw messages::cannot_write(path, why);
    }
    done += static_cast<std::size_t>(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw messages::cannot_write(path, why);
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw messages::cannot_write(path, why);
  }
  // Make the rename durable too.
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void ensure_directory(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec || !std::filesystem::is_directory(path))
    throw messages::cannot_write(path, ec ? ec.message() : "not a directory");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw messages::cannot_read(path, std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw messages::cannot_read(path, "read error");
  return ss.str();
}

std::string format_number(double value) { return fmt::format("{}", value); }

CsvTable::CsvTable(std::vector<std::string> columns) : columns_(std::move(columns)) {}

void CsvTable::add_row(const std::vector<double>& values) {
  if (values.size() != columns_.size())
    throw std::logic_error(fmt::format("CSV row has {} values for {} columns", values.size(), columns_.size()));
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::isnan(values[i]))
      throw messages::not_converged("output", fmt::format("column '{}' would hold NaN", columns_[i]));
    body_ += format_number(values[i]);
    body_ += i + 1 < values.size() ? ',' : '\n';
  }
  ++rows_;
}

std::string CsvTable::str() const {
  // The trailer makes completeness checkable: parse_csv verifies the count.
  return fmt::format("{}\n", fmt::join(columns_, ",")) + body_ + fmt::format("{}{} rows\n", kCsvTrailer, rows_);
}

nlohmann::json provenance(const Config& config, const std::string& command_line) {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  nlohmann::json j;
  j["ergon_version"] = version();
  j["git_commit"] = git_commit();
  j["host"] = host;
  j["created_utc"] = stamp;
  j["command_line"] = command_line;
  j["seed"] = config.langevin.seed;
  j["bias_convention"] = "mu_L = +V, mu_R = -V";
  j["config"] = to_json(config);
  j["config_toml"] = to_toml(config);
  return j;
}

}  // namespace ergon
