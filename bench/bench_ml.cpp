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

#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>
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

// ---- The training workloads of issue 13 -------------------------------------
// moons: 2 qubits, 4 x (RY(x0) q0, RY(x1) q1, Rot on each qubit, CNOT(0,1),
//        CNOT(1,0)), outputs <Z0>, <Z1>, batch 200;
// n8 / n16: RY angle embedding of n features, 4 x (Rot on every qubit, CNOT
//        ring i -> i+1 mod n), outputs <Z_i> for all i, batch 256 / 32.
// Rows BM_train/<workload>/<engine>/<pass>/threads:<t>, pass = forward,
// fwd_bwd (forward + backward) or epoch (forward + backward + Adam step).
// Counters: items_per_second = samples per second; floor_ms = the larger of
// the arithmetic floor (real FMAs of the circuit / this core's measured FMA
// rate x threads) and the memory floor (the tape's bytes, written by forward
// and read by backward, / the measured read-modify-write bandwidth);
// x_floor = time per iteration / floor_ms.

struct Training {
  qsim::Circuit c;
  std::vector<qsim::ml::PauliSum> obs;
  Eigen::MatrixXd x, dy;
};

// `name`: moons, n8, n16, or "sel" (the n8 circuit on `qubits` qubits, batch `batch_size`).
Training training_workload(const std::string& name, unsigned qubits = 0, Eigen::Index batch_size = 0) {
  const unsigned n = name == "moons" ? 2 : name == "n8" ? 8 : name == "n16" ? 16 : qubits;
  const Eigen::Index batch = name == "moons" ? 200 : name == "n8" ? 256 : name == "n16" ? 32 : batch_size;
  Training t{qsim::Circuit(n), {}, {}, {}};
  std::size_t w = 0;
  for (int l = 0; l < 4; ++l) {
    if (name == "moons" || l == 0) qsim::ml::angle_embedding(t.c, n, qsim::ml::Rotation::y);
    w += qsim::ml::strongly_entangling_layers(t.c, 1, n, w);  // one layer: range 1, the ring i -> i+1
  }
  for (unsigned q = 0; q < n; ++q) t.obs.push_back({{1.0, "Z" + std::to_string(q)}});
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(-1.5, 1.5);
  t.x.resize(batch, n);
  t.dy.resize(batch, n);
  for (Eigen::Index i = 0; i < t.x.size(); ++i) t.x(i) = u(rng), t.dy(i) = u(rng) / 3;
  return t;
}

// Real fused multiply-adds per second of one core, full-width vectors of T.
template <class T>
double fma_rate() {
  static const double rate = [] {
    using V = xsimd::batch<T>;
    constexpr int acc = 12;  // enough independent chains to cover the FMA latency
    V a[acc];
    for (int j = 0; j < acc; ++j) a[j] = V(static_cast<T>(1 + j * 1e-3));
    const V m(static_cast<T>(0.999999)), c(static_cast<T>(1e-7));
    const long iters = 20'000'000;
    const auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < iters; ++i)
      for (int j = 0; j < acc; ++j) a[j] = xsimd::fma(a[j], m, c);
    const double s = seconds_since(t0);
    T sink = 0;
    for (int j = 0; j < acc; ++j) sink += xsimd::hadd(a[j]);
    benchmark::DoNotOptimize(sink);
    return static_cast<double>(iters) * acc * static_cast<double>(V::size) / s;
  }();
  return rate;
}

// Read-modify-write bandwidth (bytes read + written per second) on `threads`
// threads over a 128 MiB buffer, the median of 5 passes.
double rmw_bandwidth(int threads) {
  static double rate[3] = {0, 0, 0};
  if (rate[threads] > 0) return rate[threads];
  std::vector<double> buf(std::size_t{16} << 20, 1.0);
  std::vector<double> times;
  for (int r = 0; r < 6; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto size = static_cast<std::ptrdiff_t>(buf.size());
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::ptrdiff_t i = 0; i < size; ++i) buf[static_cast<std::size_t>(i)] *= 1.0000001;
    if (r > 0) times.push_back(seconds_since(t0));  // the first pass also faults the pages in
  }
  benchmark::DoNotOptimize(buf.data());
  std::sort(times.begin(), times.end());
  return rate[threads] = 2.0 * static_cast<double>(buf.size() * sizeof(double)) / times[times.size() / 2];
}

// Real FMAs of one sample: forward applies every step (dense k-qubit: 2^n x
// 2^k complex multiply-adds, diagonal: 2^n, permutation: none) and takes
// each <Z_i> (2 per amplitude); backward forms lambda (2 per amplitude and
// output), applies every step to psi and lambda, and takes the gradient of
// each trainable step (2^n x 2^k complex multiply-adds, however many angles).
double sample_fmas(const qsim::ml::Program& prog, unsigned n, std::size_t outputs, bool backward) {
  const double size = std::ldexp(1.0, static_cast<int>(n));
  double apply = 0, grad = 0;
  for (const auto& s : prog.steps()) {
    const double cost = s.kind == qsim::kernels::MatrixKind::permutation ? 0
                        : s.kind == qsim::kernels::MatrixKind::diagonal  ? size
                                                                         : size * static_cast<double>(s.dim());
    apply += 4 * cost;
    if (!s.slots.empty()) grad += 4 * size * static_cast<double>(s.dim());
  }
  const double expect = 2 * size * static_cast<double>(outputs);
  return apply + expect + (backward ? 2 * apply + grad + expect : 0);
}

template <class T>
void BM_train(benchmark::State& st, const std::string& workload, qsim::ml::Engine engine, int pass, int threads) {
  const Training t = training_workload(workload);
  qsim::ml::LayerOptions opt;
  opt.threads = static_cast<unsigned>(threads);
  opt.engine = engine;
  qsim::ml::QuantumLayer<T> layer(t.c, t.obs, opt);
  qsim::ml::Adam adam(0.01);
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : st) {
    layer.zero_grad();
    benchmark::DoNotOptimize(layer.forward(t.x).data());
    if (pass == 0) continue;
    benchmark::DoNotOptimize(layer.backward(t.dy).data());
    if (pass == 2) adam.step(0, layer.weights(), layer.weight_gradient());
  }
  const double elapsed = seconds_since(t0);
  const auto batch = static_cast<double>(t.x.rows());
  const unsigned n = t.c.num_qubits();
  const double arith =
      batch * sample_fmas(qsim::ml::Program(t.c), n, t.obs.size(), pass > 0) / (fma_rate<T>() * threads);
  const double memory =
      batch * std::ldexp(1.0, static_cast<int>(n)) * 2 * sizeof(T) * (pass > 0 ? 2 : 1) / rmw_bandwidth(threads);
  const double floor = std::max(arith, memory);
  const auto it = static_cast<double>(st.iterations());
  st.SetItemsProcessed(st.iterations() * t.x.rows());
  st.counters["floor_ms"] = 1e3 * floor;
  st.counters["arith_floor_ms"] = 1e3 * arith;
  st.counters["memory_floor_ms"] = 1e3 * memory;
  st.counters["x_floor"] = elapsed / it / floor;
}

// Where the batched engine stops paying: forward + backward of the n8 circuit
// on n qubits, batch 64, 1 thread, on both engines (docs/ml.md).
void BM_engine_crossover(benchmark::State& st, unsigned n, qsim::ml::Engine engine) {
  const Training t = training_workload("sel", n, 64);
  qsim::ml::LayerOptions opt;
  opt.threads = 1;
  opt.engine = engine;
  qsim::ml::QuantumLayer<double> layer(t.c, t.obs, opt);
  for (auto _ : st) {
    benchmark::DoNotOptimize(layer.forward(t.x).data());
    benchmark::DoNotOptimize(layer.backward(t.dy).data());
  }
  st.SetItemsProcessed(st.iterations() * t.x.rows());
}

// Registers the training rows (a custom main, so that they carry names).
void register_training_rows() {
  using qsim::ml::Engine;
  const std::pair<const char*, Engine> engines[] = {
      {"batched", Engine::batched}, {"per_sample", Engine::per_sample}, {"reference", Engine::reference}};
  const char* passes[] = {"forward", "fwd_bwd", "epoch"};
  for (const std::string workload : {"moons", "n8", "n16"})
    for (const auto& [ename, engine] : engines) {
      if (workload == "n16" && engine == Engine::batched) continue;  // past batched_max_qubits
      for (int pass = 0; pass < 3; ++pass) {
        if (pass == 2 && workload != "moons") continue;
        for (int threads : {1, 2}) {
          if (engine == Engine::reference && threads == 2) continue;
          const std::string name =
              "BM_train/" + workload + "/" + ename + "/" + passes[pass] + "/threads:" + std::to_string(threads);
          benchmark::RegisterBenchmark(name.c_str(), BM_train<double>, workload, engine, pass, threads)
              ->Unit(benchmark::kMillisecond)
              ->UseRealTime();
          if (workload == "moons" && engine == Engine::batched && pass == 2)
            benchmark::RegisterBenchmark((name + "/float").c_str(), BM_train<float>, workload, engine, pass, threads)
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime();
        }
      }
    }
}

}  // namespace

int main(int argc, char** argv) {
  register_training_rows();
  for (unsigned n = 6; n <= 16; ++n)
    for (auto engine : {qsim::ml::Engine::batched, qsim::ml::Engine::per_sample})
      benchmark::RegisterBenchmark(
          ("BM_engine_crossover/n:" + std::to_string(n) + "/" + qsim::ml::engine_name(engine)).c_str(),
          BM_engine_crossover, n, engine)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
