// Noise: trajectories of a 20-qubit, 20-layer RY + CNOT circuit with
// depolarising noise after every gate (shots per second), against the same
// circuit run noiselessly shot by shot; and the density matrix at 10-12
// qubits against the state vector at 20-24 (the same number of amplitudes),
// both as time per gate, and the density matrix with depolarising noise after
// every gate; and dynamic circuits (resets, conditions) with
// and without shot branching.
#include <string>
#include <tuple>

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

// Simulator::run of the noisy circuit with measure_all: trajectories, the
// shots spread over the threads when the state is small.
template <class T>
void BM_noisy_run(benchmark::State& st, unsigned n, double noise, std::uint64_t shots, unsigned threads) {
  qsim::Circuit c = noisy_ry_cnot(n, 20, noise);
  c.measure_all();
  qsim::SimulatorOptions o;
  o.threads = threads;
  const qsim::Simulator<T> sim(o);
  std::uint64_t seed = 0;
  for (auto _ : st) benchmark::DoNotOptimize(sim.run(c, shots, ++seed).size());
  st.counters["shots_per_second"] =
      benchmark::Counter(static_cast<double>(shots), benchmark::Counter::kIsIterationInvariantRate);
}

// Time per gate of the circuit on n qubits: density matrix or state vector;
// noise >= 0 adds depolarising noise after every gate (each gate's time then
// includes its channel's).
template <class T, bool Density>
void BM_per_gate(benchmark::State& st, unsigned n, double noise) {
  const auto c = noisy_ry_cnot(n, 4, noise);
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
  // An inverted rate is time / value: nanoseconds per gate need value = gates / 1e9.
  st.counters["ns_per_gate"] =
      benchmark::Counter(gates * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  // Per gate and amplitude: the density matrix has 4^n entries, the state 2^n.
  const double amplitudes = std::ldexp(1.0, static_cast<int>(Density ? 2 * n : n));
  st.counters["ns_per_gate_amplitude"] = benchmark::Counter(
      gates * amplitudes * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// Dynamic circuits of the shapes in issue 16: 18 qubits with 25 resets of an
// ancilla that is exactly |0> each time (computed into and uncomputed), and 12
// qubits with a mid-circuit measurement steering classically controlled gates.
qsim::Circuit reset_circuit(unsigned n, bool with_resets) {
  qsim::Circuit c(n);
  const qsim::qubit_t anc = n - 1;
  for (unsigned l = 0; l < 5; ++l) {
    for (unsigned q = 0; q + 1 < n; ++q) c.ry(0.3 + 0.01 * (l * n + q), q);
    for (unsigned q = 0; q + 2 < n; ++q) c.cx(q, q + 1);
    for (unsigned r = 0; r < 5; ++r) {
      c.cx(r, anc).cx(r, anc);  // the ancilla back in |0>
      if (with_resets) c.reset(anc);
    }
  }
  c.measure_all();
  return c;
}

qsim::Circuit conditioned_circuit(unsigned n) {
  qsim::Circuit c(n);
  c.add_creg("m", 1);
  for (unsigned q = 0; q < n; ++q) c.h(q);
  for (unsigned q = 0; q + 1 < n; ++q) c.cz(q, q + 1);
  c.measure(0, 0);
  for (unsigned q = 1; q < n; ++q) c.x(q).c_if("m", 1);
  for (unsigned q = 1; q < n; ++q) c.ry(0.2 * q, q);
  c.measure_all();
  return c;
}

// `shots` shots of `c` per iteration; branching on or off.
template <class T>
void BM_dynamic(benchmark::State& st, qsim::Circuit c, std::uint64_t shots, bool branching) {
  qsim::SimulatorOptions o;
  o.threads = 1;
  o.shot_branching = branching;
  const qsim::Simulator<T> sim(o);
  std::uint64_t seed = 0;
  for (auto _ : st) benchmark::DoNotOptimize(sim.run(c, shots, ++seed).size());
  st.counters["shots_per_second"] =
      benchmark::Counter(static_cast<double>(shots), benchmark::Counter::kIsIterationInvariantRate);
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
  for (const auto& [name, c, shots, per_shot] :
       {std::tuple{std::string("resets/n:18"), reset_circuit(18, true), 1000ULL, 20ULL},
        std::tuple{std::string("c_if/n:12"), conditioned_circuit(12), 20000ULL, 500ULL}}) {
    benchmark::RegisterBenchmark(("dynamic/" + name + "/branched/" + p).c_str(), BM_dynamic<T>, c, shots, true)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("dynamic/" + name + "/per_shot/" + p).c_str(), BM_dynamic<T>, c, per_shot, false)
        ->Unit(benchmark::kMillisecond);
  }
  for (unsigned threads : {1U, 2U})
    benchmark::RegisterBenchmark(
        ("noise/run/depolarizing:0.010/" + p + "/n:10/threads:" + std::to_string(threads)).c_str(), BM_noisy_run<T>,
        10U, 0.01, 1000ULL, threads)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  // One noiseless run of the reset circuit's gates (sampled once): the 3x target's unit.
  benchmark::RegisterBenchmark(("dynamic/resets/n:18/noiseless_once/" + p).c_str(), BM_dynamic<T>,
                               reset_circuit(18, false), 1000ULL, true)
      ->Unit(benchmark::kMillisecond);
  for (unsigned n : {10U, 11U, 12U}) {
    benchmark::RegisterBenchmark(("noise/density_matrix/" + p + "/dm_qubits:" + std::to_string(n)).c_str(),
                                 BM_per_gate<T, true>, n, -1.0)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("noise/density_matrix_depolarized/" + p + "/dm_qubits:" + std::to_string(n)).c_str(),
                                 BM_per_gate<T, true>, n, 0.01)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("noise/statevector/" + p + "/sv_qubits:" + std::to_string(2 * n)).c_str(),
                                 BM_per_gate<T, false>, 2 * n, -1.0)
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all<float>();
  register_all<double>();
  return qbench::run(argc, argv);
}
