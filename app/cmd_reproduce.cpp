// `ergon reproduce`: the data (and figures) of the paper from built-in defaults.
#include <fmt/format.h>

#include "cli.hpp"
#include "ergon/config.hpp"
#include "ergon/electronic.hpp"
#include "ergon/io.hpp"

namespace ergon::cli {

std::string coefficient_csv(const ElectronicModel& model, const std::vector<double>& x_over_x0, int threads);

void add_reproduce_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("reproduce", "regenerate the data of the paper's figures into DIR");
  static DeviceOptions opts;
  static std::string dir = "results";
  static int threads = 0;
  add_device_options(*cmd, opts);
  cmd->add_option("-o,--output", dir, "output directory")->capture_default_str();
  cmd->add_option("--threads", threads, "worker threads (default: all cores)")->check(CLI::NonNegativeNumber);
  cmd->callback([] {
    const Config base = build_config(opts);
    ensure_directory(dir);
    const auto xs = parse_values("--x-range", "-20:20:401");
    // Figs. 5 and 6: coefficients at several biases.
    for (double V : {0.0, 2.0, 4.0, 6.0, 10.0, 16.0}) {
      Config c = base;
      set_bias(c.device, V);
      const std::string file = fmt::format("{}/fig5_coefficients_V{}.csv", dir, V);
      write_file_atomic(file, coefficient_csv(ElectronicModel(c.device), xs, threads));
      std::printf("wrote %s\n", file.c_str());
    }
    // Fig. 7: coefficients at several temperatures, mu_L = -mu_R = 15.
    for (double beta : {0.25, 0.5, 1.0, 2.0}) {
      Config c = base;
      set_bias(c.device, 15.0);
      c.device.left.beta = c.device.right.beta = beta;
      const std::string file = fmt::format("{}/fig7_coefficients_beta{}.csv", dir, beta);
      write_file_atomic(file, coefficient_csv(ElectronicModel(c.device), xs, threads));
      std::printf("wrote %s\n", file.c_str());
    }
    auto meta = provenance(base, command_line());
    write_file_atomic(dir + "/provenance.json", meta.dump(2) + "\n");
  });
}

}  // namespace ergon::cli
