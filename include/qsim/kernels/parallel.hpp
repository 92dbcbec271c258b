#pragma once
// OpenMP over the state, only above a size where it pays: forking threads
// costs a few microseconds, which is more than a gate on a small state.
#include "qsim/core/config.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

QSIM_BEGIN_NAMESPACE
namespace kernels {
namespace detail {

/// Below this many amplitudes a gate runs on one thread (about 20 us of work).
/// (Not const: the tests lower it to exercise the threaded paths on small states.)
inline index_t parallel_threshold = index_t{1} << 15;

/// 0 means OpenMP's default (OMP_NUM_THREADS, else all cores).
inline unsigned resolve_threads(unsigned threads) {
#if defined(_OPENMP)
  return threads != 0 ? threads : static_cast<unsigned>(omp_get_max_threads());
#else
  (void)threads;
  return 1;
#endif
}

/**
 * Splits [0, count) into one contiguous range per thread and calls
 * f(begin, end) for each. Every item is computed by the same code whatever
 * the split, so results do not depend on the thread count.
 */
template <class F>
inline void parallel_ranges(index_t count, index_t amplitudes, unsigned threads, F&& f) {
#if defined(_OPENMP)
  const unsigned nt = resolve_threads(threads);
  if (nt > 1 && count > 1 && amplitudes >= parallel_threshold) {
#pragma omp parallel num_threads(static_cast <int>(nt))
    {
      const auto t = static_cast<index_t>(omp_get_thread_num());
      const auto parts = static_cast<index_t>(omp_get_num_threads());
      f(count * t / parts, count * (t + 1) / parts);
    }
    return;
  }
#else
  (void)amplitudes;
  (void)threads;
#endif
  f(index_t{0}, count);
}

}  // namespace detail
}  // namespace kernels
QSIM_END_NAMESPACE
