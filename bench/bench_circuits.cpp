// Whole circuits: the 20-layer RY + CNOT-chain circuit (fused and unfused),
// the QFT, and sampling 10^6 shots from a 24-qubit state.
#include "bench_support.hpp"

namespace {

qsim::Circuit ry_cnot_layers(unsigned n, unsigned layers) {
  qsim::Circuit c(n);
  for (unsigned l = 0; l < layers; ++l) {
    for (unsigned q = 0; q < n; ++q) c.ry(0.1 + 0.01 * (l * n + q), q);
    for (unsigned q = 0; q + 1 < n; ++q) c.cx(q, q + 1);
  }
  return c;
}

qsim::Circuit qft(unsigned n) {
  qsim::Circuit c(n);
  for (unsigned j = n; j-- > 0;) {
    c.h(j);
    for (unsigned k = j; k-- > 0;) c.cp(qsim::detail::pi / static_cast<double>(1ULL << (j - k)), k, j);
  }
  for (unsigned q = 0; q < n / 2; ++q) c.swap(q, n - 1 - q);
  return c;
}

template <class T>
void BM_circuit(benchmark::State& st, qsim::Circuit c, qsim::SimulatorOptions o) {
  const unsigned n = c.num_qubits();
  qsim::StateVector<T> psi(n);
  const qsim::Simulator<T> sim(o);
  for (auto _ : st) {
    psi.reset();
    sim.apply(c, psi);
    benchmark::ClobberMemory();
  }
  const double gates = static_cast<double>(c.operations().size());
  qbench::set_counters<T>(st, n, gates, gates);  // bytes as if unfused: one pass per gate
}

// Shots drawn from a 24-qubit state: probabilities, then the O(2^n + shots) sampler.
template <class T>
void BM_sample(benchmark::State& st, unsigned n, std::uint64_t shots) {
  const auto psi = qbench::random_state<T>(n);
  std::uint64_t seed = 0;
  for (auto _ : st) {
    auto samples = qsim::sample_indices(psi, shots, ++seed);
    benchmark::DoNotOptimize(samples.data());
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * shots));
}

template <class T>
void register_all() {
  const std::string p = qbench::precision<T>();
  for (unsigned n : {20U, 24U})
    for (unsigned threads : {1U, 2U}) {
      const std::string tail = "/" + p + "/n:" + std::to_string(n) + "/threads:" + std::to_string(threads);
      qsim::SimulatorOptions fused, unfused;
      fused.threads = unfused.threads = threads;
      unfused.fusion = false;
      // CPU time on 1 thread (see bench_gates.cpp), wall-clock time with threads.
      auto add = [&](const std::string& name, const qsim::Circuit& c, const qsim::SimulatorOptions& o) {
        auto* b = benchmark::RegisterBenchmark((name + tail).c_str(), BM_circuit<T>, c, o);
        b->Unit(benchmark::kMillisecond);
        if (threads > 1) b->UseRealTime();
      };
      add("circuit/ry_cnot20/fused", ry_cnot_layers(n, 20), fused);
      add("circuit/ry_cnot20/unfused", ry_cnot_layers(n, 20), unfused);
      add("circuit/qft/fused", qft(n), fused);
      add("circuit/qft/unfused", qft(n), unfused);
      for (unsigned k = 2; k <= 5; ++k) {
        qsim::SimulatorOptions ok = fused;
        ok.max_fused_qubits = k;
        add("circuit/ry_cnot20/fused" + std::to_string(k), ry_cnot_layers(n, 20), ok);
      }
    }
  benchmark::RegisterBenchmark(("sample/1e6_shots/" + p + "/n:24").c_str(), BM_sample<T>, 24U, 1000000ULL)
      ->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
  register_all<float>();
  register_all<double>();
  return qbench::run(argc, argv);
}
