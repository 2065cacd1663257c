// `ergon sweep`: steady states over a grid of any parameters.
#include <fmt/format.h>

#include <chrono>

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
  cmd->add_option("-o,--output", o.out, "directory for sweep.csv and sweep.json (default: CSV on stdout)");
  cmd->callback([] {
    DeviceOptions base_opts = o.device;
    base_opts.V.clear();
    base_opts.beta.clear();
    Config base = build_config(base_opts);
    apply_run_options(o.run, base);
    const auto axes = parse_axes(o.device.V, o.device.beta, o.sweeps);
    sweep_configs(base, axes);  // validates every point before any work
    if (!o.out.empty()) ensure_directory(o.out);
    Progress progress("sweep", 1.0);
    RunControl control;
    control.threads = o.run.threads;
    control.stop = stop_flag();
    const auto start = std::chrono::steady_clock::now();
    const auto points = run_sweep(base, axes, parse_method(o.run.method), control,
                                  [&](int done, int total) { progress.update(static_cast<double>(done) / total); });
    progress.finish();
    if (interrupted()) throw messages::interrupted();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::string csv = sweep_csv(axes, points);
    if (o.out.empty()) {
      emit("", csv);
    } else {
      write_file_atomic(o.out + "/sweep.csv", csv);
      write_file_atomic(o.out + "/sweep.json",
                        sweep_json(axes, points, base, o.run.method, wall, command_line()).dump(2) + "\n");
      std::fprintf(stderr, "ergon: %zu points in %.2f s -> %s/sweep.csv\n", points.size(), wall, o.out.c_str());
    }
  });
}

}  // namespace ergon::cli
