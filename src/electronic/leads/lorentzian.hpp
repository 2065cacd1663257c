// A lead with a Lorentzian band (docs/model.md, "Leads"):
//   kappa(w) = Gamma delta^2 / ((w - w_c)^2 + delta^2),
//   Sigma(w) = (Gamma delta / 2) / (w - w_c + i delta)   (retarded self-energy).
#pragma once

#include <complex>
#include <vector>

#include "numerics/gauss_kronrod.hpp"

namespace ergon::leads {

// kappa, dkappa/dw, Sigma and dSigma/dw at the nodes of one quadrature rule
// application (structure of arrays, so the loops vectorise).
struct BandNodes {
  numerics::Nodes kappa, dkappa, sigma_re, sigma_im, dsigma_re, dsigma_im;
};

// kappa, Sigma and their w-derivatives at one frequency.
struct BandAt {
  double kappa, dkappa;
  std::complex<double> sigma, dsigma;
};

struct Lorentzian {
  double Gamma = 2.0;   // peak level width [energy]
  double center = 0.0;  // band centre w_c [energy]
  double width = 1.0;   // half-width delta [energy]

  static std::complex<double> reciprocal(std::complex<double> z) {
    const double d = z.real() * z.real() + z.imag() * z.imag();
    return {z.real() / d, -z.imag() / d};
  }
  std::complex<double> self_energy(double w) const {
    return 0.5 * Gamma * width * reciprocal(std::complex<double>(w - center, width));
  }
  BandAt at(double w) const {
    const double d = width, u = w - center, den = u * u + d * d;
    const std::complex<double> iz = reciprocal(std::complex<double>(u, d));
    return {Gamma * d * d / den, -2.0 * Gamma * d * d * u / (den * den), 0.5 * Gamma * d * iz,
            -0.5 * Gamma * d * iz * iz};
  }
  // One division per node: kappa and Sigma share the denominator.
  __attribute__((always_inline)) void at_nodes(const numerics::Nodes& w, BandNodes& r) const {
    const double d = width, c = center, g = Gamma * d * d, s = 0.5 * Gamma * d;
    for (unsigned i = 0; i < numerics::kLanes; ++i) {
      const double u = w[i] - c, inv = 1.0 / (u * u + d * d);
      r.kappa[i] = g * inv;
      r.dkappa[i] = -2.0 * u * r.kappa[i] * inv;
      // Sigma = s / (u + i d) = s (u - i d) inv; dSigma/dw = -s / (u + i d)^2.
      r.sigma_re[i] = s * u * inv;
      r.sigma_im[i] = -s * d * inv;
      const double inv2 = inv * inv;
      r.dsigma_re[i] = -s * (u * u - d * d) * inv2;
      r.dsigma_im[i] = 2.0 * s * u * d * inv2;
    }
  }
  // Frequencies where the band has structure (quadrature breakpoints).
  void structure(std::vector<double>& points) const {
    points.push_back(center - width);
    points.push_back(center);
    points.push_back(center + width);
  }
  // The band's own energy scale (the table spacing resolves it).
  double scale() const { return width; }
};

}  // namespace ergon::leads
