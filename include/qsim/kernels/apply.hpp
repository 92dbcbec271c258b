#pragma once
#include <complex>
#include <string>
#include <vector>

#include "qsim/circuit/operation.hpp"
#include "qsim/circuit/validate.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/kernels/dense.hpp"
#include "qsim/kernels/diagonal.hpp"
#include "qsim/kernels/permutation.hpp"
#include "qsim/kernels/reference.hpp"

QSIM_BEGIN_NAMESPACE
namespace kernels {

/// How a matrix is applied: the kernel class is found by inspecting the
/// matrix unless the caller already knows it.
enum class MatrixKind { unknown, dense, diagonal, permutation };

namespace detail {

inline bool is_diagonal(const Matrix& m, std::size_t dim) {
  for (std::size_t r = 0; r < dim; ++r)
    for (std::size_t c = 0; c < dim; ++c)
      if (r != c && m[r * dim + c] != std::complex<double>(0.0)) return false;
  return true;
}

template <class T>
void check_qubits(const StateVector<T>& psi, const std::vector<qubit_t>& targets, const std::vector<qubit_t>& controls,
                  std::size_t matrix_size) {
  if (targets.empty()) throw invalid_argument("a gate needs at least one target qubit");
  index_t seen = 0;
  for (const auto* list : {&targets, &controls})
    for (auto q : *list) {
      if (q >= psi.num_qubits())
        throw invalid_argument("qubit " + std::to_string(q) + " out of range for a " +
                               std::to_string(psi.num_qubits()) + "-qubit state");
      if ((seen >> q) & 1U) throw invalid_argument("qubit " + std::to_string(q) + " used twice in one gate");
      seen |= index_t{1} << q;
    }
  const std::size_t dim = std::size_t{1} << targets.size();
  if (matrix_size != dim * dim)
    throw invalid_argument("a matrix of " + std::to_string(matrix_size) + " entries on " +
                           std::to_string(targets.size()) + " target qubit(s) (expected " + std::to_string(dim * dim) +
                           ")");
}

}  // namespace detail

/**
 * Applies the 2^k x 2^k matrix `m` (bit j = targets[j]) where every qubit of
 * `controls` is 1, with the fastest kernel for its structure: element-wise
 * phases for a diagonal, moves for a permutation, the SIMD dense kernel
 * otherwise. `threads` = 0 uses OpenMP's default.
 * @code
 *   qsim::StateVector<double> psi(3);
 *   qsim::kernels::apply_matrix(psi, {0}, {}, qsim::gate_matrix(qsim::GateId::h));
 * @endcode
 */
template <class T>
void apply_matrix(StateVector<T>& psi, const std::vector<qubit_t>& targets, const std::vector<qubit_t>& controls,
                  const Matrix& m, unsigned threads = 0, MatrixKind kind = MatrixKind::unknown) {
  detail::check_qubits(psi, targets, controls, m.size());
  const std::size_t dim = std::size_t{1} << targets.size();
  if (kind == MatrixKind::unknown || kind == MatrixKind::diagonal) {
    if (kind == MatrixKind::diagonal || detail::is_diagonal(m, dim)) {
      std::vector<std::complex<double>> d(dim);
      for (std::size_t j = 0; j < dim; ++j) d[j] = m[j * dim + j];
      std::vector<qubit_t> qubits = targets;
      qubits.insert(qubits.end(), controls.begin(), controls.end());
      detail::apply_diagonal(psi, qubits, detail::fold_controls_diagonal(d, targets.size(), controls.size()), threads);
      return;
    }
  }
  if ((kind == MatrixKind::unknown || kind == MatrixKind::permutation) &&
      detail::permutation_applies(psi, targets, controls)) {
    const auto row = detail::permutation_of(m, dim);
    if (!row.empty()) {
      detail::apply_permutation(psi, targets, controls, row, threads);
      return;
    }
  }
  detail::apply_dense(psi, targets, controls, m, threads);
}

namespace detail {
/// apply_gate() without its checks, for operations already validated
/// against a state of this width (a Circuit's, a fused block).
template <class T>
void apply_validated_gate(StateVector<T>& psi, const Operation& op, const Binding& b = {}, unsigned threads = 0) {
  if (op.gate == GateId::i) return;
  MatrixKind kind = MatrixKind::unknown;
  if (op.gate != GateId::unitary) {
    const GateInfo& info = gate_info(op.gate);
    kind = info.diagonal ? MatrixKind::diagonal : info.permutation ? MatrixKind::permutation : MatrixKind::dense;
  }
  apply_matrix(psi, op.targets, op.controls, op.bound_matrix(b), threads, kind);
}
}  // namespace detail

/// Applies one gate operation (bound to `b`) to `psi`, after the checks
/// Circuit::append makes (validate_operation: a gate, in range, a unitary
/// matrix, no condition); dispatches to the kernel class of the gate (see
/// apply_matrix). `threads` = 0 uses OpenMP's default.
template <class T>
void apply_gate(StateVector<T>& psi, const Operation& op, const Binding& b = {}, unsigned threads = 0) {
  if (!op.is_gate())
    throw invalid_argument("apply_gate takes a gate, got a " + qsim::detail::operation_description(op));
  if (op.condition)
    throw invalid_argument("apply_gate cannot evaluate the condition of " + op.name() + ": use a Circuit");
  validate_operation(op, psi.num_qubits(), 0);
  detail::apply_validated_gate(psi, op, b, threads);
}

}  // namespace kernels
QSIM_END_NAMESPACE

// QSIM_EXTERN_KERNELS: the kernels for float and double are compiled in one
// translation unit of the program (the one that includes
// qsim/kernels/instantiate.hpp) instead of in every file that runs a gate.
// Optional; it makes builds of many files 3-4 times faster.
#if defined(QSIM_EXTERN_KERNELS)
QSIM_BEGIN_NAMESPACE
namespace kernels {
#define QSIM_KERNEL_INSTANCES(prefix, T)                                                                          \
  prefix template void apply_matrix<T>(StateVector<T>&, const std::vector<qubit_t>&, const std::vector<qubit_t>&, \
                                       const Matrix&, unsigned, MatrixKind);                                      \
  prefix template void detail::apply_diagonal<T>(StateVector<T>&, const std::vector<qubit_t>&,                    \
                                                 const std::vector<std::complex<double>>&, unsigned);
QSIM_KERNEL_INSTANCES(extern, float)
QSIM_KERNEL_INSTANCES(extern, double)
}  // namespace kernels
QSIM_END_NAMESPACE
#endif
