// The ML layer's costs (issue 4, point 9): forward pass with its expectation
// value and the adjoint gradient of all 2nL angles, for n qubits and L = 5
// layers of (RY, RZ on every qubit, CNOT chain) with H = sum_i Z_i, double,
// 1 thread; and training throughput of a QuantumLayer (batch 256).
//
// BM_gradient_ratio times forward and backward alternately inside the same
// iterations, so both see the same machine load; run it with
// --benchmark_repetitions=5 --benchmark_report_aggregates_only=true and read
// the medians of the ratio counters:
//   backward/forward         backward (H|psi> + sweep) over forward with apply_gate
//   backward/fused_forward   the same backward over a forward that applies the
//                            gates with the same one-target kernel (one vector)
//   gradient/forward         (forward + backward) over forward
#include <benchmark/benchmark.h>

#include <chrono>
#include <random>
#ifdef _OPENMP
#include <omp.h>
#endif

#include <qsim/qsim.hpp>

namespace {

constexpr std::size_t kLayers = 5;

struct Workload {
  qsim::Circuit c;
  std::vector<double> w;
  qsim::ml::PauliSum h;
  explicit Workload(unsigned n) : c(n), h(qsim::ml::sum_of_z(n)) {
    w.resize(qsim::ml::hardware_efficient_ansatz(c, kLayers, n));
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<double> angle(-3, 3);
    for (auto& v : w) v = angle(rng);
  }
  qsim::Binding binding() const { return {w.data(), w.size(), nullptr, 0}; }
};

void one_thread() {
#ifdef _OPENMP
  omp_set_num_threads(1);
#endif
}

// Forward with the library's gate entry point (kernels::apply_gate) + <H>.
double forward(const Workload& wl, qsim::StateVector<double>& psi) {
  psi.reset();
  qsim::ml::detail::run_gates(wl.c, wl.binding(), psi);
  return qsim::ml::expectation(psi, wl.h);
}

// Forward whose gates go through the same one-target kernel as the backward
// sweep, applied to one vector: the like-for-like baseline of the ratio.
double fused_forward(const Workload& wl, qsim::StateVector<double>& psi) {
  psi.reset();
  const std::vector<qsim::Matrix> none;
  for (const auto& op : wl.c.operations()) {
    qsim::index_t cmask = 0;
    for (auto q : op.controls) cmask |= qsim::index_t{1} << q;
    qsim::kernels::active_kernels<double>().adjoint_one_target(
        psi, nullptr, op.targets[0], cmask, op.bound_matrix(wl.binding()), none, nullptr, qsim::GateId::unitary);
  }
  return qsim::ml::expectation(psi, wl.h);
}

// Backward from the final state: lambda = H psi, then the adjoint sweep.
void backward(const Workload& wl, qsim::StateVector<double>& psi, qsim::StateVector<double>& lam,
              std::vector<double>& grad) {
  std::fill(grad.begin(), grad.end(), 0.0);
  qsim::ml::apply_pauli_sum(wl.h, psi, lam);
  qsim::ml::adjoint_sweep(wl.c, wl.binding(), psi, lam, grad.data(), nullptr);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void BM_gradient_ratio(benchmark::State& st) {
  one_thread();
  const auto n = static_cast<unsigned>(st.range(0));
  const Workload wl(n);
  qsim::StateVector<double> psi(n), lam(n);
  std::vector<double> grad(wl.w.size());
  double t_fwd = 0, t_fused = 0, t_bwd = 0;
  for (auto _ : st) {
    auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(fused_forward(wl, psi));
    t_fused += seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(forward(wl, psi));
    t_fwd += seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    backward(wl, psi, lam, grad);
    t_bwd += seconds_since(t0);
    benchmark::DoNotOptimize(grad.data());
  }
  const double it = static_cast<double>(st.iterations());
  st.counters["forward_ms"] = 1e3 * t_fwd / it;
  st.counters["fused_forward_ms"] = 1e3 * t_fused / it;
  st.counters["backward_ms"] = 1e3 * t_bwd / it;
  st.counters["backward/forward"] = t_bwd / t_fwd;
  st.counters["backward/fused_forward"] = t_bwd / t_fused;
  st.counters["gradient/forward"] = (t_fwd + t_bwd) / t_fwd;
  st.counters["params"] = static_cast<double>(wl.w.size());
}
BENCHMARK(BM_gradient_ratio)->DenseRange(4, 20, 4)->Unit(benchmark::kMillisecond)->UseRealTime();

// The two halves on their own, for bytes/items per second.
void BM_forward(benchmark::State& st) {
  one_thread();
  const auto n = static_cast<unsigned>(st.range(0));
  const Workload wl(n);
  qsim::StateVector<double> psi(n);
  for (auto _ : st) benchmark::DoNotOptimize(forward(wl, psi));
  const auto gates = static_cast<std::int64_t>(wl.c.size());
  st.SetItemsProcessed(st.iterations() * gates);
  st.SetBytesProcessed(st.iterations() * gates * 2 * static_cast<std::int64_t>(psi.size() * sizeof(psi[0])));
}
BENCHMARK(BM_forward)->DenseRange(4, 16, 4)->Unit(benchmark::kMillisecond);

void BM_adjoint_gradient(benchmark::State& st) {
  one_thread();
  const auto n = static_cast<unsigned>(st.range(0));
  const Workload wl(n);
  for (auto _ : st) benchmark::DoNotOptimize(qsim::ml::adjoint_gradient<double>(wl.c, wl.h, wl.binding()));
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(wl.w.size()));
}
BENCHMARK(BM_adjoint_gradient)->DenseRange(4, 16, 4)->Unit(benchmark::kMillisecond);

// Training throughput: samples per second through forward + backward of a
// QuantumLayer (angle embedding of n features, the L = 5 ansatz, n outputs
// <Z_i>), batch 256, on `threads` OpenMP threads (0: all).
void BM_training_throughput(benchmark::State& st) {
  const auto n = static_cast<unsigned>(st.range(0));
  const auto threads = static_cast<unsigned>(st.range(1));
  qsim::Circuit c(n);
  qsim::ml::angle_embedding(c, n, qsim::ml::Rotation::y);
  qsim::ml::hardware_efficient_ansatz(c, kLayers, n);
  std::vector<qsim::ml::PauliSum> obs;
  for (unsigned q = 0; q < n; ++q) obs.push_back({{1.0, "Z" + std::to_string(q)}});
  qsim::ml::LayerOptions opt;
  opt.threads = threads;
  qsim::ml::QuantumLayer<double> layer(c, obs, opt);
  const Eigen::Index batch = 256;
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-1, 1);
  Eigen::MatrixXd x(batch, n), dy(batch, n);
  for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = u(rng), dy(i) = u(rng);
  for (auto _ : st) {
    benchmark::DoNotOptimize(layer.forward(x).data());
    benchmark::DoNotOptimize(layer.backward(dy).data());
  }
  st.SetItemsProcessed(st.iterations() * batch);
}
BENCHMARK(BM_training_throughput)
    ->ArgsProduct({{4, 8, 12}, {1, 0}})
    ->ArgNames({"n", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
