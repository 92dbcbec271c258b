// Whole circuits: the 20-layer RY + CNOT-chain circuit, the QFT and a random
// grid circuit of Google qsim's family, each unfused, fused and cache-blocked;
// and sampling 10^6 shots from a 24-qubit state. Every circuit row also
// reports `rmw_passes`: its time in units of one read-modify-write pass over
// the same state on the same threads, measured just before the row.
#include <algorithm>
#include <chrono>
#include <map>
#include <utility>

#include "bench_support.hpp"

namespace {

qsim::Circuit qft(unsigned n) {
  qsim::Circuit c(n);
  for (unsigned j = n; j-- > 0;) {
    c.h(j);
    for (unsigned k = j; k-- > 0;) c.cp(qsim::detail::pi / static_cast<double>(1ULL << (j - k)), k, j);
  }
  for (unsigned q = 0; q < n / 2; ++q) c.swap(q, n - 1 - q);
  return c;
}

/**
 * A random circuit of the family Google qsim ships as circuit_q24 (Boixo et
 * al., "Characterizing quantum supremacy in near-term devices"): qubits on a
 * grid of `cols` columns, H on all, then `cycles` cycles of CZ on one of
 * eight coupler patterns; a qubit leaving a CZ gets T the first time, then
 * sqrt(X), sqrt(Y) or T at random, never the same twice in a row.
 */
qsim::Circuit grid_circuit(unsigned n, unsigned cols, unsigned cycles, std::uint64_t seed) {
  qsim::Circuit c(n);
  const unsigned rows = (n + cols - 1) / cols;
  for (unsigned q = 0; q < n; ++q) c.h(q);
  std::mt19937_64 rng(seed);
  std::vector<int> last(n, -1);  // last single-qubit gate: -1 none, 0 T, 1 sqrt X, 2 sqrt Y
  std::vector<bool> was_in_cz(n, false);
  for (unsigned cycle = 0; cycle < cycles; ++cycle) {
    // Patterns 0-3 horizontal, 4-7 vertical: by the parity of the coupler's column (row) and of its row (column).
    const unsigned pattern = cycle % 8, along = (pattern >> 1) & 1U, across = pattern & 1U;
    std::vector<bool> in_cz(n, false);
    for (unsigned r = 0; r < rows; ++r)
      for (unsigned k = 0; k < cols; ++k) {
        const unsigned q = r * cols + k;
        const bool horizontal = pattern < 4;
        const unsigned a = horizontal ? k : r, b = horizontal ? r : k;
        const unsigned p = horizontal ? q + 1 : q + cols;
        if ((horizontal ? k + 1 < cols : r + 1 < rows) && p < n && a % 2 == along && b % 2 == across) {
          c.cz(q, p);
          in_cz[q] = in_cz[p] = true;
        }
      }
    for (unsigned q = 0; q < n; ++q) {
      if (!was_in_cz[q] || in_cz[q]) continue;
      int g = 0;
      if (last[q] >= 0) {
        do {
          g = static_cast<int>(rng() % 3);
        } while (g == last[q]);
      }
      if (g == 0) c.t(q);
      if (g == 1) c.sx(q);
      if (g == 2) c.ry(qsim::detail::pi / 2, q);
      last[q] = g;
    }
    was_in_cz = in_cz;
  }
  return c;
}

// Seconds of one read-modify-write pass over `psi` on `threads` threads:
// the median of 15 passes, measured once per state size, precision and
// thread count, so that every row of one shape is divided by the same figure.
template <class T>
double rmw_pass_seconds(qsim::StateVector<T>& psi, unsigned threads) {
  static std::map<std::pair<unsigned, unsigned>, double> measured;
  const auto key = std::make_pair(psi.num_qubits(), threads);
  if (const auto it = measured.find(key); it != measured.end()) return it->second;
  T* data = reinterpret_cast<T*>(psi.data());
  const auto count = static_cast<qsim::index_t>(2 * psi.size());
  std::vector<double> times;
  for (int r = 0; r < 15; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    qsim::kernels::ParallelFor(threads).ranges(count, psi.size(), [&](qsim::index_t b, qsim::index_t e) {
      for (qsim::index_t i = b; i < e; ++i) data[i] *= static_cast<T>(r % 2 ? 0.5 : 2.0);
    });
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  benchmark::DoNotOptimize(data);
  std::sort(times.begin(), times.end());
  return measured[key] = times[times.size() / 2];
}

template <class T>
void BM_circuit(benchmark::State& st, qsim::Circuit c, qsim::SimulatorOptions o) {
  const unsigned n = c.num_qubits();
  qsim::StateVector<T> psi(n);
  const qsim::Simulator<T> sim(o);
  const double rmw = rmw_pass_seconds(psi, o.threads);
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : st) {
    psi.reset();
    sim.apply(c, psi);
    benchmark::ClobberMemory();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double gates = static_cast<double>(c.operations().size());
  qbench::set_counters<T>(st, n, gates, gates);  // bytes as if unfused: one pass per gate
  st.counters["rmw_passes"] = seconds / static_cast<double>(st.iterations()) / rmw;
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
      qsim::SimulatorOptions fused, unfused, blocked, automatic;
      fused.threads = unfused.threads = blocked.threads = automatic.threads = threads;
      unfused.fusion = false;
      fused.cache_blocking = unfused.cache_blocking = qsim::CacheBlocking::off;
      blocked.cache_blocking = qsim::CacheBlocking::on;
      // CPU time on 1 thread (see bench_gates.cpp), wall-clock time with threads.
      auto add = [&](const std::string& name, const qsim::Circuit& c, const qsim::SimulatorOptions& o) {
        auto* b = benchmark::RegisterBenchmark((name + tail).c_str(), BM_circuit<T>, c, o);
        b->Unit(benchmark::kMillisecond);
        if (threads > 1) b->UseRealTime();
      };
      const auto grid = grid_circuit(n, n == 24 ? 6 : 5, 100, 2026);
      add("circuit/ry_cnot20/fused", qbench::ry_cnot_layers(n, 20), fused);
      add("circuit/ry_cnot20/unfused", qbench::ry_cnot_layers(n, 20), unfused);
      add("circuit/ry_cnot20/blocked", qbench::ry_cnot_layers(n, 20), blocked);
      add("circuit/ry_cnot20/auto", qbench::ry_cnot_layers(n, 20), automatic);
      add("circuit/qft/fused", qft(n), fused);
      add("circuit/qft/unfused", qft(n), unfused);
      add("circuit/qft/blocked", qft(n), blocked);
      add("circuit/qft/auto", qft(n), automatic);
      add("circuit/grid100/fused", grid, fused);
      add("circuit/grid100/blocked", grid, blocked);
      add("circuit/grid100/auto", grid, automatic);
      for (unsigned k = 2; k <= 5; ++k) {
        qsim::SimulatorOptions ok = fused;
        ok.max_fused_qubits = k;
        add("circuit/ry_cnot20/fused" + std::to_string(k), qbench::ry_cnot_layers(n, 20), ok);
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
