#pragma once
// The one gather-multiply-scatter step every plain (non-SIMD) path shares:
// a k-qubit gate mixes the 2^k amplitudes base | offset[j]; they are read,
// multiplied by the matrix and written back. The reference kernel, the
// scalar fallback and the fuser (on the columns of a block matrix) run it
// over their own enumeration of the bases.
#include <complex>
#include <cstddef>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/gates/matrices.hpp"

QSIM_BEGIN_NAMESPACE
namespace detail {

/// Offset of matrix index j when bit b of j sits on position qubits[b].
inline index_t spread_bits(index_t j, const std::vector<qubit_t>& qubits) {
  index_t out = 0;
  for (std::size_t b = 0; b < qubits.size(); ++b)
    if ((j >> b) & 1U) out |= index_t{1} << qubits[b];
  return out;
}

/// The 2^k offsets of a gate on `targets` (offset[j] = spread_bits(j, targets)).
inline std::vector<index_t> gate_offsets(const std::vector<qubit_t>& targets) {
  std::vector<index_t> offset(std::size_t{1} << targets.size());
  for (std::size_t j = 0; j < offset.size(); ++j) offset[j] = spread_bits(j, targets);
  return offset;
}

/**
 * amp(base | offset[r]) <- sum_c m[r][c] amp(base | offset[c]) for one group,
 * computed in `C` (the matrix entries are converted to it); `in` is scratch
 * of offset.size() entries. `amp(i)` returns a reference to amplitude i.
 */
template <class C, class Amp>
inline void multiply_group(const std::vector<C>& m, const std::vector<index_t>& offset, index_t base, Amp&& amp,
                           std::vector<C>& in) {
  const std::size_t dim = offset.size();
  for (std::size_t j = 0; j < dim; ++j) in[j] = C(amp(base | offset[j]));
  for (std::size_t r = 0; r < dim; ++r) {
    C s = 0;
    for (std::size_t c = 0; c < dim; ++c) s += m[r * dim + c] * in[c];
    amp(base | offset[r]) = s;
  }
}

/// multiply_group for every base below `size` with 0 at every target and 1
/// at every control, by a plain filter over all indices: obviously complete.
template <class C, class Amp>
inline void multiply_all_groups(index_t size, const std::vector<qubit_t>& targets, const std::vector<qubit_t>& controls,
                                const std::vector<C>& m, Amp&& amp) {
  index_t target_mask = 0, control_mask = 0;
  for (auto q : targets) target_mask |= index_t{1} << q;
  for (auto q : controls) control_mask |= index_t{1} << q;
  const auto offset = gate_offsets(targets);
  std::vector<C> in(offset.size());
  for (index_t base = 0; base < size; ++base)
    if ((base & target_mask) == 0 && (base & control_mask) == control_mask) multiply_group(m, offset, base, amp, in);
}

}  // namespace detail
QSIM_END_NAMESPACE
