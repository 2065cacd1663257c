// The engine kernel compiled for avx2 (flags set in src/CMakeLists.txt).
#include "kernel.hpp"

namespace ergon::engine {
Result run_avx2(const Job& job) { return Kernel<xsimd::fma3<xsimd::avx2>>::run(job); }
int width_avx2() { return Kernel<xsimd::fma3<xsimd::avx2>>::Lanes; }
}  // namespace ergon::engine
