// Edge: the command-line interface. Shared option handling for every
// subcommand; each command lives in its own cmd_*.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "ergon/parameters.hpp"

namespace ergon::cli {

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
// Applies the shortcuts to their configuration keys (langevin.*).
void apply_run_options(const RunOptions& opts, Config& config);
// The flag SIGINT/SIGTERM set; long runs poll it.
const std::atomic<bool>* stop_flag();

// Adds --config, --set, --V and --beta to a subcommand.
void add_device_options(CLI::App& cmd, DeviceOptions& opts, bool with_beta = true);

// Defaults <- config file <- --V / --beta <- --set; then validate.
Config build_config(const DeviceOptions& opts);

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
