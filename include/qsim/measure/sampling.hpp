#pragma once
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/core/state_vector.hpp"
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
/// The sampler over any probability source `prob(i)`, i < size: one pass for
/// the total, one sweep matching the sorted uniforms. Reading a state's
/// |amplitude|^2 directly saves building (and page-faulting) a 2^n vector.
template <class Prob, class Emit>
void sample_sorted_by(std::size_t size, const Prob& prob, std::uint64_t shots, std::uint64_t seed, Emit&& emit) {
  if (shots == 0) return;
  if (size == 0) throw invalid_argument("cannot sample from an empty distribution");
  double total = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const double p = prob(i);
    if (!(p >= 0) || !std::isfinite(p))
      throw invalid_argument("probability " + std::to_string(p) + " of outcome " + std::to_string(i) + " is not valid");
    total += p;
  }
  if (!(total > 0)) throw invalid_argument("cannot sample from a distribution of total weight 0");
  SortedSpacings spacings(shots, seed);
  const double scale = total / spacings.spacing_sum();
  std::size_t last = size - 1;
  while (prob(last) == 0) --last;
  std::uint64_t k = 0;
  double cumulative = 0;
  double u = spacings.next() * scale;
  for (std::size_t i = 0; i <= last && k < shots; ++i) {
    const double p = prob(i);
    if (p == 0) continue;
    cumulative += p;
    std::uint64_t count = 0;
    // The last nonzero bin also takes any uniforms that rounding left past the end.
    while (k < shots && (i == last || u < cumulative)) {
      ++count;
      if (++k < shots) u = spacings.next() * scale;
    }
    if (count) emit(static_cast<index_t>(i), count);
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
  detail::sample_sorted_by(
      probabilities.size(), [&](std::size_t i) { return probabilities[i]; }, shots, seed, std::forward<Emit>(emit));
}

/// The same draws straight from a state's |amplitude|^2 (identical to
/// sampling `psi.probabilities()` with the same seed), without the 2^n vector.
template <class T, class Emit>
void sample_sorted(const StateVector<T>& psi, std::uint64_t shots, std::uint64_t seed, Emit&& emit) {
  detail::sample_sorted_by(
      psi.size(), [&](std::size_t i) { return static_cast<double>(std::norm(psi[i])); }, shots, seed,
      std::forward<Emit>(emit));
}

/// `shots` basis indices drawn from `probabilities`, in random order.
inline std::vector<index_t> sample_indices(const std::vector<double>& probabilities, std::uint64_t shots,
                                           std::uint64_t seed) {
  return detail::shuffled_draws(shots, seed, [&](auto&& emit) { sample_sorted(probabilities, shots, seed, emit); });
}

/// `shots` basis indices drawn from the state `psi`, in random order.
template <class T>
std::vector<index_t> sample_indices(const StateVector<T>& psi, std::uint64_t shots, std::uint64_t seed) {
  return detail::shuffled_draws(shots, seed, [&](auto&& emit) { sample_sorted(psi, shots, seed, emit); });
}

QSIM_END_NAMESPACE
