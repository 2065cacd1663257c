// The sixteen-component Gauss-Kronrod sums, one vector width per instruction set.
#include <cstring>

#include "numerics/gauss_kronrod.hpp"
#include "ergon/isa.hpp"

namespace ergon::numerics {
namespace {

// The table's sixteen components as vectors of V (GCC/Clang vector
// extension: left to itself the compiler vectorises over the nodes and then
// has to add in order): two of eight doubles on AVX-512, four of four on
// AVX2 and eight of two on the baseline. The width must match the
// instruction set (GCC splits a wider vector into slow code). Each
// component's sum runs over the nodes in the same order on every width.
template <class V>
__attribute__((always_inline)) inline void rule_sums_as(const KronrodRule& rule, const NodeValues<16>& v,
                                                        const Nodes& jac, std::array<double, 16>& value,
                                                        std::array<double, 16>& gauss, std::array<double, 16>& l1) {
  constexpr int W = sizeof(V) / sizeof(double), H = 16 / W;
  V a[H]{}, b[H]{}, c[H]{};
  for (unsigned i = 0; i < kLanes; ++i)
    for (int h = 0; h < H; ++h) {
      V y;
      std::memcpy(&y, v[i].data() + W * h, sizeof y);
      y *= jac[i];
      a[h] += rule.kronrod[i] * y;
      b[h] += rule.gauss[i] * y;
      c[h] += rule.kronrod[i] * (y < 0 ? -y : y);
    }
  for (int h = 0; h < H; ++h) {
    std::memcpy(value.data() + W * h, &a[h], sizeof a[h]);
    std::memcpy(gauss.data() + W * h, &b[h], sizeof b[h]);
    std::memcpy(l1.data() + W * h, &c[h], sizeof c[h]);
  }
}
__attribute__((target("avx512f"))) void rule_sums_avx512(const KronrodRule& rule, const NodeValues<16>& v,
                                                         const Nodes& jac, std::array<double, 16>& value,
                                                         std::array<double, 16>& gauss, std::array<double, 16>& l1) {
  rule_sums_as<double __attribute__((vector_size(64)))>(rule, v, jac, value, gauss, l1);
}
__attribute__((target("avx2,fma"))) void rule_sums_avx2(const KronrodRule& rule, const NodeValues<16>& v,
                                                        const Nodes& jac, std::array<double, 16>& value,
                                                        std::array<double, 16>& gauss, std::array<double, 16>& l1) {
  rule_sums_as<double __attribute__((vector_size(32)))>(rule, v, jac, value, gauss, l1);
}
void rule_sums_baseline(const KronrodRule& rule, const NodeValues<16>& v, const Nodes& jac,
                        std::array<double, 16>& value, std::array<double, 16>& gauss, std::array<double, 16>& l1) {
  rule_sums_as<double __attribute__((vector_size(16)))>(rule, v, jac, value, gauss, l1);
}

}  // namespace

void rule_sums(const KronrodRule& rule, const NodeValues<16>& v, const Nodes& jac, std::array<double, 16>& value,
               std::array<double, 16>& gauss, std::array<double, 16>& l1) {
  isa::choose(rule_sums_baseline, rule_sums_avx2, rule_sums_avx512)(rule, v, jac, value, gauss, l1);
}

}  // namespace ergon::numerics
