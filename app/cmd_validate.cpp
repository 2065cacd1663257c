// `ergon validate`: the sampler against the averaged solver, and the
// integrators' convergence in dt (docs/validation.md).
#include <fmt/format.h>

#include <chrono>

#include "cli.hpp"
#include "ergon/config.hpp"
#include "ergon/cross_validation.hpp"
#include "ergon/errors.hpp"
#include "ergon/io.hpp"

namespace ergon::cli {

void add_validate_command(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("validate", "cross-validate the sampler and the averaged solver; integrator convergence");
  static DeviceOptions dev;
  static std::string dir = "validation", biases = "0,4,5,6,10,16", time;
  static int threads = 0;
  static bool quick = false;
  cmd->add_option("--config", dev.config_file, "TOML configuration file");
  cmd->add_option("--set", dev.sets, "override one key (repeatable)")->type_name("KEY=VALUE")->take_all();
  cmd->add_option("--V", biases, "biases to compare at")->capture_default_str();
  cmd->add_option("--time", time, "sampler time per bias (default 4e8; --quick 4e7)")->type_name("T");
  cmd->add_option("-o,--output", dir, "output directory")->capture_default_str();
  cmd->add_option("--threads", threads, "worker threads (default: all cores)")->check(CLI::Range(0, 1024));
  cmd->add_flag("--quick", quick, "smaller budgets (about a minute on 2 cores)");
  cmd->callback([] {
    const auto start = std::chrono::steady_clock::now();
    Config base = build_config(dev);
    base.langevin.time = time.empty() ? (quick ? 4e7 : 4e8) : parse_number("--time", time);
    validate(base);
    ensure_directory(dir);
    RunControl control;
    control.threads = threads;
    control.stop = stop_flag();
    const auto rows = cross_validate(base, parse_values("--V", biases), control);
    CsvTable csv({"V", "quantity_index", "averaged", "sampled", "stderr", "deviation_sigma"});
    std::string md = "| V | quantity | averaged | sampler | deviation |\n|---|---|---|---|---|\n";
    const std::vector<std::string> names = {"energy", "g2", "entropy", "ergotropy", "free_energy_work"};
    int beyond3 = 0;
    for (const auto& r : rows) {
      const auto idx = static_cast<double>(std::find(names.begin(), names.end(), r.quantity) - names.begin());
      csv.add_row({r.bias, idx, r.averaged, r.sampled.value, r.sampled.error, r.deviation()});
      md += fmt::format("| {} | {} | {:.6g} | {:.6g} +- {:.2g} | {:+.2f} sigma |\n", r.bias, r.quantity, r.averaged,
                        r.sampled.value, r.sampled.error, r.deviation());
      if (std::abs(r.deviation()) > 3) ++beyond3;
    }
    write_file_atomic(dir + "/comparison.csv",
                      "# quantity_index: 0 energy, 1 g2, 2 entropy, 3 ergotropy, 4 free_energy_work\n" + csv.str());
    const auto conv =
        integrator_convergence(base, quick ? std::vector<double>{0.25, 2.0} : std::vector<double>{0.25, 1.0, 2.0, 4.0},
                               quick ? std::vector<double>{0.002} : std::vector<double>{0.004, 0.002, 0.001},
                               base.langevin.time, base.langevin.time / (quick ? 20 : 40), control);
    CsvTable ct({"integrator_euler", "dt", "energy", "stderr", "reference", "predicted", "relative_bias"});
    md += "\n| integrator | dt | U | exact U | predicted | relative bias |\n|---|---|---|---|---|---|\n";
    for (const auto& p : conv) {
      ct.add_row({p.integrator == Integrator::euler ? 1.0 : 0.0, p.dt, p.energy.value, p.energy.error, p.reference,
                  p.predicted, p.relative_bias()});
      md += fmt::format("| {} | {} | {:.5g} +- {:.2g} | {:.6g} | {:.5g} | {:+.2f} % |\n", to_string(p.integrator), p.dt,
                        p.energy.value, p.energy.error, p.reference, p.predicted, 100 * p.relative_bias());
    }
    write_file_atomic(dir + "/convergence.csv", ct.str());
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    md += fmt::format("\n{} of {} comparisons beyond 3 standard errors; {:.0f} s.\n", beyond3, rows.size(), wall);
    write_file_atomic(dir + "/validation.md", md);
    auto meta = provenance(base, command_line());
    meta["wall_seconds"] = wall;
    write_file_atomic(dir + "/provenance.json", meta.dump(2) + "\n");
    emit("", md);
  });
}

}  // namespace ergon::cli
