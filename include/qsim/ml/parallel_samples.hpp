#pragma once
// Threads over the samples (or blocks of samples) of a batch.
#include <cstddef>
#include <exception>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "qsim/core/config.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {

namespace detail {
// Runs body(i) for i in [0, count) on `threads` OpenMP threads; the first
// exception thrown by any sample is rethrown after the loop.
template <class Body>
void parallel_samples(std::ptrdiff_t count, unsigned threads, Body&& body) {
  std::exception_ptr failure;
#ifdef _OPENMP
  const int nt = threads == 0 ? omp_get_max_threads() : static_cast<int>(threads);
#pragma omp parallel for schedule(dynamic) num_threads(nt)
#endif
  for (std::ptrdiff_t i = 0; i < count; ++i) {
    try {
      body(i);
    } catch (...) {
#ifdef _OPENMP
#pragma omp critical(qsim_ml_failure)
#endif
      if (!failure) failure = std::current_exception();
    }
  }
  (void)threads;
  if (failure) std::rethrow_exception(failure);
}
}  // namespace detail

}  // namespace ml
QSIM_END_NAMESPACE
