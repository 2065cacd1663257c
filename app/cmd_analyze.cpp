// `ergon analyze`: thermodynamics of a state from a file.
#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "ergon/analyze.hpp"
#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "ergon/io.hpp"

namespace ergon::cli {

namespace {

// FILE.csv, FILE.h5 (the group named by the option) or FILE.h5:GROUP (e.g.
// run.h5:points/000003/radial from a sweep).
struct Input {
  std::string file, group;
  bool hdf5 = false;
};

Input parse_input(const std::string& text, const std::string& default_group) {
  for (const char* ext : {".h5:", ".hdf5:"}) {
    const auto pos = text.find(ext);
    if (pos != std::string::npos) {
      const auto cut = pos + std::string(ext).size() - 1;
      return {text.substr(0, cut), text.substr(cut + 1), true};
    }
  }
  return {text, default_group, is_hdf5_path(text)};
}

CsvData read_table(const Input& in) { return in.hdf5 ? read_hdf5_table(in.file, in.group) : read_csv(in.file); }

}  // namespace

void add_analyze_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("analyze",
                                 "thermodynamic summary of a state from a file: --wigner, --radial or --populations");
  static DeviceOptions dev;
  static std::string wigner, radial, populations, temperature, out;
  static int n_max = 0;
  static bool json = false;
  cmd->add_option("--config", dev.config_file, "TOML configuration (w0 and the reference temperature)");
  cmd->add_option("--set", dev.sets, "override one key (repeatable)")->type_name("KEY=VALUE")->take_all();
  auto* g = cmd->add_option_group("input", "exactly one input file");
  g->add_option("--wigner", wigner,
                "CSV with columns re_alpha, im_alpha, W (a regular grid, any order), or an ergon FILE.h5[:GROUP]");
  g->add_option("--radial", radial,
                "CSV with columns y, P_y (y = |alpha|^2 increasing, int P_y dy = 1), or FILE.h5[:GROUP]");
  g->add_option("--populations", populations,
                "CSV with columns n, p_n (n = 0, 1, 2, ... in order), or FILE.h5[:GROUP]");
  g->require_option(1);
  cmd->add_option("--temperature", temperature, "reference temperature of W_F (thermo.temperature)")->type_name("T");
  cmd->add_option("--n-max", n_max, "largest Fock number for --wigner (default: from the grid extent), <= 4000")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", json, "print the summary as JSON");
  cmd->add_option("-o,--output", out, "write summary.json and populations.csv into DIR");
  cmd->callback([] {
    if (!out.empty()) prepare_output_directory(out);  // an unwritable output fails before the work
    const Input in = !populations.empty() ? parse_input(populations, "populations")
                     : !radial.empty()    ? parse_input(radial, "radial")
                                          : parse_input(wigner, "wigner");
    // An ergon HDF5 result carries its configuration: w0 and T come from it
    // unless --config says otherwise.
    DeviceOptions opts = dev;
    Config config;
    if (in.hdf5 && opts.config_file.empty()) {
      const auto meta = read_hdf5_metadata(in.file);
      if (meta.contains("provenance") && meta["provenance"].contains("config_toml"))
        load_config_text(config, meta["provenance"]["config_toml"].get<std::string>(), in.file);
      apply_assignments(config, opts.sets);
      validate(config);
    } else {
      config = build_config(opts);
    }
    if (!temperature.empty()) set_key(config, "thermo.temperature", temperature);
    const double T = reference_temperature(config);
    const double w0 = config.device.oscillator.w0;
    Analysis a;
    std::string file;
    if (!populations.empty()) {
      file = in.file;
      const CsvData d = read_table(in);
      const auto& n = d.column("n", file);
      const auto& p = d.column("p_n", file);
      for (std::size_t i = 0; i < n.size(); ++i)
        if (n[i] != static_cast<double>(i))
          throw messages::malformed_file(file, d.lines[i],
                                         fmt::format("n = {} where {} was expected (n = 0, 1, 2, ...)", n[i], i));
      for (std::size_t i = 0; i < p.size(); ++i)
        if (p[i] < -1e-6)
          throw messages::malformed_file(
              file, d.lines[i], fmt::format("p_n = {} < 0 at n = {}: probabilities cannot be negative", p[i], i));
      a = analyze_populations(p, w0, T);
    } else if (!radial.empty()) {
      file = in.file;
      const CsvData d = read_table(in);
      const auto& y = d.column("y", file);
      for (std::size_t i = 1; i < y.size(); ++i)
        if (!(y[i] > y[i - 1]))
          throw messages::malformed_file(file, d.lines[i], fmt::format("y = {} does not increase", y[i]));
      if (y.front() < 0) throw messages::malformed_file(file, d.lines[0], fmt::format("y = {} < 0", y.front()));
      a = analyze_radial(y, d.column("P_y", file), w0, T);
    } else {
      file = in.file;
      const CsvData d = read_table(in);
      a = analyze_wigner(d.column("re_alpha", file), d.column("im_alpha", file), d.column("W", file), w0, T, n_max,
                         stop_flag());
      if (interrupted()) throw messages::interrupted();
    }
    const auto& t = a.thermo;
    nlohmann::json j;
    j["input"] = file;
    j["source"] = a.source;
    for (const auto& [key, value] : named_values(t)) j[key] = value;
    j["temperature"] = T;
    j["w0"] = w0;
    j["n_max"] = a.populations.n_max;
    j["trace"] = a.populations.trace;
    j["negative_weight"] = a.populations.negative_weight;
    j["g2_defined"] = t.g2_defined;
    if (a.source == "wigner") j["off_diagonal_norm"] = a.off_diagonal;
    j["provenance"] = provenance(config, command_line());
    if (!out.empty()) {
      const OutputLock lock(out);
      std::filesystem::remove(out + "/summary.json");  // the marker goes first and comes back last
      CsvTable csv({"n", "p_n"});
      for (std::size_t n = 0; n < a.populations.p.size(); ++n)
        csv.add_row({static_cast<double>(n), a.populations.p[n]});
      write_file_atomic(out + "/populations.csv", csv.str());
      write_file_atomic(out + "/summary.json", j.dump(2) + "\n");
    }
    if (json) {
      emit("", j.dump(2) + "\n");
      return;
    }
    std::string s = fmt::format("ergon analysis of {} ({}), w0 = {}, T = {}\n", file, a.source, w0, T);
    s += fmt::format("  nbar {:.8g}\n  energy U {:.8g}\n", t.nbar, t.energy);
    if (t.g2_defined)
      s += fmt::format("  g2(0) {:.8g}\n  Mandel Q {:.8g}\n", t.g2, t.mandel_q);
    else
      s += "  g2(0) undefined (nbar below 1e-9: the vacuum)\n";
    s += fmt::format(
        "  entropy S {:.8g}\n  ergotropy W_E {:.8g}\n  free-energy work W_F {:.8g}\n  n_max {}\n  trace "
        "{:.10g}\n  negative weight {:.3g}\n",
        t.entropy, t.ergotropy, t.free_energy_work, a.populations.n_max, a.populations.trace,
        a.populations.negative_weight);
    if (a.source == "wigner") s += fmt::format("  off-diagonal norm {:.3g}\n", a.off_diagonal);
    emit("", s);
  });
}

}  // namespace ergon::cli
