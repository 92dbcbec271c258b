#pragma once
// An Operation applied to a state: the gate's matrix for the bound angles,
// and the kernel class its gate table entry names.
#include "qsim/circuit/operation.hpp"
#include "qsim/circuit/validate.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/gates/gate_id.hpp"
#include "qsim/kernels/apply.hpp"

QSIM_BEGIN_NAMESPACE
namespace kernels {

/// The kernel class of a gate (unknown for a user matrix: it is inspected).
inline MatrixKind matrix_kind(const Operation& op) {
  if (op.gate == GateId::unitary) return MatrixKind::unknown;
  switch (gate_info(op.gate).kind) {
    case GateClass::diagonal:
      return MatrixKind::diagonal;
    case GateClass::permutation:
      return MatrixKind::permutation;
    case GateClass::dense:
      break;
  }
  return MatrixKind::dense;
}

/// apply_gate() without its checks, for operations already validated
/// against a state of this width (a Circuit's, a fused block).
template <class T>
void apply_validated_gate(StateVector<T>& psi, const Operation& op, const Binding& b = {},
                          const ParallelFor& par = {}) {
  if (op.gate == GateId::i) return;
  active_kernels<T>().apply_matrix(psi, op.targets, op.controls, op.bound_matrix(b), par, matrix_kind(op));
}

/// Applies one gate operation (bound to `b`) to `psi`, after the checks
/// Circuit::append makes (validate_operation: a gate, in range, a unitary
/// matrix, no condition); dispatches to the kernel class of the gate (see
/// apply_matrix). `par` = 0 uses OpenMP's default thread count.
template <class T>
void apply_gate(StateVector<T>& psi, const Operation& op, const Binding& b = {}, const ParallelFor& par = {}) {
  if (!op.is_gate())
    throw invalid_argument("apply_gate takes a gate, got a " + qsim::detail::operation_description(op));
  if (op.condition)
    throw invalid_argument("apply_gate cannot evaluate the condition of " + op.name() + ": use a Circuit");
  validate_operation(op, psi.num_qubits(), 0);
  apply_validated_gate(psi, op, b, par);
}

}  // namespace kernels
QSIM_END_NAMESPACE
