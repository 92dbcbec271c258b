#pragma once
// Helpers shared by the fast-kernel and fusion tests: random states, the
// distance between two states, and a thread policy that forces the OpenMP
// paths on small states so that thread counts 1 and 2 are both exercised.
#include <algorithm>
#include <complex>
#include <random>
#include <vector>

#include "support/dense_reference.hpp"

namespace kcheck {

template <class T>
qsim::StateVector<T> random_psi(unsigned n, std::mt19937_64& rng) {
  return ref::to_state<T>(ref::random_state(static_cast<int>(n), rng));
}

template <class T>
double distance(const qsim::StateVector<T>& a, const qsim::StateVector<T>& b) {
  double d = 0;
  for (qsim::index_t i = 0; i < a.size(); ++i)
    d = std::max(d, std::abs(std::complex<double>(a[i]) - std::complex<double>(b[i])));
  return d;
}

/// The largest state a loop over sizes reaches: `native`, or `sanitized` in
/// the sanitizer build (-O0 and instrumented, tens of times slower), which
/// runs the same checks on states that still take every code path (the SIMD
/// register-width cases end within a few qubits; forced threads apply at any size).
constexpr unsigned max_qubits(unsigned native, unsigned sanitized) {
#if defined(QSIM_TEST_SANITIZED)
  (void)native;
  return sanitized;
#else
  (void)sanitized;
  return native;
#endif
}

/// A policy that threads every sweep, whatever the state size, so that
/// thread counts 1 and 2 both run the threaded paths on small states.
inline qsim::kernels::ParallelFor forced_threads(unsigned threads) { return {threads, 0}; }

/// `count` distinct qubits out of n, in random order.
inline std::vector<unsigned> pick(unsigned n, unsigned count, std::mt19937_64& rng) {
  std::vector<unsigned> q(n);
  for (unsigned i = 0; i < n; ++i) q[i] = i;
  std::shuffle(q.begin(), q.end(), rng);
  q.resize(count);
  return q;
}

}  // namespace kcheck
