// The engine kernel compiled for avx2 (flags set in src/CMakeLists.txt).
#include "kernel.hpp"

namespace ergon::engine {
Result run_avx2(const Job& job) { return Kernel<xsimd::fma3<xsimd::avx2>>::run(job); }
int width_avx2() { return Kernel<xsimd::fma3<xsimd::avx2>>::Lanes; }
void normals_avx2(std::uint64_t seed, std::uint32_t first, std::uint64_t block, double* out) {
  Kernel<xsimd::fma3<xsimd::avx2>>::sample(seed, first, block, out);
}
}  // namespace ergon::engine
