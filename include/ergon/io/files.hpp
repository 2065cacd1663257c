// Edge: writing files safely. Atomic writes (temporary, fsync, rename), output
// directories and the advisory lock that keeps two runs off one output.
#pragma once

#include <cstddef>
#include <string>

namespace ergon {

// Writes `content` to `path` atomically: a temporary file in the same
// directory, flushed and synced, then renamed over `path`. An interrupted run
// never leaves a half-written file under the final name. A symbolic link is
// followed (the file it names is replaced, the link stays); a character
// device or FIFO (/dev/null, a pipe) is written into directly; anything else
// that is not a regular file (a directory, a socket) is refused. Nothing is
// ever renamed over a file that is not regular.
void write_file_atomic(const std::string& path, const std::string& content);
// The two halves, for writers that produce the file themselves (HDF5): a
// fresh temporary name next to `path`, and sync-then-rename onto `path`
// (the temporary is removed if that fails).
std::string temporary_path_for(const std::string& path);
void commit_file(const std::string& temporary, const std::string& path);
// Whether `path` is a character device or FIFO (written into, not replaced;
// writers skip side files such as FILE.json for it).
bool is_stream_output(const std::string& path);

// Creates a directory (and parents); throws ergon::Error on failure.
void ensure_directory(const std::string& path);
// Readies an output directory before a run computes anything: creates it,
// proves it writable (a probe file is created and removed, so an unwritable
// output fails before the work, not after), and removes the temporaries that
// killed runs left there (.NAME.tmp.PID.* of processes that no longer exist).
void prepare_output_directory(const std::string& dir);

// An exclusive advisory lock (flock) on an output, held while a run writes
// it, so two runs (or a resumed run and the orphaned ranks of a killed MPI
// job) never write the same sweep. `path` is an existing directory (locked
// itself) or a lock file, created and removed again on release. The kernel
// drops the lock when the process dies, even by SIGKILL. Throws output_busy
// if another process holds it.
class OutputLock {
 public:
  explicit OutputLock(std::string path);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
  bool remove_ = false;
};

// Reads a whole file of at most max_bytes (an endless one such as /dev/zero
// is refused, not read forever); throws ergon::Error on failure.
inline constexpr std::size_t max_input_bytes = std::size_t{1} << 30;
std::string read_file(const std::string& path, std::size_t max_bytes = max_input_bytes);

}  // namespace ergon
