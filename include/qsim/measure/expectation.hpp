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
#include "qsim/kernels/dispatch.hpp"
#include "qsim/kernels/parallel.hpp"
#include "qsim/measure/pauli_sum.hpp"
#include "qsim/measure/random.hpp"
#include "qsim/measure/sampling.hpp"

QSIM_BEGIN_NAMESPACE

/// <psi|P|psi> for one Pauli string (weight included), in one pass over the
/// state and without any matrix: only bit masks, signs and one partner index.
template <class T>
double expectation(const StateVector<T>& psi, const PauliTerm& t, const kernels::ParallelFor& par = {}) {
  // The sum is real for a Hermitian P: only the real part of i^{ny} * sum is kept.
  const std::complex<double> sum = kernels::active_kernels<T>().pauli_string_sum(psi, t.x_mask, t.z_mask, par);
  return t.coeff * (t.phase() * sum).real();
}

/**
 * <psi|H|psi>, exact: one pass for all Z strings together, one more per
 * string with X or Y.
 * @code
 *   double e = qsim::expectation(psi, qsim::PauliSum{{1.0, "Z0 Z1"}});
 * @endcode
 */
template <class T>
double expectation(const StateVector<T>& psi, const PauliSum& h, const kernels::ParallelFor& par = {}) {
  h.check_fits(psi.num_qubits());
  std::vector<index_t> z_masks;
  std::vector<double> coeffs;
  const PauliTerm* single = nullptr;
  double e = 0;
  for (const auto& t : h.terms()) {
    if (t.diagonal())
      z_masks.push_back(t.z_mask), coeffs.push_back(t.coeff), single = &t;
    else
      e += expectation(psi, t, par);
  }
  if (z_masks.size() == 1) return e + expectation(psi, *single, par);
  if (z_masks.empty()) return e;
  return e +
         kernels::active_kernels<T>().z_strings_expectation(psi, z_masks.data(), coeffs.data(), z_masks.size(), par);
}

/// out = H |psi> (the "bra" vector the adjoint method starts from); one pass
/// for all diagonal terms together, one more per non-diagonal string.
template <class T>
void apply_pauli_sum(const PauliSum& h, const StateVector<T>& psi, StateVector<T>& out,
                     const kernels::ParallelFor& par = {}) {
  h.check_fits(psi.num_qubits());
  if (out.num_qubits() != psi.num_qubits() || out.size() != psi.size()) out = StateVector<T>(psi.num_qubits());
  std::vector<index_t> x_masks, z_masks;
  std::vector<std::complex<double>> w;
  for (const auto& t : h.terms()) {
    x_masks.push_back(t.x_mask), z_masks.push_back(t.z_mask);
    w.push_back(t.coeff * t.phase());
  }
  kernels::active_kernels<T>().apply_pauli_strings(psi, out, x_masks.data(), z_masks.data(), w.data(), w.size(), par);
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
    sample_sorted(rotated, shots, Rng::substream(seed, j).bits(), [&](index_t k, std::uint64_t c) {
      sum += detail::parity_sign(k & support) * static_cast<double>(c);
    });
    e += t.coeff * sum / static_cast<double>(shots);
  }
  return e;
}

QSIM_END_NAMESPACE
