// Errors and their message builders (src/messages.cpp).
//
// Each public entry point validates its input first and throws ergon::Error
// with a one-line message that names the offending key or value and what is
// allowed. The builders below fix each message's form; usage(),
// not_converged() and bad_value() take text composed at the call site (the
// detail only that site knows). The CLI prints the message and exits with
// exit_code().
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ergon {

enum class ErrorKind {
  usage,        // bad command line (exit 2)
  config,       // bad configuration key or value (exit 2)
  input,        // malformed input file (exit 2)
  range,        // a run left the range it was set up for (exit 3)
  numerical,    // a numerical method failed to converge (exit 3)
  io,           // a file could not be read or written (exit 4)
  interrupted,  // SIGINT / SIGTERM (exit 130)
};

// One line, whatever a user typed into it: control characters (a newline in
// a value) are escaped and a message longer than 600 characters (a huge
// value) keeps its beginning and end around " ... ".
std::string one_line(std::string_view message);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(one_line(message)), kind_(kind) {}
  ErrorKind kind() const { return kind_; }
  int exit_code() const;

 private:
  ErrorKind kind_;
};

// Message builders. Each returns the Error to throw.
namespace messages {
Error unknown_key(std::string_view key, std::string_view suggestion);
Error bad_value(std::string_view key, std::string_view value, std::string_view allowed);
Error not_finite(std::string_view key, double value);
Error not_positive(std::string_view key, double value);
Error negative(std::string_view key, double value);
Error out_of_range(std::string_view key, double value, std::string_view allowed);
Error both_set(std::string_view key_a, std::string_view key_b);
Error set_twice(std::string_view key, std::string_view first, std::string_view second);
Error config_parse(std::string_view file, std::string_view what, long line);
Error cannot_read(std::string_view file, std::string_view why);
Error cannot_write(std::string_view file, std::string_view why);
Error bad_assignment(std::string_view text);
Error bad_range(std::string_view option, std::string_view text);
Error bad_number(std::string_view option, std::string_view text);
Error malformed_file(std::string_view file, long line, std::string_view what);
Error table_range(double bias, double x_over_x0, double lo, double hi);
Error not_converged(std::string_view what, std::string_view detail);
Error interrupted();
Error interrupted_sweep(std::size_t saved, std::size_t total, std::string_view checkpoint);
Error checkpoint_exists(std::string_view checkpoint, std::size_t saved);
Error checkpoint_mismatch(std::string_view checkpoint, std::string_view what);
Error incomplete_file(std::string_view file, std::string_view why);
Error output_busy(std::string_view path);
Error fock_too_large(int n_max, int limit);
// The HEOM problem does not fit in memory.
Error heom_too_large(int fock, int tier, int poles, int ados, long long unknowns, double bytes, double available);
Error density_too_large(int n_max, int limit);
Error diffusion_unresolved(double orbit_average, double amplitude_x0);
// The averaged solver's effective potential is not a single well.
Error several_wells(double x_x0, double polaron);
Error table_too_fine(double nodes, long max_nodes, double half_width_x0, std::string_view key, double value,
                     bool inverse);
Error unknown_model(std::string_view name, const std::vector<std::string>& known);
Error orbits_too_many(double nodes, double max_nodes, double half_width_x0, std::string_view key, double value,
                      bool inverse);
Error tolerance_not_reached(double error, double tolerance, double resolution);
Error time_step_too_large(double dt, double w0, std::string_view why);
Error too_many_batches(std::size_t batches, int bins, double bytes, double limit);
Error density_beyond_table(double bias, double cap_x0);
Error usage(std::string_view what);
}  // namespace messages

}  // namespace ergon
