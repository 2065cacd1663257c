// Stages 4-7 for one operating point (docs/model.md, "Steady state").
#include "ergon/steady.hpp"
#include "ergon/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <numbers>

#include "ergon/averaged.hpp"
#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "ergon/heom.hpp"
#include "ergon/parallel.hpp"
#include "numerics/log_spline.hpp"

namespace ergon {
namespace {

constexpr double kPopulationTail = 1e-12;  // probability mass above n_max
constexpr int kJackknifeGroups = 16;
constexpr int kMonteCarloMaxN = 400;
constexpr double kHeomTail = 1e-8;  // population left above the automatic HEOM Fock cut-off

// P_y(y) of the phase-averaged state with populations p_n: the angular mean
// of W times pi, (2) sum_n p_n (-1)^n e^{-2y} L_n(4y) (laguerre_functions
// holds e^{-x/2} L_n(x)).
double radial_from_populations(const std::vector<double>& p, double y) {
  const std::vector<double> L = laguerre_functions(static_cast<int>(p.size()) - 1, 4.0 * y);
  double w = 0.0;
  for (std::size_t n = 0; n < p.size(); ++n) w += ((n % 2 == 0) ? 1.0 : -1.0) * p[n] * L[n];
  return 2.0 * w;
}

// Jackknife estimate from leave-one-group-out values.
Estimate jackknife(double full, const std::vector<double>& loo) {
  const auto G = static_cast<double>(loo.size());
  if (loo.size() < 2) return {full, 0.0};
  double mean = 0;
  for (double v : loo) mean += v;
  mean /= G;
  double var = 0;
  for (double v : loo) var += (v - mean) * (v - mean);
  return {full, std::sqrt(var * (G - 1) / G)};
}

void fill_thermo(SteadyState& s, const Thermodynamics& t) {
  s.entropy = {t.entropy, 0.0};
  s.ergotropy = {t.ergotropy, 0.0};
  s.free_energy_work = {t.free_energy_work, 0.0};
}

double auto_alpha_max(double y_tail) { return std::max(3.0, 1.1 * std::sqrt(y_tail)); }

// Knots of the log-spline density: 2 n^(1/5) for n independent samples
// (half Kooperberg and Stone's rule: the sampled densities are smooth on the
// scale of their width, and fewer knots keep sampling noise out of the
// high-n populations), between 5 and 30.
int spline_knots(double effective_samples) {
  return std::clamp(static_cast<int>(std::lround(2.0 * std::pow(std::max(effective_samples, 1.0), 0.2))), 5, 30);
}

// Merges bins so that at most `max_bins` remain (the fit does not need the
// histogram's full resolution).
std::vector<double> coarsen(const std::vector<std::uint64_t>& counts, std::size_t factor) {
  std::vector<double> out((counts.size() + factor - 1) / factor, 0.0);
  for (std::size_t i = 0; i < counts.size(); ++i) out[i / factor] += static_cast<double>(counts[i]);
  return out;
}

SteadyState solve_averaged_method(const ElectronicModel& model, const Config& config, double temperature,
                                  const RunControl& control) {
  SteadyState s;
  s.temperature = temperature;
  const MechanicalMode mode = model.oscillator();
  const double w0 = mode.w0, m = mode.mass;
  const AveragedSolution sol = solve_averaged(model, config, resolve_threads(control.threads), 1e-13, control.stop);
  const AveragedSteadyState& avg = *sol.state;
  const double E1 = avg.moment(1), E2 = avg.moment(2);
  s.wigner_energy = {E1, 0.0};
  s.energy = {E1 - 0.5 * w0, 0.0};
  s.x2 = {avg.mean_x2(), 0.0};
  s.p2 = {2.0 * m * (E1 - 0.5 * m * w0 * w0 * s.x2.value), 0.0};
  const double y1 = E1 / w0, y2 = E2 / (w0 * w0);
  s.nbar = {y1 - 0.5, 0.0};
  s.g2 = {g2_from_moments(y1, y2), 0.0};
  s.mandel_q = {s.nbar.value * (s.g2.value - 1.0), 0.0};
  const CoefficientTable& table = *sol.table;
  s.current = {avg.mean_current(), 0.0};

  const double y_top = avg.radial_max();
  auto P_y = [&](double y) { return y <= y_top ? avg.radial_density(y) : 0.0; };
  auto tail = [&](double y) { return avg.radial_tail(y); };
  const int n_max = choose_n_max(tail, kPopulationTail);
  s.populations = populations_from_radial(P_y, std::min(y_top, n_max + 20.0 * std::sqrt(n_max + 1.0) + 50.0), n_max,
                                          avg.radial_nodes());
  s.n_max = s.populations.n_max;
  s.negative_weight = s.populations.negative_weight;
  s.trace = s.populations.trace;
  fill_thermo(s, thermodynamics_of_map(s.populations.p, w0, s.temperature));

  const double y_tail = avg.tail_energy(1e-7) / w0;
  const double alpha_max = config.phase_space.alpha_max > 0 ? config.phase_space.alpha_max : auto_alpha_max(y_tail);
  if (control.wigner_grid) s.wigner = wigner_from_radial(P_y, alpha_max, config.phase_space.bins);
  s.radial =
      radial_grid(P_y, alpha_max * alpha_max, std::max(64, static_cast<int>(std::ceil(alpha_max * alpha_max * 4))));
  s.diagnostics = validity_diagnostics(model, table, E1);
  s.numerical_error = sol.numerical_error;
  return s;
}

// The radial histogram summed over all batches and per jackknife group
// (consecutive batches), with the moments of y = E / w0.
struct YSums {
  double n = 0, y = 0, y2 = 0;
  std::vector<std::uint64_t> counts;
};
struct GroupedSums {
  YSums total;
  std::vector<YSums> groups;
};

GroupedSums grouped_sums(const LangevinRun& run, double w0) {
  const std::size_t B = run.batches.size();
  const auto G = std::min<std::size_t>(B, kJackknifeGroups);
  const std::size_t bins = static_cast<std::size_t>(run.radial.front().bins());
  GroupedSums out;
  out.total.counts.assign(bins, 0);
  out.groups.resize(G);
  for (auto& g : out.groups) g.counts.assign(bins, 0);
  std::uint64_t overflow = 0;
  for (std::size_t b = 0; b < B; ++b) {
    const BatchSums& q = run.batches[b];
    YSums& g = out.groups[b * G / B];
    for (YSums* t : {&g, &out.total}) {
      t->n += q[BatchSums::samples];
      t->y += q[BatchSums::E] / w0;
      t->y2 += q[BatchSums::E2] / (w0 * w0);
      const auto& c = run.radial[b].counts();
      for (std::size_t i = 0; i < bins; ++i) t->counts[i] += c[i];
    }
    overflow += run.radial[b].overflow();
  }
  if (overflow > 0)
    throw messages::not_converged("radial histogram",
                                  fmt::format("{} samples beyond y = {}", overflow, run.radial.front().y_max()));
  return out;
}

// Moment-based nbar, g2 and Mandel's Q with jackknife errors.
void moment_estimates(const GroupedSums& sums, SteadyState& s) {
  auto g2_of = [](const YSums& t) { return g2_from_moments(t.y / t.n, t.y2 / t.n); };
  const YSums& total = sums.total;
  std::vector<double> g2_loo, nbar_loo;
  for (const auto& g : sums.groups) {
    YSums d;
    d.n = total.n - g.n;
    d.y = total.y - g.y;
    d.y2 = total.y2 - g.y2;
    g2_loo.push_back(g2_of(d));
    nbar_loo.push_back(d.y / d.n - 0.5);
  }
  s.g2 = jackknife(g2_of(total), g2_loo);
  s.nbar = jackknife(total.y / total.n - 0.5, nbar_loo);
  std::vector<double> q_loo;
  for (std::size_t i = 0; i < g2_loo.size(); ++i) q_loo.push_back(nbar_loo[i] * (g2_loo[i] - 1.0));
  s.mandel_q = jackknife(s.nbar.value * (s.g2.value - 1.0), q_loo);
}

// Smooth radial density (log spline), populations and thermodynamics, each
// jackknifed over the groups.
void smooth_populations(const LangevinRun& run, const GroupedSums& sums, double effective_samples, double w0,
                        const RunControl& control, SteadyState& s) {
  const YSums& total = sums.total;
  const std::size_t bins = total.counts.size();
  const double width = run.radial.front().y_max() / static_cast<double>(bins);
  std::size_t used = bins;
  while (used > 0 && total.counts[used - 1] == 0) --used;
  const std::size_t factor = std::max<std::size_t>(1, (used + 1999) / 2000);
  const int knots = spline_knots(effective_samples);
  auto analyse = [&](const std::vector<std::uint64_t>& counts, int n_max, Populations* out) {
    const numerics::LogSplineDensity fit(coarsen(counts, factor), width * static_cast<double>(factor), knots);
    const int n = n_max > 0 ? n_max : choose_n_max([&](double y) { return fit.tail_mass(y); }, kPopulationTail);
    const double y_top = std::min(fit.support_end(), n + 20.0 * std::sqrt(n + 1.0) + 50.0);
    *out = populations_from_radial([&](double y) { return fit(y); }, y_top, n, fit.knots());
    return thermodynamics_of_map(out->p, w0, s.temperature);
  };
  const Thermodynamics full = analyse(total.counts, 0, &s.populations);
  s.n_max = s.populations.n_max;
  const int G = static_cast<int>(sums.groups.size());
  std::vector<Thermodynamics> loo(static_cast<std::size_t>(G));
  std::vector<Populations> loo_pop(static_cast<std::size_t>(G));
  parallel_for(G, control.threads, [&](int g) {
    std::vector<std::uint64_t> c = total.counts;
    const auto& gc = sums.groups[static_cast<std::size_t>(g)].counts;
    for (std::size_t i = 0; i < bins; ++i) c[i] -= gc[i];
    loo[static_cast<std::size_t>(g)] = analyse(c, s.n_max, &loo_pop[static_cast<std::size_t>(g)]);
  });
  auto jk = [&](double full_value, double Thermodynamics::*field) {
    std::vector<double> v;
    for (const auto& t : loo) v.push_back(t.*field);
    return jackknife(full_value, v);
  };
  s.entropy = jk(full.entropy, &Thermodynamics::entropy);
  s.ergotropy = jk(full.ergotropy, &Thermodynamics::ergotropy);
  s.free_energy_work = jk(full.free_energy_work, &Thermodynamics::free_energy_work);
  s.populations.error.assign(s.populations.p.size(), 0.0);
  for (std::size_t n = 0; n < s.populations.p.size(); ++n) {
    std::vector<double> v;
    for (const auto& p : loo_pop) v.push_back(p.p[n]);
    s.populations.error[n] = jackknife(s.populations.p[n], v).error;
  }
  s.negative_weight = s.populations.negative_weight;
  s.trace = s.populations.trace;
}

// The radial histogram rebinned to unit width, with batch-means errors per
// bin.
void radial_output(const LangevinRun& run, const std::vector<std::uint64_t>& total_counts, SteadyState& s) {
  const std::size_t B = run.batches.size();
  const std::size_t bins = total_counts.size();
  const double width = run.radial.front().y_max() / static_cast<double>(bins);
  std::size_t used = bins;
  while (used > 0 && total_counts[used - 1] == 0) --used;
  const std::size_t per_unit = static_cast<std::size_t>(std::lround(1.0 / width));
  const std::size_t out_bins = (used + per_unit - 1) / per_unit;
  s.radial.y_max = static_cast<double>(out_bins * per_unit) * width;
  s.radial.bins = static_cast<int>(out_bins);
  s.radial.density.assign(out_bins, 0.0);
  s.radial_error.assign(out_bins, 0.0);
  const double out_width = s.radial.width();
  for (std::size_t i = 0; i < out_bins; ++i) {
    std::vector<double> per_batch(B, 0.0);
    for (std::size_t b = 0; b < B; ++b) {
      const auto& c = run.radial[b].counts();
      double k = 0;
      for (std::size_t j = i * per_unit; j < std::min(bins, (i + 1) * per_unit); ++j) k += static_cast<double>(c[j]);
      per_batch[b] = k / (run.batches[b][BatchSums::samples] * out_width);
    }
    const Estimate e = batch_mean(per_batch);
    s.radial.density[i] = e.value;
    s.radial_error[i] = e.error;
  }
}

// The integrator's predicted time-step bias of U against its standard error
// (docs/model.md, section 6): splitting, the harmonic part's
// (1/(1 - (w0 dt)^2/4) - 1) / 2; Euler, the artificial damping w0^2 dt over
// the mean damping of the sampled state (gamma averaged over a Gaussian of
// the sampled <x^2>).
Diagnostic time_step_diagnostic(const Langevin& L, const MechanicalMode& mode, const CoefficientTable& table,
                                const SteadyState& s) {
  const double w0dt = mode.w0 * L.dt;
  double bias = 0;  // relative
  std::string what;
  if (L.integrator == Integrator::splitting) {
    bias = 0.5 * (1 / (1 - w0dt * w0dt / 4) - 1);
    what = fmt::format("splitting, w0 dt = {:.3g}", w0dt);
  } else {
    const double sigma = std::sqrt(std::max(s.x2.value, 0.0));
    double g = 0, wsum = 0;
    for (int i = -200; i <= 200; ++i) {
      const double x = 4 * sigma * i / 200.0, w = std::exp(-0.5 * 16 * (i / 200.0) * (i / 200.0));
      if (!table.contains(x)) continue;
      g += w * table.gamma(x);
      wsum += w;
    }
    g = wsum > 0 ? g / wsum : 0;
    const double anti = mode.w0 * mode.w0 * L.dt;
    bias = g > anti ? anti / (g - anti) : 1e300;
    what = fmt::format("euler, w0^2 dt = {:.3g} against the mean damping {:.3g}", anti, g);
  }
  const double rel_error = s.energy.value != 0 ? s.energy.error / std::abs(s.energy.value) : 0.0;
  const double ratio = rel_error > 0 ? std::min(bias / rel_error, 1e300) : (bias > 0 ? 1e300 : 0.0);
  return {"time_step_bias", ratio, 1.0,
          fmt::format("predicted dt bias of U {:.3g} % ({}) / its standard error {:.3g} %", 100 * bias, what,
                      100 * rel_error)};
}

SteadyState solve_langevin_method(const ElectronicModel& model, const Config& config, double temperature,
                                  const RunControl& control) {
  SteadyState s;
  s.temperature = temperature;
  const double w0 = model.oscillator().w0;
  const LangevinRun run = run_langevin(model, config, control);
  const LangevinSummary sum = summarize(run);
  s.wigner_energy = sum.wigner_energy;
  s.energy = sum.energy;
  s.x2 = sum.x2;
  s.p2 = sum.p2;
  s.current = sum.current;
  s.autocorrelation_time = sum.autocorrelation_time;
  s.dt = run.dt;
  s.time = run.time;
  s.trajectories = run.trajectories;
  s.steps = run.steps;
  s.wall_seconds = run.wall_seconds;
  s.steps_per_second = run.steps_per_second;
  s.isa = run.isa;
  s.table_extensions = run.table_extensions;

  const GroupedSums sums = grouped_sums(run, w0);
  moment_estimates(sums, s);
  smooth_populations(run, sums, sum.effective_samples, w0, control, s);
  // Monte Carlo estimator from the stored samples (noisy at large n).
  std::vector<double> ys;
  for (const auto& b : run.y_samples) ys.insert(ys.end(), b.begin(), b.end());
  if (!ys.empty()) s.populations_mc = populations_from_samples(ys, std::min(s.n_max, kMonteCarloMaxN));
  // Phase space: the sampled Wigner histogram and the radial density.
  s.wigner = run.wigner.grid();
  radial_output(run, sums.total.counts, s);
  s.diagnostics = validity_diagnostics(model, *run.table, s.wigner_energy.value);
  s.diagnostics.push_back(time_step_diagnostic(config.langevin, model.oscillator(), *run.table, s));
  return s;
}

// The HEOM reference: the exact reduced state, its thermodynamics as a
// general density matrix, its Wigner function. Without heom.fock the cut-off
// covers the averaged solver's populations to a tail of 1e-8 (at least 8).
SteadyState solve_heom_method(const ElectronicModel& model, const Config& config, double temperature,
                              const RunControl& control) {
  Config c = config;
  if (c.heom.fock == 0) {
    // The cut-off where the averaged populations leave less than kHeomTail,
    // the larger of the two coefficient choices' (the frequency-resolved state
    // can be much larger, and is the closer one where both are measured; a
    // choice whose state is not confined is skipped).
    auto cutoff = [&](const SteadyState& avg) {
      const auto& p = avg.populations.p;
      double tail = 0.0;
      int N = static_cast<int>(p.size());
      while (N > 8 && tail + std::max(p[N - 1], 0.0) < kHeomTail) tail += std::max(p[--N], 0.0);
      return std::max(N, 8);
    };
    int N = cutoff(solve_averaged_method(model, config, temperature, RunControl{}));
    if (config.electronic.model == "resonant_level") {
      Config other = config;
      other.electronic.coefficients =
          config.electronic.coefficients == "frequency_resolved" ? "zero_frequency" : "frequency_resolved";
      try {
        N = std::max(N, cutoff(solve_averaged_method(*make_electronic_model(other), other, temperature, RunControl{})));
      } catch (const Error&) {
      }
    }
    c.heom.fock = std::min(N, 2000);
  }
  HeomOptions options;
  options.threads = control.threads;
  options.stop = control.stop;
  // Progress: each solve is one step of at most 1 + 3 x 4 (the check's rounds).
  int solves = 0;
  auto step = [&] {
    ++solves;
    if (control.progress) control.progress(c.heom.converge ? std::min(0.95, solves / 4.0) : 1.0);
  };
  HeomSolution h = solve_heom(c, options);
  step();
  // Truncation check (heom.converge): raise each truncation until the
  // solution stops moving; keep the finest solution.
  double err[3] = {-1.0, -1.0, -1.0};  // Fock, poles, tier
  std::string unchecked;
  if (c.heom.converge) {
    // Relative change of nbar, and of the current against the larger of
    // |I| and 1e-3 of the most a level can carry, Gamma_L Gamma_R / (Gamma_L
    // + Gamma_R) (at equilibrium I is 0 and only its truncation error remains).
    const double I_scale =
        1e-3 * c.device.left.Gamma * c.device.right.Gamma / (c.device.left.Gamma + c.device.right.Gamma);
    auto nbar_of = [](const HeomSolution& a) {
      return a.rho.diagonal().real().dot(Eigen::VectorXd::LinSpaced(a.fock, 0, a.fock - 1));
    };
    auto change = [&](const HeomSolution& a, const HeomSolution& b) {
      const double dn = std::abs(nbar_of(a) - nbar_of(b)) / std::max(std::abs(nbar_of(b)), 1e-300);
      const double di = std::abs(a.current - b.current) / std::max(std::abs(b.current), I_scale);
      return std::max(dn, di);
    };
    const double limit = heom_memory_limit(options);
    auto fits = [&](const Config& k) {
      return heom_restart_that_fits(k.heom.tier, k.heom.poles, k.heom.fock, k.heom.restart, limit) > 0;
    };
    const char* names[] = {"heom.fock", "heom.poles", "heom.tier"};
    for (int dim = 0; dim < 3; ++dim) {
      for (int round = 0; round < 4; ++round) {
        Config k = c;
        if (dim == 0) k.heom.fock = std::min(2000, static_cast<int>(std::ceil(1.25 * c.heom.fock)) + 2);
        if (dim == 1) k.heom.poles = c.heom.poles + 1;
        if (dim == 2) k.heom.tier = c.heom.tier + 1;
        if ((dim == 1 && k.heom.poles > 14) || (dim == 2 && k.heom.tier > 6) || !fits(k)) {
          if (err[dim] < 0.0 || err[dim] > c.heom.convergence) {
            const HeomSize z =
                heom_size(k.heom.tier, k.heom.poles, k.heom.fock, std::min(k.heom.restart, kHeomMinRestart));
            unchecked += fmt::format("{}{} = {} would need {:.1f} GB", unchecked.empty() ? "" : "; ", names[dim],
                                     dim == 0   ? k.heom.fock
                                     : dim == 1 ? k.heom.poles
                                                : k.heom.tier,
                                     z.memory_bytes / 1e9);
          }
          break;
        }
        HeomSolution finer = solve_heom(k, options);
        step();
        if (std::getenv("ERGON_HEOM_TRACE"))
          fmt::print(stderr, "heom: N {} poles {} tier {}: nbar {:.10g}, I {:.10g}, {} iterations, {:.1f} s\n",
                     k.heom.fock, k.heom.poles, k.heom.tier, nbar_of(finer), finer.current, finer.iterations,
                     finer.wall_seconds);
        err[dim] = change(h, finer);
        h = std::move(finer);
        c = k;
        if (err[dim] <= c.heom.convergence) break;
      }
      if (err[dim] > c.heom.convergence && unchecked.find(names[dim]) == std::string::npos)
        unchecked +=
            fmt::format("{}{} still changes by {:.2g} at {}", unchecked.empty() ? "" : "; ", names[dim], err[dim],
                        dim == 0   ? c.heom.fock
                        : dim == 1 ? c.heom.poles
                                   : c.heom.tier);
    }
  }
  SteadyState s;
  s.temperature = temperature;
  const MechanicalMode mode = model.oscillator();
  const double w0 = mode.w0;
  const Thermodynamics t = thermodynamics(h.rho, w0, temperature);
  const int N = h.fock;
  std::complex<double> a2 = 0.0;  // <a^2> = sum_n sqrt(n (n-1)) rho_{n, n-2}... Tr(rho a^2)
  for (int n = 2; n < N; ++n) a2 += std::sqrt(n * (n - 1.0)) * h.rho(n, n - 2);
  const auto& osc = config.device.oscillator;
  s.nbar = {t.nbar, 0.0};
  s.energy = {t.energy, 0.0};
  s.wigner_energy = {w0 * (t.nbar + 0.5), 0.0};
  s.x2 = {0.25 * osc.x0() * osc.x0() * (2.0 * t.nbar + 1.0 + 2.0 * a2.real()), 0.0};
  s.p2 = {0.25 * osc.p0() * osc.p0() * (2.0 * t.nbar + 1.0 - 2.0 * a2.real()), 0.0};
  s.g2 = {t.g2, 0.0};
  s.mandel_q = {t.mandel_q, 0.0};
  s.entropy = {t.entropy, 0.0};
  s.ergotropy = {t.ergotropy, 0.0};
  s.free_energy_work = {t.free_energy_work, 0.0};
  s.coherent_ergotropy = t.coherent_ergotropy;
  s.current = {h.current, 0.0};
  s.occupation = h.occupation;
  s.density = h.rho;
  s.populations.p.resize(static_cast<std::size_t>(N));
  for (int n = 0; n < N; ++n) s.populations.p[static_cast<std::size_t>(n)] = h.rho(n, n).real();
  s.populations.n_max = N - 1;
  s.populations.trace = h.rho.trace().real();
  s.n_max = N - 1;
  s.trace = s.populations.trace;
  s.heom_residual = h.residual;
  s.heom_iterations = h.iterations;
  s.fock_tail = h.tail;
  s.smallest_eigenvalue = h.smallest_eigenvalue;
  s.numerical_error = h.residual;
  s.wall_seconds = h.wall_seconds;
  double alpha_max = config.phase_space.alpha_max;
  if (alpha_max <= 0) {
    // The y = |alpha|^2 above which the populations hold less than 1e-7.
    double tail = 0.0;
    int n = N - 1;
    while (n > 0 && tail + std::max(h.rho(n, n).real(), 0.0) < 1e-7) {
      tail += std::max(h.rho(n, n).real(), 0.0);
      --n;
    }
    alpha_max = auto_alpha_max(n + 1.0);
  }
  if (control.wigner_grid) s.wigner = wigner_from_density(h.rho, alpha_max, config.phase_space.bins, control.threads);
  // Radial density of the phase-averaged state, P_y = pi * (the angular mean of W).
  std::vector<double> p = s.populations.p;
  for (double& v : p) v = std::max(v, 0.0);
  const double y_max = alpha_max * alpha_max;
  const int rbins = std::max(64, static_cast<int>(std::ceil(y_max * 4)));
  s.radial = radial_grid([&](double y) { return radial_from_populations(p, y); }, y_max, rbins);
  s.heom_error_fock = err[0];
  s.heom_error_poles = err[1];
  s.heom_error_tier = err[2];
  s.heom_tier = c.heom.tier;  // the truncation actually used (s.config keeps the request)
  s.heom_poles = c.heom.poles;
  if (c.heom.converge) {
    const double worst = std::max({err[0], err[1], err[2]});
    s.diagnostics.push_back(
        {"heom_truncation", unchecked.empty() ? worst / c.heom.convergence : 1e300, 1.0,
         fmt::format("relative change of nbar or the current when raising N: {:.2g}, poles: {:.2g}, tier: {:.2g}{}",
                     err[0], err[1], err[2], unchecked.empty() ? "" : " (not converged: " + unchecked + ")")});
  }
  s.diagnostics.push_back({"heom_fock_tail", h.tail / 1e-8, 1.0,
                           fmt::format("rho_(N-1,N-1) = {:.3g} at the Fock cut-off N = {} (heom.fock)", h.tail, N)});
  s.diagnostics.push_back({"heom_positivity", std::max(-h.smallest_eigenvalue, 0.0) / 1e-8, 1.0,
                           fmt::format("smallest eigenvalue of rho {:.3g}", h.smallest_eigenvalue)});
  return s;
}

}  // namespace

const char* to_string(Method method) {
  switch (method) {
    case Method::langevin:
      return "langevin";
    case Method::heom:
      return "heom";
    default:
      return "averaged";
  }
}

Method parse_method(const std::string& text, const std::string& option) {
  if (text == "langevin") return Method::langevin;
  if (text == "averaged") return Method::averaged;
  if (text == "heom") return Method::heom;
  throw messages::usage(fmt::format("{} '{}' is not a method: use langevin, averaged or heom", option, text));
}

std::vector<Diagnostic> validity_diagnostics(const ElectronicModel& model, const CoefficientTable& table,
                                             double mean_energy) {
  std::vector<Diagnostic> out = model.diagnostics();
  const MechanicalMode mode = model.oscillator();
  const double w0 = mode.w0, mass = mode.mass;
  // Underdamped: largest |gamma| and D / (m E) on the range the state covers.
  const double k = mass * w0 * w0;
  const double A = std::min(std::sqrt(2.0 * std::max(mean_energy, w0) / k) * 2.0, table.x_max());
  double gmax = 0, dmax = 0;
  for (int i = 0; i <= 200; ++i) {
    const double x = -A + 2.0 * A * i / 200.0;
    gmax = std::max(gmax, std::abs(table.gamma(x)));
    dmax = std::max(dmax, table.D(x));
  }
  out.push_back({"underdamped_gamma", gmax / w0, 0.05, fmt::format("max |gamma| / w0 = {:.3g} / {:.3g}", gmax, w0)});
  const double E = std::max(mean_energy, 0.5 * w0);
  out.push_back({"underdamped_diffusion", dmax / (mass * E) / w0, 0.05,
                 fmt::format("max D / (m <E> w0) = {:.3g} / ({:.3g} {:.3g} {:.3g})", dmax, mass, E, w0)});
  return out;
}

SteadyState solve_steady_state(const Config& config, Method method, const RunControl& control) {
  return solve_steady_state(*make_electronic_model(config), config, method, control);  // which validates
}

SteadyState solve_steady_state(const ElectronicModel& model, const Config& config, Method method,
                               const RunControl& control) {
  validate(config);
  const auto started = std::chrono::steady_clock::now();
  const double T = reference_temperature(config);
  SteadyState s = method == Method::langevin ? solve_langevin_method(model, config, T, control)
                  : method == Method::heom   ? solve_heom_method(model, config, T, control)
                                             : solve_averaged_method(model, config, T, control);
  s.method = method;
  s.config = config;
  if (method != Method::langevin)
    s.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return s;
}

std::vector<std::pair<std::string, double>> summary_values(const SteadyState& s) {
  std::vector<std::pair<std::string, double>> v;
  auto add = [&](const char* key, const Estimate& e) {
    v.emplace_back(key, e.value);
    v.emplace_back(std::string(key) + "_stderr", e.error);
  };
  add("energy", s.energy);
  add("wigner_energy", s.wigner_energy);
  add("x2", s.x2);
  add("p2", s.p2);
  add("nbar", s.nbar);
  add("g2", s.g2);
  add("mandel_q", s.mandel_q);
  add("entropy", s.entropy);
  add("ergotropy", s.ergotropy);
  add("free_energy_work", s.free_energy_work);
  add("current", s.current);
  // With [units] energy: the quantities experiments read, in SI (units.hpp),
  // so sweeps carry them as columns too.
  if (!s.config.units.energy.empty()) {
    const units::SiScale si = units::si_scale(s.config.units.energy);
    const double ueV = si.energy_J / (1e-6 * units::elementary_charge);
    const double bias = s.config.device.left.mu - s.config.device.right.mu;  // mu_L - mu_R [energy]
    auto scaled = [](const Estimate& e, double f) { return Estimate{e.value * f, e.error * std::abs(f)}; };
    add("energy_ueV", scaled(s.energy, ueV));
    add("ergotropy_ueV", scaled(s.ergotropy, ueV));
    add("free_energy_work_ueV", scaled(s.free_energy_work, ueV));
    add("current_nA", scaled(s.current, si.current_nA()));
    add("power_fW", scaled(s.current, bias * si.power_fW()));  // electrical power I (mu_L - mu_R)
  }
  v.emplace_back("negative_weight", s.negative_weight);
  v.emplace_back("n_max", static_cast<double>(s.n_max));
  v.emplace_back("trace", s.trace);
  v.emplace_back("temperature", s.temperature);
  v.emplace_back("autocorrelation_time", s.autocorrelation_time);
  v.emplace_back("numerical_error", s.numerical_error);  // averaged method: estimated relative error
  if (s.method == Method::heom) {
    v.emplace_back("coherent_ergotropy", s.coherent_ergotropy);
    v.emplace_back("occupation", s.occupation);
    v.emplace_back("heom_residual", s.heom_residual);
    v.emplace_back("heom_iterations", static_cast<double>(s.heom_iterations));
    v.emplace_back("fock_tail", s.fock_tail);
    v.emplace_back("smallest_eigenvalue", s.smallest_eigenvalue);
    v.emplace_back("heom_fock", static_cast<double>(s.n_max + 1));
    v.emplace_back("heom_tier", static_cast<double>(s.heom_tier));
    v.emplace_back("heom_poles", static_cast<double>(s.heom_poles));
    v.emplace_back("heom_error_fock", s.heom_error_fock);
    v.emplace_back("heom_error_poles", s.heom_error_poles);
    v.emplace_back("heom_error_tier", s.heom_error_tier);
  }
  return v;
}

}  // namespace ergon
