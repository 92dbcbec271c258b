#pragma once
// The scalar oracle: every primitive of the kernel seam written the obvious
// way, serial, in double. It is a backend like the SIMD builds
// (reference_kernels()), so one test body runs over all of them.
#include <complex>
#include <cstddef>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/gates/gate_id.hpp"
#include "qsim/gates/gather.hpp"
#include "qsim/gates/matrices.hpp"
#include "qsim/kernels/kernel_set.hpp"
#include "qsim/kernels/parallel.hpp"

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

namespace detail_reference {
using cd = std::complex<double>;

template <class T>
void apply_matrix(StateVector<T>& psi, const std::vector<qubit_t>& targets, const std::vector<qubit_t>& controls,
                  const Matrix& m, const ParallelFor&, MatrixKind) {
  reference::apply_matrix(psi, targets, controls, m);
}

template <class T>
void apply_diagonal(StateVector<T>& psi, const std::vector<qubit_t>& qubits, const std::vector<cd>& diag,
                    const ParallelFor&) {
  for (index_t i = 0; i < psi.size(); ++i) {
    std::size_t d = 0;
    for (std::size_t b = 0; b < qubits.size(); ++b) d |= static_cast<std::size_t>((i >> qubits[b]) & 1U) << b;
    psi[i] = std::complex<T>(cd(psi[i]) * diag[d]);
  }
}

template <class T>
double probability_one(const StateVector<T>& psi, qubit_t q, const ParallelFor&) {
  return reference::probability_one(psi, q);
}

template <class T>
void collapse(StateVector<T>& psi, qubit_t q, int outcome, double probability, const ParallelFor&) {
  reference::collapse(psi, q, outcome, probability);
}

template <class T>
void probabilities(const StateVector<T>& psi, index_t first, index_t count, double* out, const ParallelFor&) {
  for (index_t j = 0; j < count; ++j) out[j] = std::norm(cd(psi[first + j]));
}

template <class T>
void block_probabilities(const StateVector<T>& psi, index_t block, double* out, const ParallelFor&) {
  for (index_t i = 0; i < psi.size(); ++i) {
    if (i % block == 0) out[i / block] = 0;
    out[i / block] += std::norm(cd(psi[i]));
  }
}

template <class T>
cd pauli_string_sum(const StateVector<T>& psi, index_t x_mask, index_t z_mask, const ParallelFor&) {
  cd s = 0;
  for (index_t k = 0; k < psi.size(); ++k)
    s += qsim::detail::parity_sign(k & z_mask) * std::conj(cd(psi[k ^ x_mask])) * cd(psi[k]);
  return s;
}

template <class T>
double z_strings_expectation(const StateVector<T>& psi, const index_t* z_masks, const double* coeffs, std::size_t terms,
                             const ParallelFor&) {
  double s = 0;
  for (index_t k = 0; k < psi.size(); ++k)
    for (std::size_t t = 0; t < terms; ++t)
      s += coeffs[t] * qsim::detail::parity_sign(k & z_masks[t]) * std::norm(cd(psi[k]));
  return s;
}

template <class T>
void apply_pauli_strings(const StateVector<T>& psi, StateVector<T>& out, const index_t* x_masks, const index_t* z_masks,
                         const cd* w, std::size_t terms, const ParallelFor&) {
  for (index_t k = 0; k < psi.size(); ++k) {
    cd s = 0;
    for (std::size_t t = 0; t < terms; ++t) {
      const index_t src = k ^ x_masks[t];
      s += w[t] * qsim::detail::parity_sign(src & z_masks[t]) * cd(psi[src]);
    }
    out[k] = std::complex<T>(s);
  }
}

template <class T>
cd inner_product(const StateVector<T>& a, const StateVector<T>& b, const ParallelFor&) {
  cd s = 0;
  for (index_t k = 0; k < a.size(); ++k) s += std::conj(cd(a[k])) * cd(b[k]);
  return s;
}

// acc[k] += Re <lam| d_k |psi> over the pairs where `cmask` is set, then m
// on psi and lam there.
template <class T>
void adjoint_one_target(StateVector<T>& psi, StateVector<T>* lam, qubit_t t, index_t cmask, const Matrix& m,
                        const std::vector<Matrix>& d, double* acc, GateId) {
  const index_t bit = index_t{1} << t;
  for (index_t j = 0; j < psi.size(); ++j) {
    if ((j & bit) || (j & cmask) != cmask) continue;
    const cd p0 = psi[j], p1 = psi[j | bit];
    if (lam != nullptr) {
      const cd l0 = (*lam)[j], l1 = (*lam)[j | bit];
      for (std::size_t k = 0; k < d.size(); ++k)
        acc[k] +=
            (std::conj(l0) * (d[k][0] * p0 + d[k][1] * p1) + std::conj(l1) * (d[k][2] * p0 + d[k][3] * p1)).real();
      (*lam)[j] = std::complex<T>(m[0] * l0 + m[1] * l1);
      (*lam)[j | bit] = std::complex<T>(m[2] * l0 + m[3] * l1);
    }
    psi[j] = std::complex<T>(m[0] * p0 + m[1] * p1);
    psi[j | bit] = std::complex<T>(m[2] * p0 + m[3] * p1);
  }
}

// The derivative matrix (dU/dtheta) U^dagger of RY and RZ: -i/2 Y and -i/2 Z.
inline Matrix rotation_derivative(GateId g) {
  return g == GateId::ry ? Matrix{0.0, -0.5, 0.5, 0.0} : Matrix{cd(0, -0.5), 0.0, 0.0, cd(0, 0.5)};
}

template <class T>
void adjoint_rotation_pair(StateVector<T>& psi, StateVector<T>& lam, qubit_t t, GateId a, const Matrix& ua, GateId b,
                           const Matrix& ub, double* acc) {
  adjoint_one_target(psi, &lam, t, 0, ua, {rotation_derivative(a)}, acc, a);
  adjoint_one_target(psi, &lam, t, 0, ub, {rotation_derivative(b)}, acc + 1, b);
}
}  // namespace detail_reference

/// The oracle as a backend of the seam (it ignores the thread policy).
template <class T>
const KernelSet<T>& reference_kernels() {
  namespace r = detail_reference;
  static const KernelSet<T> set{"reference",
                                &r::apply_matrix<T>,
                                &r::apply_diagonal<T>,
                                &r::probability_one<T>,
                                &r::collapse<T>,
                                &r::probabilities<T>,
                                &r::block_probabilities<T>,
                                &r::pauli_string_sum<T>,
                                &r::z_strings_expectation<T>,
                                &r::apply_pauli_strings<T>,
                                &r::inner_product<T>,
                                &r::adjoint_one_target<T>,
                                &r::adjoint_rotation_pair<T>,
                                nullptr};
  return set;
}

}  // namespace kernels
QSIM_END_NAMESPACE
