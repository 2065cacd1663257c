// Counter-based random numbers (Philox4x32-10, Random123) keyed by
// (seed, trajectory, step): any trajectory's noise at any step can be
// generated independently, so results never depend on how trajectories are
// spread over threads.
//
// One Philox call with counter (block, trajectory, stream) and key (seed)
// gives four 32-bit words w0..w3; each pair (u, v) = (w0, w1), (w2, w3)
// becomes two standard normals by Box-Muller:
//   r = sqrt(-2 ln((u >> 1) 2^-31 + 2^-32)),  theta = 2 pi (v >> 8) 2^-24,
//   normals r cos(theta), r sin(theta).
// Step s of a trajectory uses normal (s mod 4) of block s / 4. The engine
// evaluates the same formula in single precision (relative difference below
// 1e-6); normals4() is the double-precision reference.
#pragma once

#include <array>
#include <cstdint>

namespace ergon {

enum class RandomStream : std::uint32_t {
  dynamics = 0,  // the Langevin noise
  initial = 1,   // initial conditions
};

// The four Philox4x32-10 output words for one counter (reference version,
// computed with Random123).
std::array<std::uint32_t, 4> philox_words(std::uint64_t seed, std::uint64_t block, std::uint32_t trajectory,
                                          RandomStream stream);

// Four standard normals from one Philox block (Box-Muller as above).
std::array<double, 4> normals4(std::uint64_t seed, std::uint64_t block, std::uint32_t trajectory, RandomStream stream);

// Normal number source for one trajectory; step-indexed, caches one block.
class NormalStream {
 public:
  NormalStream(std::uint64_t seed, std::uint32_t trajectory, RandomStream stream = RandomStream::dynamics)
      : seed_(seed), trajectory_(trajectory), stream_(stream) {}
  // The normal used at `step`.
  double at(std::uint64_t step) {
    const std::uint64_t block = step >> 2;
    if (block != block_) {
      cache_ = normals4(seed_, block, trajectory_, stream_);
      block_ = block;
    }
    return cache_[step & 3];
  }
  // Sequential use: the next normal.
  double operator()() { return at(next_++); }

 private:
  std::uint64_t seed_;
  std::uint32_t trajectory_;
  RandomStream stream_;
  std::uint64_t block_ = ~std::uint64_t{0};
  std::uint64_t next_ = 0;
  std::array<double, 4> cache_{};
};

}  // namespace ergon
