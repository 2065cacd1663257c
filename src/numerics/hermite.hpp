// Shared numerics: Hermite interpolation on a cell t in [0, 1] of width h.
// The septic basis interpolates values and three derivatives at both ends
// (the coefficient tables, error O(h^8)); the cubic one values and slopes
// (the averaged solver's fine tables of ln P).
#pragma once

namespace ergon::numerics {

// Septic Hermite basis on t in [0, 1]: the interpolant of values y and the
// first three derivatives y1, y2, y3 at both ends is
//   v0 y + s0 h y1 + c0 h^2 y2 + d0 h^3 y3 (left end) + the same at the right.
struct Septic {
  double v0, s0, c0, d0, v1, s1, c1, d1;
};

inline Septic septic_basis(double t) {
  const double t2 = t * t, t3 = t2 * t, t4 = t3 * t;
  // The t^4 .. t^7 parts (Horner).
  auto high = [&](double a4, double a5, double a6, double a7) { return t4 * (a4 + t * (a5 + t * (a6 + t * a7))); };
  return {1 + high(-35, 84, -70, 20),       t + high(-20, 45, -36, 10),
          0.5 * t2 + high(-5, 10, -7.5, 2), t3 / 6 + high(-2.0 / 3, 1, -2.0 / 3, 1.0 / 6),
          high(35, -84, 70, -20),           high(-15, 39, -34, 10),
          high(2.5, -7, 6.5, -2),           high(-1.0 / 6, 0.5, -0.5, 1.0 / 6)};
}

// int_0^t of the basis functions (at t = 1: 1/2, 3/28, 1/84, 1/1680, 1/2,
// -3/28, 1/84, -1/1680).
inline Septic septic_basis_integral(double t) {
  const double t2 = t * t, t3 = t2 * t, t4 = t3 * t, t5 = t4 * t;
  auto high = [&](double a5, double a6, double a7, double a8) { return t5 * (a5 + t * (a6 + t * (a7 + t * a8))); };
  return {t + high(-7, 14, -10, 2.5),
          0.5 * t2 + high(-4, 7.5, -36.0 / 7, 1.25),
          t3 / 6 + high(-1, 5.0 / 3, -15.0 / 14, 0.25),
          t4 / 24 + high(-2.0 / 15, 1.0 / 6, -2.0 / 21, 1.0 / 48),
          high(7, -14, 10, -2.5),
          high(-3, 6.5, -34.0 / 7, 1.25),
          high(0.5, -7.0 / 6, 13.0 / 14, -0.25),
          high(-1.0 / 30, 1.0 / 12, -1.0 / 14, 1.0 / 48)};
}

// The cubic Hermite interpolant at t of values y0, y1 and slopes s0, s1 on a
// cell of width h.
inline double cubic_hermite(double t, double h, double y0, double s0, double y1, double s1) {
  const double t2 = t * t, t3 = t2 * t;
  return (2 * t3 - 3 * t2 + 1) * y0 + (t3 - 2 * t2 + t) * h * s0 + (-2 * t3 + 3 * t2) * y1 + (t3 - t2) * h * s1;
}

}  // namespace ergon::numerics
