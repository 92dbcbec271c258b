#pragma once
// Circuit algebra, as Qiskit's QuantumCircuit offers it: inverse, compose,
// depth, count_ops, num_parameters, and state preparation. The members are
// declared in circuit.hpp, which includes this header at its end.
#include <algorithm>
#include <complex>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/gates/gate_table.hpp"
#include "qsim/gates/matrix.hpp"
#include "qsim/gates/state_preparation.hpp"

QSIM_BEGIN_NAMESPACE

namespace detail {

inline std::string dagger_label(const std::string& label) {
  const std::string suffix = "_dg";
  if (label.size() > suffix.size() && label.compare(label.size() - suffix.size(), suffix.size(), suffix) == 0)
    return label.substr(0, label.size() - suffix.size());
  return label + suffix;
}
}  // namespace detail

/// The inverse of one gate (its controls kept), by its gate-table rule;
/// throws for anything but a gate. `position` names the operation in messages.
inline Operation inverse_of(const Operation& op, std::size_t position = 0) {
  const auto where = [&] { return " (operation " + std::to_string(position) + ")"; };
  if (op.kind != OpKind::gate) {
    if (op.kind == OpKind::barrier) return op;
    throw invalid_argument("inverse: " + op.name() + where() + " has no inverse" +
                           (op.kind == OpKind::channel ? " (a noise channel is not unitary)" : ""));
  }
  if (op.condition) throw invalid_argument("inverse: " + op.name() + where() + " is classically conditioned");
  if (op.embedding)
    throw invalid_argument("inverse: " + op.name() + where() +
                           " is built from its bound values; invert a prepare_state of them instead");
  Operation inv = op;
  const GateInfo& info = gate_info(op.gate);
  switch (info.inverse) {
    case InverseRule::partner:
      inv.gate = info.inverse_partner;
      if (inv.gate != op.gate) inv.label.clear();  // "s" does not name sdg
      break;
    case InverseRule::negate:
      for (auto& p : inv.params) p = -p;
      break;
    case InverseRule::u: {
      // U(t, p, l)^dagger = U(-t, -l, -p); the global phase negates too.
      std::vector<Param> a = op.params;
      inv.params = {-a[0], -a[2], -a[1]};
      if (a.size() > 3) inv.params.push_back(-a[3]);
      break;
    }
    case InverseRule::adjoint: {
      const Matrix m = op.bound_matrix();
      const std::size_t dim = std::size_t{1} << op.targets.size();
      inv.gate = GateId::unitary;
      inv.params.clear();
      inv.matrix = std::make_shared<const Matrix>(adjoint(m, dim));
      inv.label = detail::dagger_label(op.name());
      break;
    }
  }
  return inv;
}

inline Circuit Circuit::inverse() const {
  Circuit inv = *this;
  inv.ops_.clear();
  inv.ops_.reserve(ops_.size());
  for (std::size_t i = ops_.size(); i-- > 0;) inv.ops_.push_back(inverse_of(ops_[i], i));
  return inv;
}

inline Circuit Circuit::compose(const Circuit& other, const std::vector<qubit_t>& qubits,
                                const std::vector<clbit_t>& clbits, bool front) const {
  // One map per wire kind: other's wire j goes to map[j] here.
  const auto make_map = [](const std::vector<unsigned>& given, unsigned theirs, unsigned mine, const char* what) {
    std::vector<unsigned> map = given;
    if (map.empty()) {
      if (theirs > mine)
        throw invalid_argument(std::string("compose: the other circuit has ") + std::to_string(theirs) + " " + what +
                               "s, this one only " + std::to_string(mine));
      for (unsigned j = 0; j < theirs; ++j) map.push_back(j);
    }
    if (map.size() != theirs)
      throw invalid_argument(std::string("compose: ") + std::to_string(map.size()) + " " + what +
                             "(s) given for the other circuit's " + std::to_string(theirs));
    std::set<unsigned> seen;
    for (auto w : map) {
      if (w >= mine)
        throw invalid_argument(std::string("compose: ") + what + " " + std::to_string(w) +
                               " out of range for a circuit with " + std::to_string(mine));
      if (!seen.insert(w).second)
        throw invalid_argument(std::string("compose: ") + what + " " + std::to_string(w) + " given twice");
    }
    return map;
  };
  const std::vector<unsigned> qmap = make_map(qubits, other.num_qubits(), num_qubits_, "qubit");
  const std::vector<unsigned> cmap = make_map(clbits, other.num_clbits(), num_clbits_, "classical bit");

  std::vector<Operation> mapped;
  mapped.reserve(other.size());
  for (const auto& op : other.operations()) {
    Operation m = op;
    for (auto& q : m.targets) q = qmap[q];
    for (auto& q : m.controls) q = qmap[q];
    for (auto& c : m.clbits) c = cmap[c];
    if (m.condition) {
      // A condition reads a contiguous run of bits; the map must keep it one.
      const Condition cond = *m.condition;
      for (unsigned j = 1; j < cond.width; ++j)
        if (cmap[cond.first + j] != cmap[cond.first] + j)
          throw invalid_argument("compose: the condition of " + op.name() + " reads classical bits " +
                                 std::to_string(cond.first) + ".." + std::to_string(cond.first + cond.width - 1) +
                                 ", which the map does not keep adjacent and in order");
      m.condition->first = cmap[cond.first];
    }
    mapped.push_back(std::move(m));
  }
  Circuit out = *this;
  out.ops_.insert(front ? out.ops_.begin() : out.ops_.end(), mapped.begin(), mapped.end());
  for (std::size_t i = 1; i < out.ops_.size(); ++i)
    if (out.ops_[i].embedding)
      throw invalid_argument("compose: the amplitude embedding would be operation " + std::to_string(i) +
                             "; it must be the first (it prepares its state from |0...0>)");
  return out;
}

inline std::size_t Circuit::depth() const {
  // Qiskit's rule: each operation sits one level above the highest of its
  // wires (qubits, written bits, the bits its condition reads); a barrier
  // adds no level but lines its wires up. A measurement of k qubits is k operations.
  std::vector<std::size_t> level(num_qubits_ + num_clbits_, 0);
  std::size_t depth = 0;
  const auto place = [&](const std::vector<std::size_t>& wires, bool counts) {
    std::size_t top = 0;
    for (auto w : wires) top = std::max(top, level[w]);
    if (counts) ++top;
    for (auto w : wires) level[w] = top;
    depth = std::max(depth, top);
  };
  for (const auto& op : ops_) {
    std::vector<std::size_t> cond_wires;
    if (op.condition)
      for (unsigned j = 0; j < op.condition->width; ++j) cond_wires.push_back(num_qubits_ + op.condition->first + j);
    if (op.kind == OpKind::measure) {
      for (std::size_t j = 0; j < op.targets.size(); ++j) {
        std::vector<std::size_t> wires = cond_wires;
        wires.push_back(op.targets[j]);
        wires.push_back(num_qubits_ + op.clbits[j]);
        place(wires, true);
      }
      continue;
    }
    std::vector<std::size_t> wires = cond_wires;
    for (auto q : op.qubits()) wires.push_back(q);
    place(wires, op.kind != OpKind::barrier);
  }
  return depth;
}

inline std::vector<std::pair<std::string, std::size_t>> Circuit::count_ops() const {
  // In order of first appearance, then most frequent first with ties kept in
  // that order: Qiskit's order.
  std::vector<std::pair<std::string, std::size_t>> counts;
  std::map<std::string, std::size_t> slot;
  for (const auto& op : ops_) {
    const std::string name = op.name();
    const auto [it, added] = slot.emplace(name, counts.size());
    if (added) counts.emplace_back(name, 0);
    counts[it->second].second += op.kind == OpKind::measure ? op.targets.size() : 1;
  }
  std::stable_sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return counts;
}

inline std::size_t Circuit::num_parameters() const {
  std::set<std::pair<Param::Source, std::size_t>> used;
  for (const auto& op : ops_)
    for (const auto& p : op.params) p.for_each_variable([&](Param::Source s, std::size_t i) { used.insert({s, i}); });
  return used.size();
}

/// The state-preparation gate on `qubits` (checked: the amplitudes first,
/// then their count against the qubits), for prepare_state and initialize.
inline Operation state_preparation(const std::vector<std::complex<double>>& amplitudes,
                                   const std::vector<qubit_t>& qubits, double tolerance) {
  Matrix m = state_preparation_matrix(amplitudes, tolerance);
  if (amplitudes.size() != (std::size_t{1} << std::min<std::size_t>(qubits.size(), 63)))
    throw invalid_argument("prepare_state: " + std::to_string(amplitudes.size()) + " amplitudes for " +
                           std::to_string(qubits.size()) + " qubit(s) (expected 2^" + std::to_string(qubits.size()) +
                           ")");
  return make_unitary(std::move(m), qubits, "state_preparation");
}

inline Circuit& Circuit::prepare_state(const std::vector<std::complex<double>>& amplitudes,
                                       const std::vector<qubit_t>& qubits, double tolerance) {
  // The Householder matrix is unitary by construction: checked loosely, as rounding allows.
  return append(state_preparation(amplitudes, qubits, tolerance), 1e-6);
}

inline Circuit& Circuit::initialize(const std::vector<std::complex<double>>& amplitudes,
                                    const std::vector<qubit_t>& qubits, double tolerance) {
  Operation op = state_preparation(amplitudes, qubits, tolerance);
  validate(op, 1e-6);  // every check before anything is appended
  for (auto q : qubits) reset(q);
  ops_.push_back(std::move(op));
  return *this;
}

QSIM_END_NAMESPACE
