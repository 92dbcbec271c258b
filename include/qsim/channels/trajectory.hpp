#pragma once
// One quantum trajectory step: a channel applied to a pure state by drawing
// one Kraus branch. A unitary mixture draws from its fixed probabilities
// (no norm to compute, the identity costs nothing); a general map draws
// from p_i = <psi| K_i^dagger K_i |psi>, read off the targets' reduced
// density matrix in one pass, and applies K_i / sqrt(p_i).
#include <algorithm>
#include <cmath>
#include <complex>
#include <vector>

#include "qsim/channels/channel.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/gates/matrix.hpp"
#include "qsim/kernels/apply.hpp"

QSIM_BEGIN_NAMESPACE
namespace detail {

/// The reduced density matrix of `targets` (bit j of an index = targets[j]),
/// summed in index order on one thread, so that the branch drawn does not
/// depend on the thread count.
template <class T>
Matrix reduced_density_matrix(const StateVector<T>& psi, const std::vector<qubit_t>& targets) {
  const std::size_t d = std::size_t{1} << targets.size();
  index_t mask = 0;
  std::vector<index_t> offset(d, 0);
  for (std::size_t j = 0; j < targets.size(); ++j) mask |= index_t{1} << targets[j];
  for (std::size_t a = 0; a < d; ++a)
    for (std::size_t j = 0; j < targets.size(); ++j)
      if ((a >> j) & 1U) offset[a] |= index_t{1} << targets[j];
  Matrix rho(d * d, 0.0);
  std::vector<std::complex<double>> amp(d);
  for (index_t base = 0; base < psi.size(); ++base) {
    if (base & mask) continue;
    for (std::size_t a = 0; a < d; ++a) amp[a] = std::complex<double>(psi[base | offset[a]]);
    for (std::size_t r = 0; r < d; ++r)
      for (std::size_t c = 0; c < d; ++c) rho[r * d + c] += amp[r] * std::conj(amp[c]);
  }
  return rho;
}

}  // namespace detail

namespace channels {

/**
 * The probability of each branch of `ch` on `targets` for the state `psi`:
 * a unitary mixture's own probabilities, or p_i = Tr(K_i rho K_i^dagger)
 * with rho the targets' reduced density matrix (one pass over the state).
 */
template <class T>
std::vector<double> branch_probabilities(const StateVector<T>& psi, const std::vector<qubit_t>& targets,
                                         const Channel& ch) {
  if (ch.is_unitary_mixture()) return ch.probabilities;
  const std::size_t d = ch.dim();
  const Matrix rho = qsim::detail::reduced_density_matrix(psi, targets);
  std::vector<double> p(ch.kraus.size(), 0.0);
  for (std::size_t i = 0; i < ch.kraus.size(); ++i) {
    const Matrix kr = multiply(ch.kraus[i], rho, d);
    for (std::size_t a = 0; a < d; ++a)
      for (std::size_t b = 0; b < d; ++b) p[i] += (kr[a * d + b] * std::conj(ch.kraus[i][a * d + b])).real();
    p[i] = std::max(0.0, p[i]);
  }
  return p;
}

/// Applies branch i of `ch`, of probability p (from branch_probabilities), keeping `psi` normalised.
template <class T>
void apply_kraus_branch(StateVector<T>& psi, const std::vector<qubit_t>& targets, const Channel& ch, std::size_t i,
                        double p, const kernels::ParallelFor& par = {}) {
  if (ch.is_unitary_mixture()) {
    if (!is_identity_branch(ch, i)) kernels::apply_matrix(psi, targets, {}, ch.unitaries[i], par);
    return;
  }
  const std::size_t d = ch.dim();
  Matrix k = ch.kraus[i];
  for (auto& x : k) x /= std::sqrt(p);
  // Not the permutation kernel: a Kraus matrix may map two basis states to one.
  kernels::apply_matrix(psi, targets, {}, k, par,
                        is_diagonal(k, d) ? kernels::MatrixKind::diagonal : kernels::MatrixKind::dense);
}

/**
 * Applies one branch of `ch` on `targets` to `psi`, chosen by the uniform
 * number `r` in [0, 1) (pick_branch): the trajectory step of the channel. Operations are
 * checked by Circuit::append before they get here.
 */
template <class T>
void apply_branch(StateVector<T>& psi, const std::vector<qubit_t>& targets, const Channel& ch, double r,
                  const kernels::ParallelFor& par = {}) {
  const std::vector<double> p = branch_probabilities(psi, targets, ch);
  const std::size_t chosen = pick_branch(p, r);
  if (chosen == p.size()) throw error("channel " + ch.name + " found no branch of positive probability");
  apply_kraus_branch(psi, targets, ch, chosen, p[chosen], par);
}

}  // namespace channels
QSIM_END_NAMESPACE
