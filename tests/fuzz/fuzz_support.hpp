#pragma once
// Shared by the libFuzzer targets: a property check that aborts (so libFuzzer
// reports the input), and the run of a parsed or built circuit on small
// states through every public path: counts (sampled and per shot), the
// state, probabilities, samples and marginal counts.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <qsim/circuit/circuit.hpp>
#include <qsim/measure/counts.hpp>
#include <qsim/simulator/simulator.hpp>

namespace fuzz {

inline void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz: property violated: %s\n", what);
    std::abort();
  }
}

/// Runs `c` when it is small enough to be quick; every call either succeeds
/// with sound results or throws qsim::error.
template <class T>
void run_small(const qsim::Circuit& c, std::uint64_t seed) {
  if (c.num_qubits() == 0 || c.num_qubits() > 8 || c.size() > 2000) return;
  const qsim::Simulator<T> sim(qsim::SimulatorOptions{1, (seed & 1) != 0, 0});
  const double tol = sizeof(T) == 4 ? 1e-3 : 1e-9;
  try {
    if (c.num_clbits() > 0) {
      const std::uint64_t shots = 1 + seed % 24;
      const qsim::Counts counts = sim.run(c, shots, seed);
      check(qsim::total_shots(counts) == shots, "counts add up to the shots");
      for (const auto& kv : counts)
        check(kv.first.size() == c.num_clbits() + c.cregs().size() - 1, "every key has one character per bit");
    }
  } catch (const qsim::error&) {
  }
  try {
    const auto psi = sim.statevector(c, seed);
    check(std::abs(psi.norm() - 1.0) < tol, "the final state is normalised");
  } catch (const qsim::error&) {
  }
  try {
    const auto p = sim.probabilities(c);
    double total = 0;
    for (double x : p) total += x;
    check(std::abs(total - 1.0) < tol, "probabilities sum to 1");
    std::vector<qsim::qubit_t> qs;
    for (unsigned q = 0; q < c.num_qubits(); q += 1 + static_cast<unsigned>(seed % 3)) qs.push_back(q);
    const qsim::Counts m = sim.marginal_counts(c, qs, 5, seed);
    check(qsim::total_shots(m) == 5, "marginal counts add up to the shots");
  } catch (const qsim::error&) {
  }
}

}  // namespace fuzz
