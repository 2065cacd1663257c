// Restarted GMRES(m) with right preconditioning, matrix-free: solves A x = b
// given y = A v and y = M^-1 v as callables. Right preconditioning keeps the
// residual it monitors the true one, ||b - A x|| / ||b||, which is what the
// caller reports. Modified Gram-Schmidt Arnoldi, complex Givens rotations;
// every reduction is serial, so the iterates do not depend on threads.
#pragma once

#include <complex>
#include <vector>

#include <Eigen/Dense>

namespace ergon::numerics {

struct GmresResult {
  Eigen::VectorXcd x;
  double residual = 0.0;  // ||b - A x|| / ||b||, recomputed at the end
  int iterations = 0;     // products with A (and M^-1) after the first
  bool converged = false;
};

// x0 = M^-1 b; stops when the relative residual is <= tolerance or after
// max_iterations products.
// `stop()` is polled once per iteration; when it returns true the run ends
// unconverged.
template <class Apply, class Precondition, class Stop>
GmresResult gmres(Apply&& apply, Precondition&& precondition, const Eigen::VectorXcd& b, double tolerance,
                  int max_iterations, int restart, Stop&& stop) {
  using cd = std::complex<double>;
  GmresResult out;
  const double bnorm = b.norm();
  precondition(b, out.x);
  if (bnorm == 0.0) {
    out.x.setZero();
    out.converged = true;
    return out;
  }
  const Eigen::Index n = b.size();
  std::vector<Eigen::VectorXcd> V(restart + 1, Eigen::VectorXcd(n));
  Eigen::MatrixXcd H = Eigen::MatrixXcd::Zero(restart + 1, restart);
  Eigen::VectorXd cs(restart);
  Eigen::VectorXcd sn(restart), g(restart + 1);
  Eigen::VectorXcd w(n), z(n), r(n);
  while (true) {
    apply(out.x, r);
    r = b - r;
    const double beta = r.norm();
    out.residual = beta / bnorm;
    if (out.residual <= tolerance) {
      out.converged = true;
      return out;
    }
    if (out.iterations >= max_iterations || stop()) return out;
    V[0] = r / beta;
    g.setZero();
    g[0] = beta;
    int j = 0;
    for (; j < restart && out.iterations < max_iterations && !stop(); ++j) {
      precondition(V[j], z);
      apply(z, w);
      ++out.iterations;
      for (int i = 0; i <= j; ++i) {
        H(i, j) = V[i].dot(w);
        w -= H(i, j) * V[i];
      }
      const double hn = w.norm();
      H(j + 1, j) = hn;
      if (hn > 0.0) V[j + 1] = w / hn;
      for (int i = 0; i < j; ++i) {
        const cd a = H(i, j), c2 = H(i + 1, j);
        H(i, j) = cs[i] * a + sn[i] * c2;
        H(i + 1, j) = -std::conj(sn[i]) * a + cs[i] * c2;
      }
      const cd a = H(j, j), c2 = H(j + 1, j);
      const double rho = std::hypot(std::abs(a), std::abs(c2));
      if (std::abs(a) == 0.0) {
        cs[j] = 0.0;
        sn[j] = 1.0;
      } else {
        cs[j] = std::abs(a) / rho;
        sn[j] = (a / std::abs(a)) * std::conj(c2) / rho;
      }
      H(j, j) = cs[j] * a + sn[j] * c2;
      H(j + 1, j) = 0.0;
      g[j + 1] = -std::conj(sn[j]) * g[j];
      g[j] = cs[j] * g[j];
      if (std::abs(g[j + 1]) / bnorm <= tolerance || hn == 0.0) {
        ++j;
        break;
      }
    }
    // Solve the j x j triangular system and update x += M^-1 (V y).
    const Eigen::VectorXcd y = H.topLeftCorner(j, j).triangularView<Eigen::Upper>().solve(g.head(j));
    w.setZero();
    for (int i = 0; i < j; ++i) w += y[i] * V[i];
    precondition(w, z);
    out.x += z;
  }
}

}  // namespace ergon::numerics
