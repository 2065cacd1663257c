// ergon's Python module (edge): every stage callable from Python with NumPy
// arrays in and out. Units follow docs/model.md (hbar = e = k_B = 1); the
// bias convention of V is mu_L = +V, mu_R = -V.
#include <pybind11/complex.h>
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <Eigen/Dense>
#include <atomic>
#include <complex>
#include <optional>
#include <string>

#include "ergon/analyze.hpp"
#include "ergon/config.hpp"
#include "ergon/electronic.hpp"
#include "ergon/errors.hpp"
#include "ergon/fock.hpp"
#include "ergon/heom.hpp"
#include "ergon/parallel.hpp"
#include "ergon/steady.hpp"
#include "ergon/sweep.hpp"
#include "ergon/thermodynamics.hpp"
#include "ergon/threshold.hpp"
#include "ergon/version.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

Array to_array(const std::vector<double>& v) {
  Array a(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

std::vector<double> to_vector(const Array& a, const char* name) {
  if (a.ndim() != 1) throw py::value_error(std::string(name) + " must be a one-dimensional array");
  return {a.data(), a.data() + a.size()};
}

// Runs fn with the GIL released; Ctrl-C sets the stop flag (checked by long
// runs through their progress callback, which re-acquires the GIL to poll
// Python's signal state) and surfaces as KeyboardInterrupt.
template <class Fn>
auto interruptible(int threads, Fn&& fn) {
  if (threads < 0 || threads > 1024)
    throw py::value_error("threads = " + std::to_string(threads) + " is not allowed: use 0 (all cores) .. 1024");
  std::atomic<bool> stop{false};
  ergon::RunControl control;
  control.threads = threads;
  control.stop = &stop;
  control.progress = [&stop](double) {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) {
      PyErr_Clear();
      stop = true;
    }
  };
  try {
    py::gil_scoped_release release;
    return fn(control);
  } catch (const ergon::Error& e) {
    if (e.kind() == ergon::ErrorKind::interrupted || stop.load()) {
      PyErr_SetNone(PyExc_KeyboardInterrupt);
      throw py::error_already_set();
    }
    throw;
  }
}

// ergon::Config with keyword construction and dotted-key item access.
struct ConfigHandle {
  ergon::Config config;
};

ConfigHandle make_config(const py::kwargs& kwargs) {
  ergon::ConfigRequest r;
  auto real = [](const py::handle& v, const char* name) {
    if (py::isinstance<py::bool_>(v) || !(py::isinstance<py::float_>(v) || py::isinstance<py::int_>(v)))
      throw py::type_error(std::string("Config: ") + name + " must be a real number, not " +
                           std::string(py::str(py::type::of(v).attr("__name__"))));
    return v.cast<double>();
  };
  for (const auto& [k, v] : kwargs) {
    const std::string key = py::str(k);
    if (key == "V") {
      if (!v.is_none()) r.V = real(v, "V");
    } else if (key == "beta") {
      if (!v.is_none()) r.beta = real(v, "beta");
    } else if (key == "file") {
      if (!v.is_none()) r.file = py::str(v);
    } else if (key == "settings") {
      if (v.is_none()) continue;
      if (!py::isinstance<py::dict>(v)) throw py::type_error("Config: settings must be a dict {key: value}");
      for (const auto& [sk, sv] : v.cast<py::dict>()) {
        const std::string name = py::str(sk);
        std::string text =
            py::isinstance<py::bool_>(sv) ? (sv.cast<bool>() ? "true" : "false") : std::string(py::str(sv));
        r.assignments.push_back({"settings", name + "=" + text});
      }
    } else {
      throw py::value_error("unknown argument '" + key +
                            "' to Config: use V, beta, file or settings={'lead.L.mu': 6.0, ...}");
    }
  }
  r.V_origin = "V";
  r.beta_origin = "beta";
  return ConfigHandle{ergon::build_config(r)};
}

py::dict steady_dict(const ergon::SteadyState& s) {
  py::dict summary;
  for (const auto& [k, v] : ergon::summary_values(s)) summary[py::str(k)] = v;
  summary["numerical_error"] = s.numerical_error;
  summary["method"] = ergon::to_string(s.method);
  if (s.method == ergon::Method::langevin) {
    summary["steps"] = s.steps;
    summary["wall_seconds"] = s.wall_seconds;
    summary["steps_per_second"] = s.steps_per_second;
  }
  py::dict out;
  out["summary"] = summary;
  // Wigner function W[i, j] at (re_alpha[i], im_alpha[j]).
  const int B = s.wigner.bins;
  Array W({B, B});
  std::copy(s.wigner.density.begin(), s.wigner.density.end(), W.mutable_data());
  std::vector<double> axis;
  for (int i = 0; i < B; ++i) axis.push_back(s.wigner.centre(i));
  out["wigner"] = py::dict("re_alpha"_a = to_array(axis), "im_alpha"_a = to_array(axis), "W"_a = W);
  std::vector<double> y;
  for (int i = 0; i < s.radial.bins; ++i) y.push_back(s.radial.centre(i));
  out["radial"] =
      py::dict("y"_a = to_array(y), "P_y"_a = to_array(s.radial.density),
               "stderr"_a = to_array(s.radial_error.empty() ? std::vector<double>(y.size(), 0.0) : s.radial_error));
  std::vector<double> n;
  for (std::size_t i = 0; i < s.populations.p.size(); ++i) n.push_back(static_cast<double>(i));
  out["populations"] = py::dict(
      "n"_a = to_array(n), "p_n"_a = to_array(s.populations.p),
      "stderr"_a = to_array(s.populations.error.empty() ? std::vector<double>(n.size(), 0.0) : s.populations.error));
  py::list diags;
  for (const auto& d : s.diagnostics)
    diags.append(py::dict("name"_a = d.name, "ratio"_a = d.ratio, "limit"_a = d.limit, "violated"_a = d.violated(),
                          "text"_a = d.text));
  out["diagnostics"] = diags;
  if (s.density.size() > 0) {  // HEOM: rho[m, n], a complex NumPy array
    const auto N = static_cast<py::ssize_t>(s.density.rows());
    py::array_t<std::complex<double>> rho({N, N});
    auto r = rho.mutable_unchecked<2>();
    for (py::ssize_t m = 0; m < N; ++m)
      for (py::ssize_t k = 0; k < N; ++k) r(m, k) = s.density(m, k);
    out["density"] = rho;
  }
  return out;
}

py::dict thermo_dict(const ergon::Thermodynamics& t) {
  py::dict d;
  for (const auto& [key, value] : ergon::named_values(t)) d[py::str(key)] = value;
  d["g2_defined"] = t.g2_defined;
  return d;
}

// An analysis as a dict: the thermodynamics, the populations (diagonal of
// rho) and the diagnostics of the input's quality.
py::dict analysis_dict(const ergon::Analysis& a, double w0) {
  py::dict out = thermo_dict(a.thermo);
  out["source"] = a.source;
  out["w0"] = w0;
  out["p_n"] = to_array(a.populations.p);
  out["n_max"] = a.populations.n_max;
  out["trace"] = a.populations.trace;
  out["negative_weight"] = a.populations.negative_weight;
  if (a.source == "wigner" || a.source == "density_matrix") out["off_diagonal_norm"] = a.off_diagonal;
  return out;
}

using ComplexArray = py::array_t<std::complex<double>, py::array::c_style | py::array::forcecast>;

Eigen::MatrixXcd to_matrix(const ComplexArray& rho) {
  if (rho.ndim() != 2 || rho.shape(0) != rho.shape(1))
    throw py::value_error("rho must be a square matrix (the density matrix in the Fock basis)");
  const auto N = static_cast<Eigen::Index>(rho.shape(0));
  Eigen::MatrixXcd R(N, N);
  for (Eigen::Index i = 0; i < N; ++i)
    for (Eigen::Index j = 0; j < N; ++j) R(i, j) = rho.at(i, j);
  return R;
}

}  // namespace

PYBIND11_MODULE(_ergon, m) {
  m.doc() = "ergon: extractable work in quantum electromechanics (compiled core).";
  m.attr("__version__") = ergon::version();
  m.attr("git_commit") = ergon::git_commit();
  m.attr("bias_convention") = "mu_L = +V, mu_R = -V";

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ergon::Error& e) {
      if (e.kind() == ergon::ErrorKind::config || e.kind() == ergon::ErrorKind::usage ||
          e.kind() == ergon::ErrorKind::input)
        PyErr_SetString(PyExc_ValueError, e.what());
      else if (e.kind() == ergon::ErrorKind::io)
        PyErr_SetString(PyExc_OSError, e.what());
      else if (e.kind() == ergon::ErrorKind::interrupted)
        PyErr_SetNone(PyExc_KeyboardInterrupt);
      else
        PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });

  py::class_<ConfigHandle>(m, "Config", R"(Effective configuration (every key of `ergon config`).

Config(V=None, beta=None, file=None, settings=None)
  V        bias: mu_L = +V, mu_R = -V [energy]
  beta     inverse temperature of both leads [1/energy]
  file     a TOML configuration file, read first
  settings {dotted key: value}, e.g. {'lead.L.width': 0.5, 'langevin.time': 1e7}
Any other argument, unknown key or invalid value raises ValueError naming it.
Item access: config['oscillator.w0'], config['langevin.seed'] = 3.)")
      .def(py::init(&make_config))
      .def("__getitem__",
           [](const ConfigHandle& c, const std::string& key) -> py::object {
             const std::string text = ergon::get_key(c.config, key);
             if (!text.empty() && text.front() == '"') return py::str(text.substr(1, text.size() - 2));
             if (text == "true" || text == "false") return py::bool_(text == "true");
             if (text.find_first_of(".eEn") == std::string::npos) return py::int_(std::stoll(text));
             return py::float_(std::stod(text));
           })
      .def("__setitem__",
           [](ConfigHandle& c, const std::string& key, const py::object& v) {
             const std::string text =
                 py::isinstance<py::bool_>(v) ? (v.cast<bool>() ? "true" : "false") : std::string(py::str(v));
             ergon::set_key(c.config, key, text);
           })
      .def("keys",
           [](const ConfigHandle&) {
             std::vector<std::string> k;
             for (const auto& info : ergon::config_keys()) k.push_back(info.name);
             return k;
           })
      .def("to_toml", [](const ConfigHandle& c) { return ergon::to_toml(c.config); })
      .def_property_readonly(
          "x0", [](const ConfigHandle& c) { return c.config.device.oscillator.x0(); },
          "zero-point length sqrt(2/(m w0))")
      .def_property_readonly(
          "p0", [](const ConfigHandle& c) { return c.config.device.oscillator.p0(); },
          "zero-point momentum sqrt(2 m w0)")
      .def_property_readonly(
          "F", [](const ConfigHandle& c) { return c.config.device.oscillator.F(); },
          "force per unit excess charge F = 2 lambda / x0")
      .def_property_readonly(
          "model", [](const ConfigHandle& c) { return c.config.electronic.model; }, "the electronic model's name")
      .def("__repr__", [](const ConfigHandle& c) { return "ergon.Config(\n" + ergon::to_toml(c.config) + ")"; });

  m.def(
      "coefficients",
      [](const ConfigHandle& c, const Array& x_over_x0, int threads) {
        const auto xs = to_vector(x_over_x0, "x_over_x0");
        const auto model = ergon::make_electronic_model(c.config);
        const double x0 = model->oscillator().x0();
        std::vector<double> positions(xs.size());
        for (std::size_t k = 0; k < xs.size(); ++k) positions[k] = xs[k] * x0;
        const auto rows = interruptible(threads, [&](const ergon::RunControl& ctl) {
          // Polls Python's signals while the positions are computed.
          std::vector<ergon::Coefficients> out;
          ergon::run_polling([&] { out = ergon::coefficients_at(*model, positions, ctl.threads, ctl.stop); },
                             [&] { ctl.progress(0.0); }, 100);
          return out;
        });
        std::vector<double> x(xs.size()), n(xs.size()), D(xs.size()), g(xs.size()), I(xs.size());
        for (std::size_t k = 0; k < rows.size(); ++k) {
          x[k] = rows[k].x;
          n[k] = rows[k].n;
          D[k] = rows[k].D;
          g[k] = rows[k].gamma;
          I[k] = rows[k].current;
        }
        return py::dict("x_over_x0"_a = to_array(xs), "x"_a = to_array(x), "n"_a = to_array(n), "D"_a = to_array(D),
                        "gamma"_a = to_array(g), "current"_a = to_array(I), "N0"_a = model->N0());
      },
      "config"_a, "x_over_x0"_a, "threads"_a = 0,
      R"(Electronic coefficients at positions x = x_over_x0 * x0 (arrays of the same shape):
n (excess charge <n>_x), D (momentum diffusion), gamma (damping rate, 1/time),
current (particles from L to R per time); N0 = <c^dag c> at F = 0.)");

  m.def(
      "heom_exponents",
      [](const ConfigHandle& c) {
        const ergon::Config& cfg = c.config;
        auto ex = ergon::lead_exponents(cfg.device.left, 0, cfg.heom.poles);
        for (const auto& e : ergon::lead_exponents(cfg.device.right, 1, cfg.heom.poles)) ex.push_back(e);
        std::vector<double> lead, sign;
        std::vector<std::complex<double>> amp, rate;
        for (const auto& e : ex) {
          lead.push_back(e.lead);
          sign.push_back(e.sign);
          amp.push_back(e.c);
          rate.push_back(e.nu);
        }
        return py::dict("lead"_a = to_array(lead), "sign"_a = to_array(sign), "c"_a = py::array(py::cast(amp)),
                        "nu"_a = py::array(py::cast(rate)));
      },
      "config"_a,
      R"(The exponents of the leads' correlation functions the HEOM solver uses,
C_a^s(t) = sum c exp(-nu t) (physics.md section 12), in its order (lead L then
R; per pole the "+" exponent, then its "-" partner): arrays lead (0 = L, 1 = R),
sign (+1, -1), c and nu (complex), with config.heom.poles Pade poles.)");

  m.def(
      "steady",
      [](const ConfigHandle& c, const std::string& method, int threads) {
        const ergon::Method mth = ergon::parse_method(method, "method");
        const auto s = interruptible(
            threads, [&](const ergon::RunControl& ctl) { return ergon::solve_steady_state(c.config, mth, ctl); });
        return steady_dict(s);
      },
      "config"_a, "method"_a = "averaged", "threads"_a = 0,
      R"(Steady state at the configuration: method 'averaged' (deterministic), 'langevin'
(sampler, standard errors) or 'heom' (the exact hierarchy; settings heom.tier, heom.poles,
heom.fock; adds density, the complex rho[m, n], and summary occupation,
coherent_ergotropy, heom_residual, heom_iterations, fock_tail). Returns a dict: summary (energy U = w0 nbar [energy], nbar, g2,
mandel_q, entropy, ergotropy, free_energy_work [energy], current [1/time], x2, p2, each
with '_stderr'), wigner (re_alpha, im_alpha, W[i, j] with int W d^2alpha = 1), radial
(y = |alpha|^2, P_y, stderr), populations (n, p_n, stderr), diagnostics.
Ctrl-C interrupts a long run (KeyboardInterrupt).)");

  m.def(
      "sweep",
      [](const ConfigHandle& c, const py::dict& axes, const std::string& method, int threads) {
        std::vector<ergon::SweepAxis> ax;
        for (const auto& [k, v] : axes) ax.push_back({py::str(k), to_vector(v.cast<Array>(), "sweep values")});
        if (ax.empty()) throw py::value_error("sweep needs at least one axis, e.g. {'V': numpy.linspace(0, 20, 41)}");
        const ergon::Method mth = ergon::parse_method(method, "method");
        const auto points = interruptible(threads, [&](const ergon::RunControl& ctl) {
          return ergon::run_sweep(c.config, ax, mth, ctl, [&](int, int) { ctl.progress(0.0); });
        });
        py::dict out;
        for (std::size_t a = 0; a < ax.size(); ++a) {
          std::vector<double> col;
          for (const auto& p : points) col.push_back(p.coordinates[a]);
          out[py::str(ax[a].key)] = to_array(col);
        }
        if (!points.empty()) {
          const auto keys = ergon::summary_values(points.front().state);
          for (std::size_t k = 0; k < keys.size(); ++k) {
            std::vector<double> col;
            for (const auto& p : points) col.push_back(ergon::summary_values(p.state)[k].second);
            out[py::str(keys[k].first)] = to_array(col);
          }
          std::vector<double> g0;
          for (const auto& p : points) g0.push_back(p.gamma0);
          out["gamma0"] = to_array(g0);
        }
        return out;
      },
      "config"_a, "axes"_a, "method"_a = "averaged", "threads"_a = 0,
      R"(Steady states over the Cartesian product of the axes, e.g.
sweep(config, {'V': numpy.linspace(0, 20, 41)}); keys 'V', 'beta' or any real
configuration key. Returns a dict of arrays: the swept values, every summary
quantity (with '_stderr') and gamma0 = gamma(x = 0), one entry per point.)");

  m.def(
      "damping_threshold", [](const ConfigHandle& c) { return ergon::damping_threshold(c.config); }, "config"_a,
      "Bias V (mu_L = +V, mu_R = -V) where gamma(x = 0) changes sign, to 1e-6.");

  m.def(
      "populations_from_radial",
      [](const Array& y, const Array& P_y) {
        const auto a = ergon::analyze_radial(to_vector(y, "y"), to_vector(P_y, "P_y"), 1.0, 1.0);
        return py::dict("p_n"_a = to_array(a.populations.p), "negative_weight"_a = a.populations.negative_weight,
                        "n_max"_a = a.populations.n_max, "trace"_a = a.populations.trace);
      },
      "y"_a, "P_y"_a,
      R"(Fock populations p_n = 2 (-1)^n int P_y(y) exp(-2y) L_n(4y) dy of a rotationally
symmetric state given by its radial density P_y at points y = |alpha|^2 (smoothly
interpolated, zero beyond the last point). n_max from the density's tail.)");

  m.def(
      "thermodynamics",
      [](const Array& p, double w0, double T) { return thermo_dict(ergon::thermodynamics(to_vector(p, "p"), w0, T)); },
      "p"_a, "w0"_a, "temperature"_a,
      R"(Thermodynamics of the diagonal state sum_n p_n |n><n| with H_b = w0 a^dag a: nbar,
energy U [energy], entropy, g2, mandel_q, ergotropy W_E and free-energy work
W_F = T D(rho || rho_thermal) at the given temperature [energy].)");

  m.def(
      "density_thermodynamics",
      [](const ComplexArray& rho, double w0, double T) {
        return thermo_dict(ergon::thermodynamics(to_matrix(rho), w0, T));
      },
      "rho"_a, "w0"_a, "temperature"_a,
      R"(Thermodynamics of a general density matrix in the Fock basis: as thermodynamics(), with the
ergotropy from the eigenvalues of rho, split into incoherent_ergotropy (that of the dephased
state diag(rho)) and coherent_ergotropy, and max_coherence = max |rho_mn|, m != n.)");

  m.def(
      "analyze_density_matrix",
      [](const ComplexArray& rho, double w0, double T) {
        return analysis_dict(ergon::analyze_density_matrix(to_matrix(rho), w0, T), w0);
      },
      "rho"_a, "w0"_a, "temperature"_a, "Analysis of a density matrix (what `ergon analyze --density` reports).");

  m.def(
      "analyze_populations",
      [](const Array& p, double w0, double T) {
        return analysis_dict(ergon::analyze_populations(to_vector(p, "p"), w0, T), w0);
      },
      "p"_a, "w0"_a, "temperature"_a, "Analysis of Fock populations (what `ergon analyze --populations` reports).");

  m.def(
      "analyze_wigner_matrix",
      [](const Array& xvec, const Array& yvec, const Array& W, double w0, double T, const std::string& convention,
         double g, int n_max) {
        if (W.ndim() != 2) throw py::value_error("W must be a matrix W[i, j] at (xvec[j], yvec[i])");
        if (static_cast<std::size_t>(W.shape(0)) != static_cast<std::size_t>(yvec.size()) ||
            static_cast<std::size_t>(W.shape(1)) != static_cast<std::size_t>(xvec.size()))
          throw py::value_error("W has shape (" + std::to_string(W.shape(0)) + ", " + std::to_string(W.shape(1)) +
                                ") where (len(yvec), len(xvec)) = (" + std::to_string(yvec.size()) + ", " +
                                std::to_string(xvec.size()) + ") is expected, as qutip.wigner returns it");
        const auto phase_space = ergon::parse_convention(convention, g);
        const auto xs = to_vector(xvec, "xvec"), ys = to_vector(yvec, "yvec");
        const std::vector<double> w(W.data(), W.data() + W.size());
        const auto a = interruptible(0, [&](const ergon::RunControl& ctl) {
          ergon::Analysis out;
          ergon::run_polling(
              [&] { out = ergon::analyze_wigner_matrix(xs, ys, w, phase_space, w0, T, n_max, ctl.stop); },
              [&] { ctl.progress(0.0); }, 100);
          return out;
        });
        return analysis_dict(a, w0);
      },
      "xvec"_a, "yvec"_a, "W"_a, "w0"_a, "temperature"_a, "convention"_a = "ergon", "g"_a = std::sqrt(2.0),
      "n_max"_a = 0,
      R"(Analysis of a Wigner function given as a matrix W[i, j] at (xvec[j], yvec[i]), the layout of
qutip.wigner(rho, xvec, yvec). convention 'ergon': the axes are Re and Im of alpha = x/x0 + i p/p0,
int W d^2alpha = 1; 'qutip': QuTiP's x, y with alpha = g (x + i y)/2, int W dx dy = 1.)");

  m.def(
      "reference_temperature", [](const ConfigHandle& c) { return ergon::reference_temperature(c.config); }, "config"_a,
      "The reference temperature of W_F: thermo.temperature, else the leads' common temperature.");

  m.def(
      "analyze_wigner",
      [](const Array& re, const Array& im, const Array& W, double w0, double T, int n_max) {
        const auto vre = to_vector(re, "re_alpha"), vim = to_vector(im, "im_alpha"), vW = to_vector(W, "W");
        const auto a = interruptible(0, [&](const ergon::RunControl& ctl) {
          ergon::Analysis out;
          ergon::run_polling([&] { out = ergon::analyze_wigner(vre, vim, vW, w0, T, n_max, ctl.stop); },
                             [&] { ctl.progress(0.0); }, 100);
          return out;
        });
        py::dict out = thermo_dict(a.thermo);
        out["p_n"] = to_array(a.populations.p);
        out["n_max"] = a.populations.n_max;
        out["trace"] = a.populations.trace;
        out["off_diagonal_norm"] = a.off_diagonal;
        return out;
      },
      "re_alpha"_a, "im_alpha"_a, "W"_a, "w0"_a, "temperature"_a, "n_max"_a = 0,
      R"(Thermodynamics of a state given by its Wigner function on a regular grid in
alpha = re + i im (flattened arrays of equal length, int W d^2alpha = 1): the full
density matrix up to n_max (0: from the grid) by overlap with the Wigner functions
of |m><n|.)");
}
