// Physical units at the edges (docs/model.md, "Units").
#include "ergon/units.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <utility>

#include "ergon/errors.hpp"

namespace ergon::units {
namespace {

enum class Kind { energy, voltage, time };

struct Unit {
  std::string_view name;
  Kind kind;
  double si;  // joules per unit (energy, voltage as e V), seconds per unit (time)
};

constexpr double eV = elementary_charge;
constexpr std::array<Unit, 29> kUnits = {{
    {"eV", Kind::energy, eV},
    {"meV", Kind::energy, 1e-3 * eV},
    {"ueV", Kind::energy, 1e-6 * eV},
    {"neV", Kind::energy, 1e-9 * eV},
    {"J", Kind::energy, 1.0},
    {"K", Kind::energy, boltzmann},
    {"mK", Kind::energy, 1e-3 * boltzmann},
    {"uK", Kind::energy, 1e-6 * boltzmann},
    {"nK", Kind::energy, 1e-9 * boltzmann},
    {"Hz", Kind::energy, planck},
    {"kHz", Kind::energy, 1e3 * planck},
    {"MHz", Kind::energy, 1e6 * planck},
    {"GHz", Kind::energy, 1e9 * planck},
    {"THz", Kind::energy, 1e12 * planck},
    {"rad/s", Kind::energy, hbar},
    {"krad/s", Kind::energy, 1e3 * hbar},
    {"Mrad/s", Kind::energy, 1e6 * hbar},
    {"Grad/s", Kind::energy, 1e9 * hbar},
    {"Trad/s", Kind::energy, 1e12 * hbar},
    {"V", Kind::voltage, eV},
    {"mV", Kind::voltage, 1e-3 * eV},
    {"uV", Kind::voltage, 1e-6 * eV},
    {"nV", Kind::voltage, 1e-9 * eV},
    {"s", Kind::time, 1.0},
    {"ms", Kind::time, 1e-3},
    {"us", Kind::time, 1e-6},
    {"ns", Kind::time, 1e-9},
    {"ps", Kind::time, 1e-12},
    {"fs", Kind::time, 1e-15},
}};

constexpr std::string_view kAllowed =
    "eV, meV, ueV, neV, J; K, mK, uK, nK (k_B T); Hz, kHz, MHz, GHz, THz (h f); rad/s, krad/s, Mrad/s, Grad/s, "
    "Trad/s (hbar w); V, mV, uV, nV (e V, chemical potentials); s, ms, us, ns, ps, fs (times)";

// The micro sign (U+00B5) and the Greek mu (U+03BC) spell "u".
std::string normalise(std::string_view unit) {
  std::string out(unit);
  for (const std::string_view micro : {std::string_view("\xC2\xB5"), std::string_view("\xCE\xBC")}) {
    for (std::size_t p; (p = out.find(micro)) != std::string::npos;) out.replace(p, micro.size(), "u");
  }
  return out;
}

const Unit* find_unit(std::string_view name) {
  const std::string n = normalise(name);
  for (const Unit& u : kUnits)
    if (u.name == n) return &u;
  return nullptr;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Dimension dimension_of(std::string_view key) {
  auto ends = [&](std::string_view s) { return key.ends_with(s); };
  if (key.starts_with("lead.") && ends(".mu")) return Dimension::potential;
  if (key.starts_with("lead.") && ends(".beta")) return Dimension::inverse_energy;
  if (key.starts_with("lead.") && (ends(".Gamma") || ends(".center") || ends(".width"))) return Dimension::energy;
  if (key == "oscillator.w0" || key == "oscillator.lambda" || key == "oscillator.phonon_temperature" ||
      key == "dot.eps" || key == "thermo.temperature" || key == "electronic.charging" ||
      key == "electronic.level_spacing")
    return Dimension::energy;
  if (key == "langevin.dt" || key == "langevin.time" || key == "langevin.burn_in") return Dimension::time;
  return Dimension::none;
}

bool split_quantity(std::string_view text, double& value, std::string& unit) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr == text.data()) return false;
  const std::string_view rest = trim(std::string_view(ptr, static_cast<std::size_t>(end - ptr)));
  if (rest.empty()) return false;
  unit = std::string(rest);
  return true;
}

double energy_unit_joules(std::string_view units_energy) {
  const std::string_view t = trim(units_energy);
  double scale = 1.0;
  std::string name(t);
  if (!t.empty() && (std::isdigit(static_cast<unsigned char>(t.front())) || t.front() == '.' || t.front() == '+' ||
                     t.front() == '-')) {
    if (!split_quantity(t, scale, name) || !(scale > 0) || !std::isfinite(scale))
      throw messages::bad_value(
          "units.energy", t,
          fmt::format("must be an energy unit ({}) or a positive multiple of one, e.g. \"0.1 meV\"", kAllowed));
  }
  const Unit* u = find_unit(name);
  if (!u || u->kind != Kind::energy)
    throw messages::bad_value("units.energy", t,
                              fmt::format("must be an energy, temperature or frequency unit: {}",
                                          "eV, meV, ueV, neV, J, K, mK, uK, nK, Hz .. THz, rad/s .. Trad/s"));
  return scale * u->si;
}

double to_internal(std::string_view key, std::string_view text, std::string_view units_energy) {
  double value = 0.0;
  std::string unit;
  if (!split_quantity(text, value, unit))
    throw messages::bad_value(key, text, "must be a real number, or a number with a unit once units.energy is set");
  const Dimension dim = dimension_of(key);
  if (dim == Dimension::none)
    throw messages::bad_value(key, text, "takes a plain number: this key has no physical unit ergon converts");
  const Unit* u = find_unit(unit);
  if (!u) throw messages::bad_value(key, text, fmt::format("has an unknown unit '{}'; known: {}", unit, kAllowed));
  if (trim(units_energy).empty())
    throw messages::bad_value(key, text,
                              "carries a unit, but [units] energy is not set: say what one energy unit is, e.g. "
                              "units.energy = \"ueV\"");
  const double E = energy_unit_joules(units_energy);
  const char* expected = dim == Dimension::time        ? "a time (s, ms, us, ns, ps, fs)"
                         : dim == Dimension::potential ? "an energy, temperature, frequency or voltage"
                                                       : "an energy, temperature or frequency";
  auto wrong = [&] {
    return messages::bad_value(key, text, fmt::format("has the unit '{}', but the key is {}", unit, expected));
  };
  switch (dim) {
    case Dimension::energy:
      if (u->kind != Kind::energy) throw wrong();
      return value * u->si / E;
    case Dimension::potential:
      if (u->kind == Kind::time) throw wrong();
      return value * u->si / E;
    case Dimension::inverse_energy:
      expected = "an inverse temperature: give the temperature or energy k_B T (beta = 1 / k_B T)";
      if (u->kind != Kind::energy) throw wrong();
      if (!(value > 0)) throw messages::bad_value(key, text, "must be a positive temperature");
      return E / (value * u->si);
    case Dimension::time:
      if (u->kind != Kind::time) throw wrong();
      return value * u->si / (hbar / E);
    case Dimension::none:
      break;
  }
  throw wrong();
}

double SiScale::current_nA() const { return elementary_charge / time_s * 1e9; }
double SiScale::power_fW() const { return energy_J / time_s * 1e15; }
double SiScale::frequency_Hz() const { return energy_J / planck; }

SiScale si_scale(std::string_view units_energy) {
  SiScale s;
  s.energy_J = energy_unit_joules(units_energy);
  s.time_s = hbar / s.energy_J;
  return s;
}

}  // namespace ergon::units
