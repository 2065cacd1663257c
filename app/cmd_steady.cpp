// `ergon steady`: the oscillator's non-equilibrium steady state at one bias.
#include <fmt/format.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "ergon/io.hpp"
#include "ergon/steady.hpp"

namespace ergon::cli {

namespace {

struct SteadyOptions {
  DeviceOptions device;
  RunOptions run;
  std::string dir;
  bool json = false;
};

}  // namespace

void add_steady_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("steady", "steady state at one bias: energy, Wigner function, populations, work");
  static SteadyOptions o;
  add_device_options(*cmd, o.device);
  add_run_options(*cmd, o.run);
  cmd->add_option("-o,--output", o.dir, "write summary.json, wigner.csv, radial.csv, populations.csv into DIR");
  cmd->add_flag("--json", o.json, "print the summary as JSON on stdout");
  cmd->callback([] {
    Config config = build_config(o.device);
    apply_run_options(o.run, config);
    validate(config);
    if (!o.dir.empty()) ensure_directory(o.dir);
    Progress progress("steady", 1.0);
    RunControl control;
    control.threads = o.run.threads;
    control.stop = stop_flag();
    control.progress = [&](double f) { progress.update(f); };
    const SteadyState state = solve_steady_state(config, parse_method(o.run.method), control);
    if (interrupted()) throw messages::interrupted();
    progress.finish();
    const nlohmann::json summary = summary_json(state, command_line());
    if (!o.dir.empty()) write_steady_files(state, summary, o.dir);
    if (o.json)
      emit("", summary.dump(2) + "\n");
    else
      emit("", format_summary(state));
  });
}

}  // namespace ergon::cli
