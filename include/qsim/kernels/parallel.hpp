#pragma once
// How a kernel splits its sweep over threads. The policy is a value the
// caller passes in (Google qsim's For), so nothing global decides it and
// tests can force the threaded paths on small states without side effects.
#include <cstddef>
#include <exception>

#include "qsim/core/config.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

// The body of a sweep is compiled once, behind a call that is never
// inlined, and both the threaded and the single-thread path call it. Two
// inlined copies would be optimised separately, and the compiler may fuse a
// multiply and an add (FMA) in one copy and not in the other: a 1-ulp
// difference between thread counts.
#if defined(__GNUC__) || defined(__clang__)
#define QSIM_NOINLINE __attribute__((noinline))
#elif defined(_MSC_VER)
#define QSIM_NOINLINE __declspec(noinline)
#else
#define QSIM_NOINLINE
#endif

QSIM_BEGIN_NAMESPACE
namespace kernels {
namespace detail_parallel {
template <class F>
QSIM_NOINLINE void run_range(F& f, index_t begin, index_t end) {
  f(begin, end);
}
}  // namespace detail_parallel

/**
 * OpenMP over the state, only above a size where it pays: forking threads
 * costs a few microseconds, more than a gate on a small state. Implicit from
 * a thread count, so `apply_matrix(psi, t, c, m, 2)` reads as before.
 */
struct ParallelFor {
  /// Below this many amplitudes a sweep runs on one thread (about 20 us of work).
  static constexpr index_t default_min_amplitudes = index_t{1} << 15;

  /// 0 means OpenMP's default (OMP_NUM_THREADS, else all cores).
  unsigned threads = 0;
  /// States smaller than this run on one thread; 0 threads every sweep.
  index_t min_amplitudes = default_min_amplitudes;

  ParallelFor() = default;
  ParallelFor(unsigned thread_count, index_t min = default_min_amplitudes)  // NOLINT(google-explicit-constructor)
      : threads(thread_count), min_amplitudes(min) {}

  /// The number of threads a sweep over `amplitudes` amplitudes uses.
  unsigned threads_for(index_t amplitudes) const {
#if defined(_OPENMP)
    if (amplitudes < min_amplitudes) return 1;
    return threads != 0 ? threads : static_cast<unsigned>(omp_get_max_threads());
#else
    (void)amplitudes;
    return 1;
#endif
  }

  /// Threads for independent tasks (shots, samples) that each sweep a state
  /// of `amplitudes`: all of them where the sweeps stay on one thread, else
  /// one, since the sweeps take the threads.
  unsigned task_threads(index_t amplitudes) const {
    return amplitudes >= min_amplitudes ? 1U : ParallelFor(threads, 0).threads_for(1);
  }

  /**
   * Splits [0, count) into one contiguous range per thread and calls
   * f(begin, end) for each. Every item is computed by the same code whatever
   * the split, so results do not depend on the thread count.
   */
  template <class F>
  void ranges(index_t count, index_t amplitudes, F&& f) const {
#if defined(_OPENMP)
    const unsigned nt = threads_for(amplitudes);
    if (nt > 1 && count > 1) {
#pragma omp parallel num_threads(static_cast <int>(nt))
      {
        const auto t = static_cast<index_t>(omp_get_thread_num());
        const auto parts = static_cast<index_t>(omp_get_num_threads());
        detail_parallel::run_range(f, count * t / parts, count * (t + 1) / parts);
      }
      return;
    }
#endif
    detail_parallel::run_range(f, index_t{0}, count);
  }
};

/**
 * Runs body(i) for i in [0, count) on `threads` OpenMP threads (0: OpenMP's
 * default), dynamically scheduled: independent tasks such as the samples of
 * a batch or groups of shots. The first exception thrown by any task is
 * rethrown after the loop.
 */
template <class Body>
void parallel_tasks(std::ptrdiff_t count, unsigned threads, Body&& body) {
  std::exception_ptr failure;
  const auto run = [&](std::ptrdiff_t i) {
    try {
      body(i);
    } catch (...) {
#ifdef _OPENMP
#pragma omp critical(qsim_task_failure)
#endif
      if (!failure) failure = std::current_exception();
    }
  };
#ifdef _OPENMP
  const int nt = threads == 0 ? omp_get_max_threads() : static_cast<int>(threads);
  if (nt > 1 && count > 1) {  // a parallel region costs microseconds: a small batch's whole step
#pragma omp parallel for schedule(dynamic) num_threads(nt)
    for (std::ptrdiff_t i = 0; i < count; ++i) run(i);
  } else {
    for (std::ptrdiff_t i = 0; i < count; ++i) run(i);
  }
#else
  (void)threads;
  for (std::ptrdiff_t i = 0; i < count; ++i) run(i);
#endif
  if (failure) std::rethrow_exception(failure);
}

}  // namespace kernels
QSIM_END_NAMESPACE
