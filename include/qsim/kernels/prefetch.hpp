#pragma once
// Software prefetch for gates whose amplitude pairs are 512 B to 32 KiB
// apart. There the gate reads two or more interleaved streams a short
// distance apart, and the hardware prefetchers of this Zen 4 machine lose
// about two thirds of the bandwidth (a plain two-stream read loop shows it
// too; Qulacs's H at q = 5 in double is 3x slower than at q = 0 for the same
// reason). The remedy: walk the state in blocks that hold every pair, and
// while one block is computed, request a later block line by line in address
// order, which the memory system serves at full speed.
#include <algorithm>
#include <cstddef>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/kernels/arch.hpp"
#include "qsim/kernels/index.hpp"

// Two hints: into L1 for blocks that fit it next to the block being
// computed, into L2 for larger ones (measured: each is 10-20 points better
// on its side). An asm statement on x86, because GCC 12 deems
// __builtin_prefetch free of side effects, marks a helper that only
// prefetches as const and deletes the calls to it.
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
#define QSIM_PREFETCH_L1(address) __asm__ volatile("prefetcht0 %0" : : "m"(*(address)))
#define QSIM_PREFETCH_L2(address) __asm__ volatile("prefetcht1 %0" : : "m"(*(address)))
#elif defined(__GNUC__)
#define QSIM_PREFETCH_L1(address) __builtin_prefetch((address), 1, 3)
#define QSIM_PREFETCH_L2(address) __builtin_prefetch((address), 1, 2)
#else
#define QSIM_PREFETCH_L1(address) ((void)(address))
#define QSIM_PREFETCH_L2(address) ((void)(address))
#endif

QSIM_BEGIN_KERNEL_NAMESPACE
namespace detail {

class BlockPrefetch {
 public:
  /// Pair distances from this many bytes up to `far_bytes` get the prefetch.
  static constexpr std::size_t near_bytes = 512;
  /// At and above this distance each stream is far enough from the others
  /// for the hardware to follow it.
  static constexpr std::size_t far_bytes = std::size_t{64} << 10;
  /// How far ahead to request, at least one block.
  static constexpr std::size_t lead_bytes = std::size_t{4} << 10;
  /// Requests are issued this many groups at a time: spread out enough not
  /// to flood the miss queues, few enough to cost little.
  static constexpr index_t chunk_groups = 4;
  /// Cache line size of the machines this runs on.
  static constexpr std::size_t line_bytes = 64;
  /// Blocks up to this size are requested into L1, larger ones into L2.
  static constexpr std::size_t l1_block_bytes = std::size_t{8} << 10;

  /// Inactive: for_each_group then runs without prefetch.
  BlockPrefetch() = default;

  /**
   * For the groups of `insert` (group g covers amplitudes insert(g << shift)
   * + target offsets, each a batch of 2^shift amplitudes of `batch_bytes`).
   * `groups` is the number of groups of the whole state.
   */
  BlockPrefetch(const ZeroInserter& insert, unsigned shift, const void* data, std::size_t batch_bytes, index_t groups)
      : data_(static_cast<const char*>(data)), groups_(groups) {
    const std::size_t amplitude_bytes = batch_bytes >> shift;
    unsigned top = 0;  // highest near position + 1, in batches
    std::vector<qubit_t> near_controls;
    index_t near_control_bits = 0;
    std::vector<qubit_t> far_targets;
    unsigned near_positions = 0, near_targets = 0;
    for (qubit_t q : insert.positions()) {
      const unsigned b = q - shift;
      const bool control = (insert.fixed() >> q) & 1U;
      if ((std::size_t{1} << b) * batch_bytes < far_bytes) {
        top = std::max(top, b + 1);
        ++near_positions;
        if (control) {
          near_controls.push_back(b);
          near_control_bits |= index_t{1} << b;
        } else {
          ++near_targets;
        }
      } else if (!control) {
        far_targets.push_back(q);
      }
    }
    if (top == 0 || (std::size_t{1} << (top - 1)) * batch_bytes < near_bytes) return;
    active_ = true;
    block_log_ = top - near_positions;
    block_mask_ = (index_t{1} << (top + shift)) - 1;
    lines_ = 1U << near_targets;
    const std::size_t block_bytes = (std::size_t{1} << top) * batch_bytes;
    lead_blocks_ = std::max<index_t>(1, lead_bytes / block_bytes);
    into_l1_ = block_bytes <= l1_block_bytes;
    near_ = ZeroInserter(near_controls, near_control_bits);
    for (index_t f = 0; f < (index_t{1} << far_targets.size()); ++f)
      far_offsets_.push_back(spread_bits(f, far_targets) * amplitude_bytes);
    shift_ = shift;
    batch_bytes_ = batch_bytes;
    insert_ = &insert;
  }

  bool active() const noexcept { return active_; }
  /// log2 of the groups in one block.
  unsigned block_log() const noexcept { return block_log_; }
  /// How many blocks ahead the requests run.
  index_t lead_blocks() const noexcept { return lead_blocks_; }

  /// Byte offset of the block `lead_blocks` after block `block`, or none past the end.
  bool lead_block(index_t block, std::size_t& offset) const noexcept {
    const index_t first = (block + lead_blocks_) << block_log_;
    if (first >= groups_) return false;
    offset = static_cast<std::size_t>(((*insert_)(first << shift_) & ~block_mask_) >> shift_) * batch_bytes_;
    return true;
  }

  /// Calls on_line(byte offset in the state) for each cache line of the
  /// share of that block matching groups [first, first + count) of the
  /// current one: as many batches, in address order within each stream.
  template <class OnLine>
  void request(std::size_t block_offset, index_t first, index_t count, OnLine&& on_line) const {
    for (std::size_t far : far_offsets_) {
      const std::size_t stream = block_offset + far;
      if (near_.count() == 0) {
        // Without controls in the block the share is one contiguous range.
        const std::size_t stop = stream + (first + count) * lines_ * batch_bytes_;
        for (std::size_t line = (stream + first * lines_ * batch_bytes_) & ~(line_bytes - 1); line < stop;
             line += line_bytes)
          on_line(line);
      } else {
        for (index_t k = first * lines_; k < (first + count) * lines_; ++k) on_line(stream + near_(k) * batch_bytes_);
      }
    }
  }

  /// Asks the cache for the line at this byte offset of the state.
  void prefetch(std::size_t offset) const noexcept {
    const char* line = data_ + offset;
    if (into_l1_)
      QSIM_PREFETCH_L1(line);
    else
      QSIM_PREFETCH_L2(line);
  }

 private:
  bool active_ = false, into_l1_ = true;
  const char* data_ = nullptr;
  index_t groups_ = 0;
  const ZeroInserter* insert_ = nullptr;
  ZeroInserter near_{{}, 0};
  std::vector<std::size_t> far_offsets_;
  unsigned shift_ = 0, block_log_ = 0;
  index_t block_mask_ = 0, lines_ = 1, lead_blocks_ = 1;
  std::size_t batch_bytes_ = 0;
};

/// for_each_group with the block prefetch of `prefetch` (when active);
/// on_line(offset) receives each requested line instead of the cache.
template <class F, class OnLine>
QSIM_FORCE_INLINE void walk_with_prefetch(index_t begin, index_t end, const ZeroInserter& insert, unsigned shift,
                                          const BlockPrefetch& prefetch, F&& f, OnLine&& on_line) {
  if (!prefetch.active()) {
    for_each_group(begin, end, insert, shift, f);
    return;
  }
  const unsigned block_log = prefetch.block_log();
  const index_t within = (index_t{1} << block_log) - 1;
  index_t g = begin;
  while (g < end) {
    const index_t stop = std::min(end, ((g >> block_log) + 1) << block_log);
    std::size_t lead = 0;
    if (prefetch.lead_block(g >> block_log, lead))
      for_each_group(g, stop, insert, shift, f, BlockPrefetch::chunk_groups, [&](index_t first, index_t last) {
        prefetch.request(lead, first & within, last - first, on_line);
      });
    else
      for_each_group(g, stop, insert, shift, f);
    g = stop;
  }
}

template <class F>
QSIM_FORCE_INLINE void for_each_group(index_t begin, index_t end, const ZeroInserter& insert, unsigned shift,
                                      const BlockPrefetch& prefetch, F&& f) {
  walk_with_prefetch(begin, end, insert, shift, prefetch, f, [&](std::size_t offset) { prefetch.prefetch(offset); });
}

}  // namespace detail
QSIM_END_KERNEL_NAMESPACE
