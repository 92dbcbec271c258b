#pragma once
#include "qsim/circuit/operation.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/kernels/reference.hpp"

QSIM_BEGIN_NAMESPACE
namespace kernels {

/// Applies one gate operation (bound to `b`) to `psi`. The single entry point
/// the simulator uses, so faster kernels can replace the body without
/// touching callers.
template <class T>
void apply_gate(StateVector<T>& psi, const Operation& op, const Binding& b = {}) {
  reference::apply_matrix(psi, op.targets, op.controls, op.bound_matrix(b));
}

}  // namespace kernels
QSIM_END_NAMESPACE
