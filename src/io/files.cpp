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
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <random>

#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "ergon/version.hpp"

namespace ergon {

namespace {

namespace fs = std::filesystem;

// What an output path names, following symbolic links.
enum class Target {
  absent,   // nothing there (or a dangling link): create it
  regular,  // a regular file: replace it atomically
  stream,   // a character device or FIFO (/dev/null, a pipe): write into it
  other,    // a directory, socket or block device: refuse
};

Target target_kind(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Target::absent;
  if (S_ISREG(st.st_mode)) return Target::regular;
  if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return Target::stream;
  return Target::other;
}

// The file an atomic write replaces: a symbolic link is followed (to its
// final target, which may not exist yet), so the link itself survives.
std::string resolved(const std::string& path) {
  fs::path p(path);
  for (int depth = 0; depth < 40; ++depth) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p.string();
    std::error_code ec;
    const fs::path next = fs::read_symlink(p, ec);
    if (ec) return p.string();
    p = next.is_absolute() ? next : p.parent_path() / next;
  }
  return p.string();
}

void write_all(int fd, const std::string& content, const std::string& path) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t w = ::write(fd, content.data() + done, content.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw messages::cannot_write(path, std::strerror(errno));
    }
    done += static_cast<std::size_t>(w);
  }
}

// Writes into a character device or FIFO as it is (no temporary, no rename).
void write_stream(const std::string& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw messages::cannot_write(path, std::strerror(errno));
  try {
    write_all(fd, content, path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0) throw messages::cannot_write(path, std::strerror(errno));
}

void refuse_other(const std::string& path) {
  std::error_code ec;
  throw messages::cannot_write(
      path, fs::is_directory(path, ec) ? "it is a directory" : "it is not a regular file, device or FIFO");
}

}  // namespace

bool is_stream_output(const std::string& path) { return target_kind(path) == Target::stream; }

std::string temporary_path_for(const std::string& path) {
  const fs::path target(resolved(path));
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::random_device rd;
  return (dir / fmt::format(".{}.tmp.{}.{:x}", target.filename().string(), ::getpid(), rd())).string();
}

void commit_file(const std::string& temporary, const std::string& path) {
  const Target kind = target_kind(path);
  if (kind == Target::other) {
    ::unlink(temporary.c_str());
    refuse_other(path);
  }
  if (kind == Target::stream) {  // copy, then drop the temporary
    try {
      write_stream(path, read_file(temporary));
    } catch (...) {
      ::unlink(temporary.c_str());
      throw;
    }
    ::unlink(temporary.c_str());
    return;
  }
  const std::string final_path = resolved(path);
  const int fd = ::open(temporary.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    ::unlink(temporary.c_str());
    throw messages::cannot_write(path, why);
  }
  ::close(fd);
  if (::rename(temporary.c_str(), final_path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(temporary.c_str());
    throw messages::cannot_write(path, why);
  }
  // Make the rename durable too.
  const fs::path target(final_path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void write_file_atomic(const std::string& path, const std::string& content) {
  const Target kind = target_kind(path);
  if (kind == Target::stream) return write_stream(path, content);
  if (kind == Target::other) refuse_other(path);
  const std::string tmp = temporary_path_for(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw messages::cannot_write(path, std::strerror(errno));
  try {
    write_all(fd, content, path);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
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

void prepare_output_directory(const std::string& dir) {
  ensure_directory(dir);
  const std::string probe = temporary_path_for(dir + "/.write-probe");
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw messages::cannot_write(dir, std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    // .NAME.tmp.PID.RANDOM, as temporary_path_for makes them.
    const auto at = name.rfind(".tmp.");
    if (name.empty() || name[0] != '.' || at == std::string::npos) continue;
    const auto dot = name.find('.', at + 5);
    if (dot == std::string::npos) continue;
    char* end = nullptr;
    const long pid = std::strtol(name.c_str() + at + 5, &end, 10);
    if (end != name.c_str() + dot || pid <= 0) continue;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove(entry.path(), ec);
  }
}

OutputLock::OutputLock(std::string path) : path_(std::move(path)) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    remove_ = !std::filesystem::is_directory(path_);
    // A lock file is never followed through a symbolic link (one planted in
    // a shared directory must not make this process create files elsewhere).
    fd_ = remove_ ? ::open(path_.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644)
                  : ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) {
      if (errno == ELOOP)
        throw messages::cannot_write(path_, "it is a symbolic link; a lock file must be a plain file");
      throw messages::cannot_write(path_, std::strerror(errno));
    }
    struct stat kind {};
    if (remove_ && (::fstat(fd_, &kind) != 0 || !S_ISREG(kind.st_mode))) {
      ::close(fd_);
      fd_ = -1;
      throw messages::cannot_write(path_, "it exists and is not a regular file");
    }
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

std::string read_file(const std::string& path, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw messages::cannot_read(path, std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw messages::cannot_read(path, "it is a directory");
  }
  std::string out;
  char buffer[1 << 16];
  while (true) {
    const ssize_t r = ::read(fd, buffer, sizeof buffer);
    if (r < 0) {
      if (errno == EINTR) continue;
      const std::string why = std::strerror(errno);
      ::close(fd);
      throw messages::cannot_read(path, why);
    }
    if (r == 0) break;
    if (out.size() + static_cast<std::size_t>(r) > max_bytes) {
      ::close(fd);
      throw messages::cannot_read(path,
                                  fmt::format("it is larger than {} MiB, the limit for input files", max_bytes >> 20));
    }
    out.append(buffer, static_cast<std::size_t>(r));
  }
  ::close(fd);
  return out;
}

}  // namespace ergon
