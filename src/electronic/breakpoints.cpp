// Breakpoints of the resonant level's integrals (docs/model.md, "Quadrature").
#include "electronic/breakpoints.hpp"

#include <algorithm>
#include <cmath>

#include "numerics/roots.hpp"

namespace ergon::electronic {

std::vector<double> breakpoints(const leads::LeadModel& left, const leads::LeadModel& right, double eps_x) {
  std::vector<double> b;
  for (const leads::LeadModel* lead : {&left, &right}) {
    b.push_back(lead->mu);
    for (double k : {4.0, 16.0}) {
      b.push_back(lead->mu - k / lead->beta);
      b.push_back(lead->mu + k / lead->beta);
    }
    leads::with_band(lead->band, [&](const auto& band) { band.structure(b); });
  }
  b.push_back(eps_x);
  // Resonances of A: real roots of w - eps_x - Re Sigma(w), which lie within
  // |Re Sigma| <= sum Gamma / 4 of eps_x. Far from the band centres they are
  // much narrower than Gamma (width kappa(w*) / 2 / |1 - Re Sigma'(w*)|), so
  // each gets breakpoints on its own width.
  auto sigma = [&](const leads::LeadModel& lead, double w) {
    return leads::with_band(lead.band, [&](const auto& band) { return band.self_energy(w); });
  };
  auto f = [&](double w) { return w - eps_x - (sigma(left, w) + sigma(right, w)).real(); };
  const double reach = 0.25 * (left.Gamma() + right.Gamma()) + 1e-9 * (1 + std::abs(eps_x));
  const int scan = 64;
  double w_prev = eps_x - reach, f_prev = f(w_prev);
  for (int i = 1; i <= scan; ++i) {
    const double w = eps_x - reach + 2 * reach * i / scan, fw = f(w);
    if ((f_prev <= 0) != (fw <= 0)) {
      const double root = numerics::bisect_root(f, w_prev, w);
      auto band_at = [&](const leads::LeadModel& lead) {
        return leads::with_band(lead.band, [&](const auto& band) { return band.at(root); });
      };
      const leads::BandAt L = band_at(left), R = band_at(right);
      const double slope = std::abs(1.0 - (L.dsigma + R.dsigma).real());
      const double width = 0.5 * (L.kappa + R.kappa) / std::max(slope, 1e-3);
      // Geometric breakpoints (ratio 4): each piece is a few times as long
      // as its distance to the pole at root - i width, where the 31-point
      // Gauss-Kronrod rule converges without further splitting.
      b.push_back(root);
      for (double k = 0.5; k <= 128.0; k *= 4) {
        b.push_back(root - k * width);
        b.push_back(root + k * width);
      }
    }
    w_prev = w;
    f_prev = fw;
  }
  std::sort(b.begin(), b.end());
  // Merge points that coincide to rounding (duplicates: equal chemical
  // potentials, the level on a Fermi level). The threshold is relative to
  // the points themselves, not to the whole set's extent: a far resonance
  // breakpoint must not merge a narrow Fermi window near zero (at
  // beta = 1e6 that collapsed the window and D(0) came out 1e-54).
  std::vector<double> out;
  for (double x : b)
    if (out.empty() || x - out.back() > 1e-12 * std::max(std::abs(x), std::abs(out.back()))) out.push_back(x);
  return out;
}

}  // namespace ergon::electronic
