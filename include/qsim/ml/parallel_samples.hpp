#pragma once
// Threads over the samples (or blocks of samples) of a batch.
#include <cstddef>
#include <exception>
#include <utility>

#include "qsim/core/config.hpp"
#include "qsim/kernels/parallel.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {

namespace detail {
/// Runs body(i) for i in [0, count) on `threads` OpenMP threads; the first
/// exception thrown by any sample is rethrown after the loop.
template <class Body>
void parallel_samples(std::ptrdiff_t count, unsigned threads, Body&& body) {
  kernels::parallel_tasks(count, threads, std::forward<Body>(body));
}
}  // namespace detail

}  // namespace ml
QSIM_END_NAMESPACE
