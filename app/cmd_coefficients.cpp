// `ergon coefficients`: the electronic coefficients against x/x0 (Figs. 5-7).
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "cli.hpp"
#include "ergon/config.hpp"
#include "ergon/electronic.hpp"
#include "ergon/io.hpp"

namespace ergon::cli {

// Columns x_over_x0, x, n, D, gamma, fdt_ratio = D / (m gamma) (+-inf where
// gamma vanishes exactly; never NaN since D > 0), current.
CsvData coefficient_columns(const ElectronicModel& model, const std::vector<double>& x_over_x0, int threads) {
  const MechanicalMode mode = model.oscillator();
  const double x0 = mode.x0(), m = mode.mass;
  std::vector<double> x(x_over_x0.size());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = x_over_x0[i] * x0;
  const std::vector<Coefficients> rows = coefficients_at(model, x, threads, stop_flag());
  CsvData d;
  d.names = {"x_over_x0", "x", "n", "D", "gamma", "fdt_ratio", "current"};
  d.columns.assign(d.names.size(), {});
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& c = rows[i];
    const double row[] = {x_over_x0[i], c.x, c.n, c.D, c.gamma, c.D / (m * c.gamma), c.current};
    for (std::size_t k = 0; k < d.names.size(); ++k) d.columns[k].push_back(row[k]);
    d.lines.push_back(static_cast<long>(i + 2));
  }
  return d;
}

std::string coefficient_csv(const ElectronicModel& model, const std::vector<double>& x_over_x0, int threads) {
  const CsvData d = coefficient_columns(model, x_over_x0, threads);
  CsvTable csv(d.names, {"fdt_ratio"});  // +-inf where gamma vanishes exactly
  for (std::size_t i = 0; i < d.rows(); ++i) {
    std::vector<double> row;
    for (const auto& col : d.columns) row.push_back(col[i]);
    csv.add_row(row);
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
                  "write CSV to FILE atomically (and FILE.json with provenance), or FILE.h5 (HDF5); default stdout");
  cmd->add_option("--threads", threads, "worker threads (default: all cores)")->check(CLI::Range(0, 1024));
  cmd->callback([] {
    const Config config = build_config(opts);
    const auto xs = parse_values("--x-range", range);
    const auto model_ptr = make_electronic_model(config);
    const ElectronicModel& model = *model_ptr;
    nlohmann::json meta;
    meta["file"] = output;
    meta["columns"] = {"x_over_x0", "x", "n", "D", "gamma", "fdt_ratio", "current"};
    meta["model"] = model.name();
    meta["N0"] = model.N0();
    meta["F"] = model.oscillator().F;
    meta["x0"] = model.oscillator().x0();
    meta["provenance"] = provenance(config, command_line());
    // The model's validity conditions (the table does not depend on the
    // oscillator's state, so only the model's own): recorded, and the
    // violated ones named on stderr (stdout may carry the table).
    meta["diagnostics"] = nlohmann::json::array();
    for (const Diagnostic& d : model.diagnostics()) {
      meta["diagnostics"].push_back(
          {{"name", d.name}, {"ratio", d.ratio}, {"limit", d.limit}, {"violated", d.violated()}, {"text", d.text}});
      if (d.violated()) fmt::print(stderr, "ergon: warning: {} = {:.3g} > {} ({})\n", d.name, d.ratio, d.limit, d.text);
    }
    // Held until the table and its side file are written.
    std::optional<OutputLock> lock;
    if (!output.empty() && output != "-" && !is_stream_output(output)) lock.emplace(output + ".lock");
    if (is_hdf5_path(output)) {
      // fdt_ratio is +-inf where gamma vanishes exactly; HDF5 keeps finite numbers only.
      CsvData table = coefficient_columns(model, xs, threads);
      for (std::size_t k = 0; k < table.names.size(); ++k)
        if (table.names[k] == "fdt_ratio") {
          table.names.erase(table.names.begin() + static_cast<std::ptrdiff_t>(k));
          table.columns.erase(table.columns.begin() + static_cast<std::ptrdiff_t>(k));
          break;
        }
      write_table_hdf5(output, "coefficients", table, meta);
      return;
    }
    emit(output, coefficient_csv(model, xs, threads));
    if (!output.empty() && output != "-" && !is_stream_output(output))
      write_file_atomic(output + ".json", meta.dump(2) + "\n");
  });
}

}  // namespace ergon::cli
