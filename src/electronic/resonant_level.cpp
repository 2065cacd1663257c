// The resonant level (docs/model.md, "Electronic steady state"): scalar
// quantities, each from its own quadrature, and the one-pass table node.
#include "ergon/resonant_level.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <initializer_list>
#include <numbers>
#include <vector>

#include "electronic/breakpoints.hpp"
#include "electronic/leads/lead.hpp"
#include "electronic/resonant_level_kernel.hpp"
#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "numerics/gauss_kronrod.hpp"

namespace ergon {
namespace {

using cplx = std::complex<double>;
constexpr double inv_two_pi = 0.5 / std::numbers::pi;

numerics::LineOptions line_options(const QuadratureOptions& o) { return {o.tolerance, o.max_depth}; }

// 1 / z without the inf/nan bookkeeping of std::complex division (our
// denominators are finite and non-zero: Im z carries the level width).
cplx reciprocal(cplx z) {
  const double d = z.real() * z.real() + z.imag() * z.imag();
  return {z.real() / d, -z.imag() / d};
}

// Lead a at frequency w: kappa, dkappa/dw, Sigma, dSigma/dw, f, 1-f, df/dw.
struct LeadAt : leads::BandAt {
  double f, h, df;
};

LeadAt lead_at(const leads::LeadModel& lead, double w) {
  LeadAt r{};
  static_cast<leads::BandAt&>(r) = leads::with_band(lead.band, [&](const auto& band) { return band.at(w); });
  const leads::Occupations o = leads::fermi(lead.beta, lead.mu, w);
  r.f = o.f;
  r.h = o.h;
  r.df = -lead.beta * r.f * r.h;
  return r;
}

// Everything the scalar integrands need at one frequency.
struct Point {
  LeadAt L, R;
  cplx G;         // retarded Green function
  double A, dA;   // |G|^2 and dA/dw
  double dA_de;   // dA/d eps_x
  double ddA_de;  // d/d eps_x of dA/dw
  double gl, gg;  // g<, g>
  double dgl, dgg;
};

Point point(const leads::LeadModel& left, const leads::LeadModel& right, double eps_x, double w) {
  Point p{};
  p.L = lead_at(left, w);
  p.R = lead_at(right, w);
  const cplx sigma = p.L.sigma + p.R.sigma;
  const cplx dsigma = p.L.dsigma + p.R.dsigma;
  p.G = reciprocal(w - eps_x - sigma);
  p.A = std::norm(p.G);
  const cplx g1 = p.G * (1.0 - dsigma);
  p.dA = -2.0 * p.A * g1.real();
  p.dA_de = 2.0 * p.A * p.G.real();
  p.ddA_de = -2.0 * p.dA_de * g1.real() - 2.0 * p.A * (p.G * g1).real();
  p.gl = p.L.kappa * p.L.f + p.R.kappa * p.R.f;
  p.gg = p.L.kappa * p.L.h + p.R.kappa * p.R.h;
  p.dgl = p.L.dkappa * p.L.f + p.L.kappa * p.L.df + p.R.dkappa * p.R.f + p.R.kappa * p.R.df;
  p.dgg = p.L.dkappa * p.L.h - p.L.kappa * p.L.df + p.R.dkappa * p.R.h - p.R.kappa * p.R.df;
  return p;
}

using numerics::integrate_line;

// The breakpoints at level e together with their copies shifted by each of
// `shifts` (for an integrand that also evaluates the leads at w - shift).
std::vector<double> shifted_breakpoints(const leads::LeadModel& left, const leads::LeadModel& right, double e,
                                        std::initializer_list<double> shifts) {
  auto bp = electronic::breakpoints(left, right, e);
  const std::size_t n = bp.size();
  for (const double s : shifts)
    for (std::size_t i = 0; i < n; ++i) bp.push_back(bp[i] + s);
  std::sort(bp.begin(), bp.end());
  bp.erase(std::unique(bp.begin(), bp.end()), bp.end());
  return bp;
}

// A = |G|^2 and its first three eps_x-derivatives A_e, A_ee, A_eee at one
// frequency (dG/d eps_x = G^2, so with g_k = Re G^k: A_e = 2 A g_1,
// A_ee = 4 A g_1^2 + 2 A g_2, A_eee = 2 A_ee g_1 + 4 A_e g_2 + 4 A g_3).
std::array<double, 4> spectral_jet(const Point& p) {
  const cplx G = p.G, G2 = G * G, G3 = G2 * G;
  const double A = p.A, A1 = 2.0 * A * G.real();
  const double A2 = 4.0 * A * G.real() * G.real() + 2.0 * A * G2.real();
  const double A3 = 2.0 * A2 * G.real() + 4.0 * A1 * G2.real() + 4.0 * A * G3.real();
  return {A, A1, A2, A3};
}

// d^k/d eps_x^k of A(w) A(w') for k = 0 .. 3 (Leibniz's rule).
std::array<double, 4> product_jet(const std::array<double, 4>& a, const std::array<double, 4>& b) {
  return {a[0] * b[0], a[1] * b[0] + a[0] * b[1], a[2] * b[0] + 2.0 * a[1] * b[1] + a[0] * b[2],
          a[3] * b[0] + 3.0 * a[2] * b[1] + 3.0 * a[1] * b[2] + a[0] * b[3]};
}

}  // namespace

const char* to_string(LeadType type) { return type == LeadType::lorentzian ? "lorentzian" : "wideband"; }

ResonantLevel::ResonantLevel(const Device& device, QuadratureOptions options, bool frequency_resolved)
    : device_(device), options_(options), frequency_resolved_(frequency_resolved) {
  validate(device_);
  left_ = std::make_unique<leads::LeadModel>(leads::make_lead(device_.left, "L"));
  right_ = std::make_unique<leads::LeadModel>(leads::make_lead(device_.right, "R"));
  F_ = device_.oscillator.F();
  // N0 = <c^dag c> at F = 0: the level sits at eps for every x. Computed by
  // the same pass as the table nodes, so that node(0).n is exactly zero and
  // x = 0 is exactly a stationary point of the mean-force potential.
  N0_ = inv_two_pi * electronic::node_integrals(*left_, *right_, device_.dot.eps, line_options(options_))[0];
}

ResonantLevel::~ResonantLevel() = default;

MechanicalMode ResonantLevel::oscillator() const { return {device_.oscillator.w0, device_.oscillator.mass, F_}; }

EnergyScale ResonantLevel::smallest_scale() const {
  // The leads' temperatures, their bands' own scales, and the mean level
  // width.
  EnergyScale s = leads::smallest_lead_scale(*left_, *right_);
  const double G = 0.5 * (left_->Gamma() + right_->Gamma());
  if (G < s.value) s = {G, "(lead.L.Gamma + lead.R.Gamma)/2", G, false};
  return s;
}

std::vector<Diagnostic> ResonantLevel::diagnostics() const {
  const double w0 = device_.oscillator.w0;
  const double lambda = std::abs(device_.oscillator.coupling_energy());
  const double T = std::min(1.0 / left_->beta, 1.0 / right_->beta);
  const double Gamma = std::min(left_->Gamma(), right_->Gamma());
  const double fast = std::min(T, Gamma);
  return {{"quasi_adiabatic_w0", w0 / fast, 0.3, fmt::format("w0 / min(T, Gamma) = {:.3g} / {:.3g}", w0, fast)},
          {"quasi_adiabatic_lambda", lambda / fast, 0.3,
           fmt::format("|lambda| / min(T, Gamma) = {:.3g} / {:.3g}", lambda, fast)}};
}

std::complex<double> ResonantLevel::green(double w, double x) const { return point(*left_, *right_, level(x), w).G; }

double ResonantLevel::kappa(int lead, double w) const { return lead_at(lead == 0 ? *left_ : *right_, w).kappa; }

double ResonantLevel::occupation(double x) const {
  const double e = level(x);
  const bool occupied = electronic::deeply_occupied(*left_, *right_, e);
  const double s = integrate_line(
      [&](double w) {
        auto p = point(*left_, *right_, e, w);
        return occupied ? -p.A * p.gg : p.A * p.gl;
      },
      electronic::breakpoints(*left_, *right_, e), line_options(options_));
  return occupied ? 1.0 + inv_two_pi * s : inv_two_pi * s;
}

double ResonantLevel::diffusion(double x) const {
  const double e = level(x);
  return F_ * F_ * inv_two_pi *
         integrate_line(
             [&](double w) {
               auto p = point(*left_, *right_, e, w);
               return p.A * p.A * p.gl * p.gg;
             },
             electronic::breakpoints(*left_, *right_, e), line_options(options_));
}

double ResonantLevel::damping(double x) const {
  const double e = level(x);
  const double s = integrate_line(
      [&](double w) {
        auto p = point(*left_, *right_, e, w);
        return p.A * p.gl * (p.dA * p.gg + p.A * p.dgg);
      },
      electronic::breakpoints(*left_, *right_, e), line_options(options_));
  return F_ * F_ * inv_two_pi * s / device_.oscillator.mass;
}

double ResonantLevel::damping_by_parts(double x) const {
  const double e = level(x);
  const double s = integrate_line(
      [&](double w) {
        auto p = point(*left_, *right_, e, w);
        return -(p.L.kappa + p.R.kappa) * p.A * (p.dA * p.gl + p.A * p.dgl);
      },
      electronic::breakpoints(*left_, *right_, e), line_options(options_));
  return F_ * F_ * inv_two_pi * s / device_.oscillator.mass;
}

double ResonantLevel::current(double x) const {
  const double e = level(x);
  return inv_two_pi * integrate_line(
                          [&](double w) {
                            auto p = point(*left_, *right_, e, w);
                            // f_L - f_R written without cancellation: f_L h_R - h_L f_R.
                            return p.L.kappa * p.R.kappa * p.A * (p.L.f * p.R.h - p.L.h * p.R.f);
                          },
                          electronic::breakpoints(*left_, *right_, e), line_options(options_));
}

double ResonantLevel::noise_spectrum(double x, double W) const {
  const double e = level(x);
  const auto bp = shifted_breakpoints(*left_, *right_, e, {-W});
  return F_ * F_ * inv_two_pi *
         integrate_line(
             [&](double w) {
               auto p = point(*left_, *right_, e, w);
               auto q = point(*left_, *right_, e, w + W);
               return p.A * p.gl * q.A * q.gg;
             },
             bp, line_options(options_));
}

double ResonantLevel::current_noise(double x) const {
  const double e = level(x);
  return inv_two_pi * integrate_line(
                          [&](double w) {
                            auto p = point(*left_, *right_, e, w);
                            const double T = p.L.kappa * p.R.kappa * p.A;
                            const double bias = p.L.f * p.R.h - p.L.h * p.R.f;  // f_L - f_R
                            return T * (p.L.f * p.L.h + p.R.f * p.R.h) + T * (1.0 - T) * bias * bias;
                          },
                          electronic::breakpoints(*left_, *right_, e), line_options(options_));
}

double ResonantLevel::conductance(double x) const {
  const double e = level(x);
  return inv_two_pi * integrate_line(
                          [&](double w) {
                            auto p = point(*left_, *right_, e, w);
                            return p.L.kappa * p.R.kappa * p.A * (-p.L.df);
                          },
                          electronic::breakpoints(*left_, *right_, e), line_options(options_));
}

double ResonantLevel::diffusion_at_w0(double x) const {
  const double w0 = device_.oscillator.w0;
  return 0.5 * (noise_spectrum(x, w0) + noise_spectrum(x, -w0));
}

double ResonantLevel::damping_at_w0(double x) const {
  const double w0 = device_.oscillator.w0;
  return (noise_spectrum(x, w0) - noise_spectrum(x, -w0)) / (2.0 * w0 * device_.oscillator.mass);
}

double ResonantLevel::sum_rule(double x) const {
  const double e = level(x);
  return inv_two_pi * integrate_line(
                          [&](double w) {
                            auto p = point(*left_, *right_, e, w);
                            return (p.L.kappa + p.R.kappa) * p.A;
                          },
                          electronic::breakpoints(*left_, *right_, e), line_options(options_));
}

Coefficients ResonantLevel::coefficients(double x) const {
  Coefficients c;
  c.x = x;
  c.n = excess_charge(x);
  if (frequency_resolved_) {
    // D_w and gamma_w from one pair of quadratures of S_x(+-w0).
    const double w0 = device_.oscillator.w0;
    const double up = noise_spectrum(x, w0), down = noise_spectrum(x, -w0);
    c.D = 0.5 * (up + down);
    c.gamma = (up - down) / (2.0 * w0 * device_.oscillator.mass);
  } else {
    c.D = diffusion(x);
    c.gamma = damping(x);
  }
  c.current = current(x);
  return c;
}

CoefficientSlopes ResonantLevel::slopes(double x) const {
  // d/dx = -F d/d(eps_x); dA/d eps = 2 A Re G.
  const double e = level(x);
  const auto bp = electronic::breakpoints(*left_, *right_, e);
  CoefficientSlopes s;
  s.dn = -F_ * inv_two_pi *
         integrate_line(
             [&](double w) {
               auto p = point(*left_, *right_, e, w);
               return p.dA_de * p.gl;
             },
             bp, line_options(options_));
  s.dD = -F_ * F_ * F_ * inv_two_pi *
         integrate_line(
             [&](double w) {
               auto p = point(*left_, *right_, e, w);
               return 2.0 * p.A * p.dA_de * p.gl * p.gg;
             },
             bp, line_options(options_));
  s.dgamma =
      -F_ * F_ * F_ * inv_two_pi / device_.oscillator.mass *
      integrate_line(
          [&](double w) {
            auto p = point(*left_, *right_, e, w);
            return p.dA_de * p.gl * (p.dA * p.gg + p.A * p.dgg) + p.A * p.gl * (p.ddA_de * p.gg + p.dA_de * p.dgg);
          },
          bp, line_options(options_));
  s.dcurrent = -F_ * inv_two_pi *
               integrate_line(
                   [&](double w) {
                     auto p = point(*left_, *right_, e, w);
                     return p.L.kappa * p.R.kappa * p.dA_de * (p.L.f * p.R.h - p.L.h * p.R.f);
                   },
                   bp, line_options(options_));
  return s;
}

CoefficientNode ResonantLevel::node(double x) const {
  const auto integrals = electronic::node_integrals(*left_, *right_, level(x), line_options(options_));
  const double m = device_.oscillator.mass, F2 = F_ * F_;
  CoefficientNode r;
  Coefficients& c = r.values;
  c.x = x;
  c.n = inv_two_pi * integrals[0] - N0_;
  c.D = F2 * inv_two_pi * integrals[1];
  c.gamma = F2 * inv_two_pi * integrals[2] / m;
  c.current = inv_two_pi * integrals[3];
  // d/dx = -F d/d(eps_x).
  CoefficientSlopes& s = r.slopes;
  s.dn = -F_ * inv_two_pi * integrals[4];
  s.dD = -F_ * F2 * inv_two_pi * integrals[5];
  s.dgamma = -F_ * F2 * inv_two_pi / m * integrals[6];
  s.dcurrent = -F_ * inv_two_pi * integrals[7];
  CoefficientCurvatures& k = r.curvatures;
  k.d2n = F2 * inv_two_pi * integrals[8];
  k.d2D = F2 * F2 * inv_two_pi * integrals[9];
  k.d2gamma = F2 * F2 * inv_two_pi / m * integrals[10];
  k.d2current = F2 * inv_two_pi * integrals[11];
  CoefficientThirds& t = r.thirds;
  const double F3 = -F_ * F2;
  t.d3n = F3 * inv_two_pi * integrals[12];
  t.d3D = F3 * F2 * inv_two_pi * integrals[13];
  t.d3gamma = F3 * F2 * inv_two_pi / m * integrals[14];
  t.d3current = F3 * inv_two_pi * integrals[15];
  if (frequency_resolved_) resolved_node(x, r);
  return r;
}

void ResonantLevel::resolved_node(double x, CoefficientNode& r) const {
  // One pass over the frequency axis for D_w, gamma_w and their first three
  // eps_x-derivatives: the integrands A(w) g<(w) A(w +- w0) g>(w +- w0),
  // summed for D and subtracted for gamma, differentiated by Leibniz's rule
  // (g< and g> do not depend on eps_x).
  const double e = level(x), w0 = device_.oscillator.w0;
  const auto v = integrate_line<8>(
      [&](const numerics::Nodes& w, numerics::NodeValues<8>& out) {
        for (unsigned i = 0; i < numerics::kLanes; ++i) {
          const Point p = point(*left_, *right_, e, w[i]);
          const Point up = point(*left_, *right_, e, w[i] + w0);
          const Point down = point(*left_, *right_, e, w[i] - w0);
          const auto a = spectral_jet(p);
          const auto plus = product_jet(a, spectral_jet(up));
          const auto minus = product_jet(a, spectral_jet(down));
          for (int k = 0; k < 4; ++k) {
            const double sp = p.gl * plus[k] * up.gg, sm = p.gl * minus[k] * down.gg;
            out[i][k] = sp + sm;
            out[i][4 + k] = sp - sm;
          }
        }
      },
      shifted_breakpoints(*left_, *right_, e, {-w0, w0}), line_options(options_));
  // d^k/dx^k = (-F)^k d^k/d eps_x^k; D_w = S_+ / 2, gamma_w = S_- / (2 m w0).
  const double F2 = F_ * F_ * inv_two_pi;
  const double scale[4] = {F2, -F_ * F2, F_ * F_ * F2, -F_ * F_ * F_ * F2};
  const double d = 0.5, g = 1.0 / (2.0 * w0 * device_.oscillator.mass);
  r.values.D = d * scale[0] * v[0];
  r.slopes.dD = d * scale[1] * v[1];
  r.curvatures.d2D = d * scale[2] * v[2];
  r.thirds.d3D = d * scale[3] * v[3];
  r.values.gamma = g * scale[0] * v[4];
  r.slopes.dgamma = g * scale[1] * v[5];
  r.curvatures.d2gamma = g * scale[2] * v[6];
  r.thirds.d3gamma = g * scale[3] * v[7];
}

}  // namespace ergon
