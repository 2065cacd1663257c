// The electronic-model factory: names to builders ([electronic] model).
#include <fmt/format.h>

#include <cmath>
#include <mutex>
#include <utility>

#include "ergon/config.hpp"
#include "ergon/electronic.hpp"
#include "ergon/errors.hpp"
#include "ergon/mechanical_bath.hpp"
#include "ergon/parallel.hpp"
#include "ergon/resonant_level.hpp"
#include "ergon/sequential.hpp"

namespace ergon {
namespace {

struct Registry {
  std::mutex mutex;
  std::vector<std::pair<std::string, ModelBuilder>> builders;
  Registry() {
    builders.emplace_back("resonant_level", [](const Config& config) -> std::shared_ptr<const ElectronicModel> {
      return std::make_shared<ResonantLevel>(config.device, QuadratureOptions{},
                                             config.electronic.coefficients == "frequency_resolved");
    });
    builders.emplace_back("sequential", [](const Config& config) -> std::shared_ptr<const ElectronicModel> {
      return std::make_shared<SequentialTunnelling>(config);
    });
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

double MechanicalMode::x0() const { return std::sqrt(2.0 / (mass * w0)); }
double MechanicalMode::p0() const { return std::sqrt(2.0 * mass * w0); }

std::vector<Coefficients> coefficients_at(const ElectronicModel& model, const std::vector<double>& x, int threads,
                                          const std::atomic<bool>* stop) {
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i])) throw messages::usage(fmt::format("position x[{}] = {} is not a finite number", i, x[i]));
  std::vector<Coefficients> out(x.size());
  parallel_for(static_cast<int>(x.size()), threads, [&](int i) {
    if (stop && stop->load(std::memory_order_relaxed)) return;
    out[static_cast<std::size_t>(i)] = model.coefficients(x[static_cast<std::size_t>(i)]);
  });
  if (stop && stop->load()) throw messages::interrupted();
  return out;
}

std::shared_ptr<const ElectronicModel> make_electronic_model(const Config& config) {
  ModelBuilder builder;
  {
    Registry& r = registry();
    const std::lock_guard<std::mutex> lock(r.mutex);
    for (const auto& [name, b] : r.builders)
      if (name == config.electronic.model) builder = b;
  }
  if (!builder) throw messages::unknown_model(config.electronic.model, electronic_model_names());
  std::shared_ptr<const ElectronicModel> model = builder(config);
  if (config.electronic.coefficients != "zero_frequency" && model->name() != "resonant_level")
    throw messages::bad_value("electronic.coefficients", "\"" + config.electronic.coefficients + "\"",
                              "is available for electronic.model = \"resonant_level\" only (this is \"" +
                                  model->name() + "\"); use \"zero_frequency\"");
  // The mechanical bath acts on the oscillator whatever drives it.
  const Oscillator& osc = config.device.oscillator;
  if (osc.quality > 0) {
    if (!osc.phonon_temperature)
      throw messages::usage(
          "oscillator.quality is set, so oscillator.phonon_temperature must be too (the mechanical "
          "bath's temperature [energy], >= 0)");
    model = std::make_shared<MechanicalBath>(std::move(model), osc.quality, *osc.phonon_temperature);
  }
  return model;
}

void register_electronic_model(const std::string& name, ModelBuilder builder) {
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mutex);
  for (auto& [n, b] : r.builders)
    if (n == name) {
      b = std::move(builder);
      return;
    }
  r.builders.emplace_back(name, std::move(builder));
}

std::vector<std::string> electronic_model_names() {
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<std::string> names;
  for (const auto& entry : r.builders) names.push_back(entry.first);
  return names;
}

bool is_electronic_model(const std::string& name) {
  for (const auto& n : electronic_model_names())
    if (n == name) return true;
  return false;
}

}  // namespace ergon
