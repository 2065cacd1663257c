#include "ergon/random.hpp"

#include <Random123/philox.h>

#include <cmath>
#include <numbers>

namespace ergon {

std::array<std::uint32_t, 4> philox_words(std::uint64_t seed, std::uint64_t block, std::uint32_t trajectory,
                                          RandomStream stream) {
  r123::Philox4x32 rng;
  const r123::Philox4x32::ctr_type ctr = {{static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32),
                                           trajectory, static_cast<std::uint32_t>(stream)}};
  const r123::Philox4x32::key_type key = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  const auto r = rng(ctr, key);
  return {r[0], r[1], r[2], r[3]};
}

std::array<double, 4> normals4(std::uint64_t seed, std::uint64_t block, std::uint32_t trajectory, RandomStream stream) {
  const auto w = philox_words(seed, block, trajectory, stream);
  constexpr double two_pi = 2.0 * std::numbers::pi;
  std::array<double, 4> out{};
  for (int k = 0; k < 2; ++k) {
    // Radius from 31 bits (u in (0, 1), resolution 2^-31 near 0: tails to
    // 6.6 sigma), angle from the top 24 bits.
    const double u = static_cast<double>(w[2 * k] >> 1) * 0x1p-31 + 0x1p-32;
    const double v = static_cast<double>(w[2 * k + 1] >> 8) * 0x1p-24;
    const double r = std::sqrt(-2.0 * std::log(u));
    out[2 * k] = r * std::cos(two_pi * v);
    out[2 * k + 1] = r * std::sin(two_pi * v);
  }
  return out;
}

}  // namespace ergon
