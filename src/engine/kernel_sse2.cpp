// The engine kernel compiled for sse2 (flags set in src/CMakeLists.txt).
#include "kernel.hpp"

namespace ergon::engine {
Result run_sse2(const Job& job) { return Kernel<xsimd::sse2>::run(job); }
int width_sse2() { return Kernel<xsimd::sse2>::Lanes; }
void normals_sse2(std::uint64_t seed, std::uint32_t first, std::uint64_t block, double* out) {
  Kernel<xsimd::sse2>::sample(seed, first, block, out);
}
}  // namespace ergon::engine
