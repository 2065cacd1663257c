// Edge: steady-state result files and the terminal summary.
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <map>

#include "ergon/io/csv.hpp"
#include "ergon/io/files.hpp"
#include "ergon/io/provenance.hpp"
#include "ergon/io/steady_files.hpp"
#include "ergon/steady.hpp"
#include "ergon/units.hpp"

namespace ergon {
namespace {

// The SI context of a steady state with [units] energy set (the per-point
// quantities in SI, energies in ueV, current in nA, power in fW, are in
// summary_values): the lead temperature in mK, the mode as a cycle frequency
// f0 = w0 / 2 pi, the bias e (V_L - V_R) in mV, the sampler's times in s.
nlohmann::json si_values(const SteadyState& s) {
  const units::SiScale si = units::si_scale(s.config.units.energy);
  nlohmann::json j;
  j["temperature_mK"] = s.temperature * si.energy_J / units::boltzmann * 1e3;
  j["f0_Hz"] = s.config.device.oscillator.w0 * si.frequency_Hz();  // hbar w0 = h f0
  j["bias_mV"] = (s.config.device.left.mu - s.config.device.right.mu) * si.energy_J / units::elementary_charge * 1e3;
  if (s.method == Method::langevin) {
    j["dt_s"] = s.dt * si.time_s;
    j["time_s"] = s.time * si.time_s;
  }
  return j;
}
}  // namespace

nlohmann::json summary_json(const SteadyState& s, const std::string& command_line) {
  nlohmann::json j;
  j["method"] = to_string(s.method);
  j["integrator"] = s.method == Method::langevin ? to_string(s.config.langevin.integrator) : "none";
  j["dt"] = s.dt;
  j["time"] = s.time;
  j["trajectories"] = s.trajectories;
  j["seed"] = s.config.langevin.seed;
  j["steps"] = s.steps;
  j["wall_seconds"] = s.wall_seconds;
  j["steps_per_second"] = s.steps_per_second;
  j["bias"] = 0.5 * (s.config.device.left.mu - s.config.device.right.mu);
  for (const auto& [key, value] : summary_values(s)) j[key] = value;
  j["numerical_error"] = s.numerical_error;
  if (!s.isa.empty()) j["instruction_set"] = s.isa;
  j["table_extensions"] = s.table_extensions;
  nlohmann::json diags = nlohmann::json::array();
  for (const auto& d : s.diagnostics)
    diags.push_back(
        {{"name", d.name}, {"ratio", d.ratio}, {"limit", d.limit}, {"violated", d.violated()}, {"text", d.text}});
  j["diagnostics"] = diags;
  j["provenance"] = provenance(s.config, command_line);
  if (!s.config.units.energy.empty()) j["si"] = si_values(s);
  return j;
}

void write_steady_files(const SteadyState& s, const nlohmann::json& summary, const std::string& dir) {
  // First: drop the old completeness marker, so a run killed while writing
  // never leaves a summary.json next to another run's files.
  std::filesystem::remove(dir + "/summary.json");
  if (s.wigner.bins > 0) {  // absent for states computed inside a sweep
    CsvTable t({"re_alpha", "im_alpha", "W"});
    for (int i = 0; i < s.wigner.bins; ++i)
      for (int j = 0; j < s.wigner.bins; ++j) t.add_row({s.wigner.centre(i), s.wigner.centre(j), s.wigner.at(i, j)});
    write_file_atomic(dir + "/wigner.csv", t.str());
  }
  {
    CsvTable t({"y", "P_y", "stderr"});
    for (int i = 0; i < s.radial.bins; ++i) {
      const auto k = static_cast<std::size_t>(i);
      t.add_row({s.radial.centre(i), s.radial.density[k], s.radial_error.empty() ? 0.0 : s.radial_error[k]});
    }
    write_file_atomic(dir + "/radial.csv", t.str());
  }
  {
    const bool mc = !s.populations_mc.p.empty();
    std::vector<std::string> cols = {"n", "p_n", "stderr"};
    if (mc) cols.push_back("p_n_mc");
    CsvTable t(cols);
    for (std::size_t n = 0; n < s.populations.p.size(); ++n) {
      std::vector<double> row = {static_cast<double>(n), s.populations.p[n],
                                 s.populations.error.empty() ? 0.0 : s.populations.error[n]};
      // The Monte Carlo column stops at its own n_max; beyond, 0 is not a
      // measurement, so the column holds the last n with a value.
      if (mc) row.push_back(n < s.populations_mc.p.size() ? s.populations_mc.p[n] : 0.0);
      t.add_row(row);
    }
    write_file_atomic(dir + "/populations.csv", t.str());
  }
  if (s.density.size() > 0) {
    // The HEOM state as a numpy.savetxt complex matrix (rho[m, n] in row m),
    // which numpy.loadtxt(..., dtype=complex) and `ergon analyze --density` read.
    std::string text = "# ergon HEOM reduced oscillator state rho_mn, Fock states 0 .. N-1 (row m, column n)\n";
    for (Eigen::Index m = 0; m < s.density.rows(); ++m) {
      for (Eigen::Index n = 0; n < s.density.cols(); ++n)
        text += fmt::format("{}({:.17g}{:+.17g}j)", n ? " " : "", s.density(m, n).real(), s.density(m, n).imag());
      text += "\n";
    }
    write_file_atomic(dir + "/density.txt", text);
  }
  // Last: a summary.json marks a complete set of files.
  write_file_atomic(dir + "/summary.json", summary.dump(2) + "\n");
}

std::string format_summary(const SteadyState& s) {
  std::string out;
  const double V = 0.5 * (s.config.device.left.mu - s.config.device.right.mu);
  out += fmt::format("ergon steady state ({} method), V = {} (mu_L = {}, mu_R = {})\n", to_string(s.method), V,
                     s.config.device.left.mu, s.config.device.right.mu);
  auto line = [&](const char* name, const Estimate& e, const char* unit) {
    if (e.error > 0)
      out += fmt::format("  {:<28} {:>14.6g} +- {:<10.3g} {}\n", name, e.value, e.error, unit);
    else
      out += fmt::format("  {:<28} {:>14.6g}               {}\n", name, e.value, unit);
  };
  line("battery energy U = w0 nbar", s.energy, "[energy]");
  line("nbar", s.nbar, "");
  line("g2(0)", s.g2, "");
  line("Mandel Q", s.mandel_q, "");
  line("entropy S", s.entropy, "");
  line("ergotropy W_E", s.ergotropy, "[energy]");
  line("free-energy work W_F", s.free_energy_work, fmt::format("[energy], T = {}", s.temperature).c_str());
  line("current <I>", s.current, "[1/time]");
  line("<x^2>", s.x2, "");
  line("<p^2>", s.p2, "");
  out += fmt::format("  {:<28} {:>14}\n", "n_max", s.n_max);
  out += fmt::format("  {:<28} {:>14.3g}\n", "negative weight", s.negative_weight);
  if (s.method == Method::heom) {
    out += fmt::format("  {:<28} {:>14.10g}\n", "dot occupation", s.occupation);
    out += fmt::format("  {:<28} {:>14.6g}               [energy]\n", "coherent part of W_E", s.coherent_ergotropy);
    out += fmt::format(
        "  HEOM: N = {} Fock states, tier {}, {} poles per lead; GMRES {} iterations, residual {:.2g}, "
        "{:.2f} s; rho_(N-1,N-1) = {:.2g}, smallest eigenvalue {:.2g}\n",
        s.n_max + 1, s.heom_tier, s.heom_poles, s.heom_iterations, s.heom_residual, s.wall_seconds, s.fock_tail,
        s.smallest_eigenvalue);
    if (s.heom_error_fock >= 0 || s.heom_error_poles >= 0 || s.heom_error_tier >= 0) {
      auto e = [](double v) { return v >= 0 ? fmt::format("{:.2g}", v) : std::string("not checked"); };
      out += fmt::format(
          "  truncation errors (relative change of nbar or <I> on the last raise): N {}, poles {}, "
          "tier {}\n",
          e(s.heom_error_fock), e(s.heom_error_poles), e(s.heom_error_tier));
    }
  }
  if (s.method == Method::langevin)
    out += fmt::format("  {} steps in {:.2f} s ({:.3g} steps/s, {}), autocorrelation time {:.4g}\n", s.steps,
                       s.wall_seconds, s.steps_per_second, s.isa, s.autocorrelation_time);
  if (!s.config.units.energy.empty()) {
    const nlohmann::json si = si_values(s);
    std::map<std::string, double> v;
    for (const auto& [key, value] : summary_values(s)) v[key] = value;
    out += fmt::format(
        "  in SI ([units] energy = \"{}\"): f0 = w0 / 2 pi = {:.6g} Hz, U = {:.6g} ueV, W_E = {:.6g} ueV, "
        "W_F = {:.6g} ueV, T = {:.6g} mK\n",
        s.config.units.energy, si["f0_Hz"].get<double>(), v["energy_ueV"], v["ergotropy_ueV"],
        v["free_energy_work_ueV"], si["temperature_mK"].get<double>());
    out += fmt::format("  current {:.6g} nA, electrical power I (mu_L - mu_R) = {:.6g} fW at a bias of {:.6g} mV\n",
                       v["current_nA"], v["power_fW"], si["bias_mV"].get<double>());
  }
  for (const auto& d : s.diagnostics)
    if (d.violated()) out += fmt::format("  warning: {} = {:.3g} > {} ({})\n", d.name, d.ratio, d.limit, d.text);
  return out;
}

}  // namespace ergon
