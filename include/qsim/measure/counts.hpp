#pragma once
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "qsim/circuit/register.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

QSIM_BEGIN_NAMESPACE

/// Outcome histogram keyed like Qiskit: registers separated by one space, the
/// last-declared register leftmost, and each register's bit 0 rightmost.
using Counts = std::map<std::string, std::uint64_t>;

/// The Qiskit key of the classical bit values `bits` (bits[c] for clbit c).
inline std::string format_key(const std::vector<bool>& bits, const std::vector<Register>& cregs) {
  std::string key;
  for (auto r = cregs.rbegin(); r != cregs.rend(); ++r) {
    if (!key.empty()) key += ' ';
    for (unsigned b = r->size; b-- > 0;) key += bits[r->offset + b] ? '1' : '0';
  }
  return key;
}

/// Bit string of basis index `i` over `qubits`, qubits.back() leftmost and
/// qubits[0] rightmost.
inline std::string format_bits(index_t i, const std::vector<qubit_t>& qubits) {
  std::string key(qubits.size(), '0');
  for (std::size_t j = 0; j < qubits.size(); ++j)
    if ((i >> qubits[j]) & 1U) key[qubits.size() - 1 - j] = '1';
  return key;
}

namespace detail {
/// The basis-index mask of `qubits`; refuses a qubit past bit 63 and a repeated one.
inline index_t marginal_mask(const std::vector<qubit_t>& qubits) {
  index_t mask = 0;
  for (auto q : qubits) {
    if (q >= 64) throw invalid_argument("qubit " + std::to_string(q) + " out of range for a basis index");
    if ((mask >> q) & 1U)
      throw invalid_argument("qubit " + std::to_string(q) + " appears twice in the marginal_counts qubits");
    mask |= index_t{1} << q;
  }
  return mask;
}
}  // namespace detail

/// Counts of sampled basis indices restricted to `qubits` (marginalising the rest).
inline Counts marginal_counts(const std::vector<index_t>& samples, const std::vector<qubit_t>& qubits) {
  std::map<index_t, std::uint64_t> by_index;
  const index_t mask = detail::marginal_mask(qubits);
  for (auto s : samples) ++by_index[s & mask];
  Counts out;
  for (const auto& [i, c] : by_index) out[format_bits(i, qubits)] += c;
  return out;
}

/// Keys with their characters reversed (qubit 0 leftmost), for users of
/// big-endian tools such as Cirq and PennyLane.
inline Counts to_big_endian(const Counts& counts) {
  Counts out;
  for (const auto& [k, c] : counts) out[std::string(k.rbegin(), k.rend())] += c;
  return out;
}

/// Total number of shots in a histogram.
inline std::uint64_t total_shots(const Counts& counts) {
  std::uint64_t s = 0;
  for (const auto& kv : counts) s += kv.second;
  return s;
}

QSIM_END_NAMESPACE
