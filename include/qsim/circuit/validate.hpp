#pragma once
#include <cmath>
#include <string>

#include "qsim/channels/channel.hpp"
#include "qsim/circuit/operation.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/gates/gate_id.hpp"
#include "qsim/gates/matrices.hpp"

QSIM_BEGIN_NAMESPACE

namespace detail {
inline std::string operation_description(const Operation& op) {
  if (op.kind == OpKind::channel) return op.channel ? "channel " + op.channel->name : "channel";
  return op.name();
}

/// A channel operation: the channel's width matches its targets, and its
/// Kraus matrices (and mixture, if any) are complete within 1e-8.
inline void validate_channel(const Operation& op) {
  if (!op.channel) throw invalid_argument("channel operation has no channel");
  const Channel& ch = *op.channel;
  if (ch.num_qubits < 1 || ch.num_qubits > max_channel_qubits)
    throw invalid_argument("channel " + ch.name + " on " + std::to_string(ch.num_qubits) + " qubits: 1.." +
                           std::to_string(max_channel_qubits) + " are supported");
  if (op.targets.size() != ch.num_qubits)
    throw invalid_argument("channel " + ch.name + " acts on " + std::to_string(ch.num_qubits) + " qubit(s), got " +
                           std::to_string(op.targets.size()) + " target(s)");
  const std::size_t d = ch.dim();
  if (ch.kraus.empty()) throw invalid_argument("channel " + ch.name + " has no Kraus matrices");
  for (const auto& k : ch.kraus)
    if (k.size() != d * d)
      throw invalid_argument("channel " + ch.name + " has a Kraus matrix of " + std::to_string(k.size()) +
                             " entries, not " + std::to_string(d * d));
  if (ch.probabilities.size() != ch.unitaries.size() ||
      (ch.is_unitary_mixture() && ch.probabilities.size() != ch.kraus.size()))
    throw invalid_argument("channel " + ch.name + ": its mixture has " + std::to_string(ch.probabilities.size()) +
                           " probabilities, " + std::to_string(ch.unitaries.size()) + " unitaries and " +
                           std::to_string(ch.kraus.size()) + " Kraus matrices");
  const double err = completeness_error(ch.kraus, d);
  if (!(err <= 1e-8))
    throw invalid_argument("channel " + ch.name + " is not trace preserving: sum of K^dagger K differs from I by " +
                           std::to_string(err));
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
  if (static_cast<unsigned>(op.kind) > static_cast<unsigned>(OpKind::channel))
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
    if (op.matrix || op.embedding) throw invalid_argument(what() + " takes no matrix");
    if (op.kind != OpKind::measure && !op.clbits.empty())
      throw invalid_argument(what() + " takes no classical bits (only measure writes them)");
    if (op.kind == OpKind::reset && op.targets.size() != 1)
      throw invalid_argument("reset acts on one qubit, got " + std::to_string(op.targets.size()) +
                             " (add one reset per qubit)");
    if (op.kind != OpKind::channel && op.channel) throw invalid_argument(what() + " takes no channel");
    if (op.kind == OpKind::channel) detail::validate_channel(op);
    if (op.readout) {
      if (op.kind != OpKind::measure) throw invalid_argument(what() + " takes no readout error (only measure has one)");
      if (op.readout->size() != op.targets.size())
        throw invalid_argument("measure of " + std::to_string(op.targets.size()) + " qubit(s) with " +
                               std::to_string(op.readout->size()) + " readout error(s): the numbers must match");
      for (const auto& e : *op.readout)
        for (double p : {e.p1_given_0, e.p0_given_1})
          if (!(p >= 0 && p <= 1))
            throw invalid_argument("readout error probability " + std::to_string(p) + " is not in [0, 1]");
    }
    return;
  }
  if (op.channel || op.readout) throw invalid_argument("gate " + what() + " takes no channel or readout error");
  if (!op.clbits.empty()) throw invalid_argument("gate " + what() + " takes no classical bits");
  for (const auto& p : op.params)
    if (!p.is_finite())
      throw invalid_argument("angle of " + what() + " is not finite (" + p.describe() +
                             (p.is_expression() ? std::string(")") : ", scale " + std::to_string(p.scale) + ")"));
  if (op.embedding) {
    if (op.gate != GateId::unitary || op.matrix)
      throw invalid_argument(what() + ": an amplitude embedding is a unitary gate without a matrix");
    if (!op.controls.empty()) throw invalid_argument(what() + ": an amplitude embedding takes no controls");
    if (op.targets.empty() || op.targets.size() > max_unitary_qubits)
      throw invalid_argument(what() + " on " + std::to_string(op.targets.size()) + " qubits: 1.." +
                             std::to_string(max_unitary_qubits) + " are supported");
    const std::size_t dim = std::size_t{1} << op.targets.size();
    if (op.params.empty() || op.params.size() > dim)
      throw invalid_argument(what() + " of " + std::to_string(op.params.size()) + " values on " +
                             std::to_string(op.targets.size()) + " qubit(s): 1.." + std::to_string(dim) +
                             " are possible");
    if (op.params.size() < dim && !op.embedding->pad)
      throw invalid_argument(what() + " of " + std::to_string(op.params.size()) + " values for " + std::to_string(dim) +
                             " amplitudes: give a pad value");
    if (op.embedding->pad && !std::isfinite(*op.embedding->pad))
      throw invalid_argument(what() + ": the pad value is not finite");
    return;
  }
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
