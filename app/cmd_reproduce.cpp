// `ergon reproduce`: the data and figures of the paper from built-in defaults.
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "cli.hpp"
#include "ergon/config.hpp"
#include "ergon/electronic.hpp"
#include "ergon/errors.hpp"
#include "ergon/io.hpp"
#include "ergon/steady.hpp"
#include "ergon/sweep.hpp"
#include "ergon/threshold.hpp"

extern char** environ;

namespace ergon::cli {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Runs `python3 -m ergon.plot DIR` with the project's python/ on PYTHONPATH.
int render_figures(const std::string& dir) {
  const char* py_env = std::getenv("ERGON_PYTHON");
  const std::string python = py_env && *py_env ? py_env : "/usr/bin/python3";
  const char* dir_env = std::getenv("ERGON_PYTHON_DIR");
  const std::string path = dir_env && *dir_env ? dir_env : ERGON_PYTHON_DIR;
  const char* old = std::getenv("PYTHONPATH");
  const std::string pythonpath = "PYTHONPATH=" + path + (old && *old ? ":" + std::string(old) : "");
  std::vector<std::string> env_strings = {pythonpath, "MPLBACKEND=Agg"};
  for (char** e = environ; *e; ++e)
    if (std::string(*e).rfind("PYTHONPATH=", 0) != 0 && std::string(*e).rfind("MPLBACKEND=", 0) != 0)
      env_strings.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = {python, "-m", "ergon.plot", dir};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, python.c_str(), nullptr, nullptr, argv.data(), envp.data()) != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A steady state from an interrupted run is kept only if it was computed with
// this configuration (summary.json is the last file of a steady state written).
bool same_run(const std::string& summary_path, const Config& config) {
  if (!std::filesystem::exists(summary_path)) return false;
  try {
    const auto j = nlohmann::json::parse(read_file(summary_path));
    return j.at("provenance").at("config_toml").get<std::string>() == to_toml(config);
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

void add_reproduce_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("reproduce", "regenerate the data and PNG figures of the paper (Figs. 2-7) into DIR");
  static DeviceOptions opts;
  static std::string dir = "results";
  static int threads = 0;
  static bool quick = false;
  static bool resume = false;
  cmd->add_option("--config", opts.config_file, "TOML configuration file (default: the paper's parameters)");
  cmd->add_option("--set", opts.sets, "override one key (repeatable)")->type_name("KEY=VALUE")->take_all();
  cmd->add_option("-o,--output", dir, "output directory")->capture_default_str();
  cmd->add_option("--threads", threads, "worker threads (default: all cores)")->check(CLI::Range(0, 1024));
  cmd->add_flag("--quick", quick, "smaller budgets and sweeps (a few minutes on 2 cores)");
  cmd->add_flag("--resume", resume, "continue an interrupted run: keep finished steady states and sweep points in DIR");
  cmd->callback([] {
    const auto start = std::chrono::steady_clock::now();
    const Config base = build_config(opts);
    ensure_directory(dir);
    const OutputLock lock(dir);  // one run at a time in DIR
    RunControl control;
    control.threads = threads;
    control.stop = stop_flag();
    auto say = [&](const std::string& what) {
      std::fprintf(stderr, "[%6.1f s] %s\n", seconds_since(start), what.c_str());
    };

    // Figs. 5 and 6: coefficients at several biases; Fig. 7: temperatures.
    const auto xs = parse_values("--x-range", "-20:20:401");
    for (double V : {0.0, 2.0, 4.0, 6.0, 10.0, 16.0}) {
      Config c = base;
      set_bias(c.device, V);
      write_file_atomic(fmt::format("{}/fig5_coefficients_V{}.csv", dir, V),
                        coefficient_csv(*make_electronic_model(c), xs, threads));
    }
    for (double beta : {0.25, 0.5, 1.0, 2.0}) {
      Config c = base;
      set_bias(c.device, 15.0);
      c.device.left.beta = c.device.right.beta = beta;
      write_file_atomic(fmt::format("{}/fig7_coefficients_beta{}.csv", dir, beta),
                        coefficient_csv(*make_electronic_model(c), xs, threads));
    }
    say("coefficients for Figs. 5-7");

    // Threshold.
    const double Vg = damping_threshold(base);
    nlohmann::json th;
    th["damping_threshold"] = Vg;
    th["bias_convention"] = "mu_L = +V, mu_R = -V";
    write_file_atomic(dir + "/threshold.json", th.dump(2) + "\n");
    say(fmt::format("damping threshold V = {:.6f}", Vg));

    // Fig. 2: the sampler's steady states below, just above and far above threshold.
    Config sampled = base;
    if (quick) sampled.langevin.time = 2e7;
    for (double V : {0.0, 6.0, 16.0}) {
      Config c = sampled;
      set_bias(c.device, V);
      if (resume && same_run(fmt::format("{}/fig2_V{}/summary.json", dir, V), c)) {
        say(fmt::format("Fig. 2 steady state at V = {}: kept from the interrupted run", V));
        continue;
      }
      const SteadyState s = solve_steady_state(c, Method::langevin, control);
      if (interrupted()) throw messages::interrupted();
      const std::string sub = fmt::format("{}/fig2_V{}", dir, V);
      ensure_directory(sub);
      write_steady_files(s, summary_json(s, command_line()), sub);
      say(fmt::format("Fig. 2 steady state at V = {} (U = {:.4g} +- {:.2g})", V, s.energy.value, s.energy.error));
    }

    // Figs. 3 and 4: sweeps over the bias by both methods.
    auto sweep = [&](Method method, const std::string& range, const Config& c, const std::string& name) {
      const std::vector<SweepAxis> axes = {{"V", parse_values("--V", range)}};
      const auto t0 = std::chrono::steady_clock::now();
      const std::string sub = dir + "/" + name;
      ensure_directory(sub);
      const auto points = run_checkpointed_sweep(c, axes, method, control, sub + "/checkpoint", resume, {});
      write_file_atomic(sub + "/sweep.csv", sweep_csv(axes, points));
      write_file_atomic(
          sub + "/sweep.json",
          sweep_json(axes, points, c, to_string(method), seconds_since(t0), command_line()).dump(2) + "\n");
      SweepCheckpoint(sub + "/checkpoint", "", 0).remove();
      say(fmt::format("{} sweep over V = {} ({} points)", to_string(method), range, points.size()));
    };
    sweep(Method::averaged, quick ? "0:20:41" : "0:20:201", base, "sweep_averaged");
    Config sweep_sampled = sampled;
    if (quick) sweep_sampled.langevin.time = 1e7;
    sweep(Method::langevin, quick ? "0:20:11" : "0:20:21", sweep_sampled, "sweep_langevin");

    // Self-oscillation maps over bias and gate (the level energy eps): W_E
    // by the averaged solver and gamma(x = 0) on a finer grid, whose zero
    // contour is the damping threshold; for the paper's level and for the
    // U = infinity dot in sequential tunnelling at Gamma = 0.02.
    auto map = [&](const Config& c, const std::string& name, const std::string& what) {
      const std::string sub = dir + "/" + name;
      ensure_directory(sub);
      const std::vector<SweepAxis> axes = {{"V", parse_values("--V", quick ? "0:20:11" : "0:20:31")},
                                           {"dot.eps", parse_values("dot.eps", quick ? "-4:4:9" : "-5:5:21")}};
      const auto t0 = std::chrono::steady_clock::now();
      const auto points = run_checkpointed_sweep(c, axes, Method::averaged, control, sub + "/checkpoint", resume, {});
      write_file_atomic(sub + "/sweep.csv", sweep_csv(axes, points));
      write_file_atomic(sub + "/sweep.json",
                        sweep_json(axes, points, c, "averaged", seconds_since(t0), command_line()).dump(2) + "\n");
      SweepCheckpoint(sub + "/checkpoint", "", 0).remove();
      const SweepAxis fine_V{"V", parse_values("--V", quick ? "0:20:41" : "0:20:101")};
      const SweepAxis fine_eps{"dot.eps", parse_values("dot.eps", quick ? "-4:4:33" : "-5:5:81")};
      const std::vector<double> g = damping_at_rest(c, fine_V, fine_eps, threads, control.stop);
      CsvTable csv({"V", "dot.eps", "gamma0"});
      for (std::size_t i = 0; i < fine_V.values.size(); ++i)
        for (std::size_t j = 0; j < fine_eps.values.size(); ++j)
          csv.add_row({fine_V.values[i], fine_eps.values[j], g[i * fine_eps.values.size() + j]});
      write_file_atomic(sub + "/damping.csv", csv.str());
      say(fmt::format("self-oscillation map of {} ({} points)", what, points.size()));
    };
    map(base, "map_paper", "the paper's level");
    Config dot = base;
    dot.electronic.model = "sequential";
    dot.electronic.spin = true;
    dot.electronic.max_electrons = 1;
    dot.device.left.Gamma = dot.device.right.Gamma = 0.02;
    map(dot, "map_dot", "the U = infinity dot");

    auto meta = provenance(base, command_line());
    meta["quick"] = quick;
    meta["wall_seconds"] = seconds_since(start);
    write_file_atomic(dir + "/provenance.json", meta.dump(2) + "\n");

    const int rc = render_figures(dir);
    if (rc != 0)
      throw Error(ErrorKind::io, fmt::format("the data is in {} but the figures were not rendered: '{} -m ergon.plot' "
                                             "failed (status {}); install python3-matplotlib (scripts/install-deps.sh)",
                                             dir, "/usr/bin/python3", rc));
    say(fmt::format("figures in {}/figures", dir));
  });
}

}  // namespace ergon::cli
