// Edge: writing files safely. Atomic writes (temporary, fsync, rename), output
// directories and the advisory lock that keeps two runs off one output.
#pragma once

#include <string>

namespace ergon {

// Writes `content` to `path` atomically: a temporary file in the same
// directory, flushed and synced, then renamed over `path`. An interrupted run
// never leaves a half-written file under the final name.
void write_file_atomic(const std::string& path, const std::string& content);
// The two halves, for writers that produce the file themselves (HDF5): a
// fresh temporary name next to `path`, and sync-then-rename onto `path`
// (the temporary is removed if that fails).
std::string temporary_path_for(const std::string& path);
void commit_file(const std::string& temporary, const std::string& path);

// Creates a directory (and parents); throws ergon::Error on failure.
void ensure_directory(const std::string& path);

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

// Reads a whole file; throws ergon::Error on failure.
std::string read_file(const std::string& path);

}  // namespace ergon
