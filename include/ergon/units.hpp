// Physical units at the edges (docs/model.md, "Units"). Inside, hbar = e =
// k_B = 1 and energies are numbers in one energy unit; `[units] energy`
// says what that unit is (e.g. "ueV", "GHz", "0.1 meV"; unset: values are
// plain numbers and carry no unit). Configuration values may then carry
// units, converted with the exact SI constants (2019 SI):
//   energy       eV meV ueV neV, J
//   temperature  K mK uK nK        E = k_B T
//   frequency    Hz kHz MHz GHz THz  a cycle frequency f, E = h f
//   angular      rad/s krad/s Mrad/s Grad/s Trad/s  E = hbar w
//   voltage      V mV uV nV        E = e V (chemical potentials only)
//   time         s ms us ns ps fs  in units of hbar / (energy unit)
// "u" may be written as the micro sign. A lead's beta accepts a
// temperature or an energy and becomes 1 / (k_B T).
#pragma once

#include <string>
#include <string_view>

namespace ergon::units {

// Exact SI constants.
inline constexpr double planck = 6.62607015e-34;                     // h [J s]
inline constexpr double hbar = planck / 6.283185307179586476925286;  // [J s]
inline constexpr double elementary_charge = 1.602176634e-19;         // e [C]
inline constexpr double boltzmann = 1.380649e-23;                    // k_B [J/K]

enum class Dimension {
  none,            // dimensionless or not convertible (mass, force, counts)
  energy,          // energies, temperatures, frequencies
  potential,       // a chemical potential: an energy or a voltage (e V)
  inverse_energy,  // beta: given as 1 / (an energy or a temperature)
  time,            // [hbar / energy unit]
};
Dimension dimension_of(std::string_view key);

// The energy unit named by `[units] energy`, in joules; throws naming
// units.energy for anything that is not an energy.
double energy_unit_joules(std::string_view units_energy);

// Splits "450 MHz" into 450 and "MHz" (space optional); false when the text
// has no unit after the number.
bool split_quantity(std::string_view text, double& value, std::string& unit);

// `text` (a number with a unit) for `key` in the configured energy unit;
// throws a config error naming the key: no [units] energy, an unknown
// unit, a unit of the wrong dimension, or a key that takes no unit.
double to_internal(std::string_view key, std::string_view text, std::string_view units_energy);

// SI values of the internal units.
struct SiScale {
  double energy_J = 0.0;        // one energy unit [J]
  double time_s = 0.0;          // hbar / energy unit [s]
  double current_nA() const;    // one particle per time unit, as a charge current [nA]
  double power_fW() const;      // one energy unit per time unit [fW]
  double frequency_Hz() const;  // a cycle frequency E / h of one energy unit [Hz]
};
SiScale si_scale(std::string_view units_energy);

}  // namespace ergon::units
