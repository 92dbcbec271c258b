// Noise: trajectories of a 20-qubit, 20-layer RY + CNOT circuit with
// depolarising noise after every gate (shots per second), against the same
// circuit run noiselessly shot by shot; and the density matrix at 10-12
// qubits against the state vector at 20-24 (the same number of amplitudes),
// both as time per gate.
#include <string>

#include "bench_support.hpp"

namespace {

// The RY + CNOT circuit with depolarising noise of rate p after every gate (p < 0: none).
qsim::Circuit noisy_ry_cnot(unsigned n, unsigned layers, double p) {
  const qsim::Circuit c = qbench::ry_cnot_layers(n, layers);
  if (p < 0) return c;
  qsim::NoiseModel model;
  model.add_all_qubit_error(qsim::channels::depolarizing(p), {"ry"});
  model.add_all_qubit_error(qsim::channels::depolarizing2(p), {"cx"});
  return model.apply(c);
}

std::size_t gate_count(const qsim::Circuit& c) {
  std::size_t n = 0;
  for (const auto& op : c.operations()) n += op.is_gate() ? 1 : 0;
  return n;
}

// `shots` trajectories per iteration (noise < 0: the noiseless circuit, one state per shot).
template <class T>
void BM_trajectories(benchmark::State& st, unsigned n, double noise, std::uint64_t shots) {
  const auto c = noisy_ry_cnot(n, 20, noise);
  qsim::SimulatorOptions o;
  o.threads = 1;
  const qsim::Simulator<T> sim(o);
  std::uint64_t seed = 0;
  for (auto _ : st)
    for (std::uint64_t s = 0; s < shots; ++s) {
      auto psi = sim.statevector(c, ++seed);
      benchmark::DoNotOptimize(psi.data());
    }
  st.counters["shots_per_second"] =
      benchmark::Counter(static_cast<double>(shots), benchmark::Counter::kIsIterationInvariantRate);
}

// Time per gate of the circuit on n qubits: density matrix or state vector.
template <class T, bool Density>
void BM_per_gate(benchmark::State& st, unsigned n) {
  const auto c = qbench::ry_cnot_layers(n, 4);
  qsim::SimulatorOptions o;
  o.threads = 1;
  for (auto _ : st) {
    if constexpr (Density) {
      auto rho = qsim::DensityMatrixSimulator<T>(o).density_matrix(c);
      benchmark::DoNotOptimize(rho.vectorised().data());
    } else {
      auto psi = qsim::Simulator<T>(o).statevector(c);
      benchmark::DoNotOptimize(psi.data());
    }
  }
  const double gates = static_cast<double>(gate_count(c));
  st.counters["ns_per_gate"] =
      benchmark::Counter(gates * 1e9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  // Per gate and amplitude: the density matrix has 4^n entries, the state 2^n.
  const double amplitudes = std::ldexp(1.0, static_cast<int>(Density ? 2 * n : n));
  st.counters["ns_per_gate_amplitude"] = benchmark::Counter(
      gates * amplitudes * 1e9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

template <class T>
void register_all() {
  const std::string p = qbench::precision<T>();
  for (double noise : {-1.0, 0.0, 0.001, 0.01}) {
    const std::string name = noise < 0 ? "noiseless" : "depolarizing:" + std::to_string(noise).substr(0, 5);
    benchmark::RegisterBenchmark(("noise/trajectories/" + name + "/" + p + "/n:20/threads:1").c_str(),
                                 BM_trajectories<T>, 20U, noise, 4ULL)
        ->Unit(benchmark::kMillisecond);
  }
  for (unsigned n : {10U, 11U, 12U}) {
    benchmark::RegisterBenchmark(("noise/density_matrix/" + p + "/dm_qubits:" + std::to_string(n)).c_str(),
                                 BM_per_gate<T, true>, n)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("noise/statevector/" + p + "/sv_qubits:" + std::to_string(2 * n)).c_str(),
                                 BM_per_gate<T, false>, 2 * n)
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all<float>();
  register_all<double>();
  return qbench::run(argc, argv);
}
