// Edge: writing files safely (ergon/io/files.hpp).
#include "ergon/io/files.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
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

std::string temporary_path_for(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::random_device rd;
  return (dir / fmt::format(".{}.tmp.{}.{:x}", target.filename().string(), ::getpid(), rd())).string();
}

void commit_file(const std::string& temporary, const std::string& path) {
  namespace fs = std::filesystem;
  const int fd = ::open(temporary.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    ::unlink(temporary.c_str());
    throw messages::cannot_write(path, why);
  }
  ::close(fd);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(temporary.c_str());
    throw messages::cannot_write(path, why);
  }
  // Make the rename durable too.
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void write_file_atomic(const std::string& path, const std::string& content) {
  const std::string tmp = temporary_path_for(path);
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
  if (::close(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw messages::cannot_write(path, why);
  }
  commit_file(tmp, path);
}

void ensure_directory(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec || !std::filesystem::is_directory(path))
    throw messages::cannot_write(path, ec ? ec.message() : "not a directory");
}

OutputLock::OutputLock(std::string path) : path_(std::move(path)) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    remove_ = !std::filesystem::is_directory(path_);
    fd_ = remove_ ? ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)
                  : ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) throw messages::cannot_write(path_, std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd_);
      fd_ = -1;
      if (err == EWOULDBLOCK) throw messages::output_busy(path_);
      throw messages::cannot_write(path_, std::strerror(err));
    }
    if (!remove_) return;
    // A lock file may have been removed by its previous holder between our
    // open and flock: then we hold a lock on a dead inode; start again.
    struct stat held {
    }, named{};
    if (::fstat(fd_, &held) == 0 && ::stat(path_.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
        held.st_dev == named.st_dev)
      return;
    ::close(fd_);
    fd_ = -1;
  }
  throw messages::output_busy(path_);
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  if (remove_) ::unlink(path_.c_str());
  ::close(fd_);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw messages::cannot_read(path, std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw messages::cannot_read(path, "read error");
  return ss.str();
}

}  // namespace ergon
