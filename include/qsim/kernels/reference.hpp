#pragma once
#include <complex>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/gates/matrices.hpp"

QSIM_BEGIN_NAMESPACE
namespace kernels {
namespace reference {

/**
 * The oracle: applies a dense 2^k x 2^k matrix to `targets` where every
 * qubit of `controls` is 1, by plain gather / multiply / scatter in double.
 * Obviously right and slow; every fast kernel is tested against it.
 */
template <class T>
void apply_matrix(StateVector<T>& psi, const std::vector<qubit_t>& targets, const std::vector<qubit_t>& controls,
                  const Matrix& m) {
  const std::size_t k = targets.size();
  const std::size_t dim = std::size_t{1} << k;
  index_t target_mask = 0, control_mask = 0;
  for (auto q : targets) target_mask |= index_t{1} << q;
  for (auto q : controls) control_mask |= index_t{1} << q;
  std::vector<index_t> offset(dim, 0);
  for (std::size_t j = 0; j < dim; ++j)
    for (std::size_t b = 0; b < k; ++b)
      if ((j >> b) & 1U) offset[j] |= index_t{1} << targets[b];
  std::vector<std::complex<double>> in(dim), out(dim);
  for (index_t base = 0; base < psi.size(); ++base) {
    if ((base & target_mask) != 0 || (base & control_mask) != control_mask) continue;
    for (std::size_t j = 0; j < dim; ++j) in[j] = std::complex<double>(psi[base | offset[j]]);
    for (std::size_t r = 0; r < dim; ++r) {
      std::complex<double> s = 0;
      for (std::size_t c = 0; c < dim; ++c) s += m[r * dim + c] * in[c];
      out[r] = s;
    }
    for (std::size_t j = 0; j < dim; ++j) psi[base | offset[j]] = std::complex<T>(out[j]);
  }
}

/// Probability that qubit `q` reads 1.
template <class T>
double probability_one(const StateVector<T>& psi, qubit_t q) {
  const index_t bit = index_t{1} << q;
  double p = 0;
  for (index_t i = 0; i < psi.size(); ++i)
    if (i & bit) p += static_cast<double>(std::norm(psi[i]));
  return p;
}

/// Projects qubit `q` onto `outcome` and renormalises by sqrt(probability).
template <class T>
void collapse(StateVector<T>& psi, qubit_t q, int outcome, double probability) {
  const index_t bit = index_t{1} << q;
  const T scale = static_cast<T>(1.0 / std::sqrt(probability));
  for (index_t i = 0; i < psi.size(); ++i) {
    const bool one = (i & bit) != 0;
    psi[i] = (one == (outcome == 1)) ? psi[i] * scale : std::complex<T>(0);
  }
}

}  // namespace reference
}  // namespace kernels
QSIM_END_NAMESPACE
