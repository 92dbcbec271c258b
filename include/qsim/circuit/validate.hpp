#pragma once
#include <cmath>
#include <string>

#include "qsim/circuit/operation.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/gates/gate_id.hpp"
#include "qsim/gates/matrices.hpp"

QSIM_BEGIN_NAMESPACE

/// The most target qubits of a user matrix (a 2^10 x 2^10 matrix is 16 MiB).
inline constexpr unsigned max_unitary_qubits = 10;

namespace detail {
inline std::string operation_description(const Operation& op) {
  switch (op.kind) {
    case OpKind::measure:
      return "measure";
    case OpKind::reset:
      return "reset";
    case OpKind::barrier:
      return "barrier";
    default:
      return op.name();
  }
}
}  // namespace detail

/**
 * Checks that `op` can run on `num_qubits` qubits and `num_clbits` classical
 * bits: every field in range, the right number of targets, angles and
 * classical bits for its kind, finite angles, a unitary matrix for
 * GateId::unitary. Throws qsim::invalid_argument naming the problem. Every
 * entry point that takes a single Operation from a caller runs it
 * (Circuit::append, Simulator::apply, kernels::apply_gate, mpi::apply_gate);
 * code that runs a Circuit's operations (the simulators, fusion, the ML
 * sweeps) trusts the checks the Circuit made.
 */
inline void validate_operation(const Operation& op, unsigned num_qubits, unsigned num_clbits,
                               double unitary_tolerance = 1e-8) {
  if (static_cast<unsigned>(op.kind) > static_cast<unsigned>(OpKind::barrier))
    throw invalid_argument("invalid operation kind " + std::to_string(static_cast<unsigned>(op.kind)));
  if (op.is_gate()) (void)gate_info(op.gate);  // an invalid GateId throws here, before its name is looked up
  // Messages are built only on failure: the parser validates millions of operations.
  const auto what = [&op] { return detail::operation_description(op); };
  const std::size_t nc = op.controls.size(), count = nc + op.targets.size();
  const auto qubit = [&](std::size_t i) { return i < nc ? op.controls[i] : op.targets[i - nc]; };
  for (std::size_t i = 0; i < count; ++i)
    if (qubit(i) >= num_qubits)
      throw invalid_argument("qubit " + std::to_string(qubit(i)) + " out of range for a " + std::to_string(num_qubits) +
                             "-qubit circuit (in " + what() + ")");
  if (op.kind != OpKind::barrier) {
    for (std::size_t i = 0; i < count; ++i)
      for (std::size_t j = i + 1; j < count; ++j)
        if (qubit(i) == qubit(j))
          throw invalid_argument("qubit " + std::to_string(qubit(i)) + " used twice in " + what());
    if (op.targets.empty()) throw invalid_argument(what() + " has no target qubit");
  }
  for (auto c : op.clbits)
    if (c >= num_clbits)
      throw invalid_argument("classical bit " + std::to_string(c) + " out of range for a circuit with " +
                             std::to_string(num_clbits) + " classical bits (in " + what() + ")");
  if (op.condition) {
    const Condition& cond = *op.condition;
    // Written so that no sum can wrap: first + width may exceed 2^32.
    if (cond.width == 0 || cond.width > num_clbits || cond.first > num_clbits - cond.width)
      throw invalid_argument("condition on classical bits " + std::to_string(cond.first) + ".." +
                             std::to_string(static_cast<unsigned long long>(cond.first) + cond.width) +
                             " out of range for a circuit with " + std::to_string(num_clbits) + " classical bits (in " +
                             what() + ")");
  }
  if (op.kind == OpKind::measure && op.clbits.size() != op.targets.size())
    throw invalid_argument("measure of " + std::to_string(op.targets.size()) + " qubit(s) into " +
                           std::to_string(op.clbits.size()) + " classical bit(s): the numbers must match");
  if (op.kind != OpKind::gate) {
    if (!op.controls.empty()) throw invalid_argument(what() + " cannot have control qubits");
    if (!op.params.empty()) throw invalid_argument(what() + " takes no angles");
    if (op.matrix) throw invalid_argument(what() + " takes no matrix");
    if (op.kind != OpKind::measure && !op.clbits.empty())
      throw invalid_argument(what() + " takes no classical bits (only measure writes them)");
    if (op.kind == OpKind::reset && op.targets.size() != 1)
      throw invalid_argument("reset acts on one qubit, got " + std::to_string(op.targets.size()) +
                             " (add one reset per qubit)");
    return;
  }
  if (!op.clbits.empty()) throw invalid_argument("gate " + what() + " takes no classical bits");
  for (const auto& p : op.params)
    if (!p.is_finite())
      throw invalid_argument("angle of " + what() + " is not finite (" + p.describe() + ", scale " +
                             std::to_string(p.scale) + ")");
  if (op.gate == GateId::unitary) {
    if (!op.matrix) throw invalid_argument("unitary gate " + what() + " has no matrix");
    if (!op.params.empty()) throw invalid_argument("unitary gate " + what() + " takes no angles");
    if (op.targets.size() > max_unitary_qubits)
      throw invalid_argument("unitary gate " + what() + " on " + std::to_string(op.targets.size()) +
                             " qubits: at most " + std::to_string(max_unitary_qubits) + " are supported");
    const std::size_t dim = std::size_t{1} << op.targets.size();
    if (op.matrix->size() != dim * dim)
      throw invalid_argument("matrix with " + std::to_string(op.matrix->size()) + " entries does not fit " +
                             std::to_string(op.targets.size()) + " target qubit(s) (needs " +
                             std::to_string(dim * dim) + ")");
    for (const auto& v : *op.matrix)
      if (!std::isfinite(v.real()) || !std::isfinite(v.imag()))
        throw invalid_argument("matrix of " + what() + " has a non-finite entry");
    const double err = unitarity_error(*op.matrix, dim);
    if (!(err <= unitary_tolerance))
      throw invalid_argument("matrix of " + what() + " is not unitary: max |U^dagger U - I| = " + std::to_string(err) +
                             " exceeds tolerance " + std::to_string(unitary_tolerance));
    return;
  }
  if (op.matrix) throw invalid_argument("gate " + what() + " takes no matrix (only GateId::unitary does)");
  const GateInfo& info = gate_info(op.gate);
  if (op.targets.size() != info.num_targets)
    throw invalid_argument("gate " + what() + " acts on " + std::to_string(info.num_targets) +
                           " target qubit(s), got " + std::to_string(op.targets.size()));
  const bool u_with_phase = op.gate == GateId::u && op.params.size() == 4;
  if (op.params.size() != info.num_params && !u_with_phase)
    throw invalid_argument("gate " + what() + " takes " + std::to_string(info.num_params) + " angle(s), got " +
                           std::to_string(op.params.size()));
}

QSIM_END_NAMESPACE
