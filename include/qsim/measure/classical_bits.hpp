#pragma once
/// How measurements fill classical bits, shared by every simulator (one
/// process or MPI) so that they key and condition results alike.
#include <algorithm>
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

/// The count key of a sampled basis index after the measurements of
/// operations [first, end) of a circuit, all at its end: each classical bit
/// reads the last qubit measured into it, through that measurement's
/// readout error if it has one; a bit no measurement there writes keeps its
/// value in `base` (0 when `base` is empty).
class TerminalKeys {
 public:
  explicit TerminalKeys(const Circuit& c, std::size_t first = 0)
      : source_qubit_(c.num_clbits(), -1), errors_(c.num_clbits(), nullptr), cregs_(c.cregs()) {
    const auto& ops = c.operations();
    for (std::size_t k = first; k < ops.size(); ++k)
      if (ops[k].kind == OpKind::measure)
        for (std::size_t j = 0; j < ops[k].targets.size(); ++j) {
          source_qubit_[ops[k].clbits[j]] = static_cast<int>(ops[k].targets[j]);
          errors_[ops[k].clbits[j]] = ops[k].readout ? &(*ops[k].readout)[j] : nullptr;
        }
  }

  /// True when some bit reads through a readout error: every shot then needs its own key.
  bool has_readout_errors() const {
    return std::any_of(errors_.begin(), errors_.end(), [](const ReadoutError* e) { return e != nullptr; });
  }

  /// The key of basis index i, without readout errors.
  std::string operator()(index_t i, const std::vector<bool>& base = {}) const {
    return format_key(bits(i, base), cregs_);
  }

  /// The key of one shot of basis index i, each bit read through its readout error (one draw per such bit).
  std::string operator()(index_t i, Rng& rng, const std::vector<bool>& base = {}) const {
    std::vector<bool> b = bits(i, base);
    for (std::size_t cb = 0; cb < b.size(); ++cb)
      if (errors_[cb] != nullptr) b[cb] = errors_[cb]->record(b[cb], rng.uniform());
    return format_key(b, cregs_);
  }

 private:
  std::vector<bool> bits(index_t i, const std::vector<bool>& base) const {
    std::vector<bool> b = base.empty() ? std::vector<bool>(source_qubit_.size(), false) : base;
    for (std::size_t cb = 0; cb < b.size(); ++cb)
      if (source_qubit_[cb] >= 0) b[cb] = (i >> source_qubit_[cb]) & 1U;
    return b;
  }

  std::vector<int> source_qubit_;
  std::vector<const ReadoutError*> errors_;
  std::vector<Register> cregs_;
};

}  // namespace detail
QSIM_END_NAMESPACE
