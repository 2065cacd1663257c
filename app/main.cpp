// ergon: command-line front end. Parses options, dispatches to a command,
// and turns every ergon::Error into one line on stderr and an exit status.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli.hpp"
#include "ergon/errors.hpp"
#include "ergon/version.hpp"

int main(int argc, char** argv) {
  using namespace ergon;
  cli::set_command_line(argc, argv);
  cli::install_signal_handlers();
  CLI::App app{
      "ergon: extractable work stored in a current-driven nano-electromechanical oscillator.\n"
      "Bias convention: --V v sets mu_L = +v, mu_R = -v (electrochemical difference 2v), as in the paper's "
      "figures.\nUnits: hbar = e = k_B = 1.",
      "ergon"};
  app.set_version_flag("--version", std::string(version()) + " (" + git_commit() + ")");
  app.require_subcommand(1);
  cli::add_coefficients_command(app);
  cli::add_config_command(app);
  cli::add_steady_command(app);
  cli::add_sweep_command(app);
  cli::add_threshold_command(app);
  cli::add_analyze_command(app);
  cli::add_validate_command(app);
  cli::add_reproduce_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "ergon: error: %s (see 'ergon --help')\n", e.what());
    return 2;
  } catch (const Error& e) {
    std::fprintf(stderr, "ergon: error: %s\n", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ergon: internal error: %s\n", e.what());
    return 70;
  }
  return 0;
}
