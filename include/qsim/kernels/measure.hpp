#pragma once
// Measurement primitives on the state: the probability of one qubit and the
// collapse after an outcome, threaded. The sum runs over fixed blocks added
// in order, so a seeded run gives the same outcomes on any thread count.
#include <algorithm>
#include <cmath>
#include <complex>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/kernels/arch.hpp"
#include "qsim/kernels/parallel.hpp"

QSIM_BEGIN_KERNEL_NAMESPACE
namespace detail {

/// Amplitudes per partial sum (a multiple of every pair stride below it).
inline constexpr index_t probability_block = index_t{1} << 12;

// |a|^2 in double from the components (std::norm of a complex<float> rounds to float).
template <class T>
inline double squared_magnitude(const std::complex<T>& a) {
  const double re = a.real(), im = a.imag();
  return re * re + im * im;
}

template <class T>
double probability_one(const StateVector<T>& psi, qubit_t q, const ParallelFor& par) {
  const index_t size = psi.size(), bit = index_t{1} << q;
  const index_t blocks = (size + probability_block - 1) / probability_block;
  // Partial sums on the stack up to 2^18 amplitudes: a measurement in a
  // shot-by-shot run of a small circuit allocates nothing.
  constexpr index_t on_stack = 64;
  double small[on_stack];
  std::vector<double> large(blocks > on_stack ? blocks : 0);
  double* const partial = blocks > on_stack ? large.data() : small;
  const std::complex<T>* amps = psi.data();
  par.ranges(blocks, size, [&](index_t first, index_t last) {
    for (index_t blk = first; blk < last; ++blk) {
      const index_t lo = blk * probability_block, hi = std::min(size, lo + probability_block);
      double s = 0;
      if (bit >= probability_block) {
        if (lo & bit)
          for (index_t i = lo; i < hi; ++i) s += squared_magnitude(amps[i]);
      } else {
        for (index_t run = lo | bit; run < hi; run += 2 * bit)
          for (index_t i = run; i < run + bit; ++i) s += squared_magnitude(amps[i]);
      }
      partial[blk] = s;
    }
  });
  double p = 0;
  for (index_t blk = 0; blk < blocks; ++blk) p += partial[blk];
  return p;
}

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
