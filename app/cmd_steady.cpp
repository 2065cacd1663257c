// `ergon steady`: the oscillator's non-equilibrium steady state at one bias.
#include <fmt/format.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli.hpp"
#include "ergon/config.hpp"
#include "ergon/electronic.hpp"
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
  cmd->add_option("-o,--output", o.dir,
                  "write summary.json, wigner.csv, radial.csv, populations.csv into DIR, or everything (with the "
                  "coefficients over the Wigner grid's x range) into FILE.h5");
  cmd->add_flag("--json", o.json, "print the summary as JSON on stdout");
  cmd->callback([] {
    const Config config = build_config(o.device, &o.run);
    const bool h5 = is_hdf5_path(o.dir);
    if (h5 && !hdf5_available()) write_steady_hdf5(o.dir, SteadyState{}, {}, {});  // names the missing option
    // Held until the files are written: two runs never mix one output.
    std::optional<OutputLock> lock;
    if (!o.dir.empty() && is_root_rank()) {
      if (!h5) prepare_output_directory(o.dir);
      lock.emplace(h5 ? o.dir + ".lock" : o.dir);
    }
    Progress progress("steady", 1.0);
    RunControl control;
    control.threads = o.run.threads;
    control.stop = stop_flag();
    control.progress = [&](double f) { progress.update(f); };
    const Method method = parse_method(o.run.method);
    if (method == Method::averaged && !is_root_rank()) return;  // nothing to share
    distribute_trajectories(control);
    const SteadyState state = solve_steady_state(config, method, control);
    if (interrupted()) throw messages::interrupted();
    progress.finish();
    if (!is_root_rank()) return;  // every rank holds the result; rank 0 writes it
    const nlohmann::json summary = summary_json(state, command_line());
    if (h5) {
      // Coefficients on 401 points across the Wigner grid's x extent (alpha = x/x0 + i p/p0).
      const double a = state.wigner.alpha_max;
      std::vector<double> xs(401);
      for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = -a + 2 * a * static_cast<double>(i) / 400.0;
      CsvData coefficients = coefficient_columns(*make_electronic_model(config), xs, o.run.threads);
      for (std::size_t k = 0; k < coefficients.names.size(); ++k)
        if (coefficients.names[k] == "fdt_ratio") {  // +-inf where gamma = 0; derivable from D and gamma
          coefficients.names.erase(coefficients.names.begin() + static_cast<std::ptrdiff_t>(k));
          coefficients.columns.erase(coefficients.columns.begin() + static_cast<std::ptrdiff_t>(k));
          break;
        }
      write_steady_hdf5(o.dir, state, summary, coefficients);
    } else if (!o.dir.empty()) {
      write_steady_files(state, summary, o.dir);
    }
    if (o.json)
      emit("", summary.dump(2) + "\n");
    else
      emit("", format_summary(state));
  });
}

}  // namespace ergon::cli
