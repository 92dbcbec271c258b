#pragma once
// Enumerating the amplitude groups a gate touches: a group counter with zero
// bits inserted at the gate's qubits (and control bits forced to 1).
#include <algorithm>
#include <utility>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/gates/gather.hpp"
#include "qsim/kernels/arch.hpp"

QSIM_BEGIN_KERNEL_NAMESPACE
namespace detail {

/// Maps a counter g to the index with zeros inserted at `positions`, then
/// ORs `fixed` (the control bits). Positions are sorted once here.
class ZeroInserter {
 public:
  ZeroInserter(std::vector<qubit_t> positions, index_t fixed) : positions_(std::move(positions)), fixed_(fixed) {
    std::sort(positions_.begin(), positions_.end());
    for (auto p : positions_) low_masks_.push_back((index_t{1} << p) - 1);
    lowest_ = positions_.empty() ? 63 : positions_.front();
  }
  index_t operator()(index_t g) const noexcept {
    for (index_t m : low_masks_) g = (g & m) | ((g & ~m) << 1);
    return g | fixed_;
  }
  unsigned count() const noexcept { return static_cast<unsigned>(low_masks_.size()); }
  /// The lowest inserted position (63 when none).
  unsigned lowest() const noexcept { return lowest_; }
  /// The inserted positions, ascending, and the bits forced to 1.
  const std::vector<qubit_t>& positions() const noexcept { return positions_; }
  index_t fixed() const noexcept { return fixed_; }

 private:
  std::vector<qubit_t> positions_;
  std::vector<index_t> low_masks_;
  index_t fixed_;
  unsigned lowest_ = 63;
};

/**
 * Calls f(base) with base = insert(g << shift) for g in [begin, end). Below
 * the lowest inserted position consecutive groups are consecutive in memory,
 * so the insertion runs once per such run and the bases in between are
 * increments: the inner loop is a plain stream. `before_chunk(g, stop)` runs
 * first for each piece [g, stop) of at most `chunk` groups of such a run
 * (the prefetch hook).
 */
template <class F, class Hook>
QSIM_FORCE_INLINE void for_each_group(index_t begin, index_t end, const ZeroInserter& insert, unsigned shift, F&& f,
                                      index_t chunk, Hook&& before_chunk) {
  const unsigned run_bits = insert.lowest() >= 63 ? 62 : insert.lowest() - shift;
  const index_t step = index_t{1} << shift;
  index_t g = begin;
  while (g < end) {
    index_t base = insert(g << shift);
    const index_t stop = std::min(end, ((g >> run_bits) + 1) << run_bits);
    while (g < stop) {
      const index_t chunk_end = stop - g > chunk ? g + chunk : stop;
      before_chunk(g, chunk_end);
      for (; g < chunk_end; ++g, base += step) f(base);
    }
  }
}
template <class F>
QSIM_FORCE_INLINE void for_each_group(index_t begin, index_t end, const ZeroInserter& insert, unsigned shift, F&& f) {
  for_each_group(begin, end, insert, shift, f, ~index_t{0}, [](index_t, index_t) {});
}

/// Offset of matrix index j when bit b of j sits on qubit qubits[b].
using qsim::detail::spread_bits;

}  // namespace detail
QSIM_END_KERNEL_NAMESPACE
