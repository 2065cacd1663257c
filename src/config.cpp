// Configuration registry, TOML reading and writing, and validation.
#include "ergon/config.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <variant>

#include "ergon/electronic.hpp"
#include "ergon/errors.hpp"
#include "ergon/units.hpp"

namespace ergon {
namespace {

using Value = std::variant<double, long long, bool, std::string>;

enum class Check {
  finite,       // any finite real
  nonzero,      // finite and != 0
  positive,     // finite and > 0
  nonnegative,  // finite and >= 0
  count,        // integer >= 1
  count2,       // integer >= 2
  count3,       // integer >= 3
  seed,         // integer >= 0
  tolerance,    // 0 < value <= 1e-3
  model,        // a registered electronic model's name
  stride,       // integer >= 4, a multiple of 4
  none,         // strings and booleans: checked on parse
};

struct Entry {
  KeyInfo info;
  Check check;
  std::vector<std::string> choices;  // for string keys
  std::function<Value(const Config&)> get;
  std::function<void(Config&, const Value&)> set;
  // Optional keys (lambda, force) are absent when unset.
  std::function<bool(const Config&)> present = [](const Config&) { return true; };
};

Entry heom_integer(std::string name, std::string doc, Check check, int Heom::*field) {
  return Entry{{"heom." + name, "integer", std::move(doc)},
               check,
               {},
               [=](const Config& c) { return Value(static_cast<long long>(c.heom.*field)); },
               [=](Config& c, const Value& v) { c.heom.*field = static_cast<int>(std::get<long long>(v)); }};
}

template <class T>
Entry real_key(std::string name, std::string doc, Check check, T Config::*block, double T::*field) {
  return Entry{{std::move(name), "real", std::move(doc)},
               check,
               {},
               [=](const Config& c) { return Value((c.*block).*field); },
               [=](Config& c, const Value& v) { (c.*block).*field = std::get<double>(v); }};
}

std::vector<Entry> lead_entries(const std::string& side, Lead Device::*lead) {
  const std::string p = "lead." + side + ".";
  auto lead_real = [&](std::string key, std::string doc, Check check, double Lead::*field) {
    return Entry{{p + key, "real", std::move(doc)},
                 check,
                 {},
                 [=](const Config& c) { return Value(c.device.*lead.*field); },
                 [=](Config& c, const Value& v) { c.device.*lead.*field = std::get<double>(v); }};
  };
  std::vector<Entry> e;
  e.push_back(Entry{{p + "type", "string", "spectral density: \"lorentzian\" or \"wideband\" (constant kappa = Gamma)"},
                    Check::none,
                    {"lorentzian", "wideband"},
                    [=](const Config& c) { return Value(std::string(to_string((c.device.*lead).type))); },
                    [=](Config& c, const Value& v) {
                      (c.device.*lead).type =
                          std::get<std::string>(v) == "wideband" ? LeadType::wideband : LeadType::lorentzian;
                    }});
  e.push_back(
      lead_real("Gamma", "coupling strength Gamma (peak level width) [energy], > 0", Check::positive, &Lead::Gamma));
  e.push_back(lead_real("center", "band centre w_a [energy] (lorentzian only)", Check::finite, &Lead::center));
  e.push_back(
      lead_real("width", "band half-width delta_a [energy], > 0 (lorentzian only)", Check::positive, &Lead::width));
  e.push_back(
      lead_real("mu", "chemical potential [energy]; --V v sets mu_L = +v, mu_R = -v", Check::finite, &Lead::mu));
  e.push_back(lead_real("beta", "inverse temperature [1/energy], > 0", Check::positive, &Lead::beta));
  return e;
}

std::vector<Entry> make_registry() {
  std::vector<Entry> r;
  r.push_back(Entry{{"units.energy", "string",
                     "what one energy unit is, e.g. \"ueV\", \"GHz\" (h f), \"0.1 meV\", \"K\" (k_B T); then values "
                     "may carry units (\"450 MHz\", \"30 mK\", \"0.3 mV\", \"2 ns\"); empty = plain numbers"},
                    Check::none,
                    {},
                    [](const Config& c) { return Value(c.units.energy); },
                    [](Config& c, const Value& v) {
                      const auto& text = std::get<std::string>(v);
                      if (!text.empty()) (void)units::energy_unit_joules(text);  // refuses a non-energy
                      c.units.energy = text;
                    }});
  r.push_back(Entry{{"electronic.model", "string",
                     "electronic model: \"resonant_level\" (the paper's level, exact NEGF), \"sequential\" "
                     "(interacting dot, rate equations) or a registered model"},
                    Check::model,
                    {},
                    [](const Config& c) { return Value(c.electronic.model); },
                    [](Config& c, const Value& v) { c.electronic.model = std::get<std::string>(v); }});
  r.push_back(Entry{{"electronic.coefficients", "string",
                     "resonant level: \"zero_frequency\" (D, m gamma from the charge noise and its slope at W = 0, "
                     "the paper) or \"frequency_resolved\" (from the noise at W = +-w0, physics.md section 13)"},
                    Check::none,
                    {"zero_frequency", "frequency_resolved"},
                    [](const Config& c) { return Value(c.electronic.coefficients); },
                    [](Config& c, const Value& v) { c.electronic.coefficients = std::get<std::string>(v); }});
  r.push_back(
      Entry{{"electronic.orbitals", "integer",
             "sequential model: orbital levels at dot.eps + k level_spacing, 1 .. 8 (with spin: 4)"},
            Check::count,
            {},
            [](const Config& c) { return Value(static_cast<long long>(c.electronic.orbitals)); },
            [](Config& c, const Value& v) { c.electronic.orbitals = static_cast<int>(std::get<long long>(v)); }});
  r.push_back(Entry{{"electronic.spin", "boolean", "sequential model: each orbital spin-degenerate (two states)"},
                    Check::none,
                    {},
                    [](const Config& c) { return Value(c.electronic.spin); },
                    [](Config& c, const Value& v) { c.electronic.spin = std::get<bool>(v); }});
  r.push_back(real_key("electronic.charging",
                       "sequential model: charging energy U of the constant-interaction model, U N (N-1)/2 "
                       "[energy], >= 0",
                       Check::nonnegative, &Config::electronic, &Electronic::charging));
  r.push_back(real_key("electronic.level_spacing", "sequential model: spacing of the orbital levels [energy], >= 0",
                       Check::nonnegative, &Config::electronic, &Electronic::level_spacing));
  r.push_back(
      Entry{{"electronic.max_electrons", "integer",
             "sequential model: most electrons on the dot, 0 = no limit (1 with spin: U = infinity)"},
            Check::seed,
            {},
            [](const Config& c) { return Value(static_cast<long long>(c.electronic.max_electrons)); },
            [](Config& c, const Value& v) { c.electronic.max_electrons = static_cast<int>(std::get<long long>(v)); }});
  auto osc_real = [](std::string key, std::string doc, Check check, double Oscillator::*field) {
    return Entry{{"oscillator." + key, "real", std::move(doc)},
                 check,
                 {},
                 [=](const Config& c) { return Value(c.device.oscillator.*field); },
                 [=](Config& c, const Value& v) { c.device.oscillator.*field = std::get<double>(v); }};
  };
  r.push_back(osc_real("w0", "angular frequency w0 [energy], > 0", Check::positive, &Oscillator::w0));
  r.push_back(osc_real("mass", "mass m, > 0 (x0 = sqrt(2/(m w0)))", Check::positive, &Oscillator::mass));
  r.push_back(Entry{
      {"oscillator.lambda", "real", "coupling energy lambda = F x0/2 [energy], non-zero; exactly one of lambda, force"},
      Check::nonzero,
      {},
      [](const Config& c) { return Value(c.device.oscillator.lambda.value_or(0.0)); },
      [](Config& c, const Value& v) {
        c.device.oscillator.lambda = std::get<double>(v);
        c.device.oscillator.force.reset();
      },
      [](const Config& c) { return c.device.oscillator.lambda.has_value(); }});
  r.push_back(Entry{{"oscillator.force", "real",
                     "force per unit excess charge F [energy/length], non-zero; exactly one of lambda, force"},
                    Check::nonzero,
                    {},
                    [](const Config& c) { return Value(c.device.oscillator.force.value_or(0.0)); },
                    [](Config& c, const Value& v) {
                      c.device.oscillator.force = std::get<double>(v);
                      c.device.oscillator.lambda.reset();
                    },
                    [](const Config& c) { return c.device.oscillator.force.has_value(); }});
  r.push_back(osc_real("quality",
                       "mechanical quality factor Q: intrinsic damping gamma_m = w0 / Q at "
                       "oscillator.phonon_temperature; 0 = no mechanical bath",
                       Check::nonnegative, &Oscillator::quality));
  r.push_back(Entry{{"oscillator.phonon_temperature", "real",
                     "temperature T_m of the mechanical bath [energy], >= 0 (0: zero-point noise only); "
                     "required with oscillator.quality, unused without"},
                    Check::nonnegative,
                    {},
                    [](const Config& c) { return Value(c.device.oscillator.phonon_temperature.value_or(0.0)); },
                    [](Config& c, const Value& v) { c.device.oscillator.phonon_temperature = std::get<double>(v); },
                    [](const Config& c) { return c.device.oscillator.phonon_temperature.has_value(); }});
  r.push_back(Entry{{"dot.eps", "real", "level energy eps at x = 0 [energy]"},
                    Check::finite,
                    {},
                    [](const Config& c) { return Value(c.device.dot.eps); },
                    [](Config& c, const Value& v) { c.device.dot.eps = std::get<double>(v); }});
  for (auto& e : lead_entries("L", &Device::left)) r.push_back(std::move(e));
  for (auto& e : lead_entries("R", &Device::right)) r.push_back(std::move(e));

  r.push_back(Entry{
      {"langevin.integrator", "string", "\"splitting\" (BAOAB, default) or \"euler\" (the paper's explicit scheme)"},
      Check::none,
      {"splitting", "euler"},
      [](const Config& c) { return Value(std::string(to_string(c.langevin.integrator))); },
      [](Config& c, const Value& v) {
        c.langevin.integrator = std::get<std::string>(v) == "euler" ? Integrator::euler : Integrator::splitting;
      }});
  r.push_back(Entry{{"langevin.noise", "string",
                     "noise increments: \"gaussian\" (default) or \"three_point\" (same first five moments, faster)"},
                    Check::none,
                    {"gaussian", "three_point"},
                    [](const Config& c) { return Value(std::string(to_string(c.langevin.noise))); },
                    [](Config& c, const Value& v) {
                      c.langevin.noise =
                          std::get<std::string>(v) == "three_point" ? Noise::three_point : Noise::gaussian;
                    }});
  r.push_back(real_key("langevin.dt", "time step [1/energy], > 0", Check::positive, &Config::langevin, &Langevin::dt));
  r.push_back(real_key("langevin.time", "sampled time summed over all trajectories [1/energy], > 0", Check::positive,
                       &Config::langevin, &Langevin::time));
  r.push_back(real_key("langevin.burn_in", "discarded time at the start of each trajectory [1/energy], >= 0",
                       Check::nonnegative, &Config::langevin, &Langevin::burn_in));
  r.push_back(Entry{
      {"langevin.trajectories", "integer", "independent trajectories, 1 .. 1048576 (1 = the paper's single long run)"},
      Check::count,
      {},
      [](const Config& c) { return Value(static_cast<long long>(c.langevin.trajectories)); },
      [](Config& c, const Value& v) { c.langevin.trajectories = static_cast<int>(std::get<long long>(v)); }});
  r.push_back(Entry{
      {"langevin.seed", "integer", "random seed, >= 0 (same seed, same numbers on any thread count)"},
      Check::seed,
      {},
      [](const Config& c) { return Value(static_cast<long long>(c.langevin.seed)); },
      [](Config& c, const Value& v) { c.langevin.seed = static_cast<unsigned long long>(std::get<long long>(v)); }});
  r.push_back(Entry{{"langevin.batches", "integer", "batches for batch-means and jackknife error bars, 2 .. 1048576"},
                    Check::count2,
                    {},
                    [](const Config& c) { return Value(static_cast<long long>(c.langevin.batches)); },
                    [](Config& c, const Value& v) { c.langevin.batches = static_cast<int>(std::get<long long>(v)); }});
  r.push_back(Entry{{"langevin.stride", "integer",
                     "steps between observations, a multiple of 4 (of 8 with three_point noise), 4 .. 65536"},
                    Check::stride,
                    {},
                    [](const Config& c) { return Value(static_cast<long long>(c.langevin.stride)); },
                    [](Config& c, const Value& v) { c.langevin.stride = static_cast<int>(std::get<long long>(v)); }});
  r.push_back(real_key("phase_space.alpha_max", "half-width of the Wigner grid in |alpha|, >= 0 (0 = automatic)",
                       Check::nonnegative, &Config::phase_space, &PhaseSpace::alpha_max));
  r.push_back(Entry{{"phase_space.bins", "integer", "bins per axis of the Wigner histogram, 3 .. 2001"},
                    Check::count3,
                    {},
                    [](const Config& c) { return Value(static_cast<long long>(c.phase_space.bins)); },
                    [](Config& c, const Value& v) { c.phase_space.bins = static_cast<int>(std::get<long long>(v)); }});
  r.push_back(real_key("thermo.temperature",
                       "reference temperature of W_F [energy], >= 0 (0 = the leads' common temperature)",
                       Check::nonnegative, &Config::thermo, &Thermo::temperature));
  r.push_back(Entry{{"averaged.mean_force", "boolean", "include the mean force F<n>_x in the averaged solver's orbits"},
                    Check::none,
                    {},
                    [](const Config& c) { return Value(c.averaged.mean_force); },
                    [](Config& c, const Value& v) { c.averaged.mean_force = std::get<bool>(v); }});
  r.push_back(real_key("averaged.tolerance", "relative tolerance of the averaged solver, in [1e-12, 1e-3]",
                       Check::tolerance, &Config::averaged, &Averaged::tolerance));
  r.push_back(heom_integer("tier", "HEOM hierarchy depth, 1 .. 6 (tier 2 is exact for the dot alone only)",
                           Check::count, &Heom::tier));
  r.push_back(heom_integer("poles", "Pade poles of each lead's Fermi function in the HEOM solver, 1 .. 14",
                           Check::count, &Heom::poles));
  r.push_back(heom_integer("fock",
                           "HEOM Fock cut-off N (states 0 .. N-1), 2 .. 2000; 0 = from the averaged solver's "
                           "populations",
                           Check::seed, &Heom::fock));
  r.push_back(real_key("heom.tolerance", "relative residual of the HEOM linear solve, in [1e-12, 1e-3]",
                       Check::tolerance, &Config::heom, &Heom::tolerance));
  r.push_back(heom_integer("max_iterations", "GMRES iterations of the HEOM solve before giving up, 1 .. 100000",
                           Check::count, &Heom::max_iterations));
  r.push_back(Entry{{"heom.converge", "boolean",
                     "raise the HEOM Fock cut-off, poles and tier until nbar and the current change by less than "
                     "heom.convergence, and report each truncation error"},
                    Check::none,
                    {},
                    [](const Config& c) { return Value(c.heom.converge); },
                    [](Config& c, const Value& v) { c.heom.converge = std::get<bool>(v); }});
  r.push_back(real_key("heom.convergence", "relative change accepted by the HEOM truncation check, in [1e-12, 1e-3]",
                       Check::tolerance, &Config::heom, &Heom::convergence));
  r.push_back(heom_integer("restart", "GMRES restart length of the HEOM solve (Krylov vectors held), 2 .. 1000",
                           Check::count2, &Heom::restart));
  return r;
}

const std::vector<Entry>& registry() {
  static const std::vector<Entry> r = make_registry();
  return r;
}

const Entry* find_entry(std::string_view key) {
  for (const auto& e : registry())
    if (e.info.name == key) return &e;
  return nullptr;
}

const Entry& entry_or_throw(std::string_view key) {
  if (const Entry* e = find_entry(key)) return *e;
  throw messages::unknown_key(key, closest_key(key));
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const bool same =
          std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string value_text(const Value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, double>) return format_real(x);
        if constexpr (std::is_same_v<T, long long>) return fmt::format("{}", x);
        if constexpr (std::is_same_v<T, bool>) return x ? "true" : "false";
        if constexpr (std::is_same_v<T, std::string>) return fmt::format("\"{}\"", x);
      },
      v);
}

// The largest value of an integer key: sizes whose arrays must fit in memory
// (the sampler holds one radial histogram per batch and one Wigner histogram
// of bins^2 counts per worker).
long long integer_limit(const Entry& e) {
  const std::string& k = e.info.name;
  if (k == "electronic.max_electrons") return 16;
  if (e.check == Check::seed) return 1LL << 62;
  if (k == "langevin.trajectories" || k == "langevin.batches") return 1LL << 20;
  if (k == "langevin.stride") return 1LL << 16;
  if (k == "phase_space.bins") return 2001;
  if (k == "electronic.orbitals") return 8;
  if (k == "heom.tier") return 6;
  if (k == "heom.poles") return 14;
  if (k == "heom.fock") return 2000;
  if (k == "heom.max_iterations") return 100000;
  if (k == "heom.restart") return 1000;
  return 1LL << 30;
}

// The range of |value| of a real key (0 is checked by the key's constraint).
std::pair<double, double> real_limits(const Entry& e) {
  const std::string& k = e.info.name;
  auto is = [&](const char* prefix) { return k.rfind(prefix, 0) == 0; };
  if (k == "oscillator.lambda" || k == "oscillator.force") return {1e-10, 1e8};
  if (k.ends_with(".Gamma")) return {1e-12, 1e8};                                         // weakly coupled leads
  if (k == "dot.eps" || k.ends_with(".mu") || k.ends_with(".center")) return {0.0, 1e8};  // signed energies
  if (k == "electronic.charging" || k == "electronic.level_spacing") return {0.0, 1e8};
  if (k == "oscillator.quality") return {1e-3, 1e12};  // from overdamped to the best nanotubes
  if (k == "oscillator.phonon_temperature") return {1e-8, 1e8};
  if (is("oscillator.") || is("lead.") || k == "thermo.temperature") return {1e-8, 1e8};
  if (k == "phase_space.alpha_max") return {0.0, 1e3};
  return {0.0, std::numeric_limits<double>::max()};
}

// Checks the value against the entry's constraint; throws a config error.
void check_value(const Entry& e, const Value& v) {
  const std::string& k = e.info.name;
  if (const double* d = std::get_if<double>(&v)) {
    const double x = *d;
    if (!std::isfinite(x)) throw messages::not_finite(k, x);
    switch (e.check) {
      case Check::positive:
        if (!(x > 0)) throw messages::not_positive(k, x);
        break;
      case Check::nonnegative:
        if (x < 0) throw messages::negative(k, x);
        break;
      case Check::nonzero:
        if (x == 0) throw messages::out_of_range(k, x, "must be a finite non-zero number");
        break;
      case Check::tolerance:
        if (!(x >= 1e-12 && x <= 1e-3)) throw messages::out_of_range(k, x, "must lie in [1e-12, 1e-3]");
        break;
      default:
        break;
    }
    // Magnitudes ergon's numerics are built for: energies, inverse
    // energies, masses and couplings within [1e-8, 1e8] of the energy unit
    // (couplings down to 1e-10), the Wigner grid within |alpha| <= 1000.
    const auto [lo, hi] = real_limits(e);
    const double a = std::abs(x);
    if (x != 0 && (a < lo || a > hi))
      throw messages::out_of_range(k, x, fmt::format("|{}| must lie in [{:g}, {:g}]", k, lo, hi));
  } else if (const long long* i = std::get_if<long long>(&v)) {
    const long long n = *i;
    const long long lo = e.check == Check::count    ? 1
                         : e.check == Check::count2 ? 2
                         : e.check == Check::count3 ? 3
                         : e.check == Check::stride ? 4
                                                    : 0;
    const long long hi = integer_limit(e);
    if (n < lo || n > hi)
      throw messages::bad_value(k, fmt::format("{}", n), fmt::format("must be an integer in [{}, {}]", lo, hi));
    if (e.check == Check::stride && n % 4 != 0)
      throw messages::bad_value(k, fmt::format("{}", n), "must be a multiple of 4");
  } else if (const std::string* s = std::get_if<std::string>(&v)) {
    if (e.check == Check::model && !is_electronic_model(*s))
      throw messages::unknown_model(*s, electronic_model_names());
    if (!e.choices.empty() && std::find(e.choices.begin(), e.choices.end(), *s) == e.choices.end())
      throw messages::bad_value(k, fmt::format("\"{}\"", *s),
                                fmt::format("must be one of \"{}\"", fmt::join(e.choices, "\", \"")));
  }
}

// from_chars for a real or integer, also accepting one leading '+' (as
// strtod does) before a digit or point.
template <class T>
bool read_number(std::string_view text, T& out) {
  if (text.size() > 1 && text.front() == '+' && (std::isdigit(static_cast<unsigned char>(text[1])) || text[1] == '.'))
    text.remove_prefix(1);
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

// Converts text (from --set) to the key's type; a real with a unit is
// converted to the energy unit `units_energy` (units.hpp).
Value parse_text(const Entry& e, std::string_view text, const std::string& units_energy) {
  const std::string& k = e.info.name;
  const std::string& t = e.info.type;
  if (t == "real") {
    double x = 0;
    if (read_number(text, x)) return x;
    double v = 0;
    std::string unit;
    std::string_view bare = text;
    if (bare.size() >= 2 && (bare.front() == '"' || bare.front() == '\'') && bare.back() == bare.front())
      bare = bare.substr(1, bare.size() - 2);
    if (units::split_quantity(bare, v, unit)) return units::to_internal(k, bare, units_energy);
    throw messages::bad_value(k, text, "must be a real number");
  }
  if (t == "integer") {
    long long n = 0;
    if (!read_number(text, n)) throw messages::bad_value(k, text, "must be an integer");
    return n;
  }
  if (t == "boolean") {
    if (text == "true") return true;
    if (text == "false") return false;
    throw messages::bad_value(k, text, "must be true or false");
  }
  std::string s(text);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) s = s.substr(1, s.size() - 2);
  return s;
}

std::string node_type_name(const toml::node& node) {
  std::ostringstream os;
  os << "a TOML " << node.type();
  return os.str();
}

// Converts a TOML node to the key's type.
Value parse_node(const Entry& e, const toml::node& node, const std::string& units_energy) {
  const std::string& k = e.info.name;
  const std::string& t = e.info.type;
  if (t == "real") {
    if (auto v = node.value_exact<double>()) return *v;
    if (auto v = node.value_exact<int64_t>()) return static_cast<double>(*v);
    if (auto v = node.value_exact<std::string>()) return units::to_internal(k, *v, units_energy);  // "450 MHz"
    throw messages::bad_value(k, node_type_name(node), "must be a real number");
  }
  if (t == "integer") {
    if (auto v = node.value_exact<int64_t>()) return static_cast<long long>(*v);
    throw messages::bad_value(k, node_type_name(node), "must be an integer");
  }
  if (t == "boolean") {
    if (auto v = node.value_exact<bool>()) return *v;
    throw messages::bad_value(k, node_type_name(node), "must be true or false");
  }
  if (auto v = node.value_exact<std::string>()) return *v;
  throw messages::bad_value(k, node_type_name(node), "must be a string");
}

void set_checked(Config& c, const Entry& e, const Value& v) {
  check_value(e, v);
  e.set(c, v);
}

// One layer may set lambda or force, not both.
void check_coupling_layer(const std::set<std::string>& keys) {
  if (keys.count("oscillator.lambda") && keys.count("oscillator.force"))
    throw messages::both_set("oscillator.lambda", "oscillator.force");
}

void walk_table(const toml::table& table, const std::string& prefix, Config& c, std::set<std::string>& seen,
                std::string_view source) {
  for (const auto& [key, node] : table) {
    const std::string name = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (const toml::table* sub = node.as_table()) {
      walk_table(*sub, name, c, seen, source);
      continue;
    }
    const Entry* e = find_entry(name);
    const long line = static_cast<long>(node.source().begin.line);
    if (!e) {
      const auto err = messages::unknown_key(name, closest_key(name));
      throw messages::config_parse(source, err.what(), line);
    }
    try {
      set_checked(c, *e, parse_node(*e, node, c.units.energy));
    } catch (const Error& err) {
      throw messages::config_parse(source, err.what(), line);
    }
    seen.insert(name);
  }
}

// [units] energy decides what the other values' units mean, wherever it
// stands in the file.
void set_units_first(const toml::table& table, Config& c, std::string_view source) {
  const toml::node* node = table.at_path("units.energy").node();
  if (!node) return;
  try {
    set_checked(c, *find_entry("units.energy"), parse_node(*find_entry("units.energy"), *node, c.units.energy));
  } catch (const Error& err) {
    throw messages::config_parse(source, err.what(), static_cast<long>(node->source().begin.line));
  }
}

}  // namespace

const char* to_string(Noise noise) { return noise == Noise::three_point ? "three_point" : "gaussian"; }

const char* to_string(Integrator integrator) { return integrator == Integrator::euler ? "euler" : "splitting"; }

std::string format_real(double value) {
  std::string s = fmt::format("{}", value);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

const std::vector<KeyInfo>& config_keys() {
  static const std::vector<KeyInfo> keys = [] {
    std::vector<KeyInfo> k;
    for (const auto& e : registry()) k.push_back(e.info);
    return k;
  }();
  return keys;
}

std::string closest_key(std::string_view key) {
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& e : registry()) {
    const std::size_t d = edit_distance(key, e.info.name);
    if (d < best_d) {
      best_d = d;
      best = e.info.name;
    }
  }
  return best_d <= std::max<std::size_t>(2, key.size() / 3) ? best : std::string();
}

void load_config_text(Config& config, std::string_view text, std::string_view source_name) {
  toml::table table;
  try {
    table = toml::parse(text, source_name);
  } catch (const toml::parse_error& err) {
    throw messages::config_parse(source_name, err.description(), static_cast<long>(err.source().begin.line));
  }
  Config next = config;
  std::set<std::string> seen;
  set_units_first(table, next, source_name);
  walk_table(table, "", next, seen, source_name);
  try {
    check_coupling_layer(seen);
  } catch (const Error& err) {
    throw messages::config_parse(source_name, err.what(), 1);
  }
  config = next;
}

void load_config_file(Config& config, const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw messages::cannot_read(path, "it is a directory, not a TOML file");
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& err) {
    if (err.source().begin.line == 0 || !err.source().path) throw messages::cannot_read(path, err.description());
    throw messages::config_parse(path, err.description(), static_cast<long>(err.source().begin.line));
  }
  Config next = config;
  std::set<std::string> seen;
  set_units_first(table, next, path);
  walk_table(table, "", next, seen, path);
  try {
    check_coupling_layer(seen);
  } catch (const Error& err) {
    throw messages::config_parse(path, err.what(), 1);
  }
  config = next;
}

void set_key(Config& config, std::string_view key, std::string_view value) {
  const Entry& e = entry_or_throw(key);
  set_checked(config, e, parse_text(e, value, config.units.energy));
}

void set_real(Config& config, std::string_view key, double value) {
  const Entry& e = entry_or_throw(key);
  if (e.info.type != "real")
    throw messages::bad_value(key, format_real(value),
                              fmt::format("is a {} key; only real keys can be swept", e.info.type));
  set_checked(config, e, value);
}

std::string get_key(const Config& config, std::string_view key) { return value_text(entry_or_throw(key).get(config)); }

void apply_assignments(Config& config, const std::vector<std::string>& assignments) {
  Config next = config;
  std::set<std::string> seen;
  // units.energy first: it says what the other assignments' units mean.
  std::vector<std::string> ordered;
  for (const auto& a : assignments)
    if (a.rfind("units.energy", 0) == 0) ordered.push_back(a);
  for (const auto& a : assignments)
    if (a.rfind("units.energy", 0) != 0) ordered.push_back(a);
  for (const auto& a : ordered) {
    const auto eq = a.find('=');
    if (eq == std::string::npos || eq == 0) throw messages::bad_assignment(a);
    auto trim = [](std::string_view s) {
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
      return s;
    };
    const auto key = trim(std::string_view(a).substr(0, eq));
    const auto value = trim(std::string_view(a).substr(eq + 1));
    set_key(next, key, value);
    seen.insert(std::string(key));
  }
  check_coupling_layer(seen);
  config = next;
}

std::vector<std::string> axis_keys(const std::string& axis) {
  if (axis == "V") return {"lead.L.mu", "lead.R.mu"};
  if (axis == "beta") return {"lead.L.beta", "lead.R.beta"};
  return {axis};
}

Config build_config(const ConfigRequest& request) {
  Config config;
  if (!request.file.empty()) load_config_file(config, request.file);
  // Who sets which key; a second claim is refused.
  std::map<std::string, std::string> claims;
  auto claim = [&](const std::string& key, const std::string& origin) {
    const auto [it, fresh] = claims.emplace(key, origin);
    if (!fresh) throw messages::set_twice(key, it->second, origin);
  };
  auto trim = [](std::string_view v) {
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
    return std::string(v);
  };
  if (request.V)
    for (const auto& k : axis_keys("V")) claim(k, request.V_origin);
  if (request.beta)
    for (const auto& k : axis_keys("beta")) claim(k, request.beta_origin);
  std::vector<std::string> texts;
  for (const auto& a : request.assignments) {
    const auto eq = a.text.find('=');
    if (eq == std::string::npos || eq == 0) throw messages::bad_assignment(a.text);
    const std::string key = trim(std::string_view(a.text).substr(0, eq));
    claim(key, fmt::format("{} {}", a.origin, a.text));
    texts.push_back(a.text);
  }
  for (const auto& axis : request.swept)
    for (const auto& k : axis_keys(axis)) claim(k, fmt::format("the sweep over {}", axis));
  if (request.V) {
    const double V = *request.V;
    if (!std::isfinite(V)) throw messages::bad_number(request.V_origin, format_real(V));
    set_real(config, "lead.L.mu", V);
    set_real(config, "lead.R.mu", -V);
  }
  if (request.beta) {
    set_real(config, "lead.L.beta", *request.beta);
    set_real(config, "lead.R.beta", *request.beta);
  }
  apply_assignments(config, texts);
  validate(config);
  return config;
}

std::string to_toml(const Config& config) {
  std::string out;
  std::string table;
  for (const auto& e : registry()) {
    const auto dot = e.info.name.rfind('.');
    const std::string t = e.info.name.substr(0, dot);
    const std::string k = e.info.name.substr(dot + 1);
    if (t != table) {
      out += fmt::format("{}[{}]\n", table.empty() ? "" : "\n", t);
      table = t;
    }
    if (e.present(config))
      out += fmt::format("{} = {}  # {}\n", k, value_text(e.get(config)), e.info.doc);
    else
      out += fmt::format("# {} (unset)  # {}\n", k, e.info.doc);
  }
  return out;
}

nlohmann::json to_json(const Config& config) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& e : registry()) {
    if (!e.present(config)) continue;
    nlohmann::json* node = &j;
    std::string_view name = e.info.name;
    std::size_t start = 0;
    while (true) {
      const auto dot = name.find('.', start);
      if (dot == std::string_view::npos) break;
      node = &(*node)[std::string(name.substr(start, dot - start))];
      start = dot + 1;
    }
    std::visit([&](const auto& v) { (*node)[std::string(name.substr(start))] = v; }, e.get(config));
  }
  return j;
}

void validate(const Config& config) {
  for (const auto& e : registry())
    if (e.present(config)) check_value(e, e.get(config));
  // Step counts must fit the integers that hold them (with room for the
  // rounding to whole observation intervals).
  const Langevin& L = config.langevin;
  constexpr double max_steps = 1e15;
  if (!(L.time / L.dt <= max_steps))
    throw messages::out_of_range("langevin.time", L.time,
                                 fmt::format("must be at most {:g} time steps (langevin.dt = {:g})", max_steps, L.dt));
  if (!(L.burn_in / L.dt <= max_steps))
    throw messages::out_of_range("langevin.burn_in", L.burn_in,
                                 fmt::format("must be at most {:g} time steps (langevin.dt = {:g})", max_steps, L.dt));
  // The three-point noise draws eight steps' increments per random block.
  if (config.langevin.noise == Noise::three_point && config.langevin.stride % 8 != 0)
    throw messages::bad_value("langevin.stride", fmt::format("{}", config.langevin.stride),
                              "must be a multiple of 8 with langevin.noise = \"three_point\"");
  if (config.heom.fock == 1)
    throw messages::bad_value("heom.fock", "1", "must be 0 (automatic) or an integer in [2, 2000]");
  validate(config.device);
}

void validate(const Device& device) {
  Config c;
  c.device = device;
  for (const auto& e : registry()) {
    const bool device_key = e.info.name.rfind("oscillator.", 0) == 0 || e.info.name.rfind("dot.", 0) == 0 ||
                            e.info.name.rfind("lead.", 0) == 0;
    if (device_key && e.present(c)) check_value(e, e.get(c));
  }
  if (device.oscillator.lambda && device.oscillator.force)
    throw messages::both_set("oscillator.lambda", "oscillator.force");
  if (!device.oscillator.lambda && !device.oscillator.force)
    throw messages::usage("one of oscillator.lambda and oscillator.force must be set");
}

double parse_number(std::string_view option, std::string_view text) {
  double x = 0;
  if (!read_number(text, x) || !std::isfinite(x)) throw messages::bad_number(option, text);
  return x;
}

std::vector<double> parse_values(std::string_view option, std::string_view text) {
  std::vector<std::string_view> parts;
  const char sep = text.find(':') != std::string_view::npos ? ':' : ',';
  std::size_t start = 0;
  while (true) {
    const auto pos = text.find(sep, start);
    parts.push_back(text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  auto number = [&](std::string_view s) {
    double x = 0;
    if (!read_number(s, x) || !std::isfinite(x)) throw messages::bad_range(option, text);
    return x;
  };
  std::vector<double> values;
  if (sep == ':') {
    if (parts.size() != 3) throw messages::bad_range(option, text);
    const double a = number(parts[0]), b = number(parts[1]);
    long long n = 0;
    if (!read_number(parts[2], n) || n < 1 || n > 10000000) throw messages::bad_range(option, text);
    if (n == 1 && a != b) throw messages::bad_range(option, text);
    for (long long i = 0; i < n; ++i) {
      // a + (b - a) t overflows for ends near the largest doubles; the same
      // points as a (1 - t) + b t do not.
      const double t = n == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(n - 1);
      const double span = b - a;
      values.push_back(std::isfinite(span) ? a + span * t : a * (1 - t) + b * t);
    }
    if (n > 1) values.back() = b;
  } else {
    for (auto p : parts) values.push_back(number(p));
  }
  return values;
}

}  // namespace ergon
