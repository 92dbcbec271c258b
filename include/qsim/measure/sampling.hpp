#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/kernels/dispatch.hpp"
#include "qsim/kernels/parallel.hpp"
#include "qsim/measure/random.hpp"

QSIM_BEGIN_NAMESPACE

namespace detail {
/// Sorted uniforms, one at a time in O(1) memory: the running sums S_k =
/// E_1 + ... + E_k of exponential spacings, with U_(k) = S_k / S_{shots+1}.
/// The normaliser S_{shots+1} is found by a first pass over the same random
/// stream, so no per-shot buffer is needed. Shared by every sampler so that
/// one seed gives the same draws everywhere (one process or many).
class SortedSpacings {
 public:
  SortedSpacings(std::uint64_t shots, std::uint64_t seed) : rng_(seed) {
    Rng first_pass(seed);
    for (std::uint64_t k = 0; k <= shots; ++k) spacing_sum_ += -std::log(first_pass.uniform_open_zero());
  }
  /// S_{shots+1}: the sum that maps S_k into [0, 1).
  double spacing_sum() const noexcept { return spacing_sum_; }
  /// The next S_k, increasing.
  double next() {
    running_ += -std::log(rng_.uniform_open_zero());
    return running_;
  }

 private:
  Rng rng_;
  double spacing_sum_ = 0;
  double running_ = 0;
};

/// All `shots` values S_k of SortedSpacings in a vector (for samplers that
/// need random access), refused before allocation when it cannot fit.
inline std::vector<double> sorted_uniforms(std::uint64_t shots, std::uint64_t seed, double& spacing_sum) {
  auto uniforms = checked_vector<double>(static_cast<std::size_t>(shots),
                                         "the sorted uniforms of " + std::to_string(shots) + " shots");
  Rng rng(seed);  // one pass: the same stream and sums as SortedSpacings
  spacing_sum = 0;
  for (auto& u : uniforms) {
    spacing_sum += -std::log(rng.uniform_open_zero());
    u = spacing_sum;
  }
  spacing_sum += -std::log(rng.uniform_open_zero());
  return uniforms;
}
}  // namespace detail

namespace detail {
/// Outcomes per block of the sampling sweep.
inline constexpr index_t sample_block = index_t{1} << 12;

/**
 * The sampler over a distribution of `size` outcomes cut into blocks of
 * sample_block: block_sums(out) writes each block's total (added in index
 * order), fill(first, count, out) the probabilities of a range. One pass
 * gives the totals; the sweep then matches the sorted uniforms block by
 * block, reading only the blocks some uniform falls into (a few shots on a
 * large state read a few blocks). Blocks start at the running sum of the
 * block totals, so a state and its probability vector draw the same.
 */
template <class BlockSums, class Fill, class Emit>
void sample_blocks(index_t size, const BlockSums& block_sums, const Fill& fill, std::uint64_t shots, std::uint64_t seed,
                   Emit&& emit) {
  if (shots == 0) return;
  if (size == 0) throw invalid_argument("cannot sample from an empty distribution");
  const index_t blocks = (size + sample_block - 1) / sample_block;
  std::vector<double> sums(static_cast<std::size_t>(blocks));
  block_sums(sums.data());
  double total = 0;
  index_t last_block = blocks;
  for (index_t b = 0; b < blocks; ++b) {
    if (!(sums[b] >= 0) || !std::isfinite(sums[b]))
      throw invalid_argument("the probabilities of outcomes " + std::to_string(b * sample_block) + ".." +
                             std::to_string(std::min(size, (b + 1) * sample_block) - 1) + " add up to " +
                             std::to_string(sums[b]) + ", not a valid weight");
    total += sums[b];
    if (sums[b] > 0) last_block = b;
  }
  if (!(total > 0) || !std::isfinite(total))
    throw invalid_argument("cannot sample from a distribution of total weight " + std::to_string(total));
  SortedSpacings spacings(shots, seed);
  const double scale = total / spacings.spacing_sum();
  std::vector<double> p(static_cast<std::size_t>(std::min(size, sample_block)));
  std::uint64_t k = 0;
  double start = 0;  // running sum of the block totals before block b
  double u = spacings.next() * scale;
  for (index_t b = 0; b <= last_block && k < shots; ++b) {
    const double end = start + sums[b];
    if (sums[b] == 0 || (b != last_block && u >= end)) {
      start = end;
      continue;
    }
    const index_t first = b * sample_block, count = std::min(size - first, sample_block);
    fill(first, count, p.data());
    index_t last = count - 1;  // the last nonzero outcome takes what rounding left past the end
    if (b == last_block)
      while (p[last] == 0) --last;
    double cumulative = start;
    for (index_t i = 0; i < count && k < shots; ++i) {
      if (p[i] == 0) continue;
      cumulative += p[i];
      std::uint64_t n = 0;
      while (k < shots && ((b == last_block && i == last) || u < cumulative)) {
        ++n;
        if (++k < shots) u = spacings.next() * scale;
      }
      if (n) emit(first + i, n);
    }
    start = end;
  }
}

/// Expands (index, count) draws into a list and shuffles it into random order.
template <class Sampler>
std::vector<index_t> shuffled_draws(std::uint64_t shots, std::uint64_t seed, const Sampler& sampler) {
  check_bytes_fit(static_cast<long double>(shots) * sizeof(index_t), "a list of " + std::to_string(shots) + " shots");
  std::vector<index_t> out;
  out.reserve(static_cast<std::size_t>(shots));
  sampler([&](index_t i, std::uint64_t c) { out.insert(out.end(), c, i); });
  Rng shuffler = Rng::substream(seed, 1);
  for (std::size_t i = out.size(); i > 1; --i) std::swap(out[i - 1], out[shuffler.below(i)]);
  return out;
}
}  // namespace detail

/**
 * Draws `shots` basis indices from `probabilities` (need not sum exactly to 1)
 * in O(size + shots): the uniforms are generated already sorted (normalised
 * running sums of exponential spacings) and matched in one sweep over the
 * cumulative distribution. Calls `emit(index, count)` once per drawn index,
 * in increasing index order.
 */
template <class Emit>
void sample_sorted(const std::vector<double>& probabilities, std::uint64_t shots, std::uint64_t seed, Emit&& emit) {
  const index_t size = probabilities.size();
  const auto block_sums = [&](double* out) {
    for (index_t b = 0; b * detail::sample_block < size; ++b) {
      double s = 0;
      for (index_t i = b * detail::sample_block, end = std::min(size, (b + 1) * detail::sample_block); i < end; ++i) {
        const double p = probabilities[i];
        if (!(p >= 0) || !std::isfinite(p))
          throw invalid_argument("probability " + std::to_string(p) + " of outcome " + std::to_string(i) +
                                 " is not valid");
        s += p;
      }
      out[b] = s;
    }
  };
  const auto fill = [&](index_t first, index_t count, double* out) {
    std::copy(probabilities.begin() + static_cast<std::ptrdiff_t>(first),
              probabilities.begin() + static_cast<std::ptrdiff_t>(first + count), out);
  };
  detail::sample_blocks(size, block_sums, fill, shots, seed, std::forward<Emit>(emit));
}

/// The same draws straight from a state's |amplitude|^2 (identical to
/// sampling `psi.probabilities()` with the same seed), without the 2^n
/// vector; the block totals are summed on the threads of `par`.
template <class T, class Emit>
void sample_sorted(const StateVector<T>& psi, std::uint64_t shots, std::uint64_t seed, Emit&& emit,
                   const kernels::ParallelFor& par = {}) {
  const auto& ks = kernels::active_kernels<T>();
  detail::sample_blocks(
      psi.size(), [&](double* out) { ks.block_probabilities(psi, detail::sample_block, out, par); },
      [&](index_t first, index_t count, double* out) { ks.probabilities(psi, first, count, out, {1}); }, shots, seed,
      std::forward<Emit>(emit));
}

/// `shots` basis indices drawn from `probabilities`, in random order.
inline std::vector<index_t> sample_indices(const std::vector<double>& probabilities, std::uint64_t shots,
                                           std::uint64_t seed) {
  return detail::shuffled_draws(shots, seed, [&](auto&& emit) { sample_sorted(probabilities, shots, seed, emit); });
}

/// `shots` basis indices drawn from the state `psi`, in random order.
template <class T>
std::vector<index_t> sample_indices(const StateVector<T>& psi, std::uint64_t shots, std::uint64_t seed,
                                    const kernels::ParallelFor& par = {}) {
  return detail::shuffled_draws(shots, seed, [&](auto&& emit) { sample_sorted(psi, shots, seed, emit, par); });
}

QSIM_END_NAMESPACE
