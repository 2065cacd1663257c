// Stage 4c: the fermionic HEOM steady state (heom.hpp; docs/model.md section 9b).
#include "ergon/heom.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <fstream>
#include <memory>
#include <string>
#include <unordered_map>

#include <fmt/format.h>
#include <Eigen/Eigenvalues>
#include <Eigen/SparseCore>
#include <Eigen/SparseLU>

#include "ergon/config.hpp"
#include "ergon/errors.hpp"
#include "ergon/parallel.hpp"
#include "ergon/resonant_level.hpp"
#include "numerics/gmres.hpp"

namespace ergon {

using cd = std::complex<double>;
constexpr cd I1{0.0, 1.0};

PadeFermi pade_fermi(int poles) {
  if (poles < 1) throw messages::out_of_range("heom.poles", poles, "1 .. 40");
  const int n = poles;
  // Poles: -2 / (the n most negative eigenvalues) of the 2n x 2n tridiagonal
  // matrix with off-diagonal 1/sqrt((2k+1)(2k+3)); zeros chi from the
  // (2n-1) x (2n-1) matrix with 1/sqrt((2k+3)(2k+5)) (QuTiP's _calc_eps/_calc_chi).
  auto roots = [](int size, int shift, int count) {
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(size, size);
    for (int k = 0; k + 1 < size; ++k) {
      const double v = 1.0 / std::sqrt((2.0 * k + 1 + shift) * (2.0 * k + 3 + shift));
      a(k, k + 1) = a(k + 1, k) = v;
    }
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(a, Eigen::EigenvaluesOnly);
    std::vector<double> out;
    for (int j = 0; j < count; ++j) out.push_back(-2.0 / es.eigenvalues()(j));
    return out;
  };
  PadeFermi p;
  p.xi = roots(2 * n, 0, n);
  const std::vector<double> chi = n > 1 ? roots(2 * n - 1, 2, n - 1) : std::vector<double>{};
  const double prefactor = 0.5 * n * (2.0 * (n + 1) - 1.0);
  for (int j = 0; j < n; ++j) {
    double term = prefactor;
    const double e2 = p.xi[j] * p.xi[j];
    for (int k = 0; k < n - 1; ++k) term *= (chi[k] * chi[k] - e2) / (p.xi[k] * p.xi[k] - e2 + (j == k ? 1.0 : 0.0));
    term /= p.xi[n - 1] * p.xi[n - 1] - e2 + (j == n - 1 ? 1.0 : 0.0);
    p.kappa.push_back(term);
  }
  return p;
}

cd fermi_pade(cd z, const PadeFermi& pade) {
  cd f = 0.5;
  for (std::size_t l = 0; l < pade.xi.size(); ++l) f -= 2.0 * pade.kappa[l] * z / (z * z + pade.xi[l] * pade.xi[l]);
  return f;
}

std::vector<FermionExponent> lead_exponents(const Lead& lead, int lead_index, int poles) {
  const PadeFermi pade = pade_fermi(poles);
  const double G = lead.Gamma, d = lead.width, wa = lead.center, mu = lead.mu, beta = lead.beta;
  auto kappa = [&](cd w) { return G * d * d / ((w - wa) * (w - wa) + d * d); };
  std::vector<FermionExponent> out;
  // Lorentzian pole (physics.md section 12).
  out.push_back({lead_index, +1, 0.5 * G * d * fermi_pade(beta * (wa - mu + I1 * d), pade), d - I1 * wa});
  out.push_back({lead_index, -1, 0.5 * G * d * fermi_pade(-beta * (wa - mu - I1 * d), pade), d + I1 * wa});
  for (int l = 0; l < poles; ++l) {
    const double x = pade.xi[l] / beta, k = pade.kappa[l];
    out.push_back({lead_index, +1, -I1 * (k / beta) * kappa(mu + I1 * x), x - I1 * mu});
    out.push_back({lead_index, -1, -I1 * (k / beta) * kappa(mu - I1 * x), x + I1 * mu});
  }
  return out;
}

cd lead_correlation(const std::vector<FermionExponent>& exponents, int sign, double t) {
  cd c = 0.0;
  for (const auto& e : exponents)
    if (e.sign == sign) c += e.c * std::exp(-e.nu * t);
  return c;
}

namespace {

// The electronic part of the hierarchy: every auxiliary operator (a set of
// exponents, at most `tier` of them) with its surviving dot elements.
struct Hierarchy {
  std::vector<FermionExponent> exps;
  std::vector<std::uint64_t> labels;                   // sorted by tier, then value
  std::unordered_map<std::uint64_t, int> label_index;  // label -> position in labels
  struct Component {
    int label;  // index into labels
    int i, j;   // dot element |i><j| (0 empty, 1 occupied)
  };
  std::vector<Component> comps;                // the electronic unknowns of one node
  std::vector<std::array<int, 4>> where;       // per label: component of element 2i+j, or -1
  Eigen::SparseMatrix<cd, Eigen::RowMajor> L;  // block x block

  int comp(std::uint64_t label, int i, int j) const {
    auto it = label_index.find(label);
    if (it == label_index.end()) return -1;
    return where[it->second][2 * i + j];
  }
};

int charge(std::uint64_t label, std::uint64_t plus) {
  return std::popcount(label & plus) - std::popcount(label & ~plus);
}

void enumerate(int K, int tier, int start, std::uint64_t label, int depth, std::vector<std::uint64_t>& out) {
  out.push_back(label);
  if (depth == tier) return;
  for (int k = start; k < K; ++k) enumerate(K, tier, k + 1, label | (std::uint64_t{1} << k), depth + 1, out);
}

Hierarchy build_hierarchy(const Config& config, int tier, int poles) {
  Hierarchy h;
  h.exps = lead_exponents(config.device.left, 0, poles);
  for (const auto& e : lead_exponents(config.device.right, 1, poles)) h.exps.push_back(e);
  const int K = static_cast<int>(h.exps.size());
  std::uint64_t plus = 0;
  for (int k = 0; k < K; ++k)
    if (h.exps[k].sign > 0) plus |= std::uint64_t{1} << k;

  std::vector<std::uint64_t> all;
  enumerate(K, tier, 0, 0, 0, all);
  for (auto l : all)
    if (std::abs(charge(l, plus)) <= 1) h.labels.push_back(l);
  std::stable_sort(h.labels.begin(), h.labels.end(), [](auto a, auto b) {
    return std::popcount(a) != std::popcount(b) ? std::popcount(a) < std::popcount(b) : a < b;
  });
  h.where.assign(h.labels.size(), {-1, -1, -1, -1});
  for (int a = 0; a < static_cast<int>(h.labels.size()); ++a) {
    h.label_index[h.labels[a]] = a;
    const int q = charge(h.labels[a], plus);
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j)
        if (i - j == q) {
          h.where[a][2 * i + j] = static_cast<int>(h.comps.size());
          h.comps.push_back({a, i, j});
        }
  }

  // QuTiP's fermionic HEOM (bofin_solvers.py, _grad_n/_grad_next/_grad_prev)
  // with Q = d: spre(A) rho = A rho, spost(A) rho = rho A. On the element
  // (i, j): spre(d) takes (1, j) to (0, j), spost(d) takes (i, 0) to (i, 1),
  // spre(d^dag) takes (0, j) to (1, j), spost(d^dag) takes (i, 1) to (i, 0).
  const double eps = config.device.dot.eps;
  std::vector<Eigen::Triplet<cd>> t;
  for (int r = 0; r < static_cast<int>(h.comps.size()); ++r) {
    const auto [a, i, j] = h.comps[r];
    const std::uint64_t n = h.labels[a];
    const int level = std::popcount(n);
    const double sign1 = (level % 2 == 0) ? -1.0 : 1.0;  // (-1)^(|n|+1)
    cd diag = -I1 * eps * static_cast<double>(i - j);
    for (int k = 0; k < K; ++k)
      if (n >> k & 1) diag -= h.exps[k].nu;
    t.emplace_back(r, r, diag);
    for (int k = 0; k < K; ++k) {
      const std::uint64_t bit = std::uint64_t{1} << k;
      const double sign2 = (std::popcount(n & (bit - 1)) % 2 == 0) ? 1.0 : -1.0;
      const cd base = -I1 * sign2;
      const bool is_plus = h.exps[k].sign > 0;
      auto add = [&](std::uint64_t label, int ii, int jj, cd value) {
        const int col = h.comp(label, ii, jj);
        if (col >= 0 && value != 0.0) t.emplace_back(r, col, value);
      };
      if (!(n & bit)) {
        if (level >= tier) continue;
        const std::uint64_t up = n | bit;
        const double post = sign1 < 0 ? -1.0 : 1.0;  // pre - post (|n| even) or pre + post
        if (is_plus) {                               // Q = d
          if (i == 0) add(up, 1, j, base);
          if (j == 1) add(up, i, 0, base * post);
        } else {  // Q^dag = d^dag
          if (i == 1) add(up, 0, j, base);
          if (j == 0) add(up, i, 1, base * post);
        }
      } else {
        const std::uint64_t down = n & ~bit;
        const int partner = is_plus ? k + 1 : k - 1;
        const cd ck = h.exps[k].c, cbar = std::conj(h.exps[partner].c);
        if (is_plus) {  // c_k spre(d^dag) - sign1 conj(c_kbar) spost(d^dag)
          if (i == 1) add(down, 0, j, base * ck);
          if (j == 0) add(down, i, 1, -base * sign1 * cbar);
        } else {  // c_k spre(d) - sign1 conj(c_kbar) spost(d)
          if (i == 0) add(down, 1, j, base * ck);
          if (j == 1) add(down, i, 0, -base * sign1 * cbar);
        }
      }
    }
  }
  const int b = static_cast<int>(h.comps.size());
  h.L.resize(b, b);
  h.L.setFromTriplets(t.begin(), t.end());
  h.L.makeCompressed();
  return h;
}

int count_block(int tier, int poles, int* ados) {
  // Same enumeration as build_hierarchy, counting only.
  const int K = 4 * (1 + poles);
  std::uint64_t plus = 0;
  for (int k = 0; k < K; k += 2) plus |= std::uint64_t{1} << k;
  std::vector<std::uint64_t> all;
  enumerate(K, tier, 0, 0, 0, all);
  int labels = 0, block = 0;
  for (auto l : all) {
    const int q = charge(l, plus);
    if (std::abs(q) > 1) continue;
    ++labels;
    block += q == 0 ? 2 : 1;
  }
  if (ados) *ados = labels;
  return block;
}

double available_memory() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kb = 0.0;
  std::string unit;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024.0;
  return 8.0e9;
}

// The full HEOM Liouvillian on vectors v[node * b + e], node = m N + n, and
// the preconditioner (header comment). Every parallel loop writes only its
// own slots, so results do not depend on the thread count.
using BlockLU = Eigen::SparseLU<Eigen::SparseMatrix<cd>, Eigen::COLAMDOrdering<int>>;

class Problem {
 public:
  Problem(const Config& config, int tier, int poles, int N, int threads)
      : h_(build_hierarchy(config, tier, poles)), N_(N), threads_(threads) {
    b_ = static_cast<int>(h_.comps.size());
    const auto& osc = config.device.oscillator;
    w0_ = osc.w0;
    lambda_ = osc.coupling_energy();
    N0_ = ResonantLevel(config.device).N0();
    if (osc.quality > 0.0) {
      gamma_m_ = osc.w0 / osc.quality;
      const double Tm = osc.phonon_temperature.value_or(0.0);
      nth_ = Tm > 0.0 ? 1.0 / std::expm1(osc.w0 / Tm) : 0.0;
    }
    aL_.resize(b_);
    aR_.resize(b_);
    l_ = Eigen::VectorXcd::Zero(b_);
    for (int e = 0; e < b_; ++e) {
      aL_[e] = h_.comps[e].i - N0_;
      aR_[e] = h_.comps[e].j - N0_;
      if (h_.comps[e].label == 0) l_[e] = 1.0;  // the trace of the physical dot state
    }
    sqrt_.resize(N + 1);
    for (int m = 0; m <= N; ++m) sqrt_[m] = std::sqrt(static_cast<double>(m));
  }

  int block() const { return b_; }
  int ados() const { return static_cast<int>(h_.labels.size()); }
  std::int64_t size() const { return static_cast<std::int64_t>(b_) * N_ * N_; }
  const Hierarchy& hierarchy() const { return h_; }

  // y = (L + w t^T) v: the Liouvillian plus the rank-one term that fixes the
  // trace (w = r at node (0, 0), t = the full trace), nonsingular.
  void apply(const Eigen::VectorXcd& v, Eigen::VectorXcd& y) const {
    y.resize(v.size());
    const int N = N_, b = b_;
    parallel_for(N, threads_, [&](int m) {
      Eigen::Map<const Eigen::MatrixXcd> V(v.data(), b, static_cast<Eigen::Index>(N) * N);
      Eigen::Map<Eigen::MatrixXcd> Y(y.data(), b, static_cast<Eigen::Index>(N) * N);
      Y.middleCols(static_cast<Eigen::Index>(m) * N, N).noalias() =
          h_.L * V.middleCols(static_cast<Eigen::Index>(m) * N, N);
      Eigen::VectorXcd xl(b), xr(b);  // (a + a^dag) from the left and right, per node
      for (int n = 0; n < N; ++n) {
        const int node = m * N + n;
        auto y_ = Y.col(node);
        y_ += (-I1 * w0_ * static_cast<double>(m - n)) * V.col(node);
        const cd il = I1 * lambda_;
        if (lambda_ != 0.0) {
          xl.setZero();
          xr.setZero();
          if (m > 0) xl += sqrt_[m] * V.col(node - N);
          if (m + 1 < N) xl += sqrt_[m + 1] * V.col(node + N);
          if (n > 0) xr += sqrt_[n] * V.col(node - 1);
          if (n + 1 < N) xr += sqrt_[n + 1] * V.col(node + 1);
          y_.array() += il * (aL_.array() * xl.array() - aR_.array() * xr.array());
        }
        if (gamma_m_ > 0.0) {
          const double down = gamma_m_ * (nth_ + 1.0), up = gamma_m_ * nth_;
          y_ -= (0.5 * down * (m + n) + 0.5 * up * (m + n + 2)) * V.col(node);
          if (m + 1 < N && n + 1 < N) y_ += down * sqrt_[m + 1] * sqrt_[n + 1] * V.col(node + N + 1);
          if (m > 0 && n > 0) y_ += up * sqrt_[m] * sqrt_[n] * V.col(node - N - 1);
        }
      }
    });
    // Rank-one trace term (serial: a fixed summation order).
    cd trace = 0.0;
    for (int m = 0; m < N; ++m) trace += l_.dot(v.segment(static_cast<Eigen::Index>(m * N + m) * b, b));
    y.head(b) += r_ * trace;
  }

  // Right-hand side of the bordered system: (L + w t^T) v = w.
  Eigen::VectorXcd rhs() const {
    Eigen::VectorXcd w = Eigen::VectorXcd::Zero(size());
    w.head(b_) = r_;
    return w;
  }

  // Builds the zero mode, the per-frequency fast inverses and the Schur
  // complement, and factorises it.
  void prepare_preconditioner() {
    const int b = b_, N = N_;
    // L_e in column-major triplets, every diagonal entry present.
    std::vector<Eigen::Triplet<cd>> lt;
    for (int row = 0; row < b; ++row)
      for (Eigen::SparseMatrix<cd, Eigen::RowMajor>::InnerIterator it(h_.L, row); it; ++it)
        lt.emplace_back(row, static_cast<int>(it.col()), it.value());
    for (int e = 0; e < b; ++e) lt.emplace_back(e, e, 0.0);
    // Zero mode: (L_e + e0 l^T) r = e0 gives L_e r = 0, l.r = 1.
    {
      std::vector<Eigen::Triplet<cd>> t = lt;
      for (int col = 0; col < b; ++col)
        if (l_[col] != 0.0) t.emplace_back(0, col, l_[col]);
      Eigen::SparseMatrix<cd> A(b, b);
      A.setFromTriplets(t.begin(), t.end());
      BlockLU lu(A);
      if (lu.info() != Eigen::Success)
        throw messages::not_converged("HEOM preconditioner", "the electronic Liouvillian has no unique zero mode");
      Eigen::VectorXcd e0 = Eigen::VectorXcd::Zero(b);
      e0[0] = 1.0;
      r_ = lu.solve(e0);
    }
    auto project = [&](const Eigen::VectorXcd& v) -> Eigen::VectorXcd { return v - r_ * (l_.transpose() * v)(0); };
    cL_ = project(aL_.cast<cd>().cwiseProduct(r_));
    cR_ = project(aR_.cast<cd>().cwiseProduct(r_));
    // Rows l^T A Q, stored as vectors: A l - l (r . A l).
    Eigen::VectorXcd al = aL_.cast<cd>().cwiseProduct(l_), ar = aR_.cast<cd>().cwiseProduct(l_);
    rowL_ = al - l_ * (r_.transpose() * al)(0);
    rowR_ = ar - l_ * (r_.transpose() * ar)(0);
    dnL_ = (l_.cwiseProduct(aL_.cast<cd>()).transpose() * r_)(0);
    dnR_ = (l_.cwiseProduct(aR_.cast<cd>()).transpose() * r_)(0);

    const int nk = 2 * N - 1;
    lu_.clear();
    lu_.resize(nk);
    // L_e + r l^T, column-major: l has two non-zeros, so r l^T is two columns.
    Eigen::SparseMatrix<cd> base(b, b);
    {
      std::vector<Eigen::Triplet<cd>> t = lt;
      for (int col = 0; col < b; ++col)
        if (l_[col] != 0.0)
          for (int row = 0; row < b; ++row)
            if (r_[row] != 0.0) t.emplace_back(row, col, r_[row] * l_[col]);
      base.setFromTriplets(t.begin(), t.end());
      base.makeCompressed();
    }
    hL_.assign(nk, Eigen::VectorXcd());
    hR_.assign(nk, Eigen::VectorXcd());
    g_.assign(nk, {});
    parallel_for(nk, threads_, [&](int idx) {
      const int k = idx - (N - 1);
      {
        Eigen::SparseMatrix<cd> shift(b, b);
        shift.setIdentity();
        Eigen::SparseMatrix<cd> A = base - (I1 * w0_ * static_cast<double>(k)) * shift;
        lu_[idx] = std::make_unique<BlockLU>();
        lu_[idx]->compute(A);
        if (lu_[idx]->info() != Eigen::Success)
          throw messages::not_converged("HEOM preconditioner", "an electronic block is singular");
        hL_[idx] = lu_[idx]->solve(cL_);
        hR_[idx] = lu_[idx]->solve(cR_);
      }
      g_[idx] = {rowL_.transpose() * hL_[idx], rowL_.transpose() * hR_[idx], rowR_.transpose() * hL_[idx],
                 rowR_.transpose() * hR_[idx]};
    });

    // Schur complement on the slow field sigma(m, n).
    std::vector<Eigen::Triplet<cd>> t;
    auto node = [N](int m, int n) { return m * N + n; };
    const cd il = I1 * lambda_;
    const double l2 = lambda_ * lambda_;
    for (int m = 0; m < N; ++m)
      for (int n = 0; n < N; ++n) {
        const int row = node(m, n);
        cd diag = -I1 * w0_ * static_cast<double>(m - n);
        if (gamma_m_ > 0.0) {
          const double down = gamma_m_ * (nth_ + 1.0), up = gamma_m_ * nth_;
          diag -= 0.5 * down * (m + n) + 0.5 * up * (m + n + 2);
          if (m + 1 < N && n + 1 < N) t.emplace_back(row, node(m + 1, n + 1), down * sqrt_[m + 1] * sqrt_[n + 1]);
          if (m > 0 && n > 0) t.emplace_back(row, node(m - 1, n - 1), up * sqrt_[m] * sqrt_[n]);
        }
        t.emplace_back(row, row, diag);
        // Mean-force term i lambda (dn_L X_L - dn_R X_R).
        for_neighbours(m, n, [&](int side, int mm, int nn, double w) {
          t.emplace_back(row, node(mm, nn), il * (side == 0 ? dnL_ : -dnR_) * w);
        });
        // - L_sf D^-1 L_fs = + lambda^2 sum s_a s_b X_a g_ab(k') X_b.
        for_neighbours(m, n, [&](int sa, int m1, int n1, double w1) {
          const auto& g = g_[m1 - n1 + N - 1];
          for_neighbours(m1, n1, [&](int sb, int m2, int n2, double w2) {
            const double s = (sa == sb) ? 1.0 : -1.0;
            t.emplace_back(row, node(m2, n2), l2 * s * g[2 * sa + sb] * w1 * w2);
          });
        });
      }
    for (int m = 0; m < N; ++m) t.emplace_back(0, node(m, m), 1.0);  // the trace fix
    Eigen::SparseMatrix<cd> S(N * N, N * N);
    S.setFromTriplets(t.begin(), t.end());
    S.makeCompressed();
    schur_.analyzePattern(S);
    schur_.factorize(S);
    if (schur_.info() != Eigen::Success)
      throw messages::not_converged("HEOM preconditioner",
                                    fmt::format("the effective oscillator Liouvillian (N = {}) is singular", N));
  }

  // x = M^-1 y (header comment of this file's preconditioner).
  void precondition(const Eigen::VectorXcd& y, Eigen::VectorXcd& x) const {
    const int N = N_, b = b_;
    const Eigen::Index nodes = static_cast<Eigen::Index>(N) * N;
    x.resize(y.size());
    Eigen::Map<const Eigen::MatrixXcd> Y(y.data(), b, nodes);
    Eigen::Map<Eigen::MatrixXcd> X(x.data(), b, nodes);
    Eigen::VectorXcd ys(nodes), zl(nodes), zr(nodes);
    // Fast part z_f = G_k (y - r l.y), one product per frequency.
    parallel_for(2 * N - 1, threads_, [&](int idx) {
      const int k = idx - (N - 1);
      const int first = k >= 0 ? k * N : -k, count = N - std::abs(k);
      using Strided = Eigen::Map<Eigen::MatrixXcd, 0, Eigen::OuterStride<>>;
      using CStrided = Eigen::Map<const Eigen::MatrixXcd, 0, Eigen::OuterStride<>>;
      const Eigen::OuterStride<> stride(static_cast<Eigen::Index>(N + 1) * b);
      CStrided Yk(y.data() + static_cast<Eigen::Index>(first) * b, b, count, stride);
      Strided Xk(x.data() + static_cast<Eigen::Index>(first) * b, b, count, stride);
      Eigen::RowVectorXcd s = l_.transpose() * Yk;
      Eigen::MatrixXcd f = Yk - r_ * s;
      // SparseLU solves in place: into a plain matrix, then the strided nodes.
      const Eigen::MatrixXcd sol = lu_[idx]->solve(f);
      Xk = sol;
      for (int c = 0; c < count; ++c) ys[first + static_cast<Eigen::Index>(c) * (N + 1)] = s[c];
    });
    parallel_for(N, threads_, [&](int m) {
      for (int n = 0; n < N; ++n) {
        const Eigen::Index nd = static_cast<Eigen::Index>(m) * N + n;
        zl[nd] = (rowL_.transpose() * X.col(nd))(0);
        zr[nd] = (rowR_.transpose() * X.col(nd))(0);
      }
    });
    // Slow part: S x_s = y_s - L_sf z_f.
    const cd il = I1 * lambda_;
    Eigen::VectorXcd bs(nodes);
    for (int m = 0; m < N; ++m)
      for (int n = 0; n < N; ++n) {
        cd acc = 0.0;
        for_neighbours(m, n, [&](int side, int mm, int nn, double w) {
          acc += (side == 0 ? 1.0 : -1.0) * w * (side == 0 ? zl : zr)[static_cast<Eigen::Index>(mm) * N + nn];
        });
        bs[static_cast<Eigen::Index>(m) * N + n] = ys[static_cast<Eigen::Index>(m) * N + n] - il * acc;
      }
    const Eigen::VectorXcd xs = schur_.solve(bs);
    // x = r x_s + z_f - i lambda sum_b s_b h_b(k) (X_b x_s).
    parallel_for(N, threads_, [&](int m) {
      for (int n = 0; n < N; ++n) {
        const Eigen::Index nd = static_cast<Eigen::Index>(m) * N + n;
        cd xl = 0.0, xr = 0.0;
        for_neighbours(m, n, [&](int side, int mm, int nn, double w) {
          (side == 0 ? xl : xr) += w * xs[static_cast<Eigen::Index>(mm) * N + nn];
        });
        const int idx = m - n + N - 1;
        X.col(nd) += r_ * xs[nd] - il * (hL_[idx] * xl - hR_[idx] * xr);
      }
    });
  }

  // Reads the physical results off the solution vector.
  void extract(const Eigen::VectorXcd& v, HeomSolution& s) const {
    const int N = N_, b = b_;
    auto at = [&](int m, int n, int e) { return v[(static_cast<Eigen::Index>(m) * N + n) * b + e]; };
    const int e00 = h_.comp(0, 0, 0), e11 = h_.comp(0, 1, 1);
    s.rho.resize(N, N);
    for (int m = 0; m < N; ++m)
      for (int n = 0; n < N; ++n) s.rho(m, n) = at(m, n, e00) + at(m, n, e11);
    s.rho_dot = Eigen::MatrixXcd::Zero(2, 2);
    for (int m = 0; m < N; ++m) {
      s.rho_dot(0, 0) += at(m, m, e00);
      s.rho_dot(1, 1) += at(m, m, e11);
    }
    s.occupation = s.rho_dot(1, 1).real();
    // Particles entering the dot from lead a: i sum_{k in a, level 1}
    // sign(k) Tr(op_k rho_k), op = d for "+", d^dag for "-" (the tier-0
    // equation traced with c^dag c).
    double into[2] = {0.0, 0.0};
    for (int k = 0; k < static_cast<int>(h_.exps.size()); ++k) {
      const std::uint64_t label = std::uint64_t{1} << k;
      const bool plus = h_.exps[k].sign > 0;
      const int e = plus ? h_.comp(label, 1, 0) : h_.comp(label, 0, 1);
      if (e < 0) continue;
      cd tr = 0.0;
      for (int m = 0; m < N; ++m) tr += at(m, m, e);
      into[h_.exps[k].lead] += (I1 * (plus ? 1.0 : -1.0) * tr).real();
    }
    s.current_left = into[0];
    s.current_right = into[1];
    s.current = 0.5 * (into[0] - into[1]);
  }

 private:
  // Calls fn(side, m', n', weight) for the nonzero entries of X_L (side 0:
  // (a + a^dag) from the left, m' = m -+ 1) and X_R (side 1: from the right).
  template <class F>
  void for_neighbours(int m, int n, F&& fn) const {
    if (m > 0) fn(0, m - 1, n, sqrt_[m]);
    if (m + 1 < N_) fn(0, m + 1, n, sqrt_[m + 1]);
    if (n > 0) fn(1, m, n - 1, sqrt_[n]);
    if (n + 1 < N_) fn(1, m, n + 1, sqrt_[n + 1]);
  }

  Hierarchy h_;
  int N_ = 0, b_ = 0, threads_ = 0;
  double w0_ = 0.0, lambda_ = 0.0, N0_ = 0.0, gamma_m_ = 0.0, nth_ = 0.0;
  Eigen::VectorXd aL_, aR_;
  Eigen::VectorXcd l_, r_, cL_, cR_, rowL_, rowR_;
  cd dnL_ = 0.0, dnR_ = 0.0;
  std::vector<double> sqrt_;
  // The fast blocks (L_e - i w0 k + r l^T), one sparse LU per k = m - n
  // (measured faster than dense inverses from 146 unknowns per node up:
  // 0.41 s against 0.89 s at N = 15, 146; 1.6 s against 9.6 s at 594).
  std::vector<std::unique_ptr<BlockLU>> lu_;
  std::vector<Eigen::VectorXcd> hL_, hR_;
  std::vector<std::array<cd, 4>> g_;
  Eigen::SparseLU<Eigen::SparseMatrix<cd>, Eigen::COLAMDOrdering<int>> schur_;
};

}  // namespace

HeomSize heom_size(int tier, int poles, int fock, int restart) {
  HeomSize s;
  s.block = count_block(tier, poles, &s.ados);
  s.unknowns = static_cast<std::int64_t>(s.block) * fock * fock;
  const double vec = 16.0 * static_cast<double>(s.unknowns);
  // Sparse LU factors of the fast blocks: measured nnz(L) + nnz(U) between
  // 0.14 b^2 and 0.47 b^2 (b = 86 .. 2162); 20 bytes per entry.
  const double fast = 20.0 * 0.5 * s.block * static_cast<double>(s.block) * (2.0 * fock - 1.0);
  const double schur = 16.0 * 60.0 * fock * static_cast<double>(fock);  // LU factors, measured fill ~ 30-60 per row
  s.memory_bytes = (restart + 6.0) * vec + fast + schur;
  return s;
}

int heom_restart_that_fits(int tier, int poles, int fock, int restart, double limit) {
  for (int r = restart; r >= std::min(restart, kHeomMinRestart); --r)
    if (heom_size(tier, poles, fock, r).memory_bytes <= limit) return r;
  return 0;
}

double heom_memory_limit(const HeomOptions& options) {
  return options.memory_limit > 0.0 ? options.memory_limit : 0.8 * available_memory();
}

HeomSolution solve_heom(const Config& config, const HeomOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  validate(config);
  const Heom& hs = config.heom;
  for (const Lead* lead : {&config.device.left, &config.device.right})
    if (lead->type != LeadType::lorentzian)
      throw messages::bad_value(lead == &config.device.left ? "lead.L.type" : "lead.R.type", to_string(lead->type),
                                "\"lorentzian\" with the HEOM solver (its correlation functions must be finite sums "
                                "of exponentials)");
  if (config.electronic.model != "resonant_level")
    throw messages::bad_value("electronic.model", config.electronic.model,
                              "\"resonant_level\" with the HEOM solver (it solves the non-interacting level exactly)");
  if (hs.tier < 1 || hs.tier > 6) throw messages::out_of_range("heom.tier", hs.tier, "1 .. 6");
  if (hs.poles < 1 || hs.poles > 40) throw messages::out_of_range("heom.poles", hs.poles, "1 .. 40");
  const int N = hs.fock;
  if (N < 2 || N > 2000) throw messages::out_of_range("heom.fock", N, "2 .. 2000 (Fock states 0 .. N-1)");
  if (4 * (1 + hs.poles) > 63)
    throw messages::out_of_range("heom.poles", hs.poles, "at most 14 (64 exponents over both leads)");

  const double limit = heom_memory_limit(options);
  const int restart = heom_restart_that_fits(hs.tier, hs.poles, N, hs.restart, limit);
  if (restart == 0) {
    const HeomSize size = heom_size(hs.tier, hs.poles, N, std::min(hs.restart, kHeomMinRestart));
    throw messages::heom_too_large(N, hs.tier, hs.poles, size.ados, size.unknowns, size.memory_bytes, limit);
  }

  const int threads = resolve_threads(options.threads);
  Problem problem(config, hs.tier, hs.poles, N, threads);
  problem.prepare_preconditioner();
  const Eigen::VectorXcd w = problem.rhs();
  numerics::GmresResult gr = numerics::gmres(
      [&](const Eigen::VectorXcd& v, Eigen::VectorXcd& y) { problem.apply(v, y); },
      [&](const Eigen::VectorXcd& v, Eigen::VectorXcd& y) { problem.precondition(v, y); }, w, hs.tolerance,
      hs.max_iterations, restart, [&] { return options.stop != nullptr && options.stop->load(); });
  if (options.stop != nullptr && options.stop->load()) throw messages::interrupted();
  if (!gr.converged)
    throw messages::not_converged(
        "HEOM steady state",
        fmt::format("GMRES reached a relative residual {:.3g} after {} iterations (heom.tolerance = {:.3g}, "
                    "heom.max_iterations = {}; N = {}, tier {}, {} poles)",
                    gr.residual, gr.iterations, hs.tolerance, hs.max_iterations, N, hs.tier, hs.poles));

  HeomSolution s;
  problem.extract(gr.x, s);
  s.residual = gr.residual;
  s.iterations = gr.iterations;
  s.restart = restart;
  s.fock = N;
  s.tier = hs.tier;
  s.poles = hs.poles;
  s.ados = problem.ados();
  s.block = problem.block();
  s.unknowns = problem.size();
  s.memory_bytes = heom_size(hs.tier, hs.poles, N, restart).memory_bytes;
  s.hermiticity = (s.rho - s.rho.adjoint()).cwiseAbs().maxCoeff();
  s.rho = 0.5 * (s.rho + s.rho.adjoint()).eval();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXcd> es(s.rho, Eigen::EigenvaluesOnly);
  s.smallest_eigenvalue = es.eigenvalues()(0);
  s.tail = s.rho(N - 1, N - 1).real();
  s.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return s;
}

}  // namespace ergon
