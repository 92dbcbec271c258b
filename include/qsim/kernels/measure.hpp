#pragma once
// The collapse of the state after a measurement outcome, threaded (the
// probability of the outcome is in reduce.hpp).
#include <cmath>
#include <complex>

#include "qsim/core/config.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/kernels/arch.hpp"
#include "qsim/kernels/parallel.hpp"

QSIM_BEGIN_KERNEL_NAMESPACE
namespace detail {

template <class T>
void collapse(StateVector<T>& psi, qubit_t q, int outcome, double probability, const ParallelFor& par) {
  const index_t bit = index_t{1} << q, keep = outcome == 1 ? bit : 0;
  const T scale = static_cast<T>(1.0 / std::sqrt(probability));
  std::complex<T>* amps = psi.data();
  par.ranges(psi.size(), psi.size(), [&](index_t first, index_t last) {
    for (index_t i = first; i < last; ++i) amps[i] = (i & bit) == keep ? amps[i] * scale : std::complex<T>(0);
  });
}

}  // namespace detail
QSIM_END_KERNEL_NAMESPACE
