#pragma once
/// How measurements fill classical bits, shared by every simulator (one
/// process or MPI) so that they key and condition results alike.
#include <string>
#include <vector>

#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/measure/counts.hpp"
#include "qsim/measure/random.hpp"

QSIM_BEGIN_NAMESPACE
namespace detail {

/// True when `op` has no condition or its classical bits read its value.
inline bool condition_holds(const Operation& op, const std::vector<bool>& clbits) {
  if (!op.condition) return true;
  const Condition& cond = *op.condition;
  for (unsigned b = 0; b < cond.width; ++b) {
    const bool want = b < 64 && ((cond.value >> b) & 1ULL);
    if (clbits[cond.first + b] != want) return false;
  }
  return true;
}

/// How many leading operations are unconditioned gates and barriers: the
/// part of a per-shot run that is the same for every shot.
inline std::size_t deterministic_prefix(const Circuit& c) {
  const auto& ops = c.operations();
  std::size_t prefix = 0;
  while (prefix < ops.size() && (ops[prefix].is_gate() || ops[prefix].kind == OpKind::barrier) &&
         !ops[prefix].condition)
    ++prefix;
  return prefix;
}

/// The count key of a sampled basis index for a circuit whose measurements
/// all come at the end: each classical bit reads the last qubit measured
/// into it (0 when none is).
class TerminalKeys {
 public:
  explicit TerminalKeys(const Circuit& c) : source_qubit_(c.num_clbits(), -1), cregs_(c.cregs()) {
    for (const auto& op : c.operations())
      if (op.kind == OpKind::measure)
        for (std::size_t j = 0; j < op.targets.size(); ++j)
          source_qubit_[op.clbits[j]] = static_cast<int>(op.targets[j]);
  }
  std::string operator()(index_t i) const { return format_key(bits(i), cregs_); }

  /// The key of one shot whose classical bit cb reads through errors[cb] (no error when null).
  std::string operator()(index_t i, const std::vector<const ReadoutError*>& errors, Rng& rng) const {
    std::vector<bool> b = bits(i);
    for (std::size_t cb = 0; cb < b.size(); ++cb)
      if (errors[cb] != nullptr) b[cb] = errors[cb]->record(b[cb], rng.uniform());
    return format_key(b, cregs_);
  }

  std::vector<bool> bits(index_t i) const {
    std::vector<bool> b(source_qubit_.size());
    for (std::size_t cb = 0; cb < b.size(); ++cb) b[cb] = source_qubit_[cb] >= 0 && ((i >> source_qubit_[cb]) & 1U);
    return b;
  }

 private:
  std::vector<int> source_qubit_;
  std::vector<Register> cregs_;
};

/// For a circuit whose measurements all come at the end: the readout error
/// of each classical bit's last measurement (null where it has none).
inline std::vector<const ReadoutError*> terminal_readout(const Circuit& c) {
  std::vector<const ReadoutError*> errors(c.num_clbits(), nullptr);
  for (const auto& op : c.operations())
    if (op.kind == OpKind::measure)
      for (std::size_t j = 0; j < op.targets.size(); ++j)
        errors[op.clbits[j]] = op.readout ? &(*op.readout)[j] : nullptr;
  return errors;
}

}  // namespace detail
QSIM_END_NAMESPACE
