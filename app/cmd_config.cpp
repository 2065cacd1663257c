// `ergon config`: the effective configuration as TOML that can be fed back.
#include <fmt/format.h>

#include "cli.hpp"
#include "ergon/config.hpp"
#include "ergon/version.hpp"

namespace ergon::cli {

void add_config_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("config", "print the effective configuration as TOML (readable by --config)");
  static DeviceOptions opts;
  static std::string output;
  add_device_options(*cmd, opts);
  cmd->add_option("-o,--output", output, "write to FILE instead of stdout");
  cmd->callback([] {
    const Config config = build_config(opts);
    const std::string text = fmt::format(
        "# ergon {} effective configuration\n# bias convention: mu_L = +V, mu_R = -V\n{}", version(), to_toml(config));
    emit(output, text);
  });
}

}  // namespace ergon::cli
