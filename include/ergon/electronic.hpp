// Stage 2: the electrons at a fixed oscillator position x, behind one
// interface. An ElectronicModel gives everything the later stages ask of the
// electrons: the coefficients of the oscillator's Langevin equation (mean
// excess charge <n>_x, momentum diffusion D(x), damping gamma(x), current
// I(x)) with their x-derivatives for the tables, the mechanical mode they
// drive, the energy scale the tables must resolve, and the model's validity
// conditions.
//
// Implementations: ResonantLevel (resonant_level.hpp; the paper's
// non-interacting level solved with non-equilibrium Green functions). A new
// model is a class deriving from ElectronicModel plus a line registering it
// with the factory (docs/architecture.md, "Adding a model").
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ergon/diagnostic.hpp"
#include "ergon/parameters.hpp"

namespace ergon {

// Everything the oscillator needs from the electrons at one position x.
struct Coefficients {
  double x = 0.0;        // oscillator position [length]
  double n = 0.0;        // mean excess charge <n>_x = <N>_x - N0
  double D = 0.0;        // momentum diffusion D(x) = S_x(0) [force^2 time]
  double gamma = 0.0;    // damping rate gamma(x) = S_x'(0) / m [1/time]
  double current = 0.0;  // particle current from L to R, I_x [1/time]
};

// x-derivatives of the coefficients, used by the Hermite tables.
struct CoefficientSlopes {
  double dn = 0.0;        // d<n>_x/dx
  double dD = 0.0;        // dD/dx
  double dgamma = 0.0;    // dgamma/dx
  double dcurrent = 0.0;  // dI/dx
};

// Second x-derivatives of the coefficients (septic Hermite tables).
struct CoefficientCurvatures {
  double d2n = 0.0;        // d^2<n>_x/dx^2
  double d2D = 0.0;        // d^2D/dx^2
  double d2gamma = 0.0;    // d^2gamma/dx^2
  double d2current = 0.0;  // d^2I/dx^2
};

// Third x-derivatives of the coefficients (septic Hermite tables).
struct CoefficientThirds {
  double d3n = 0.0;        // d^3<n>_x/dx^3
  double d3D = 0.0;        // d^3D/dx^3
  double d3gamma = 0.0;    // d^3gamma/dx^3
  double d3current = 0.0;  // d^3I/dx^3
};

// A table node: values and their first three x-derivatives at one x.
struct CoefficientNode {
  Coefficients values;
  CoefficientSlopes slopes;
  CoefficientCurvatures curvatures;
  CoefficientThirds thirds;
};

// The mechanical mode the electrons drive: H_osc = p^2/2m + m w0^2 x^2/2,
// coupled by -F x (N - N0).
struct MechanicalMode {
  double w0 = 1.0;    // angular frequency [energy]
  double mass = 1.0;  // m
  double F = 0.0;     // force per unit excess charge [energy / length]
  // Zero-point length and momentum: alpha = x / x0 + i p / p0.
  double x0() const;
  double p0() const;
};

// An electronic energy scale and the configuration key that sets it.
struct EnergyScale {
  double value = 1.0;      // [energy]
  std::string key;         // e.g. "lead.L.beta"
  double key_value = 1.0;  // the key's value
  bool inverse = false;    // the key is an inverse energy (a beta)
};

class ElectronicModel {
 public:
  virtual ~ElectronicModel() = default;

  // The configuration name of the model ([electronic] model = "...").
  virtual std::string name() const = 0;
  // The mode the electrons drive.
  virtual MechanicalMode oscillator() const = 0;
  // Reference charge: <n>_x = <N>_x - N0 (N0 = <N> at F = 0).
  virtual double N0() const = 0;
  // Values and x-derivatives at one x. Must be thread-safe (tables fill
  // their nodes in parallel) and must not depend on the thread.
  virtual CoefficientNode node(double x) const = 0;
  // How many x-derivatives node() fills: 3, or 1 (then a table takes the
  // second and third from differences of the slopes: interpolation error
  // O(h^4) instead of O(h^8)).
  virtual int derivatives() const { return 3; }
  // The values alone (the coefficients command, gamma(0) for thresholds).
  virtual Coefficients coefficients(double x) const { return node(x).values; }
  // The smallest electronic energy scale, which sets the table spacing
  // (natural_spacing in tables.hpp), and the key that sets it.
  virtual EnergyScale smallest_scale() const = 0;
  // The model's own validity conditions at its parameters (the solvers add
  // the oscillator's: underdamped motion).
  virtual std::vector<Diagnostic> diagnostics() const { return {}; }
};

// The coefficients at positions x[i], in parallel (the result does not
// depend on the thread count); throws interrupted() if `stop` is set before
// every position is done. What the coefficients command and Python print.
std::vector<Coefficients> coefficients_at(const ElectronicModel& model, const std::vector<double>& x, int threads = 0,
                                          const std::atomic<bool>* stop = nullptr);

// Builds the model named by config.electronic.model (validating the keys it
// reads). Throws ergon::Error naming the key for an unknown model.
std::shared_ptr<const ElectronicModel> make_electronic_model(const Config& config);

// A model for the factory: a user's own model becomes reachable by name from
// every command, sweep and the Python module. Registering a name twice
// replaces the builder.
using ModelBuilder = std::function<std::shared_ptr<const ElectronicModel>(const Config& config)>;
void register_electronic_model(const std::string& name, ModelBuilder builder);
// Registered names, in registration order ("resonant_level" first).
std::vector<std::string> electronic_model_names();
bool is_electronic_model(const std::string& name);

}  // namespace ergon
