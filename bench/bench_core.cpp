// Core workloads with the scalar reference kernels: sampling and the GHZ run.
// Each reports energy next to time (J_per_gate / J_per_shot and W counters,
// labelled "energy estimated" on machines without RAPL/NVML sensors).
#include <benchmark/benchmark.h>

#include <qsim/qsim.hpp>

namespace {

// 10^6 shots from an n-qubit state: the O(2^n + shots) sampler.
void BM_sample_shots(benchmark::State& st) {
  const auto n = static_cast<unsigned>(st.range(0));
  const auto shots = static_cast<std::uint64_t>(st.range(1));
  qsim::StateVector<double> psi(n);
  const double amp = 1.0 / std::sqrt(static_cast<double>(psi.size()));
  for (auto& a : psi) a = amp;
  std::uint64_t seed = 0;
  qsim::energy::BenchmarkEnergy energy(st, static_cast<double>(shots), "shot");
  for (auto _ : st) {
    auto samples = qsim::sample_indices(psi.probabilities(), shots, ++seed);
    benchmark::DoNotOptimize(samples.data());
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()) * static_cast<int64_t>(shots));
}
BENCHMARK(BM_sample_shots)->Args({20, 1000000})->Unit(benchmark::kMillisecond);

void BM_ghz_run(benchmark::State& st) {
  qsim::Circuit c(3);
  c.h(0).cx(0, 1).cx(1, 2).measure_all();
  qsim::Simulator<double> sim;
  qsim::energy::BenchmarkEnergy energy(st, 3.0);  // 3 gates per run
  for (auto _ : st) benchmark::DoNotOptimize(sim.run(c, 1024, 1));
}
BENCHMARK(BM_ghz_run)->Unit(benchmark::kMicrosecond);

// One Hadamard pass over an n-qubit state: energy per gate where the memory traffic dominates.
void BM_h_gate(benchmark::State& st) {
  const auto n = static_cast<unsigned>(st.range(0));
  qsim::StateVector<double> psi(n);
  qsim::Circuit c(n);
  c.h(n / 2);
  const qsim::Simulator<double> sim;
  qsim::energy::BenchmarkEnergy energy(st, 1.0);
  for (auto _ : st) {
    sim.apply(c.operations()[0], psi);
    benchmark::ClobberMemory();
  }
  const auto bytes = static_cast<int64_t>(2 * psi.size() * sizeof(psi[0]));  // read + write
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations()) * bytes);
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()));
}
BENCHMARK(BM_h_gate)->Arg(20)->Arg(24)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
