// `ergon coefficients`: the electronic coefficients against x/x0 (Figs. 5-7).
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "ergon/config.hpp"
#include "ergon/electronic.hpp"
#include "ergon/io.hpp"
#include "ergon/parallel.hpp"

namespace ergon::cli {

std::string coefficient_csv(const ElectronicModel& model, const std::vector<double>& x_over_x0, int threads) {
  const double x0 = model.device().oscillator.x0();
  const double m = model.device().oscillator.mass;
  std::vector<Coefficients> rows(x_over_x0.size());
  parallel_for(static_cast<int>(rows.size()), threads, [&](int i) {
    rows[static_cast<std::size_t>(i)] = model.coefficients(x_over_x0[static_cast<std::size_t>(i)] * x0);
  });
  CsvTable csv({"x_over_x0", "x", "n", "D", "gamma", "fdt_ratio", "current"});
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& c = rows[i];
    // D / (m gamma); +-inf where gamma vanishes exactly (never NaN: D > 0).
    csv.add_row({x_over_x0[i], c.x, c.n, c.D, c.gamma, c.D / (m * c.gamma), c.current});
  }
  return csv.str();
}

void add_coefficients_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("coefficients",
                                 "tabulate <n>_x, D(x), gamma(x), D/(m gamma) and the current I(x) against x/x0 (CSV)");
  static DeviceOptions opts;
  static std::string range = "-20:20:401";
  static std::string output;
  static int threads = 0;
  add_device_options(*cmd, opts);
  cmd->add_option("--x-range", range, "x/x0 values: START:STOP:COUNT (both ends included) or a,b,c")
      ->capture_default_str();
  cmd->add_option("-o,--output", output,
                  "write CSV to FILE atomically (and FILE.json with provenance); default stdout");
  cmd->add_option("--threads", threads, "worker threads (default: all cores)")->check(CLI::NonNegativeNumber);
  cmd->callback([] {
    const Config config = build_config(opts);
    const auto xs = parse_values("--x-range", range);
    const ElectronicModel model(config.device);
    const std::string csv = coefficient_csv(model, xs, threads);
    emit(output, csv);
    if (!output.empty() && output != "-") {
      auto meta = provenance(config, command_line());
      meta["file"] = output;
      meta["columns"] = {"x_over_x0", "x", "n", "D", "gamma", "fdt_ratio", "current"};
      meta["N0"] = model.N0();
      meta["F"] = model.F();
      meta["x0"] = config.device.oscillator.x0();
      write_file_atomic(output + ".json", meta.dump(2) + "\n");
    }
  });
}

}  // namespace ergon::cli
