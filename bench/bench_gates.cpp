// Single-gate throughput of the fast kernels, next to the physical limits of
// the same run: in-place read-modify-write and copy over a buffer the size of
// the state. Rows: gate class x target position (low / mid / high) x n x
// precision x threads. bench/run turns each gate row into a fraction of the
// RMW row with the same n, precision and threads.
#include <cstring>
#include <vector>

#include "bench_support.hpp"

namespace {

using qsim::GateId;
using qsim::Operation;

// x[i] = a * x[i] over the state's bytes: one read and one write per amplitude,
// like a gate pass, with no arithmetic to speak of.
template <class T>
void BM_rmw(benchmark::State& st, unsigned n, unsigned threads) {
  auto psi = qbench::random_state<T>(n);
  T* data = reinterpret_cast<T*>(psi.data());
  const auto count = static_cast<qsim::index_t>(2 * psi.size());
  T a = static_cast<T>(0.999);
  for (auto _ : st) {
    qsim::kernels::ParallelFor(threads).ranges(count, psi.size(), [&](qsim::index_t b, qsim::index_t e) {
      for (qsim::index_t i = b; i < e; ++i) data[i] *= a;
    });
    a = static_cast<T>(1) / a;
    benchmark::ClobberMemory();
  }
  qbench::set_counters<T>(st, n, 1, 1);
}

template <class T>
void BM_copy(benchmark::State& st, unsigned n, unsigned threads) {
  auto src = qbench::random_state<T>(n);
  qsim::StateVector<T> dst(n);
  const qsim::index_t count = src.size();
  for (auto _ : st) {
    qsim::kernels::ParallelFor(threads).ranges(count, count, [&](qsim::index_t b, qsim::index_t e) {
      std::memcpy(static_cast<void*>(dst.data() + b), src.data() + b, (e - b) * sizeof(std::complex<T>));
    });
    benchmark::ClobberMemory();
  }
  qbench::set_counters<T>(st, n, 1, 1);
}

template <class T>
void BM_gate(benchmark::State& st, unsigned n, unsigned threads, Operation op) {
  auto psi = qbench::random_state<T>(n);
  qsim::validate_operation(op, n, 0);  // once: the rows time the kernels, not the checks
  for (auto _ : st) {
    qsim::kernels::apply_validated_gate(psi, op, {}, threads);
    benchmark::ClobberMemory();
  }
  qbench::set_counters<T>(st, n, 1, 1);
}

Operation gate(GateId id, std::vector<unsigned> targets, std::vector<unsigned> controls = {},
               std::vector<double> angles = {}) {
  Operation op;
  op.gate = id;
  op.targets = std::move(targets);
  op.controls = std::move(controls);
  for (double a : angles) op.params.emplace_back(a);
  return op;
}

// A fixed dense k-qubit unitary (a QFT matrix: every entry nonzero, complex).
Operation dense(std::vector<unsigned> targets) {
  const std::size_t dim = std::size_t{1} << targets.size();
  qsim::Matrix m(dim * dim);
  for (std::size_t r = 0; r < dim; ++r)
    for (std::size_t c = 0; c < dim; ++c)
      m[r * dim + c] = std::polar(1.0 / std::sqrt(static_cast<double>(dim)),
                                  2 * qsim::detail::pi * static_cast<double>(r * c) / static_cast<double>(dim));
  return qsim::make_unitary(m, std::move(targets));
}

std::vector<unsigned> range(unsigned first, unsigned count) {
  std::vector<unsigned> q(count);
  for (unsigned i = 0; i < count; ++i) q[i] = first + i;
  return q;
}

template <class T>
void register_all() {
  for (unsigned n : {12U, 16U, 20U, 24U, 26U})
    for (unsigned threads : {1U, 2U}) {
      const std::string tail =
          std::string("/") + qbench::precision<T>() + "/n:" + std::to_string(n) + "/threads:" + std::to_string(threads);
      // Rates from CPU time on 1 thread (less disturbed by other tenants of
      // this shared machine), from wall-clock time with threads.
      auto timing = [&](benchmark::internal::Benchmark* b) {
        if (threads > 1) b->UseRealTime();
      };
      timing(benchmark::RegisterBenchmark(("rmw" + tail).c_str(), BM_rmw<T>, n, threads));
      timing(benchmark::RegisterBenchmark(("copy" + tail).c_str(), BM_copy<T>, n, threads));
      struct Pos {
        const char* name;
        unsigned q;
      };
      for (Pos pos : {Pos{"low", 0}, Pos{"mid", n / 2}, Pos{"high", n - 1}}) {
        // Two-qubit gates use (q, q+1), or (n-2, n-1) at the top; k-qubit ones k consecutive qubits.
        const unsigned q2 = std::min(pos.q, n - 2);
        auto add = [&](const std::string& name, const Operation& op) {
          timing(benchmark::RegisterBenchmark(("gate/" + name + "/" + pos.name + tail).c_str(), BM_gate<T>, n, threads,
                                              op));
        };
        add("h", gate(GateId::h, {pos.q}));
        add("rx", gate(GateId::rx, {pos.q}, {}, {0.3}));
        add("x", gate(GateId::x, {pos.q}));
        add("rz", gate(GateId::rz, {pos.q}, {}, {0.3}));
        add("cx", gate(GateId::x, {q2 + 1}, {q2}));
        add("cz", gate(GateId::z, {q2 + 1}, {q2}));
        add("swap", gate(GateId::swap, {q2, q2 + 1}));
        for (unsigned k = 2; k <= 5; ++k) add("dense" + std::to_string(k), dense(range(std::min(pos.q, n - k), k)));
      }
      // Every target position at n = 24 on 1 thread: low, mid and high alone
      // hide the pair distances of 512 B to 32 KiB where the hardware
      // prefetchers fail and the kernels prefetch in software.
      // cx(q, q + 1) too: at q = 3..8 it reads only the control = 1 half of
      // lines a few hundred bytes apart (1.7-2.3 RMW passes on Zen 4, bench/README.md).
      if (n == 24 && threads == 1)
        for (unsigned q = 0; q < n; ++q) {
          for (GateId id : {GateId::h, GateId::rx}) {
            const Operation op = id == GateId::rx ? gate(id, {q}, {}, {0.3}) : gate(id, {q});
            timing(benchmark::RegisterBenchmark(("gate/" + op.name() + "/q:" + std::to_string(q) + tail).c_str(),
                                                BM_gate<T>, n, threads, op));
          }
          if (q + 1 < n)
            timing(benchmark::RegisterBenchmark(("gate/cx/q:" + std::to_string(q) + tail).c_str(), BM_gate<T>, n,
                                                threads, gate(GateId::x, {q + 1}, {q})));
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
  register_all<float>();
  register_all<double>();
  return qbench::run(argc, argv);
}
