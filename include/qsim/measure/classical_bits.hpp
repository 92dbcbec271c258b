#pragma once
/// How measurements fill classical bits, shared by every simulator (one
/// process or MPI) so that they key and condition results alike.
#include <string>
#include <vector>

#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/measure/counts.hpp"

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
  std::string operator()(index_t i) const {
    std::vector<bool> bits(source_qubit_.size());
    for (std::size_t cb = 0; cb < bits.size(); ++cb)
      bits[cb] = source_qubit_[cb] >= 0 && ((i >> source_qubit_[cb]) & 1U);
    return format_key(bits, cregs_);
  }

 private:
  std::vector<int> source_qubit_;
  std::vector<Register> cregs_;
};

}  // namespace detail
QSIM_END_NAMESPACE
