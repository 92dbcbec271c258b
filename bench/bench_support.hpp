#pragma once
// Shared pieces of the benchmarks: random states, and the counters every row
// reports (bytes_per_second = 2 x 2^n x sizeof(amplitude) per full-state pass,
// items_per_second = gates or shots per second).
#include <benchmark/benchmark.h>

#include <complex>
#include <cstdint>
#include <random>
#include <string>

#include <qsim/qsim.hpp>

namespace qbench {

template <class T>
const char* precision() {
  return sizeof(T) == 4 ? "float" : "double";
}

/// A normalised state with random amplitudes (any fixed state would do: the
/// kernels' speed does not depend on the values).
template <class T>
qsim::StateVector<T> random_state(unsigned n) {
  qsim::StateVector<T> psi(n);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<T> u(-1, 1);
  const T scale = static_cast<T>(1.0 / std::sqrt(static_cast<double>(psi.size())));
  for (auto& a : psi) a = std::complex<T>(u(rng) * scale, u(rng) * scale);
  return psi;
}

/// The 20-layer RY + CNOT-chain circuit of the issues' targets: RY on every
/// qubit (angles 0.1 + 0.01 k), then CNOT(q, q + 1) down the chain, per layer.
inline qsim::Circuit ry_cnot_layers(unsigned n, unsigned layers) {
  qsim::Circuit c(n);
  for (unsigned l = 0; l < layers; ++l) {
    for (unsigned q = 0; q < n; ++q) c.ry(0.1 + 0.01 * (l * n + q), q);
    for (unsigned q = 0; q + 1 < n; ++q) c.cx(q, q + 1);
  }
  return c;
}

/// Counters for `passes` full-state passes per iteration and `items` gates per iteration.
template <class T>
void set_counters(benchmark::State& st, unsigned n, double passes, double items) {
  const double bytes = 2.0 * std::ldexp(1.0, static_cast<int>(n)) * sizeof(std::complex<T>) * passes;
  st.SetBytesProcessed(static_cast<int64_t>(bytes * static_cast<double>(st.iterations())));
  st.SetItemsProcessed(static_cast<int64_t>(items * static_cast<double>(st.iterations())));
}

/// Google Benchmark's main, after the rows have been registered.
inline int run(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace qbench
