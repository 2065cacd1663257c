#include "cli.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "ergon/io.hpp"

namespace ergon::cli {
namespace {

std::string g_command_line;
std::atomic<bool> g_interrupted{false};

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

extern "C" void on_signal(int) { g_interrupted.store(true); }

}  // namespace

void add_device_options(CLI::App& cmd, DeviceOptions& opts, bool with_beta) {
  cmd.add_option("--config", opts.config_file, "TOML configuration file (see 'ergon config')");
  cmd.add_option("--set", opts.sets, "override one key, e.g. --set lead.L.mu=6 (repeatable)")
      ->type_name("KEY=VALUE")
      ->take_all();
  cmd.add_option("--V", opts.V, "bias V: sets mu_L = +V and mu_R = -V (the paper's figures' convention)")
      ->type_name("V");
  if (with_beta) cmd.add_option("--beta", opts.beta, "inverse temperature of both leads")->type_name("BETA");
}

void add_run_options(CLI::App& cmd, RunOptions& o, const char* default_method) {
  o.method = default_method;
  cmd.add_option("--method", o.method,
                 "langevin (sampler, error bars), averaged (energy-averaged Fokker-Planck) or heom (exact hierarchy; "
                 "[heom] keys)")
      ->capture_default_str();
  cmd.add_option("--integrator", o.integrator, "splitting (default) or euler (the paper's scheme)")->type_name("NAME");
  cmd.add_option("--dt", o.dt, "time step (langevin.dt)")->type_name("DT");
  cmd.add_option("--time", o.time, "sampled time over all trajectories (langevin.time)")->type_name("T");
  cmd.add_option("--trajectories", o.trajectories, "independent trajectories (langevin.trajectories)")->type_name("N");
  cmd.add_option("--seed", o.seed, "random seed (langevin.seed)")->type_name("S");
  cmd.add_option("--threads", o.threads, "worker threads (default: all cores); results do not depend on it")
      ->check(CLI::Range(0, 1024));
}

const std::atomic<bool>* stop_flag() { return &g_interrupted; }

Config build_config(const DeviceOptions& opts, const RunOptions* run, const std::vector<std::string>& swept) {
  ConfigRequest r;
  r.file = opts.config_file;
  if (!opts.V.empty()) r.V = parse_number("--V", opts.V);
  if (!opts.beta.empty()) r.beta = parse_number("--beta", opts.beta);
  r.V_origin = "--V";
  r.beta_origin = "--beta";
  for (const auto& s : opts.sets) r.assignments.push_back({"--set", s});
  if (run) {
    auto shortcut = [&](const char* option, const char* key, const std::string& value) {
      if (!value.empty()) r.assignments.push_back({option, std::string(key) + "=" + value});
    };
    shortcut("--integrator", "langevin.integrator", run->integrator);
    shortcut("--dt", "langevin.dt", run->dt);
    shortcut("--time", "langevin.time", run->time);
    shortcut("--trajectories", "langevin.trajectories", run->trajectories);
    shortcut("--seed", "langevin.seed", run->seed);
  }
  r.swept = swept;
  return ergon::build_config(r);
}

const std::string& command_line() { return g_command_line; }

void set_command_line(int argc, char** argv) {
  g_command_line.clear();
  for (int i = 0; i < argc; ++i) {
    if (i) g_command_line += ' ';
    g_command_line += argv[i];
  }
}

void emit(const std::string& path, const std::string& content) {
  if (path.empty() || path == "-") {
    std::fwrite(content.data(), 1, content.size(), stdout);
    std::fflush(stdout);
  } else {
    write_file_atomic(path, content);
  }
}

Progress::Progress(std::string label, double total)
    : label_(std::move(label)), total_(total), active_(::isatty(STDERR_FILENO) != 0), start_(now_seconds()) {}

Progress::~Progress() { finish(); }

void Progress::update(double done) {
  if (!active_) return;
  const double t = now_seconds();
  if (t - last_draw_ < 0.2) return;
  last_draw_ = t;
  const double frac = total_ > 0 ? std::min(1.0, done / total_) : 0.0;
  const double elapsed = t - start_;
  const double eta = frac > 0 ? elapsed * (1 - frac) / frac : 0.0;
  const int width = 30;
  const int filled = static_cast<int>(frac * width);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(width, '.');
  std::fprintf(stderr, "\r%s [%s] %5.1f%%  elapsed %.0fs  ETA %.0fs ", label_.c_str(), bar.c_str(), 100 * frac, elapsed,
               eta);
  std::fflush(stderr);
}

void Progress::finish() {
  if (!active_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  active_ = false;
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool interrupted() { return g_interrupted.load(); }

}  // namespace ergon::cli
