// The engine kernel compiled for avx512 (flags set in src/CMakeLists.txt).
#include "kernel.hpp"

namespace ergon::engine {
Result run_avx512(const Job& job) { return Kernel<xsimd::avx512bw>::run(job); }
int width_avx512() { return Kernel<xsimd::avx512bw>::Lanes; }
}  // namespace ergon::engine
