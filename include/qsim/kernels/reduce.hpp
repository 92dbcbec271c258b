#pragma once
// Sums over the state: probabilities, block totals for the sampler, inner
// products (and, with pauli.hpp, Pauli strings). Each runs over fixed blocks whose partial sums
// are added in block order, so a result is bitwise the same on any thread
// count (a seeded measurement draws the same outcome on 1 or 16 threads).
#include <algorithm>
#include <complex>
#include <cstddef>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/kernels/arch.hpp"
#include "qsim/kernels/parallel.hpp"

QSIM_BEGIN_KERNEL_NAMESPACE
namespace detail {

/// Amplitudes per partial sum (a multiple of every pair stride below it).
inline constexpr index_t reduction_block = index_t{1} << 12;

/**
 * sum over blocks b of block_sum(lo, hi) for [0, size) cut into
 * reduction_block pieces, the partial sums added in block order. Partial
 * sums sit on the stack up to 2^18 amplitudes, so a measurement in a
 * shot-by-shot run of a small circuit allocates nothing.
 */
template <class V, class BlockSum>
V ordered_sum(index_t size, const ParallelFor& par, const BlockSum& block_sum) {
  const index_t blocks = (size + reduction_block - 1) / reduction_block;
  constexpr index_t on_stack = 64;
  V small[on_stack];
  std::vector<V> large(blocks > on_stack ? blocks : 0);
  V* const partial = blocks > on_stack ? large.data() : small;
  par.ranges(blocks, size, [&](index_t first, index_t last) {
    for (index_t blk = first; blk < last; ++blk)
      partial[blk] = block_sum(blk * reduction_block, std::min(size, (blk + 1) * reduction_block));
  });
  V total{};
  for (index_t blk = 0; blk < blocks; ++blk) total += partial[blk];
  return total;
}

template <class T>
double probability_one(const StateVector<T>& psi, qubit_t q, const ParallelFor& par) {
  const index_t bit = index_t{1} << q;
  const std::complex<T>* amps = psi.data();
  return ordered_sum<double>(psi.size(), par, [&](index_t lo, index_t hi) {
    double s = 0;
    if (bit >= reduction_block) {
      if (lo & bit)
        for (index_t i = lo; i < hi; ++i) s += qsim::detail::probability_of(amps[i]);
    } else {
      for (index_t run = lo | bit; run < hi; run += 2 * bit)
        for (index_t i = run; i < run + bit; ++i) s += qsim::detail::probability_of(amps[i]);
    }
    return s;
  });
}

/// out[j] = |amplitude first + j|^2 for j < count.
template <class T>
void probabilities(const StateVector<T>& psi, index_t first, index_t count, double* out, const ParallelFor& par) {
  const std::complex<T>* amps = psi.data() + first;
  par.ranges(count, count, [&](index_t lo, index_t hi) {
    for (index_t i = lo; i < hi; ++i) out[i] = qsim::detail::probability_of(amps[i]);
  });
}

/// out[b] = sum of |amplitude|^2 over [b * block, (b + 1) * block), added in
/// index order: the same sum as a running total over probabilities().
template <class T>
void block_probabilities(const StateVector<T>& psi, index_t block, double* out, const ParallelFor& par) {
  const index_t size = psi.size(), blocks = (size + block - 1) / block;
  const std::complex<T>* amps = psi.data();
  par.ranges(blocks, size, [&](index_t first, index_t last) {
    for (index_t b = first; b < last; ++b) {
      double s = 0;
      for (index_t i = b * block, end = std::min(size, (b + 1) * block); i < end; ++i)
        s += qsim::detail::probability_of(amps[i]);
      out[b] = s;
    }
  });
}

/// <a|b>, conjugating a.
template <class T>
std::complex<double> inner_product(const StateVector<T>& a, const StateVector<T>& b, const ParallelFor& par) {
  const std::complex<T>*x = a.data(), *y = b.data();
  return ordered_sum<std::complex<double>>(a.size(), par, [&](index_t lo, index_t hi) {
    double re = 0, im = 0;
    for (index_t k = lo; k < hi; ++k) {
      const std::complex<double> p(x[k]), q(y[k]);
      re += p.real() * q.real() + p.imag() * q.imag();
      im += p.real() * q.imag() - p.imag() * q.real();
    }
    return std::complex<double>(re, im);
  });
}

}  // namespace detail
QSIM_END_KERNEL_NAMESPACE
