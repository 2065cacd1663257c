// `ergon threshold`: where the oscillator starts to lase.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "ergon/io.hpp"
#include "ergon/sweep.hpp"
#include "ergon/threshold.hpp"

namespace ergon::cli {

void add_threshold_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "threshold", "bias where gamma(x=0) changes sign, and where the ergotropy first exceeds its error bar");
  static DeviceOptions dev;
  static RunOptions run;
  static std::string range;
  static bool json = false;
  cmd->add_option("--config", dev.config_file, "TOML configuration file");
  cmd->add_option("--set", dev.sets, "override one key (repeatable)")->type_name("KEY=VALUE")->take_all();
  cmd->add_option("--beta", dev.beta, "inverse temperature of both leads")->type_name("BETA");
  add_run_options(*cmd, run, "averaged");
  cmd->add_option("--V-range", range,
                  "biases scanned for the ergotropy threshold: START:STOP:COUNT (default: 0 to twice the damping "
                  "threshold in 81 steps)");
  cmd->add_flag("--json", json, "print the result as JSON");
  cmd->callback([] {
    const Config base = build_config(dev, &run, {"V"});  // the scan sets the bias
    const double Vg = damping_threshold(base);
    const auto biases =
        range.empty() ? parse_values("--V-range", fmt::format("0:{}:81", 2 * Vg)) : parse_values("--V-range", range);
    RunControl control;
    control.threads = run.threads;
    control.stop = stop_flag();
    const Method method = parse_method(run.method);
    const auto we = ergotropy_threshold(base, biases, method, control);
    if (interrupted()) throw messages::interrupted();
    if (json) {
      nlohmann::json j;
      j["damping_threshold"] = Vg;
      j["ergotropy_threshold"] = we.found ? nlohmann::json(we.bias) : nlohmann::json(nullptr);
      j["ergotropy_threshold_resolution"] = we.resolution;
      j["ergotropy_threshold_below_scan"] = we.below_scan;
      j["method"] = run.method;
      j["bias_convention"] = "mu_L = +V, mu_R = -V";
      j["provenance"] = provenance(base, command_line());
      emit("", j.dump(2) + "\n");
      return;
    }
    std::string out;
    out += fmt::format("damping threshold:   V = {:.7f}  (gamma(x = 0) changes sign; mu_L = +V, mu_R = -V)\n", Vg);
    if (we.found && we.below_scan)
      out += fmt::format(
          "ergotropy threshold: at or below V = {:.4f}, the first scanned bias (W_E = {:.3g} already "
          "exceeds its error bar there; scan from a lower V; {} method)\n",
          we.bias, we.ergotropy, run.method);
    else if (we.found)
      out += fmt::format("ergotropy threshold: V = {:.4f} +- {:.2g}  (W_E = {:.3g} exceeds its error bar; {} method)\n",
                         we.bias, we.resolution, we.ergotropy, run.method);
    else
      out += fmt::format("ergotropy threshold: not reached for V up to {} ({} method)\n", biases.back(), run.method);
    out += "configuration:\n" + to_toml(base);
    emit("", out);
  });
}

}  // namespace ergon::cli
