// Shared numerics: truncated Taylor series ("jets") a(x + d) = sum_k c_k d^k,
// k < N, with the arithmetic a rate model needs. Derivatives of any order
// below N come out exactly (to rounding): the k-th derivative is k! c_k.
#pragma once

#include <array>
#include <cmath>

namespace ergon::numerics {

template <int N>
struct Jet {
  std::array<double, N> c{};

  static Jet constant(double v) {
    Jet j;
    j.c[0] = v;
    return j;
  }
  // The variable x itself at x = value (slope `slope`).
  static Jet linear(double value, double slope) {
    Jet j;
    j.c[0] = value;
    if (N > 1) j.c[1] = slope;
    return j;
  }
  double value() const { return c[0]; }
  // d^k/dx^k at the expansion point.
  double derivative(int k) const {
    double f = 1;
    for (int i = 2; i <= k; ++i) f *= i;
    return f * c[static_cast<std::size_t>(k)];
  }

  Jet& operator+=(const Jet& o) {
    for (int k = 0; k < N; ++k) c[k] += o.c[k];
    return *this;
  }
  Jet& operator-=(const Jet& o) {
    for (int k = 0; k < N; ++k) c[k] -= o.c[k];
    return *this;
  }
  Jet& operator*=(double s) {
    for (auto& v : c) v *= s;
    return *this;
  }
  friend Jet operator+(Jet a, const Jet& b) { return a += b; }
  friend Jet operator-(Jet a, const Jet& b) { return a -= b; }
  friend Jet operator*(Jet a, double s) { return a *= s; }
  friend Jet operator*(double s, Jet a) { return a *= s; }
  friend Jet operator+(Jet a, double s) {
    a.c[0] += s;
    return a;
  }
  friend Jet operator*(const Jet& a, const Jet& b) {
    Jet r;
    for (int i = 0; i < N; ++i)
      for (int j = 0; i + j < N; ++j) r.c[i + j] += a.c[i] * b.c[j];
    return r;
  }
};

// 1 / a (a(0) != 0).
template <int N>
Jet<N> reciprocal(const Jet<N>& a) {
  Jet<N> r;
  r.c[0] = 1.0 / a.c[0];
  for (int k = 1; k < N; ++k) {
    double s = 0;
    for (int j = 1; j <= k; ++j) s += a.c[j] * r.c[k - j];
    r.c[k] = -s * r.c[0];
  }
  return r;
}

// exp(a): e_k = (1/k) sum_{j=1}^k j a_j e_{k-j}.
template <int N>
Jet<N> exp(const Jet<N>& a) {
  Jet<N> r;
  r.c[0] = std::exp(a.c[0]);
  for (int k = 1; k < N; ++k) {
    double s = 0;
    for (int j = 1; j <= k; ++j) s += j * a.c[j] * r.c[k - j];
    r.c[k] = s / k;
  }
  return r;
}

}  // namespace ergon::numerics
