// `ergon analyze`: thermodynamics of a state from a file.
#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "ergon/analyze.hpp"
#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "ergon/io.hpp"
#include "ergon/io/arrays.hpp"

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

CsvData read_table(const Input& in, const std::string& text) {
  return in.hdf5 ? read_hdf5_table(in.file, in.group) : parse_csv(text, in.file);
}

// A text whose first data line starts with a number is a matrix
// (numpy.savetxt), not a CSV table with a header row.
bool is_text_matrix(const std::string& text) {
  std::size_t pos = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  while (pos < text.size()) {
    const auto end = std::min(text.find('\n', pos), text.size());
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    const char c0 = line.front();
    return std::isdigit(static_cast<unsigned char>(c0)) || c0 == '-' || c0 == '+' || c0 == '.' || c0 == '(';
  }
  return false;
}

// One named array of an .npz archive (the message lists what it holds).
NumericArray npz_array(const std::map<std::string, NumericArray>& arrays, const std::string& file,
                       const std::vector<std::string>& names) {
  for (const auto& name : names) {
    const auto it = arrays.find(name);
    if (it != arrays.end()) return it->second;
  }
  std::vector<std::string> held;
  for (const auto& [k, v] : arrays) held.push_back(k);
  throw messages::malformed_file(
      file, 0,
      fmt::format("no array named {} (the archive holds: {})", fmt::join(names, " or "), fmt::join(held, ", ")));
}

std::vector<double> vector_of(const NumericArray& a, const std::string& what) {
  if (a.shape.size() != 1 && !(a.shape.size() == 2 && (a.shape[0] == 1 || a.shape[1] == 1)))
    throw messages::malformed_file(a.origin, 0,
                                   fmt::format("{} must be a vector, not a {} x {} matrix", what, a.rows(), a.cols()));
  return a.real_values();
}

// An axis from a header comment of a text matrix: "xvec START:STOP:COUNT"
// or "xvec = v1, v2, ..." (numpy.savetxt(..., header="xvec -5:5:101")).
std::string header_axis(const std::vector<std::string>& comments, const std::string& name) {
  for (std::string_view c : comments) {
    while (!c.empty() && c.front() == ' ') c.remove_prefix(1);
    if (!c.starts_with(name)) continue;
    c.remove_prefix(name.size());
    if (c.empty() || !(c.front() == ' ' || c.front() == '=' || c.front() == ':')) continue;
    while (!c.empty() && (c.front() == ' ' || c.front() == '=' || c.front() == ':')) c.remove_prefix(1);
    std::string v(c);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
    v.erase(std::remove(v.begin(), v.end(), ' '), v.end());
    return v;
  }
  return {};
}

std::vector<double> axis_values(const std::string& option, const std::string& from_option,
                                const std::vector<std::string>& comments, const std::string& file) {
  const std::string name = option.substr(2);
  const std::string from_header = header_axis(comments, name);
  if (!from_option.empty() && !from_header.empty())
    throw messages::usage(fmt::format("{} is given both by {} and by the header line '# {} ...' of {}: give it once",
                                      name, option, name, file));
  if (from_option.empty() && from_header.empty())
    throw messages::usage(
        fmt::format("a Wigner matrix needs its axes: {} START:STOP:COUNT (or a header line "
                    "'# {} START:STOP:COUNT' in {})",
                    option, name, file));
  return from_option.empty() ? parse_values(file + ": # " + name, from_header) : parse_values(option, from_option);
}

Eigen::MatrixXcd matrix_of(const NumericArray& a) {
  if (a.shape.size() != 2 || a.rows() != a.cols())
    throw messages::malformed_file(a.origin, 0,
                                   a.shape.size() == 2
                                       ? fmt::format("a density matrix is square, not {} x {}", a.rows(), a.cols())
                                       : std::string("a density matrix is a square matrix, not a vector"));
  if (a.rows() > static_cast<std::size_t>(max_density_states) + 1)
    throw messages::density_too_large(static_cast<int>(a.rows()) - 1, max_density_states);
  const auto N = static_cast<Eigen::Index>(a.rows());
  Eigen::MatrixXcd rho(N, N);
  for (Eigen::Index i = 0; i < N; ++i)
    for (Eigen::Index j = 0; j < N; ++j) rho(i, j) = a.at(static_cast<std::size_t>(i), static_cast<std::size_t>(j));
  return rho;
}

}  // namespace

void add_analyze_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "analyze", "thermodynamic summary of a state from a file: --wigner, --radial, --populations or --density");
  static DeviceOptions dev;
  static std::string wigner, radial, populations, density, temperature, out, xvec, yvec, convention = "ergon";
  static double qutip_g = std::sqrt(2.0);
  static int n_max = 0;
  static bool json = false;
  cmd->add_option("--config", dev.config_file, "TOML configuration (w0 and the reference temperature)");
  cmd->add_option("--set", dev.sets, "override one key (repeatable)")->type_name("KEY=VALUE")->take_all();
  auto* g = cmd->add_option_group("input", "exactly one input file");
  g->add_option("--wigner", wigner,
                "CSV with columns re_alpha, im_alpha, W (a regular grid, any order), an ergon FILE.h5[:GROUP], "
                "or a matrix W[i, j] at (xvec[j], yvec[i]) as qutip.wigner returns it: a text matrix "
                "(numpy.savetxt), FILE.npy, or FILE.npz with arrays W, xvec, yvec");
  g->add_option("--radial", radial,
                "CSV with columns y, P_y (y = |alpha|^2 increasing, int P_y dy = 1), or FILE.h5[:GROUP]");
  g->add_option("--populations", populations,
                "CSV with columns n, p_n (n = 0, 1, 2, ... in order), a one-column file of p_n, FILE.npy, "
                "FILE.npz (array p_n or p), or FILE.h5[:GROUP]");
  g->add_option("--density", density,
                "density matrix rho_mn in the Fock basis: FILE.npy (complex or real), FILE.npz (array rho), or a "
                "text matrix with real or complex entries as numpy.savetxt writes them, e.g. (0.5+0.1j)");
  g->require_option(1);
  cmd->add_option("--xvec", xvec, "first axis of a Wigner matrix (its columns): START:STOP:COUNT or a list")
      ->type_name("RANGE");
  cmd->add_option("--yvec", yvec, "second axis of a Wigner matrix (its rows): START:STOP:COUNT or a list")
      ->type_name("RANGE");
  static CLI::Option* convention_option = nullptr;
  static CLI::Option* g_option = nullptr;
  convention_option =
      cmd->add_option("--convention", convention,
                      "phase-space axes of a Wigner input: ergon (Re, Im alpha; alpha = x/x0 + i p/p0, "
                      "int W d^2alpha = 1) or qutip (x, y of qutip.wigner(..., g): alpha = g (x + i y)/2)")
          ->capture_default_str();
  g_option = cmd->add_option("--g", qutip_g, "QuTiP's g of --convention qutip (default sqrt(2), QuTiP's default)");
  cmd->add_option("--temperature", temperature, "reference temperature of W_F (thermo.temperature)")->type_name("T");
  cmd->add_option("--n-max", n_max, "largest Fock number for --wigner (default: from the grid extent), <= 4000")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", json, "print the summary as JSON");
  cmd->add_option("-o,--output", out, "write summary.json and populations.csv into DIR");
  cmd->callback([] {
    if (!out.empty()) prepare_output_directory(out);  // an unwritable output fails before the work
    const Input in = !populations.empty() ? parse_input(populations, "populations")
                     : !radial.empty()    ? parse_input(radial, "radial")
                     : !density.empty()   ? parse_input(density, "density")
                                          : parse_input(wigner, "wigner");
    const PhaseSpaceConvention phase_space = parse_convention(convention, qutip_g);
    if ((!xvec.empty() || !yvec.empty()) && wigner.empty())
      throw messages::usage("--xvec and --yvec are the axes of a Wigner matrix (--wigner)");
    if (g_option->count() > 0 && phase_space.kind != PhaseSpaceConvention::Kind::qutip)
      throw messages::usage("--g is QuTiP's phase-space scale: it needs --convention qutip");
    if (convention_option->count() > 0 && wigner.empty())
      throw messages::usage("--convention is the phase space of a Wigner function (--wigner)");
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
    const std::string file = in.file;
    // A text file is read once (it may be a pipe): a matrix or a CSV table.
    const bool binary = in.hdf5 || is_npy_path(file) || is_npz_path(file);
    const std::string text = binary ? std::string() : read_file(file);
    const bool matrix = !binary && is_text_matrix(text);
    if (!populations.empty() && !in.hdf5 && (is_npy_path(file) || is_npz_path(file) || matrix)) {
      const NumericArray arr = is_npy_path(file)   ? read_npy(file)
                               : is_npz_path(file) ? npz_array(read_npz(file), file, {"p_n", "p", "populations"})
                                                   : parse_text_matrix(text, file);
      const auto p = vector_of(arr, "a population vector");
      for (std::size_t i = 0; i < p.size(); ++i)
        if (p[i] < -1e-6)
          throw messages::malformed_file(arr.origin, 0,
                                         fmt::format("p[{}] = {} < 0: probabilities cannot be negative", i, p[i]));
      a = analyze_populations(p, w0, T);
    } else if (!populations.empty()) {
      const CsvData d = read_table(in, text);
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
      const CsvData d = read_table(in, text);
      const auto& y = d.column("y", file);
      for (std::size_t i = 1; i < y.size(); ++i)
        if (!(y[i] > y[i - 1]))
          throw messages::malformed_file(file, d.lines[i], fmt::format("y = {} does not increase", y[i]));
      if (y.front() < 0) throw messages::malformed_file(file, d.lines[0], fmt::format("y = {} < 0", y.front()));
      a = analyze_radial(y, d.column("P_y", file), w0, T);
    } else if (!density.empty()) {
      if (in.hdf5) throw messages::usage("--density reads .npy, .npz or text matrices, not HDF5");
      const NumericArray arr = is_npy_path(file)   ? read_npy(file)
                               : is_npz_path(file) ? npz_array(read_npz(file), file, {"rho", "density_matrix"})
                                                   : parse_text_matrix(text, file);
      a = analyze_density_matrix(matrix_of(arr), w0, T);
    } else if (!in.hdf5 && (is_npy_path(file) || is_npz_path(file) || matrix)) {
      std::vector<std::string> comments;
      NumericArray W;
      std::vector<double> xs, ys;
      if (is_npz_path(file)) {
        const auto arrays = read_npz(file);
        W = npz_array(arrays, file, {"W", "wigner"});
        if (!xvec.empty() || !yvec.empty())
          throw messages::usage(fmt::format("{} carries its axes (xvec, yvec): drop --xvec and --yvec", file));
        xs = vector_of(npz_array(arrays, file, {"xvec", "x"}), "xvec");
        ys = vector_of(npz_array(arrays, file, {"yvec", "y"}), "yvec");
      } else {
        W = is_npy_path(file) ? read_npy(file) : parse_text_matrix(text, file, &comments);
        xs = axis_values("--xvec", xvec, comments, file);
        ys = axis_values("--yvec", yvec, comments, file);
      }
      if (W.shape.size() != 2 || W.rows() != ys.size() || W.cols() != xs.size())
        throw messages::malformed_file(
            W.origin, 0,
            fmt::format("the Wigner matrix is {} where len(yvec) x len(xvec) = {} x {} is expected (rows follow yvec, "
                        "columns xvec, as qutip.wigner returns it)",
                        W.shape.size() == 2 ? fmt::format("{} x {}", W.rows(), W.cols())
                                            : fmt::format("a vector of {}", W.size()),
                        ys.size(), xs.size()));
      a = analyze_wigner_matrix(xs, ys, W.real_values(), phase_space, w0, T, n_max, stop_flag());
      if (interrupted()) throw messages::interrupted();
    } else {
      const CsvData d = read_table(in, text);
      // Columns in QuTiP's x, y (--convention qutip) are converted to alpha.
      auto scaled = [&](const char* column, double factor) {
        std::vector<double> v = d.column(column, file);
        for (auto& e : v) e *= factor;
        return v;
      };
      const double s = phase_space.alpha_per_axis();
      a = analyze_wigner(scaled("re_alpha", s), scaled("im_alpha", s), scaled("W", phase_space.density_factor()), w0, T,
                         n_max, stop_flag());
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
    if (a.source == "wigner" || a.source == "density_matrix") j["off_diagonal_norm"] = a.off_diagonal;
    if (!wigner.empty()) j["convention"] = convention;
    if (!wigner.empty() && phase_space.kind == PhaseSpaceConvention::Kind::qutip) j["g"] = qutip_g;
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
        "  entropy S {:.8g}\n  ergotropy W_E {:.8g}\n    incoherent {:.8g}\n    coherent {:.8g}\n  free-energy "
        "work W_F {:.8g}\n  n_max {}\n  trace {:.10g}\n  negative weight {:.3g}\n",
        t.entropy, t.ergotropy, t.incoherent_ergotropy, t.coherent_ergotropy, t.free_energy_work, a.populations.n_max,
        a.populations.trace, a.populations.negative_weight);
    if (a.source == "wigner" || a.source == "density_matrix")
      s += fmt::format("  largest coherence |rho_mn| {:.3g}\n  off-diagonal norm {:.3g}\n", t.max_coherence,
                       a.off_diagonal);
    emit("", s);
  });
}

}  // namespace ergon::cli
