// Every user-facing error message of ergon. Keep them one line each, naming
// the key or value at fault and what is allowed.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ergon/errors.hpp"

namespace ergon {

std::string one_line(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  for (unsigned char c : message) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else if (c < 0x20 || c == 0x7f)
      out += fmt::format("\\x{:02x}", c);
    else
      out += static_cast<char>(c);
  }
  constexpr std::size_t limit = 600, head = 500, tail = 80;
  if (out.size() > limit)
    out = out.substr(0, head) + fmt::format(" ... ({} characters) ... ", out.size() - head - tail) +
          out.substr(out.size() - tail);
  return out;
}

int Error::exit_code() const {
  switch (kind_) {
    case ErrorKind::usage:
    case ErrorKind::config:
    case ErrorKind::input:
      return 2;
    case ErrorKind::range:
    case ErrorKind::numerical:
      return 3;
    case ErrorKind::io:
      return 4;
    case ErrorKind::interrupted:
      return 130;
  }
  return 1;
}

namespace messages {

Error unknown_key(std::string_view key, std::string_view suggestion) {
  if (suggestion.empty())
    return {ErrorKind::config, fmt::format("unknown key '{}' (see 'ergon config' for the known keys)", key)};
  return {ErrorKind::config, fmt::format("unknown key '{}'; did you mean '{}'?", key, suggestion)};
}

Error bad_value(std::string_view key, std::string_view value, std::string_view allowed) {
  return {ErrorKind::config, fmt::format("{} = {} is not allowed: {}", key, value, allowed)};
}

Error not_finite(std::string_view key, double value) {
  return {ErrorKind::config, fmt::format("{} = {} is not allowed: must be a finite number", key, value)};
}

Error not_positive(std::string_view key, double value) {
  return {ErrorKind::config, fmt::format("{} = {} is not allowed: must be > 0", key, value)};
}

Error negative(std::string_view key, double value) {
  return {ErrorKind::config, fmt::format("{} = {} is not allowed: must be >= 0", key, value)};
}

Error out_of_range(std::string_view key, double value, std::string_view allowed) {
  return {ErrorKind::config, fmt::format("{} = {} is not allowed: {}", key, value, allowed)};
}

Error both_set(std::string_view key_a, std::string_view key_b) {
  return {ErrorKind::config, fmt::format("{} and {} are both set; give exactly one of them", key_a, key_b)};
}

Error config_parse(std::string_view file, std::string_view what, long line) {
  return {ErrorKind::config, fmt::format("{}:{}: {}", file, line, what)};
}

Error cannot_read(std::string_view file, std::string_view why) {
  return {ErrorKind::io, fmt::format("cannot read '{}': {}", file, why)};
}

Error cannot_write(std::string_view file, std::string_view why) {
  return {ErrorKind::io, fmt::format("cannot write '{}': {}", file, why)};
}

Error set_twice(std::string_view key, std::string_view first, std::string_view second) {
  return Error(ErrorKind::usage, fmt::format("{} and {} both set {}; use one of them", first, second, key));
}

Error bad_assignment(std::string_view text) {
  return {ErrorKind::usage, fmt::format("--set '{}' is not of the form key=value", text)};
}

Error bad_range(std::string_view option, std::string_view text) {
  return {ErrorKind::usage, fmt::format("{} '{}' is not a range: use START:STOP:COUNT (COUNT >= 1 points, both ends "
                                        "included) or a comma list a,b,c",
                                        option, text)};
}

Error bad_number(std::string_view option, std::string_view text) {
  return {ErrorKind::usage, fmt::format("{} '{}' is not a finite number", option, text)};
}

Error malformed_file(std::string_view file, long line, std::string_view what) {
  if (line <= 0) return {ErrorKind::input, fmt::format("{}: {}", file, what)};  // not a line-oriented file
  return {ErrorKind::input, fmt::format("{}:{}: {}", file, line, what)};
}

Error table_range(double bias, double x_over_x0, double lo, double hi) {
  return {ErrorKind::range, fmt::format("at bias V = {} a trajectory reached x/x0 = {:.4g}, outside the coefficient "
                                        "table [{:.4g}, {:.4g}] even after extending it; the oscillator is not "
                                        "confined (check lead and coupling parameters)",
                                        bias, x_over_x0, lo, hi)};
}

Error not_converged(std::string_view what, std::string_view detail) {
  return {ErrorKind::numerical, fmt::format("{} did not converge: {}", what, detail)};
}

Error interrupted() { return {ErrorKind::interrupted, "interrupted; no partial result was written"}; }

Error interrupted_sweep(std::size_t saved, std::size_t total, std::string_view checkpoint) {
  return {ErrorKind::interrupted,
          fmt::format("interrupted: {} of {} points are saved in '{}'; run the same command with --resume to finish",
                      saved, total, checkpoint)};
}

Error checkpoint_exists(std::string_view checkpoint, std::size_t saved) {
  return {ErrorKind::usage, fmt::format("'{}' holds {} finished points of an interrupted sweep: add --resume to "
                                        "continue it, or remove that directory to start over",
                                        checkpoint, saved)};
}

Error table_too_fine(double nodes, long max_nodes, double half_width_x0, std::string_view key, double value,
                     bool inverse) {
  return {ErrorKind::config,
          fmt::format("the coefficient table's spacing (a fifth of the smallest electronic energy scale, set "
                      "here by {} = {:g}, over |F|) is too fine: covering |x| <= {:.4g} x0 would take {:.3g} nodes, "
                      "more than the {} allowed; use a {} {} or a weaker oscillator.lambda (the model assumes "
                      "temperatures and level widths well above w0 and lambda anyway)",
                      key, value, half_width_x0, nodes, max_nodes, inverse ? "smaller" : "larger", key)};
}

Error diffusion_unresolved(double orbit_average, double amplitude_x0) {
  return {ErrorKind::numerical,
          fmt::format("averaged solver: the momentum diffusion averages to {:.3g} on the orbit of amplitude {:.4g} "
                      "x0, where it must be positive; at such strong coupling (or narrow bands) the mean-force "
                      "potential can have several wells or D(x) falls below what the table resolves, and the "
                      "energy-averaged theory (which the sampler also uses for its start and range) does not apply",
                      orbit_average, amplitude_x0)};
}

Error heom_too_large(int fock, int tier, int poles, int ados, long long unknowns, double bytes, double available) {
  return {ErrorKind::range,
          fmt::format("the HEOM problem with heom.fock = {}, heom.tier = {}, heom.poles = {} has {} auxiliary "
                      "operators and {} unknowns and needs about {:.1f} GB, more than the {:.1f} GB available: "
                      "lower heom.fock (the state's populations above it), heom.tier, heom.poles or heom.restart",
                      fock, tier, poles, ados, unknowns, bytes / 1e9, available / 1e9)};
}

Error fock_too_large(int n_max, int limit) {
  return {ErrorKind::range,
          fmt::format("the state needs n_max = {} Fock states, more than the {} the Fock map handles "
                      "(its cost grows as n_max^2); such a hot or large-amplitude state is "
                      "classical: lower the temperature (lead.L.beta, lead.R.beta larger) or the bias",
                      n_max, limit)};
}

Error output_busy(std::string_view path) {
  return {ErrorKind::io, fmt::format("'{}' is being written by another ergon process (a run still going, or the "
                                     "surviving ranks of a killed MPI job); wait for it or stop it first",
                                     path)};
}

Error checkpoint_mismatch(std::string_view checkpoint, std::string_view what) {
  return {ErrorKind::usage, fmt::format("'{}' holds checkpoints of a different sweep ({} differs); remove it or "
                                        "write to another output",
                                        checkpoint, what)};
}

Error incomplete_file(std::string_view file, std::string_view why) {
  return {ErrorKind::input, fmt::format("'{}' is not a complete ergon result: {}", file, why)};
}

Error unknown_model(std::string_view name, const std::vector<std::string>& known) {
  return Error(ErrorKind::config, fmt::format("electronic.model = \"{}\" is not a model: use one of \"{}\"", name,
                                              fmt::join(known, "\", \"")));
}

Error orbits_too_many(double nodes, double max_nodes, double half_width_x0, std::string_view key, double value,
                      bool inverse) {
  return {
      ErrorKind::config,
      fmt::format("the averaged solver's orbits would visit {:.3g} phase nodes (the limit is {:.3g}, tens of seconds): "
                  "the state reaches |x| = {:.4g} x0 while the electronic structure, set here by {} = {:g}, needs "
                  "a spacing of a fifth of that scale over |F|; use a {} {} (the quasi-adiabatic model wants "
                  "temperatures and level widths well above w0 anyway)",
                  nodes, max_nodes, half_width_x0, key, value, inverse ? "smaller" : "larger", key)};
}

Error tolerance_not_reached(double error, double tolerance, double resolution) {
  return {ErrorKind::numerical,
          fmt::format("the averaged solver's estimated error {:.3g} stays above averaged.tolerance = {:g} at its "
                      "finest affordable resolution {:g}; allow a larger averaged.tolerance",
                      error, tolerance, resolution)};
}

Error density_too_large(int n_max, int limit) {
  return {ErrorKind::usage,
          fmt::format("a density matrix up to n = {} is too large: at most n_max = {} ({} MiB); pass a smaller "
                      "--n-max or a grid that covers a smaller state",
                      n_max, limit, (16.0 * (limit + 1.0) * (limit + 1.0)) / (1 << 20))};
}

Error time_step_too_large(double dt, double w0, std::string_view why) {
  return {ErrorKind::config, fmt::format("langevin.dt = {:g} is too large for oscillator.w0 = {:g}: {}", dt, w0, why)};
}

Error too_many_batches(std::size_t batches, int bins, double bytes, double limit) {
  return {ErrorKind::config,
          fmt::format("{} batches (langevin.batches, or langevin.trajectories when larger) of {} radial bins each "
                      "would take {:.3g} GiB, more than the {:.3g} GiB allowed; use fewer batches or trajectories",
                      batches, bins, bytes / (1 << 30), limit / (1 << 30))};
}

Error density_beyond_table(double bias, double cap_x0) {
  return {ErrorKind::range,
          fmt::format("at bias V = {} the stationary density reaches beyond |x| = {:.4g} x0, the widest table ergon "
                      "builds: the oscillator is not confined there (a weak oscillator.lambda above threshold puts "
                      "the limit cycle far out, hot leads heat it far out; check lead and coupling parameters)",
                      bias, cap_x0)};
}

Error several_wells(double x_x0, double polaron) {
  return {
      ErrorKind::range,
      fmt::format("the mean-force potential m w0^2 x^2/2 - F int <n> dx stops rising at x = {:.4g} x0 from its "
                  "bottom: it has more than one well (a polaron energy 2 lambda^2 / w0 = {:.3g} comparable to "
                  "the leads' temperatures bends it), and the energy-averaged theory, which the sampler also uses for "
                  "its start and range, assumes one; use a weaker oscillator.lambda or a stiffer oscillator.w0",
                  x_x0, polaron)};
}

Error usage(std::string_view what) { return {ErrorKind::usage, std::string(what)}; }

}  // namespace messages
}  // namespace ergon
