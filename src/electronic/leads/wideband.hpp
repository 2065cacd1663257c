// A wide-band lead: kappa(w) = Gamma for every w, Sigma = -i Gamma / 2.
#pragma once

#include <complex>
#include <limits>
#include <vector>

#include "electronic/leads/lorentzian.hpp"  // BandNodes, BandAt

namespace ergon::leads {

struct WideBand {
  double Gamma = 2.0;  // level width [energy]

  std::complex<double> self_energy(double) const { return {0.0, -0.5 * Gamma}; }
  BandAt at(double) const { return {Gamma, 0.0, {0.0, -0.5 * Gamma}, 0.0}; }
  __attribute__((always_inline)) void at_nodes(const numerics::Nodes&, BandNodes& r) const {
    for (unsigned i = 0; i < numerics::kLanes; ++i) {
      r.kappa[i] = Gamma;
      r.dkappa[i] = 0.0;
      r.sigma_re[i] = 0.0;
      r.sigma_im[i] = -0.5 * Gamma;
      r.dsigma_re[i] = 0.0;
      r.dsigma_im[i] = 0.0;
    }
  }
  void structure(std::vector<double>&) const {}
  // No scale of its own.
  double scale() const { return std::numeric_limits<double>::infinity(); }
};

}  // namespace ergon::leads
