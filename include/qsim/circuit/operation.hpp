#pragma once
#include <complex>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "qsim/channels/channel.hpp"
#include "qsim/core/config.hpp"
#include "qsim/gates/gate_id.hpp"
#include "qsim/gates/matrices.hpp"
#include "qsim/gates/param.hpp"
#include "qsim/gates/state_preparation.hpp"

QSIM_BEGIN_NAMESPACE

/// `channel` is a noise channel (channels/channel.hpp): a non-unitary,
/// random operation that ends a run of gates as a measurement does.
enum class OpKind : unsigned char { gate, measure, reset, barrier, channel };

/// `if (creg == value)`: the op runs only when the `width` classical bits
/// starting at `first` read `value` (bit 0 of value is clbit `first`).
struct Condition {
  clbit_t first = 0;
  unsigned width = 0;
  unsigned long long value = 0;
};

/**
 * One instruction of a circuit. A gate is a base gate (GateId) on `targets`,
 * applied only where every qubit in `controls` is 1; matrix bit j refers to
 * targets[j]. `cx(c, t)` is {x, targets {t}, controls {c}}.
 */
struct Operation {
  OpKind kind = OpKind::gate;
  GateId gate = GateId::i;
  std::vector<qubit_t> targets;
  std::vector<qubit_t> controls;
  std::vector<Param> params;
  std::shared_ptr<const Matrix> matrix;  // GateId::unitary only
  /// GateId::unitary only, instead of `matrix`: an amplitude embedding, whose
  /// matrix is built for each binding with `params` as the amplitudes
  /// (Circuit::amplitude_embedding).
  std::shared_ptr<const AmplitudeEmbedding> embedding;
  std::vector<clbit_t> clbits;             // measure: targets[j] -> clbits[j]
  std::shared_ptr<const Channel> channel;  // OpKind::channel only
  /// measure only, optional: the readout error of targets[j] is readout[j].
  std::shared_ptr<const std::vector<ReadoutError>> readout;
  std::optional<Condition> condition;
  std::string label;  // optional display name ("cx", a user gate, ...)

  bool is_gate() const noexcept { return kind == OpKind::gate; }
  bool is_parameterised() const noexcept {
    for (const auto& p : params)
      if (!p.is_constant()) return true;
    return false;
  }

  /// This gate with extra control qubits: the controlled version of any gate.
  Operation controlled_by(const std::vector<qubit_t>& extra) const {
    Operation op = *this;
    op.controls.insert(op.controls.end(), extra.begin(), extra.end());
    op.label.clear();
    return op;
  }

  /// The matrix on `targets` for these bound angles (controls not included).
  Matrix bound_matrix(const Binding& b = {}) const {
    if (gate == GateId::unitary && !embedding) return *matrix;
    if (embedding) {
      const std::vector<double> a = embedded_amplitudes(b);
      return state_preparation_matrix(std::vector<std::complex<double>>(a.begin(), a.end()), 1e-6);
    }
    std::vector<double> angles;
    angles.reserve(params.size());
    for (const auto& p : params) angles.push_back(p.value(b));
    return gate_matrix(gate, angles);
  }

  /// An amplitude embedding's 2^k amplitudes for these bound values, and
  /// the norm of the values in `*norm` (checked: embedding_amplitudes).
  std::vector<double> embedded_amplitudes(const Binding& b, double* norm = nullptr) const {
    std::vector<double> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p.value(b));
    return embedding_amplitudes(values, std::size_t{1} << targets.size(), *embedding, norm);
  }

  /// Every qubit the operation touches: controls first, then targets.
  std::vector<qubit_t> qubits() const {
    std::vector<qubit_t> q = controls;
    q.insert(q.end(), targets.begin(), targets.end());
    return q;
  }

  /// The label, else the gate's, channel's or operation's name ("measure", "reset", "barrier").
  std::string name() const {
    if (!label.empty()) return label;
    switch (kind) {
      case OpKind::measure:
        return "measure";
      case OpKind::reset:
        return "reset";
      case OpKind::barrier:
        return "barrier";
      case OpKind::channel:
        return channel ? channel->name : "channel";
      case OpKind::gate:
        break;
    }
    return gate_name(gate);
  }
};

QSIM_END_NAMESPACE
