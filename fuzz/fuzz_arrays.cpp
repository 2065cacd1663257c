// Fuzz target: the NumPy .npy reader and the text-matrix reader behind
// `ergon analyze --density/--populations/--wigner` matrices, and the analyses
// they feed. Any input gives results or an ergon::Error; results are finite.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ergon/analyze.hpp"
#include "ergon/errors.hpp"
#include "ergon/io/arrays.hpp"

namespace {
void check(const ergon::Analysis& a) {
  const auto& t = a.thermo;
  for (double v : {t.nbar, t.energy, t.entropy, t.g2, t.mandel_q, t.ergotropy, t.free_energy_work,
                   t.incoherent_ergotropy, t.coherent_ergotropy, t.max_coherence})
    if (!std::isfinite(v) || t.coherent_ergotropy < 0) std::abort();
}

void analyse(const ergon::NumericArray& a) {
  const double w0 = 0.2, T = 2.0;
  for (const auto n : a.shape)
    if (n > 64) return;  // keep each run's analysis small
  if (a.shape.size() == 2 && a.rows() == a.cols()) {
    Eigen::MatrixXcd rho(static_cast<Eigen::Index>(a.rows()), static_cast<Eigen::Index>(a.cols()));
    for (std::size_t i = 0; i < a.rows(); ++i)
      for (std::size_t j = 0; j < a.cols(); ++j)
        rho(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = a.at(i, j);
    try {
      check(ergon::analyze_density_matrix(rho, w0, T));
    } catch (const ergon::Error&) {
    }
  }
  if (a.shape.size() == 2 && a.rows() >= 3 && a.cols() >= 3) {
    std::vector<double> xs, ys;
    for (std::size_t j = 0; j < a.cols(); ++j) xs.push_back(-3.0 + 6.0 * static_cast<double>(j) / (a.cols() - 1));
    for (std::size_t i = 0; i < a.rows(); ++i) ys.push_back(-3.0 + 6.0 * static_cast<double>(i) / (a.rows() - 1));
    try {
      check(ergon::analyze_wigner_matrix(xs, ys, a.real_values(), ergon::PhaseSpaceConvention{}, w0, T, 20));
    } catch (const ergon::Error&) {
    }
  }
  if (a.shape.size() == 1) {
    try {
      check(ergon::analyze_populations(a.real_values(), w0, T));
    } catch (const ergon::Error&) {
    }
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 1 << 16) return 0;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    analyse(ergon::parse_npy(bytes, "fuzz.npy"));
  } catch (const ergon::Error&) {
  }
  try {
    analyse(ergon::parse_text_matrix(bytes, "fuzz.txt"));
  } catch (const ergon::Error&) {
  }
  return 0;
}
