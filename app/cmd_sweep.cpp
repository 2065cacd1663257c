// `ergon sweep`: steady states over a grid of any parameters, checkpointed
// point by point so that a killed sweep resumes where it stopped.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>

#include "cli.hpp"
#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "ergon/io.hpp"
#include "ergon/sweep.hpp"

namespace ergon::cli {

namespace {
struct SweepOptions {
  DeviceOptions device;  // --V and --beta are sweep axes here
  RunOptions run;
  std::vector<std::string> sweeps;
  std::string out;
  bool resume = false;
};
}  // namespace

std::vector<SweepAxis> parse_axes(const std::string& V, const std::string& beta,
                                  const std::vector<std::string>& sweeps) {
  std::vector<SweepAxis> axes;
  if (!V.empty()) axes.push_back({"V", parse_values("--V", V)});
  if (!beta.empty()) axes.push_back({"beta", parse_values("--beta", beta)});
  for (const auto& s : sweeps) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      throw messages::usage(fmt::format("--sweep '{}' is not of the form key=START:STOP:COUNT or key=a,b,c", s));
    const std::string key = s.substr(0, eq);
    Config probe;
    set_real(probe, key, 1.0);  // names an unknown or non-real key with its message
    axes.push_back({key, parse_values("--sweep " + key, s.substr(eq + 1))});
  }
  if (axes.empty()) throw messages::usage("ergon sweep needs at least one of --V, --beta, --sweep key=RANGE");
  return axes;
}

std::vector<SweepRecord> run_checkpointed_sweep(const Config& base, const std::vector<SweepAxis>& axes, Method method,
                                                const RunControl& control, const std::string& checkpoint_dir,
                                                bool resume, const std::function<void(double)>& progress) {
  std::vector<std::vector<double>> coords;
  const std::vector<Config> configs = sweep_configs(base, axes, &coords);
  const std::size_t total = configs.size();
  std::map<int, SweepRecord> done;
  std::optional<SweepCheckpoint> checkpoint;
  if (!checkpoint_dir.empty() && is_root_rank()) {
    checkpoint.emplace(checkpoint_dir, sweep_fingerprint(base, axes, to_string(method)), total);
    if (checkpoint->exists()) {
      std::vector<std::string> damaged;
      done = checkpoint->load(&damaged);
      for (const auto& file : damaged)
        std::fprintf(stderr, "ergon: %s is damaged (truncated or edited); computing that point again\n", file.c_str());
      if (!resume) throw messages::checkpoint_exists(checkpoint_dir, done.size());
      std::fprintf(stderr, "ergon: resuming: %zu of %zu points already done in %s\n", done.size(), total,
                   checkpoint_dir.c_str());
    }
    checkpoint->begin(command_line());
  }
  std::vector<int> missing;
  for (std::size_t i = 0; i < total; ++i)
    if (!done.count(static_cast<int>(i))) missing.push_back(static_cast<int>(i));
  std::mutex mutex;
  const std::size_t already = done.size();
  auto finished = [&](SweepRecord&& r) {
    if (checkpoint) checkpoint->save(r);
    const std::lock_guard<std::mutex> lock(mutex);
    done.emplace(r.index, std::move(r));
  };
  try {
    distribute_sweep_points(configs, coords, missing, method, control, finished, [&](int d, int) {
      if (progress) progress(static_cast<double>(already + static_cast<std::size_t>(d)) / static_cast<double>(total));
    });
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::interrupted && checkpoint) {
      const std::lock_guard<std::mutex> lock(mutex);
      throw messages::interrupted_sweep(done.size(), total, checkpoint_dir);
    }
    throw;
  }
  if (interrupted()) {
    if (checkpoint) throw messages::interrupted_sweep(done.size(), total, checkpoint_dir);
    throw messages::interrupted();
  }
  std::vector<SweepRecord> records;
  if (!is_root_rank()) return records;
  records.reserve(total);
  for (auto& [i, r] : done) records.push_back(std::move(r));
  return records;
}

void add_sweep_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("sweep", "steady states over a grid: --V RANGE, --beta LIST, --sweep key=RANGE");
  static SweepOptions o;
  cmd->add_option("--config", o.device.config_file, "TOML configuration file");
  cmd->add_option("--set", o.device.sets, "override one key (repeatable)")->type_name("KEY=VALUE")->take_all();
  cmd->add_option("--V", o.device.V, "bias values (mu_L = +V, mu_R = -V): START:STOP:COUNT or a,b,c")
      ->type_name("RANGE");
  cmd->add_option("--beta", o.device.beta, "inverse temperatures of both leads: START:STOP:COUNT or a,b,c")
      ->type_name("RANGE");
  cmd->add_option("--sweep", o.sweeps, "any real key: key=START:STOP:COUNT or key=a,b,c (repeatable)")
      ->type_name("KEY=RANGE")
      ->take_all();
  add_run_options(*cmd, o.run);
  cmd->add_option("-o,--output", o.out,
                  "directory for sweep.csv and sweep.json, or FILE.h5 for one HDF5 file (default: CSV on stdout); "
                  "finished points are checkpointed in DIR/checkpoint or FILE.h5.checkpoint");
  cmd->add_flag("--resume", o.resume, "continue an interrupted sweep from its checkpoint (same command and output)");
  cmd->callback([] {
    DeviceOptions base_opts = o.device;
    base_opts.V.clear();
    base_opts.beta.clear();
    const auto axes = parse_axes(o.device.V, o.device.beta, o.sweeps);
    std::vector<std::string> swept;
    for (const auto& a : axes) swept.push_back(a.key);
    const Config base = build_config(base_opts, &o.run, swept);
    const Method method = parse_method(o.run.method);
    sweep_configs(base, axes);  // validates every point before any work
    if (o.resume && o.out.empty()) throw messages::usage("--resume needs the -o output of the interrupted sweep");
    const bool h5 = is_hdf5_path(o.out);
    std::string checkpoint;
    if (!o.out.empty()) {
      if (h5) {
        checkpoint = o.out + ".checkpoint";
      } else {
        if (is_root_rank()) ensure_directory(o.out);
        checkpoint = o.out + "/checkpoint";
      }
    }
    std::optional<OutputLock> lock;  // held until the result is written and the checkpoint gone
    if (!o.out.empty() && is_root_rank()) lock.emplace(h5 ? o.out + ".lock" : o.out);
    // --resume of a sweep that already finished: nothing to compute.
    if (o.resume && is_root_rank() && !std::filesystem::exists(checkpoint + "/checkpoint.json")) {
      const std::string fingerprint = sweep_fingerprint(base, axes, o.run.method);
      std::string found;
      try {
        found = h5 ? read_hdf5_metadata(o.out).value("fingerprint", std::string())
                   : nlohmann::json::parse(read_file(o.out + "/sweep.json")).value("fingerprint", std::string());
        if (!h5) (void)read_csv(o.out + "/sweep.csv");  // complete: its trailer checks out
      } catch (const std::exception&) {
        found.clear();
      }
      if (!found.empty() && found == fingerprint) {
        std::fprintf(stderr, "ergon: %s already holds this sweep, complete; nothing to resume\n", o.out.c_str());
        return;
      }
    }
    Progress progress("sweep", 1.0);
    RunControl control;
    control.threads = o.run.threads;
    control.stop = stop_flag();
    const auto start = std::chrono::steady_clock::now();
    const auto records = run_checkpointed_sweep(base, axes, method, control, checkpoint, o.resume,
                                                [&](double f) { progress.update(f); });
    progress.finish();
    if (!is_root_rank()) return;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto meta = sweep_json(axes, records, base, o.run.method, wall, command_line());
    if (o.out.empty()) {
      emit("", sweep_csv(axes, records));
      return;
    }
    if (h5) {
      write_sweep_hdf5(o.out, axes, records, meta);
    } else {
      write_file_atomic(o.out + "/sweep.csv", sweep_csv(axes, records));
      write_file_atomic(o.out + "/sweep.json", meta.dump(2) + "\n");
    }
    SweepCheckpoint(checkpoint, "", 0).remove();
    std::fprintf(stderr, "ergon: %zu points in %.2f s -> %s\n", records.size(), wall,
                 h5 ? o.out.c_str() : (o.out + "/sweep.csv").c_str());
  });
}

}  // namespace ergon::cli
