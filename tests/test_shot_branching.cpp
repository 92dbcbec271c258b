// Shot branching: circuits with mid-circuit measurement, reset, conditions,
// readout errors and noise give counts that follow the exact distribution
// (qref::exact_counts, which follows every measurement branch) and the
// per-shot path's, by chi-square with fixed seeds; the same seed gives the
// same counts for 1 and 2 threads; a tight branch budget falls back to shot
// by shot with the same statistics.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "support/chi_square.hpp"
#include "support/qasm_reference.hpp"
#include "support/random_circuit.hpp"

namespace {

qsim::SimulatorOptions options(bool branching, unsigned threads = 1,
                               std::size_t max_branch_bytes = std::size_t{1} << 30) {
  qsim::SimulatorOptions o;
  o.shot_branching = branching;
  o.threads = threads;
  o.parallel_min_amplitudes = 0;
  o.max_branch_bytes = max_branch_bytes;
  return o;
}

// Many resets of qubits already in |0> and measurements with certain outcomes, one random one.
qsim::Circuit certain_outcomes(unsigned n) {
  qsim::Circuit c(n, n);
  for (unsigned round = 0; round < 5; ++round)
    for (unsigned q = 0; q < n; ++q) {
      c.reset(q);
      if (q % 3 == 0) c.x(q).measure(q, q).x(q);
    }
  c.h(0).cx(0, 1).measure(0, 0).measure(1, 1);
  return c;
}

template <class T>
void check_against_exact(const qsim::Circuit& c, std::uint64_t shots, std::uint64_t seed) {
  const auto expected = qref::exact_counts(c);
  const auto branched = qsim::Simulator<T>(options(true)).run(c, shots, seed);
  const auto per_shot = qsim::Simulator<T>(options(false)).run(c, shots, seed);
  CHECK(qsim::total_shots(branched) == shots);
  CHECK(stats::chi_square(branched, expected) < stats::critical(expected.size() - 1));
  CHECK(stats::chi_square(per_shot, expected) < stats::critical(expected.size() - 1));
  // Thread counts and repeated runs give the same counts.
  CHECK(qsim::Simulator<T>(options(true, 2)).run(c, shots, seed) == branched);
  CHECK(qsim::Simulator<T>(options(true)).run(c, shots, seed) == branched);
  // A budget of one branch: the groups finish shot by shot, with the same statistics.
  const auto tight = qsim::Simulator<T>(options(true, 1, 1)).run(c, shots, seed);
  CHECK(qsim::total_shots(tight) == shots);
  CHECK(stats::chi_square(tight, expected) < stats::critical(expected.size() - 1));
  // Shots in parallel (the states are below the kernels' threading threshold): per shot, the
  // one-branch fallback and the density matrix's per-shot runs give the one-thread counts
  // (on fewer shots: threads are slow under the sanitizers).
  const auto shots_in_parallel = [](qsim::SimulatorOptions o) {
    o.threads = 2;
    o.parallel_min_amplitudes = qsim::kernels::ParallelFor::default_min_amplitudes;
    return o;
  };
  const std::uint64_t few = std::min<std::uint64_t>(shots, 1000);
  for (const auto& o : {options(false), options(true, 1, 1)})
    CHECK(qsim::Simulator<T>(shots_in_parallel(o)).run(c, few, seed) == qsim::Simulator<T>(o).run(c, few, seed));
  if (c.num_qubits() <= 4)
    CHECK(qsim::DensityMatrixSimulator<T>(shots_in_parallel(options(false))).run(c, few, seed) ==
          qsim::DensityMatrixSimulator<T>(options(false)).run(c, few, seed));
}

}  // namespace

TEMPLATE_TEST_CASE("shot branching follows the exact distribution of dynamic circuits", "[branching]", float, double) {
  SECTION("teleportation with conditions and a reset") {
    check_against_exact<TestType>(qref::teleportation_circuit(), 20000, 3);
  }
  SECTION("resets and measurements with certain outcomes") {
    check_against_exact<TestType>(certain_outcomes(6), 5000, 4);
  }
  SECTION("a measured qubit reused in a random circuit") {
    std::mt19937_64 rng(5);
    qsim::Circuit c(4, 6);
    for (int g = 0; g < 12; ++g) kcheck::append_core_gate(c, rng);
    c.measure(1, 0).measure(3, 1);
    for (int g = 0; g < 12; ++g) kcheck::append_core_gate(c, rng);
    c.x(0).c_if("c", 1);
    c.measure(0, 2).measure(1, 3).measure(2, 4).measure(3, 5);
    check_against_exact<TestType>(c, 20000, 6);
  }
}

TEST_CASE("shot branching with readout errors and noise matches the per-shot path", "[branching][noise]") {
  // A GHZ measured mid-circuit through a readout error, then re-measured after noise.
  qsim::Circuit c(3, 6);
  c.h(0).cx(0, 1).cx(1, 2).measure(0, 0, qsim::ReadoutError{0.1, 0.2});
  c.depolarizing(0.2, 1).amplitude_damping(0.3, 2).measure(1, 1);
  c.x(2).c_if("c", 1);
  c.measure(0, 3).measure(1, 4).measure(2, 5, qsim::ReadoutError{0.05, 0.0});
  const auto branched = qsim::Simulator<double>(options(true)).run(c, 40000, 8);
  const auto per_shot = qsim::Simulator<double>(options(false)).run(c, 40000, 9);
  // Two samples of one distribution, equal sizes: sum over outcomes of (a - b)^2 / (a + b).
  std::map<std::string, std::pair<double, double>> both;
  for (const auto& [key, n] : branched) both[key].first = static_cast<double>(n);
  for (const auto& [key, n] : per_shot) both[key].second = static_cast<double>(n);
  double chi2 = 0;
  for (const auto& [key, ab] : both) chi2 += (ab.first - ab.second) * (ab.first - ab.second) / (ab.first + ab.second);
  CHECK(both.size() > 8);
  CHECK(chi2 < stats::critical(both.size() - 1));
  CHECK(qsim::Simulator<double>(options(true, 2)).run(c, 40000, 8) == branched);
}
