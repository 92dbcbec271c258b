#pragma once
#include <algorithm>
#include <complex>
#include <cstdint>
#include <vector>

#include "qsim/circuit/apply_gate.hpp"
#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/core/state_vector.hpp"
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

/**
 * The diagonal of a sum of Z strings, d[k] = sum_t c_t (-1)^{|k & z_t|},
 * block by block: with k = hi * L + lo, each sign factors into a sign of hi
 * (folded into the coefficient once per block) times a sign of lo (a small
 * table), so a block is a few vectorised multiply-adds per term instead of
 * a popcount per term and amplitude. Calls f(first_index, d, L) per block.
 */
template <class F>
void for_each_diagonal_block(const std::vector<PauliTerm>& terms, index_t size, F&& f) {
  const index_t len = std::min<index_t>(size, 256);
  std::vector<double> table(terms.size() * len), block(len);
  for (std::size_t t = 0; t < terms.size(); ++t)
    for (index_t lo = 0; lo < len; ++lo) table[t * len + lo] = parity_sign(lo & terms[t].z_mask);
  for (index_t first = 0; first < size; first += len) {
    std::fill(block.begin(), block.end(), 0.0);
    for (std::size_t t = 0; t < terms.size(); ++t) {
      const double c = terms[t].coeff * parity_sign(first & terms[t].z_mask);
      const double* row = &table[t * len];
      for (index_t lo = 0; lo < len; ++lo) block[lo] += c * row[lo];
    }
    f(first, block.data(), len);
  }
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
 * <psi|H|psi>, exact: one pass for all Z strings together, one more per
 * string with X or Y.
 * @code
 *   double e = qsim::ml::expectation(psi, qsim::ml::PauliSum{{1.0, "Z0 Z1"}});
 * @endcode
 */
template <class T>
double expectation(const StateVector<T>& psi, const PauliSum& h) {
  h.check_fits(psi.num_qubits());
  std::vector<PauliTerm> diag;
  double e = 0;
  for (const auto& t : h.terms()) {
    if (t.diagonal())
      diag.push_back(t);
    else
      e += expectation(psi, t);
  }
  if (diag.size() == 1) return e + expectation(psi, diag[0]);
  if (diag.empty()) return e;
  const std::complex<T>* a = psi.data();
  detail::for_each_diagonal_block(diag, psi.size(), [&](index_t first, const double* d, index_t len) {
    double s = 0;
    for (index_t lo = 0; lo < len; ++lo) s += d[lo] * static_cast<double>(std::norm(a[first + lo]));
    e += s;
  });
  return e;
}

/// out = H |psi> (the "bra" vector the adjoint method starts from); one pass
/// for all diagonal terms together, one more per non-diagonal string.
template <class T>
void apply_pauli_sum(const PauliSum& h, const StateVector<T>& psi, StateVector<T>& out) {
  h.check_fits(psi.num_qubits());
  if (out.num_qubits() != psi.num_qubits() || out.size() != psi.size()) out = StateVector<T>(psi.num_qubits());
  const index_t n = psi.size();
  const std::complex<T>* a = psi.data();
  std::complex<T>* o = out.data();
  std::vector<PauliTerm> diag, offdiag;
  for (const auto& t : h.terms()) (t.diagonal() ? diag : offdiag).push_back(t);
  detail::for_each_diagonal_block(diag, n, [&](index_t first, const double* d, index_t len) {
    for (index_t lo = 0; lo < len; ++lo) o[first + lo] = a[first + lo] * static_cast<T>(d[lo]);
  });
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
