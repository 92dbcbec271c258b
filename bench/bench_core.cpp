// Core workloads with the scalar reference kernels: sampling and the GHZ run.
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
  for (auto _ : st) benchmark::DoNotOptimize(sim.run(c, 1024, 1));
}
BENCHMARK(BM_ghz_run)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
