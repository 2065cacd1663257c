// The engine kernel compiled for avx512 (flags set in src/CMakeLists.txt).
#include "kernel.hpp"

namespace ergon::engine {
Result run_avx512(const Job& job) { return Kernel<xsimd::avx512bw>::run(job); }
int width_avx512() { return Kernel<xsimd::avx512bw>::Lanes; }
void normals_avx512(std::uint64_t seed, std::uint32_t first, std::uint64_t block, double* out) {
  Kernel<xsimd::avx512bw>::sample(seed, first, block, out);
}
}  // namespace ergon::engine
