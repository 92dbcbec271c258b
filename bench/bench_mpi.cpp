// The distributed state vector under MPI (run with mpirun, see bench/README.md):
//   gate/<kind>/n:<n>        one gate on a local or a global qubit
//   weak_scaling/n:<n>       a layer of H on every qubit, n = 22 + log2(ranks)
// Time per gate is the slowest rank's time (MPI_Wtime around each gate,
// MPI_Allreduce MAX); bytes_sent_per_gate is what one rank sends per gate.
// Iterations are fixed so that every rank runs the same collectives.
#include <mpi.h>

#include <benchmark/benchmark.h>

#include <functional>
#include <qsim/mpi.hpp>
#include <string>

namespace {

using State = qsim::mpi::DistributedStateVector<double>;
using qsim::mpi::GlobalGateStrategy;

int log2_ranks() {
  int size = 1, k = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  while ((1 << k) < size) ++k;
  return k;
}

// Times `body` per iteration as the maximum over ranks, and reports the
// bytes this rank sent per gate.
void timed(benchmark::State& st, State& psi, std::size_t gates_per_iteration, const std::function<void()>& body) {
  psi.reset_bytes_sent();
  for (auto _ : st) {
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = MPI_Wtime();
    body();
    double mine = MPI_Wtime() - t0, slowest = 0;
    MPI_Allreduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    st.SetIterationTime(slowest / static_cast<double>(gates_per_iteration));
  }
  const auto gates = static_cast<double>(st.iterations()) * static_cast<double>(gates_per_iteration);
  st.counters["bytes_sent_per_gate"] = static_cast<double>(psi.bytes_sent()) / gates;
  st.counters["ranks"] = static_cast<double>(psi.num_ranks());
  // Each gate reads and writes every amplitude of the whole state once.
  const auto amplitudes = static_cast<double>(qsim::index_t{1} << psi.num_qubits());
  st.counters["amplitudes_per_second"] = benchmark::Counter(amplitudes, benchmark::Counter::kIsIterationInvariantRate);
  st.counters["bytes_per_second"] =
      benchmark::Counter(2 * amplitudes * sizeof(std::complex<double>), benchmark::Counter::kIsIterationInvariantRate);
}

void gate_on_qubit(benchmark::State& st, unsigned n, qsim::Operation op, GlobalGateStrategy strategy) {
  State psi(n);
  timed(st, psi, 1, [&] { qsim::mpi::apply_gate(psi, op, {}, strategy); });
}

void weak_scaling(benchmark::State& st, unsigned n) {
  State psi(n);
  qsim::Circuit layer(n);
  for (unsigned q = 0; q < n; ++q) layer.h(q);
  timed(st, psi, n, [&] {
    for (const auto& op : layer.operations()) qsim::mpi::apply_gate(psi, op);
  });
}

// Only rank 0 prints; the others run the same benchmarks silently.
class Silent : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>&) override {}
};

void register_all() {
  const unsigned n = 24, top = n - 1;
  const auto h = [](unsigned q) { return qsim::make_gate(qsim::GateId::h, {q}); };
  const auto rz = [](unsigned q) { return qsim::make_gate(qsim::GateId::rz, {q}, {0.3}); };
  struct Case {
    std::string name;
    qsim::Operation op;
    GlobalGateStrategy strategy;
  };
  qsim::Operation cx = h(top);
  cx.gate = qsim::GateId::x;
  cx.controls = {0};
  const Case cases[] = {
      {"h_local_q0", h(0), GlobalGateStrategy::automatic},
      {"h_local_q" + std::to_string(top - log2_ranks()), h(top - static_cast<unsigned>(log2_ranks())),
       GlobalGateStrategy::automatic},
      {"h_top_q" + std::to_string(top) + "_pairwise", h(top), GlobalGateStrategy::pairwise},
      {"h_top_q" + std::to_string(top) + "_swap", h(top), GlobalGateStrategy::swap},
      {"rz_top_q" + std::to_string(top) + "_diagonal", rz(top), GlobalGateStrategy::automatic},
      {"cx_q0_to_top_pairwise", cx, GlobalGateStrategy::pairwise},
      {"cx_q0_to_top_swap", cx, GlobalGateStrategy::swap},
  };
  for (const auto& c : cases)
    benchmark::RegisterBenchmark(("gate/" + c.name + "/n:" + std::to_string(n)).c_str(), gate_on_qubit, n, c.op,
                                 c.strategy)
        ->Iterations(8)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  const unsigned weak_n = 22 + static_cast<unsigned>(log2_ranks());
  benchmark::RegisterBenchmark(("weak_scaling/n:" + std::to_string(weak_n)).c_str(), weak_scaling, weak_n)
      ->Iterations(2)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  benchmark::Initialize(&argc, argv);
  register_all();
  Silent silent;
  if (rank == 0)
    benchmark::RunSpecifiedBenchmarks();
  else
    benchmark::RunSpecifiedBenchmarks(&silent);
  benchmark::Shutdown();
  MPI_Finalize();
  return 0;
}
