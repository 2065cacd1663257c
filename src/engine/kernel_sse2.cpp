// The engine kernel compiled for sse2 (flags set in src/CMakeLists.txt).
#include "kernel.hpp"

namespace ergon::engine {
Result run_sse2(const Job& job) { return Kernel<xsimd::sse2>::run(job); }
int width_sse2() { return Kernel<xsimd::sse2>::Lanes; }
}  // namespace ergon::engine
