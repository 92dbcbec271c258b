#pragma once
#include <complex>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/gates/gather.hpp"
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
  std::complex<T>* amps = psi.data();
  qsim::detail::multiply_all_groups(psi.size(), targets, controls, m,
                                    [amps](index_t i) -> std::complex<T>& { return amps[i]; });
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
