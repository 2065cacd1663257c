// Links the installed ergon::ergon and solves one steady state at the paper's
// parameters; test_consumer.sh compares what it prints with the CLI.
#include <cstdio>

#include "ergon/config.hpp"
#include "ergon/steady.hpp"
#include "ergon/version.hpp"

int main() {
  ergon::Config config;
  ergon::set_bias(config.device, 6.0);
  const ergon::SteadyState s = ergon::solve_steady_state(config, ergon::Method::averaged);
  std::printf("ergon %s nbar %.17g\n", ergon::version(), s.nbar.value);
  return 0;
}
