// Edge: where sweep points are solved. Without MPI (or with one rank) the
// points run on this process's threads; with several MPI ranks, rank 0 hands
// out point indices one at a time (dynamic load balancing), workers solve
// them with all their threads and send back the exact record
// (record_to_json), and rank 0 alone checkpoints and writes results. Points
// do not depend on who solves them, so the files equal a serial run's.
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "cli.hpp"
#include "ergon/errors.hpp"
#include "ergon/io.hpp"
#include "ergon/sampler.hpp"
#include "ergon/sweep.hpp"

#ifdef ERGON_WITH_MPI
#include <mpi.h>
#endif

namespace ergon::cli {

#ifdef ERGON_WITH_MPI
namespace {
bool g_mpi = false;
int g_rank = 0, g_size = 1;

enum Tag : int { ready = 1, result = 2, failed = 3, work = 4, stop = 5 };

void send_text(const std::string& text, int dest, int tag) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, dest, tag, MPI_COMM_WORLD);
}

std::string receive_text(const MPI_Status& status) {
  int count = 0;
  MPI_Get_count(&status, MPI_CHAR, &count);
  std::string text(static_cast<std::size_t>(count), '\0');
  MPI_Recv(text.data(), count, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return text;
}

void master(const std::vector<int>& indices, const std::atomic<bool>* stop_flag,
            const std::function<void(SweepRecord&&)>& finished, const std::function<void(int, int)>& progress) {
  std::size_t next = 0;
  int active = g_size - 1, done = 0;
  bool stopping = false;
  std::string first_error;
  ErrorKind first_kind = ErrorKind::numerical;
  while (active > 0) {
    int flag = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
    if (!flag) {
      if (stop_flag && stop_flag->load()) stopping = true;
      if (progress) progress(done, static_cast<int>(indices.size()));
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    const std::string text = receive_text(status);
    if (status.MPI_TAG == result) {
      finished(record_from_json(nlohmann::json::parse(text), "MPI message"));
      ++done;
    } else if (status.MPI_TAG == failed) {
      const auto nl = text.find('\n');
      if (first_error.empty()) {
        first_kind = static_cast<ErrorKind>(std::stoi(text.substr(0, nl)));
        first_error = text.substr(nl + 1);
      }
      stopping = true;
    }
    if (stop_flag && stop_flag->load()) stopping = true;
    if (!stopping && next < indices.size()) {
      const int index = indices[next++];
      MPI_Send(&index, 1, MPI_INT, status.MPI_SOURCE, work, MPI_COMM_WORLD);
    } else {
      MPI_Send(nullptr, 0, MPI_INT, status.MPI_SOURCE, stop, MPI_COMM_WORLD);
      --active;
    }
  }
  if (progress) progress(done, static_cast<int>(indices.size()));
  if (!first_error.empty()) throw Error(first_kind, first_error);
  if (stopping) throw messages::interrupted();
}

void worker(const std::vector<Config>& configs, const std::vector<std::vector<double>>& coordinates, Method method,
            const RunControl& control) {
  send_text("", 0, ready);
  while (true) {
    MPI_Status status;
    int index = -1;
    MPI_Recv(&index, 1, MPI_INT, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
    if (status.MPI_TAG == stop) return;
    try {
      if (index < 0 || static_cast<std::size_t>(index) >= configs.size())
        throw std::logic_error("MPI: point index out of range");
      std::vector<SweepRecord> got;
      solve_sweep_points(configs, coordinates, {index}, method, control,
                         [&](int i, SweepPoint&& p) { got.push_back(sweep_record(i, p)); });
      send_text(record_to_json(got.at(0)).dump(), 0, result);
    } catch (const Error& e) {
      send_text(std::to_string(static_cast<int>(e.kind())) + "\n" + e.what(), 0, failed);
    } catch (const std::exception& e) {
      send_text(std::to_string(static_cast<int>(ErrorKind::numerical)) + "\n" + e.what(), 0, failed);
    }
  }
}
}  // namespace

void mpi_start(int* argc, char*** argv) {
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  g_mpi = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
}

void mpi_stop() {
  if (g_mpi) MPI_Finalize();
  g_mpi = false;
}

[[noreturn]] void mpi_abort(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

int mpi_size() { return g_size; }
bool is_root_rank() { return g_rank == 0; }

void distribute_sweep_points(const std::vector<Config>& configs, const std::vector<std::vector<double>>& coordinates,
                             const std::vector<int>& indices, Method method, const RunControl& control,
                             const std::function<void(SweepRecord&&)>& finished,
                             const std::function<void(int, int)>& progress) {
  if (g_size > 1) {
    if (g_rank == 0)
      master(indices, control.stop, finished, progress);
    else
      worker(configs, coordinates, method, control);
    return;
  }
  solve_sweep_points(
      configs, coordinates, indices, method, control, [&](int i, SweepPoint&& p) { finished(sweep_record(i, p)); },
      progress);
}

namespace {

// Sums doubles or integers of every rank in place, on every rank.
void sum_everywhere(std::vector<double>& v) {
  MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}
void sum_everywhere(std::vector<std::uint64_t>& v) {
  MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
}

void agree_on_escape(int& left_group, double& x_escape, bool& stopped) {
  const double mine[3] = {left_group < 0 ? 1e300 : static_cast<double>(left_group), x_escape, stopped ? 1.0 : 0.0};
  std::vector<double> all(static_cast<std::size_t>(3 * g_size));
  MPI_Allgather(mine, 3, MPI_DOUBLE, all.data(), 3, MPI_DOUBLE, MPI_COMM_WORLD);
  double first = 1e300;
  for (int r = 0; r < g_size; ++r) {
    const std::size_t k = static_cast<std::size_t>(3 * r);
    if (all[k + 2] != 0) stopped = true;
    if (all[k] < first) {
      first = all[k];
      x_escape = all[k + 1];
    }
  }
  left_group = first < 1e300 ? static_cast<int>(first) : -1;
}

// Each batch was filled by exactly one rank (the others hold zeros), so the
// sums are exact; the y samples of a batch come from its one owner.
void combine_runs(LangevinRun& run) {
  std::vector<double> sums;
  for (const BatchSums& b : run.batches) sums.insert(sums.end(), b.sums.begin(), b.sums.end());
  sum_everywhere(sums);
  std::size_t k = 0;
  for (BatchSums& b : run.batches)
    for (double& v : b.sums) v = sums[k++];
  std::vector<std::uint64_t*> slots = run.wigner.integers();
  for (RadialHistogram& h : run.radial) {
    const auto more = h.integers();
    slots.insert(slots.end(), more.begin(), more.end());
  }
  std::vector<std::uint64_t> counts;
  counts.reserve(slots.size());
  for (const std::uint64_t* s : slots) counts.push_back(*s);
  sum_everywhere(counts);
  for (std::size_t i = 0; i < slots.size(); ++i) *slots[i] = counts[i];
  // This rank's own samples, taken before any other rank's arrive.
  std::vector<std::uint64_t> lengths;
  std::vector<double> own;
  for (const auto& y : run.y_samples) {
    lengths.push_back(y.size());
    own.insert(own.end(), y.begin(), y.end());
  }
  for (int r = 0; r < g_size; ++r) {
    std::vector<std::uint64_t> theirs = lengths;
    MPI_Bcast(theirs.data(), static_cast<int>(theirs.size()), MPI_UINT64_T, r, MPI_COMM_WORLD);
    std::vector<double> data;
    if (r == g_rank) data = own;
    std::uint64_t total = 0;
    for (std::uint64_t n : theirs) total += n;
    data.resize(total);
    MPI_Bcast(data.data(), static_cast<int>(total), MPI_DOUBLE, r, MPI_COMM_WORLD);
    if (r == g_rank) continue;
    std::size_t at = 0;
    for (std::size_t b = 0; b < theirs.size(); ++b) {
      if (theirs[b] > 0)
        run.y_samples[b].assign(data.begin() + static_cast<std::ptrdiff_t>(at),
                                data.begin() + static_cast<std::ptrdiff_t>(at + theirs[b]));
      at += theirs[b];
    }
  }
}

}  // namespace

void distribute_trajectories(RunControl& control) {
  if (g_size <= 1) return;
  control.runs_group = [](int group) { return group % g_size == g_rank; };
  control.agree = agree_on_escape;
  control.combine = combine_runs;
}

#else

void mpi_start(int*, char***) {}
void mpi_stop() {}
[[noreturn]] void mpi_abort(int code) { std::exit(code); }
int mpi_size() { return 1; }
bool is_root_rank() { return true; }

void distribute_sweep_points(const std::vector<Config>& configs, const std::vector<std::vector<double>>& coordinates,
                             const std::vector<int>& indices, Method method, const RunControl& control,
                             const std::function<void(SweepRecord&&)>& finished,
                             const std::function<void(int, int)>& progress) {
  solve_sweep_points(
      configs, coordinates, indices, method, control, [&](int i, SweepPoint&& p) { finished(sweep_record(i, p)); },
      progress);
}

void distribute_trajectories(RunControl&) {}

#endif

}  // namespace ergon::cli
