#pragma once
// A noise model in Qiskit Aer's shape: errors attached to gate names (on all
// qubits or on given ones) and readout errors per qubit, applied when a
// circuit runs. The user's circuit is not edited: apply() returns a noisy copy.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "qsim/channels/channel.hpp"
#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

QSIM_BEGIN_NAMESPACE

class NoiseModel {
 public:
  /**
   * `error` after every operation named in `names` (Qiskit's names: "x",
   * "cx", "rz", "ccx", ...; "reset"; "measure" puts it before the
   * measurement), whatever qubits it acts on. An error of the operation's
   * width acts on its qubits (controls first, as Operation::qubits()); a
   * 1-qubit error on a wider operation acts on each of its qubits.
   */
  NoiseModel& add_all_qubit_error(const Channel& error, const std::vector<std::string>& names) {
    for (const auto& name : names) add(error, name, std::nullopt);
    return *this;
  }

  /// `error` after the named operations only where they act on exactly `qubits`, in that order.
  NoiseModel& add_quantum_error(const Channel& error, const std::vector<std::string>& names,
                                const std::vector<qubit_t>& qubits) {
    if (qubits.empty()) throw invalid_argument("add_quantum_error needs the qubits the error is attached to");
    for (const auto& name : names) add(error, name, qubits);
    return *this;
  }

  /// The readout error of every measurement of qubit `q` (replaces an earlier one).
  NoiseModel& add_readout_error(const ReadoutError& error, qubit_t q) {
    check_readout(error);
    readout_[q] = error;
    return *this;
  }
  /// The readout error of every qubit without one of its own.
  NoiseModel& add_all_qubit_readout_error(const ReadoutError& error) {
    check_readout(error);
    default_readout_ = error;
    return *this;
  }

  /// The readout error of qubit `q` (its own, else the all-qubit one), if any.
  std::optional<ReadoutError> readout_error(qubit_t q) const {
    const auto own = readout_.find(q);
    if (own != readout_.end()) return own->second;
    return default_readout_;
  }

  bool empty() const noexcept { return rules_.empty() && readout_.empty() && !default_readout_; }

  /// `c` with the model's channels inserted and readout errors on its measurements.
  Circuit apply(const Circuit& c) const {
    Circuit noisy = empty_like(c);
    for (const auto& op : c.operations()) {
      if (op.kind == OpKind::measure) {
        append_errors(noisy, op, "measure");
        noisy.append(with_readout(op));
        continue;
      }
      noisy.append(op);
      if (op.kind == OpKind::gate || op.kind == OpKind::reset)
        append_errors(noisy, op, op.kind == OpKind::reset ? "reset" : op.name());
    }
    return noisy;
  }

 private:
  struct Rule {
    std::shared_ptr<const Channel> error;
    std::optional<std::vector<qubit_t>> qubits;  // none: all qubits
  };

  void add(const Channel& error, const std::string& name, std::optional<std::vector<qubit_t>> qubits) {
    if (name.empty()) throw invalid_argument("noise model: an empty operation name");
    if (qubits && error.num_qubits != 1 && error.num_qubits != qubits->size())
      throw invalid_argument("noise model: a " + std::to_string(error.num_qubits) + "-qubit error " + error.name +
                             " attached to " + std::to_string(qubits->size()) + " qubits");
    rules_[name].push_back({std::make_shared<const Channel>(error), std::move(qubits)});
  }

  static void check_readout(const ReadoutError& e) {
    for (double p : {e.p1_given_0, e.p0_given_1})
      if (!(p >= 0 && p <= 1))
        throw invalid_argument("readout error probability " + std::to_string(p) + " is not in [0, 1]");
  }

  static Circuit empty_like(const Circuit& c) {
    Circuit out;
    for (const auto& r : c.qregs()) out.add_qreg(r.name, r.size);
    for (const auto& r : c.cregs()) out.add_creg(r.name, r.size);
    return out;
  }

  // The errors named `name` whose qubits match `op`'s, each on the right qubits.
  void append_errors(Circuit& noisy, const Operation& op, const std::string& name) const {
    const auto found = rules_.find(name);
    if (found == rules_.end()) return;
    const std::vector<qubit_t> qubits = op.qubits();
    for (const Rule& rule : found->second) {
      if (rule.qubits && *rule.qubits != qubits) continue;
      Operation err;
      err.kind = OpKind::channel;
      err.channel = rule.error;
      err.condition = op.condition;  // noise on a skipped operation is skipped too
      if (rule.error->num_qubits == qubits.size()) {
        err.targets = qubits;
        noisy.append(err);
      } else if (rule.error->num_qubits == 1) {
        for (auto q : qubits) {
          err.targets = {q};
          noisy.append(err);
        }
      } else {
        throw invalid_argument("noise model: the " + std::to_string(rule.error->num_qubits) + "-qubit error " +
                               rule.error->name + " cannot follow " + name + " on " + std::to_string(qubits.size()) +
                               " qubit(s)");
      }
    }
  }

  Operation with_readout(Operation op) const {
    std::vector<ReadoutError> errors;
    bool any = false;
    for (std::size_t j = 0; j < op.targets.size(); ++j) {
      const auto own = readout_.find(op.targets[j]);
      const ReadoutError e = own != readout_.end() ? own->second : default_readout_.value_or(ReadoutError{});
      any = any || !e.is_ideal();
      errors.push_back(e);
    }
    if (any) op.readout = std::make_shared<const std::vector<ReadoutError>>(std::move(errors));
    return op;
  }

  std::map<std::string, std::vector<Rule>> rules_;
  std::map<qubit_t, ReadoutError> readout_;
  std::optional<ReadoutError> default_readout_;
};

QSIM_END_NAMESPACE
