#pragma once
#include <complex>
#include <cstdint>
#include <vector>

#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/kernels/apply.hpp"
#include "qsim/measure/random.hpp"
#include "qsim/measure/sampling.hpp"
#include "qsim/ml/pauli_sum.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {

namespace detail {
inline double parity_sign(index_t bits) { return (__builtin_popcountll(bits) & 1) ? -1.0 : 1.0; }
// i^k for k = 0..3.
inline std::complex<double> i_power(unsigned k) {
  static const std::complex<double> table[4] = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}};
  return table[k & 3U];
}
}  // namespace detail

/// <psi|P|psi> for one Pauli string (weight included), in one pass over the
/// state and without any matrix: only bit masks, signs and one partner index.
template <class T>
double expectation(const StateVector<T>& psi, const PauliTerm& t) {
  const index_t n = psi.size();
  const std::complex<T>* a = psi.data();
  double s = 0;
  if (t.diagonal()) {
    for (index_t k = 0; k < n; ++k) s += detail::parity_sign(k & t.z_mask) * static_cast<double>(std::norm(a[k]));
    return t.coeff * s;
  }
  // <psi|P|psi> = i^{ny} sum_k conj(a[k^x]) (-1)^{|k & z|} a[k]; the sum is real
  // for a Hermitian P, so only the real part of i^{ny} * (...) is kept.
  std::complex<double> acc = 0;
  for (index_t k = 0; k < n; ++k) {
    const std::complex<double> prod = std::conj(std::complex<double>(a[k ^ t.x_mask])) * std::complex<double>(a[k]);
    acc += detail::parity_sign(k & t.z_mask) * prod;
  }
  return t.coeff * (detail::i_power(t.num_y()) * acc).real();
}

/**
 * <psi|H|psi>, exact, one pass per Pauli string.
 * @code
 *   double e = qsim::ml::expectation(psi, qsim::ml::PauliSum{{1.0, "Z0 Z1"}});
 * @endcode
 */
template <class T>
double expectation(const StateVector<T>& psi, const PauliSum& h) {
  h.check_fits(psi.num_qubits());
  double e = 0;
  for (const auto& t : h.terms()) e += expectation(psi, t);
  return e;
}

/// out = H |psi> (the "bra" vector the adjoint method starts from); one pass
/// for all diagonal terms together, one more per non-diagonal string.
template <class T>
void apply_pauli_sum(const PauliSum& h, const StateVector<T>& psi, StateVector<T>& out) {
  h.check_fits(psi.num_qubits());
  if (out.num_qubits() != psi.num_qubits()) out = StateVector<T>(psi.num_qubits());
  const index_t n = psi.size();
  const std::complex<T>* a = psi.data();
  std::complex<T>* o = out.data();
  std::vector<PauliTerm> diag, offdiag;
  for (const auto& t : h.terms()) (t.diagonal() ? diag : offdiag).push_back(t);
  for (index_t k = 0; k < n; ++k) {
    double d = 0;
    for (const auto& t : diag) d += t.coeff * detail::parity_sign(k & t.z_mask);
    o[k] = a[k] * static_cast<T>(d);
  }
  for (const auto& t : offdiag) {
    const std::complex<double> phase = t.coeff * detail::i_power(t.num_y());
    // (P psi)[k] = i^{ny} (-1)^{|(k^x) & z|} psi[k^x].
    for (index_t k = 0; k < n; ++k) {
      const index_t src = k ^ t.x_mask;
      o[k] += std::complex<T>(phase * detail::parity_sign(src & t.z_mask) * std::complex<double>(a[src]));
    }
  }
}

/**
 * A shot-based estimate of <psi|H|psi>: each string is measured `shots`
 * times in its own eigenbasis (H for X, S^dagger then H for Y) and the mean
 * parity is weighted by its coefficient. Each string draws from its own
 * substream of `seed`, so the result depends only on (psi, H, shots, seed).
 */
template <class T>
double sampled_expectation(const StateVector<T>& psi, const PauliSum& h, std::uint64_t shots, std::uint64_t seed) {
  h.check_fits(psi.num_qubits());
  if (shots == 0) throw invalid_argument("sampled_expectation needs at least 1 shot, got 0");
  double e = 0;
  for (std::size_t j = 0; j < h.terms().size(); ++j) {
    const PauliTerm& t = h.terms()[j];
    const index_t support = t.x_mask | t.z_mask;
    if (support == 0) {
      e += t.coeff;
      continue;
    }
    StateVector<T> rotated = psi;
    for (qubit_t q = 0; q < psi.num_qubits(); ++q) {
      if (!((t.x_mask >> q) & 1U)) continue;
      if ((t.z_mask >> q) & 1U) kernels::apply_gate(rotated, make_gate(GateId::sdg, {q}));
      kernels::apply_gate(rotated, make_gate(GateId::h, {q}));
    }
    double sum = 0;
    sample_sorted(rotated.probabilities(), shots, Rng::substream(seed, j).bits(), [&](index_t k, std::uint64_t c) {
      sum += detail::parity_sign(k & support) * static_cast<double>(c);
    });
    e += t.coeff * sum / static_cast<double>(shots);
  }
  return e;
}

}  // namespace ml
QSIM_END_NAMESPACE
