// Physical units at the edges (units.hpp): conversions against values
// computed by hand from the exact SI constants and CODATA-quoted ratios, the
// round trip through the written configuration, and refusals naming the key.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "ergon/units.hpp"

namespace {

using ergon::Config;

Config in(const std::string& unit) {
  Config c;
  ergon::set_key(c, "units.energy", unit);
  return c;
}

double rel(double a, double b) { return std::abs(a - b) / std::abs(b); }

TEST(Units, ConversionsMatchTheSiConstants) {
  // CODATA: e/h = 241.798 924 2 THz/eV (exact in the 2019 SI), k_B/e =
  // 86.173 332 62 ueV/K, hbar/e = 0.658 211 956 9 ns ueV.
  Config c = in("ueV");
  ergon::set_key(c, "oscillator.w0", "1 meV");
  EXPECT_LT(rel(c.device.oscillator.w0, 1000.0), 1e-15);
  ergon::set_key(c, "oscillator.w0", "241.7989242 GHz");  // h f = 1 meV
  EXPECT_LT(rel(c.device.oscillator.w0, 1000.0), 1e-9);
  ergon::set_key(c, "thermo.temperature", "1 K");
  EXPECT_LT(rel(c.thermo.temperature, 86.17333262), 1e-9);
  ergon::set_key(c, "dot.eps", "-30 mK");
  EXPECT_LT(rel(c.device.dot.eps, -30e-3 * 86.17333262), 1e-9);
  // Angular frequency: hbar w with w = 2 pi x 1 GHz is the same energy as h x 1 GHz.
  Config a = in("ueV"), f = in("ueV");
  ergon::set_key(a, "lead.L.Gamma", "6.283185307179586 Grad/s");
  ergon::set_key(f, "lead.L.Gamma", "1 GHz");
  EXPECT_LT(rel(a.device.left.Gamma, f.device.left.Gamma), 1e-15);
  EXPECT_LT(rel(f.device.left.Gamma, 4.135667696), 1e-9);  // h x 1 GHz in ueV
  // A bias in volts is e V; the micro sign spells u.
  ergon::set_key(c, "lead.R.mu", "-0.3 mV");
  EXPECT_LT(rel(c.device.right.mu, -300.0), 1e-15);
  ergon::set_key(c, "lead.R.mu", "12 \xC2\xB5V");
  EXPECT_LT(rel(c.device.right.mu, 12.0), 1e-15);
  // beta from a temperature: 1 / (k_B T).
  ergon::set_key(c, "lead.L.beta", "100 mK");
  EXPECT_LT(rel(c.device.left.beta, 1.0 / 8.617333262), 1e-9);
  // Times in hbar / ueV.
  ergon::set_key(c, "langevin.dt", "0.6582119569 ns");
  EXPECT_LT(rel(c.langevin.dt, 1.0), 1e-9);
  // Another internal unit: 0.1 meV.
  Config m = in("0.1 meV");
  ergon::set_key(m, "oscillator.w0", "12 ueV");
  EXPECT_LT(rel(m.device.oscillator.w0, 0.12), 1e-14);
  const auto si = ergon::units::si_scale("ueV");
  EXPECT_LT(rel(si.time_s, 0.6582119569e-9), 1e-9);
  EXPECT_LT(rel(si.current_nA(), 1.602176634e-19 / 0.6582119569e-9 * 1e9), 1e-9);  // 0.2434 nA
  EXPECT_LT(rel(si.power_fW(), 1e-6 * 1.602176634e-19 / 0.6582119569e-9 * 1e15), 1e-9);
}

TEST(Units, TomlValuesWithUnitsRoundTripThroughTheWrittenConfiguration) {
  Config c;
  ergon::load_config_text(c,
                          "[oscillator]\nw0 = \"450 MHz\"\n[lead.L]\nbeta = \"30 mK\"\nmu = \"0.3 mV\"\n"
                          "[units]\nenergy = \"ueV\"\n",  // after the values: still applies to them
                          "test.toml");
  EXPECT_LT(rel(c.device.oscillator.w0, 450e6 * 6.62607015e-34 / 1.602176634e-25), 1e-14);
  EXPECT_LT(rel(c.device.left.mu, 300.0), 1e-15);
  Config again;
  ergon::load_config_text(again, ergon::to_toml(c), "written.toml");
  EXPECT_EQ(again.device.oscillator.w0, c.device.oscillator.w0);
  EXPECT_EQ(again.device.left.beta, c.device.left.beta);
  EXPECT_EQ(again.units.energy, "ueV");
  EXPECT_EQ(ergon::to_toml(again), ergon::to_toml(c));
}

void refused(Config c, const std::string& key, const std::string& value, const std::string& says) {
  try {
    ergon::set_key(c, key, value);
    ADD_FAILURE() << key << " = " << value << " was accepted";
  } catch (const ergon::Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(key), std::string::npos) << what;
    EXPECT_NE(what.find(says), std::string::npos) << what;
  }
}

TEST(Units, WrongOrUnknownUnitsAreRefusedNamingTheKey) {
  const Config c = in("ueV");
  refused(c, "oscillator.w0", "3 ns", "is an energy");
  refused(c, "oscillator.w0", "3 furlongs", "unknown unit");
  refused(c, "dot.eps", "0.3 mV", "is an energy");  // a gate voltage is not a level energy
  refused(c, "langevin.dt", "2 GHz", "is a time");
  refused(c, "oscillator.mass", "2 meV", "plain number");
  refused(c, "lead.L.beta", "1 ns", "inverse temperature");
  refused(Config{}, "oscillator.w0", "450 MHz", "units.energy");  // no energy unit declared
  refused(Config{}, "units.energy", "ns", "energy");
  refused(Config{}, "units.energy", "-2 meV", "positive");
}

}  // namespace
