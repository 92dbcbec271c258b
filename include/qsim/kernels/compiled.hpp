#pragma once
// The kernels of the instruction set this translation unit is compiled for
// (xsimd::default_arch), gathered into a KernelSet. Header-only programs use
// this build; the prebuilt library (qsim::kernels) compiles it once per
// instruction set and picks one at run time (qsim/kernels/dispatch.hpp).
#include <complex>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/gates/matrices.hpp"
#include "qsim/kernels/adjoint.hpp"
#include "qsim/kernels/arch.hpp"
#include "qsim/kernels/batched.hpp"
#include "qsim/kernels/dense.hpp"
#include "qsim/kernels/diagonal.hpp"
#include "qsim/kernels/kernel_set.hpp"
#include "qsim/kernels/measure.hpp"
#include "qsim/kernels/pauli.hpp"
#include "qsim/kernels/permutation.hpp"
#include "qsim/kernels/reduce.hpp"
#include "qsim/kernels/simd.hpp"

QSIM_BEGIN_KERNEL_NAMESPACE
namespace detail {

/// Element-wise phases for a diagonal, moves for a permutation, the dense
/// SIMD kernel otherwise; `kind` skips the inspection when known.
template <class T>
void apply_matrix(StateVector<T>& psi, const std::vector<qubit_t>& targets, const std::vector<qubit_t>& controls,
                  const Matrix& m, const ParallelFor& par, MatrixKind kind) {
  const std::size_t dim = std::size_t{1} << targets.size();
  if (kind == MatrixKind::diagonal || (kind == MatrixKind::unknown && is_diagonal(m, dim))) {
    std::vector<std::complex<double>> d(dim);
    for (std::size_t j = 0; j < dim; ++j) d[j] = m[j * dim + j];
    std::vector<qubit_t> qubits = targets;
    qubits.insert(qubits.end(), controls.begin(), controls.end());
    detail::apply_diagonal(psi, qubits, detail::fold_controls_diagonal(d, targets.size(), controls.size()), par);
    return;
  }
  if ((kind == MatrixKind::unknown || kind == MatrixKind::permutation) && permutation_applies(psi, targets, controls)) {
    const auto row = permutation_of(m, dim);
    if (!row.empty()) {
      detail::apply_permutation(psi, targets, controls, row, par);
      return;
    }
  }
  detail::apply_dense(psi, targets, controls, m, par);
}

template <class T>
void adjoint_one_target(StateVector<T>& psi, StateVector<T>* lam, qubit_t t, index_t cmask, const Matrix& m,
                        const std::vector<Matrix>& d, double* acc, GateId gate) {
  detail::fused_one_target(psi.data(), lam != nullptr ? lam->data() : nullptr, psi.num_qubits(), t, cmask, m, d, acc,
                           gate);
}

template <class T>
void adjoint_rotation_pair(StateVector<T>& psi, StateVector<T>& lam, qubit_t t, GateId a, const Matrix& ua, GateId b,
                           const Matrix& ub, double* acc) {
  detail::fused_rotations(psi.data(), lam.data(), psi.num_qubits(), t, a, ua, b, ub, acc);
}

}  // namespace detail

/// This unit's build of the kernels for precision T.
template <class T>
const KernelSet<T>& compiled_kernels() {
  static const KernelSet<T> set{xsimd::default_arch::name(),
                                &detail::apply_matrix<T>,
                                &detail::apply_diagonal<T>,
                                &detail::probability_one<T>,
                                &detail::collapse<T>,
                                &detail::probabilities<T>,
                                &detail::block_probabilities<T>,
                                &detail::pauli_string_sum<T>,
                                &detail::z_strings_expectation<T>,
                                &detail::apply_pauli_strings<T>,
                                &detail::inner_product<T>,
                                &detail::adjoint_one_target<T>,
                                &detail::adjoint_rotation_pair<T>,
                                &detail_batch::batch_kernels<T>()};
  return set;
}

QSIM_END_KERNEL_NAMESPACE
