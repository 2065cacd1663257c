// A lead as the electronic models see it: its band (one type per spectral
// family: lorentzian.hpp, wideband.hpp), chemical potential and temperature.
// The configuration's plain parameters (ergon::Lead) become a LeadModel in
// make_lead(), the one place that looks at LeadType.
#pragma once

#include <cmath>
#include <string>
#include <variant>

#include "electronic/leads/lorentzian.hpp"
#include "electronic/leads/wideband.hpp"
#include "ergon/electronic.hpp"
#include "ergon/parameters.hpp"

namespace ergon::leads {

using Band = std::variant<Lorentzian, WideBand>;

// Calls fn with the band's concrete type (inlined into vectorised callers,
// which std::visit's dispatch table would not be).
template <class Fn>
__attribute__((always_inline)) inline decltype(auto) with_band(const Band& band, Fn&& fn) {
  if (const auto* l = std::get_if<Lorentzian>(&band)) return fn(*l);
  return fn(std::get<WideBand>(band));
}

// Fermi function f and its complement h = 1 - f, both without cancellation.
struct Occupations {
  double f, h;
};
inline Occupations fermi(double beta, double mu, double w) {
  const double t = beta * (w - mu);
  const double e = std::exp(-std::abs(t));  // in (0, 1]
  const double small = e / (1.0 + e), large = 1.0 / (1.0 + e);
  return t > 0 ? Occupations{small, large} : Occupations{large, small};
}

struct LeadModel {
  Band band;
  double mu = 0.0;    // chemical potential [energy]
  double beta = 1.0;  // inverse temperature [1/energy]
  std::string side;   // "L" or "R": configuration keys lead.<side>.*

  double Gamma() const {
    return with_band(band, [](const auto& b) { return b.Gamma; });
  }
  std::string key(const char* name) const { return "lead." + side + "." + name; }
};

// The smallest of the leads' temperatures and their bands' own scales, and
// the key that sets it: where the electronic coefficients of any model
// built on these leads change (a Fermi edge, a band's structure).
inline EnergyScale smallest_lead_scale(const LeadModel& left, const LeadModel& right) {
  EnergyScale s{1.0 / left.beta, left.key("beta"), left.beta, true};
  auto take = [&](const EnergyScale& c) {
    if (c.value < s.value) s = c;
  };
  take({1.0 / right.beta, right.key("beta"), right.beta, true});
  for (const LeadModel* lead : {&left, &right}) {
    const double width = with_band(lead->band, [](const auto& b) { return b.scale(); });
    take({width, lead->key("width"), width, false});
  }
  return s;
}

inline LeadModel make_lead(const Lead& lead, std::string side) {
  LeadModel m;
  if (lead.type == LeadType::lorentzian)
    m.band = Lorentzian{lead.Gamma, lead.center, lead.width};
  else
    m.band = WideBand{lead.Gamma};
  m.mu = lead.mu;
  m.beta = lead.beta;
  m.side = std::move(side);
  return m;
}

}  // namespace ergon::leads
