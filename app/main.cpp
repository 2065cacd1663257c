// ergon: command-line front end. Parses options, dispatches to a command,
// and turns every ergon::Error into one line on stderr and an exit status.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "cli.hpp"
#include "ergon/errors.hpp"
#include "ergon/isa.hpp"
#include "ergon/version.hpp"

namespace {

// Under MPI every rank runs main; `sweep` (points) and `steady` (trajectory
// groups) use the other ranks, the other commands run on rank 0 alone.
bool is_distributed(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (argv[i][0] != '-') return std::string(argv[i]) == "sweep" || std::string(argv[i]) == "steady";
  return false;
}

int run(int argc, char** argv);

}  // namespace

int main(int argc, char** argv) {
  ergon::cli::mpi_start(&argc, &argv);
  if (!ergon::cli::is_root_rank() && !is_distributed(argc, argv)) {
    ergon::cli::mpi_stop();
    return 0;
  }
  const int code = run(argc, argv);
  // A failing rank takes the others down rather than leaving them waiting.
  if (code != 0 && ergon::cli::mpi_size() > 1) ergon::cli::mpi_abort(code);
  ergon::cli::mpi_stop();
  return code;
}

namespace {

void report(const char* prefix, const char* what) {
  if (ergon::cli::is_root_rank()) std::fprintf(stderr, "ergon: %s: %s\n", prefix, what);
}

int run(int argc, char** argv) {
  using namespace ergon;
  cli::set_command_line(argc, argv);
  cli::install_signal_handlers();
  // ERGON_ISA forces every vectorised kernel's instruction set (benchmarks,
  // comparisons across machines); the results differ only in the last bits.
  if (const char* forced = std::getenv("ERGON_ISA"); forced && !isa::force(forced)) {
    report("error", (std::string("ERGON_ISA = '") + forced + "' is not an instruction set this CPU runs: use sse2" +
                     (isa::detected() >= isa::Level::avx2 ? ", avx2" : "") +
                     (isa::detected() >= isa::Level::avx512 ? ", avx512" : "") + " or unset it")
                        .c_str());
    return 2;
  }
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
  // A first word that names no command (CLI11 would only say that a
  // subcommand is required).
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> names;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
      names.push_back(sub->get_name());
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      report("error",
             ("'" + std::string(argv[1]) + "' is not an ergon command: use one of " + list + " (see 'ergon --help')")
                 .c_str());
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    report("error", (std::string(e.what()) + " (see 'ergon --help')").c_str());
    return 2;
  } catch (const Error& e) {
    report("error", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    report("internal error", e.what());
    return 70;
  }
  return 0;
}

}  // namespace
