// Edge: the command-line interface. Shared option handling for every
// subcommand; each command lives in its own cmd_*.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ergon/parameters.hpp"
#include "ergon/sweep.hpp"

namespace ergon {
class ElectronicModel;
struct CsvData;
}  // namespace ergon

namespace ergon::cli {

// The electronic coefficients at x = x_over_x0 * x0: columns x_over_x0, x, n,
// D, gamma, fdt_ratio = D / (m gamma), current; and the same as CSV text.
CsvData coefficient_columns(const ElectronicModel& model, const std::vector<double>& x_over_x0, int threads);
std::string coefficient_csv(const ElectronicModel& model, const std::vector<double>& x_over_x0, int threads);

// Options every physics command accepts.
struct DeviceOptions {
  std::string config_file;
  std::vector<std::string> sets;
  std::string V;     // --V (text, parsed by parse_number for our messages)
  std::string beta;  // --beta
};

// Options of the commands that solve for steady states.
struct RunOptions {
  std::string method = "langevin";
  std::string integrator, dt, time, trajectories, seed;  // empty: from the configuration
  int threads = 0;
};
void add_run_options(CLI::App& cmd, RunOptions& opts, const char* default_method = "langevin");
// The flag SIGINT/SIGTERM set; long runs poll it.
const std::atomic<bool>* stop_flag();

// Adds --config, --set, --V and --beta to a subcommand.
void add_device_options(CLI::App& cmd, DeviceOptions& opts, bool with_beta = true);

// Defaults <- config file <- --V / --beta <- --set and the run options'
// shortcuts (--dt, ...); then validate. A key given twice (or by a sweep
// axis in `swept` and an option) is refused (ergon::build_config).
Config build_config(const DeviceOptions& opts, const RunOptions* run = nullptr,
                    const std::vector<std::string>& swept = {});

// The command line as one string, recorded in provenance.
const std::string& command_line();
void set_command_line(int argc, char** argv);

// Writes `content` to `path` atomically, or to stdout if path is empty or "-".
void emit(const std::string& path, const std::string& content);

// A progress bar on stderr, shown only when stderr is a terminal.
class Progress {
 public:
  Progress(std::string label, double total);
  ~Progress();
  void update(double done);
  void finish();

 private:
  std::string label_;
  double total_;
  bool active_;
  double start_;
  double last_draw_ = -1.0;
};

// Installs SIGINT/SIGTERM handlers that set a flag polled by long runs.
void install_signal_handlers();
bool interrupted();

// MPI (a build with ERGON_WITH_MPI; otherwise one rank): start and stop,
// abort every rank, this process's role.
void mpi_start(int* argc, char*** argv);
void mpi_stop();
[[noreturn]] void mpi_abort(int code);
int mpi_size();
bool is_root_rank();

// Solves the points `indices` of a sweep grid here or, under MPI, across the
// ranks (rank 0 dispatches, receives every record and calls `finished`;
// other ranks only solve). Results do not depend on the distribution.
// Under MPI with several ranks: one sampler run's trajectory groups are
// shared round-robin among the ranks and the partial runs combined, so every
// rank ends with the single-process result (rank 0 writes it).
void distribute_trajectories(RunControl& control);
void distribute_sweep_points(const std::vector<Config>& configs, const std::vector<std::vector<double>>& coordinates,
                             const std::vector<int>& indices, Method method, const RunControl& control,
                             const std::function<void(SweepRecord&&)>& finished,
                             const std::function<void(int done, int total)>& progress);

// A sweep with a checkpoint directory (none if empty): with `resume`, the
// points already there are kept and only the missing ones solved. Throws
// interrupted_sweep (naming the checkpoint) on SIGINT/SIGTERM. Returns the
// records in grid order (on rank 0; other ranks get none).
std::vector<SweepRecord> run_checkpointed_sweep(const Config& base, const std::vector<SweepAxis>& axes, Method method,
                                                const RunControl& control, const std::string& checkpoint_dir,
                                                bool resume, const std::function<void(double)>& progress);

// Subcommand registration; each returns the subcommand so main can dispatch.
void add_config_command(CLI::App& app);
void add_coefficients_command(CLI::App& app);
void add_reproduce_command(CLI::App& app);
void add_steady_command(CLI::App& app);
void add_sweep_command(CLI::App& app);
void add_threshold_command(CLI::App& app);
void add_analyze_command(CLI::App& app);
void add_validate_command(CLI::App& app);

}  // namespace ergon::cli
