#pragma once
#include <cstdint>
#include <random>

#include "qsim/core/config.hpp"

QSIM_BEGIN_NAMESPACE

/// The library's random source: a 64-bit Mersenne twister whose uniforms are
/// built from its bits by us, so a seed gives the same numbers with every
/// standard library (std::uniform_real_distribution is implementation-defined).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(mix(seed)) {}

  /// Uniform in [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  /// Uniform in (0, 1]: safe for log().
  double uniform_open_zero() { return (static_cast<double>(engine_() >> 11) + 1.0) * 0x1.0p-53; }
  std::uint64_t bits() { return engine_(); }
  /// Uniform integer in [0, n).
  std::uint64_t below(std::uint64_t n) { return static_cast<std::uint64_t>(uniform() * static_cast<double>(n)) % n; }

  /// A stream for sub-task `k` (a shot, a thread's block) that does not depend
  /// on how the sub-tasks are scheduled: same seed and k, same numbers.
  static Rng substream(std::uint64_t seed, std::uint64_t k) { return Rng(mix(seed) ^ mix(k + 0x9e3779b97f4a7c15ULL)); }

 private:
  // splitmix64: spreads nearby seeds (0, 1, 2, ...) over the whole state.
  static std::uint64_t mix(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::mt19937_64 engine_;
};

QSIM_END_NAMESPACE
