// OpenQASM 2.0 throughput: parsing a large transpiled-style file (rz sx cx,
// as Qiskit emits), parsing through user gate definitions, and exporting.
// items = gates, bytes = characters of OpenQASM text.
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include <qsim/qsim.hpp>

namespace {

// `layers` layers of rz/sx on every qubit and a cx ladder, on 20 qubits.
std::string transpiled_text(int layers) {
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> angle(-3.2, 3.2);
  std::string s = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[20];\ncreg c[20];\n";
  for (int l = 0; l < layers; ++l) {
    for (int q = 0; q < 20; ++q)
      s += "rz(" + std::to_string(angle(rng)) + ") q[" + std::to_string(q) + "];\nsx q[" + std::to_string(q) + "];\n";
    for (int q = 0; q + 1 < 20; ++q) s += "cx q[" + std::to_string(q) + "],q[" + std::to_string(q + 1) + "];\n";
  }
  return s + "measure q -> c;\n";
}

void BM_parse_transpiled(benchmark::State& st) {
  const std::string text = transpiled_text(static_cast<int>(st.range(0)));
  std::size_t gates = 0;
  for (auto _ : st) {
    const qsim::Circuit c = qsim::qasm::parse(text);
    gates = c.size();
    benchmark::DoNotOptimize(c.operations().data());
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()) * static_cast<int64_t>(gates));
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations()) * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_parse_transpiled)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

// A parameterised user gate (QAOA-like layer) called many times: expansion cost.
void BM_parse_user_gates(benchmark::State& st) {
  std::string text =
      "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n"
      "gate zz(t) a, b { cx a, b; rz(2*t) b; cx a, b; }\n"
      "gate layer(g, b) a, c, d { zz(g) a, c; zz(g/2) c, d; rx(2*b) a; rx(2*b) c; rx(2*b) d; }\n"
      "qreg q[3];\n";
  for (int i = 0; i < st.range(0); ++i) text += "layer(" + std::to_string(0.001 * i) + ", -pi/7) q[0], q[1], q[2];\n";
  std::size_t gates = 0;
  for (auto _ : st) {
    const qsim::Circuit c = qsim::qasm::parse(text);
    gates = c.size();
    benchmark::DoNotOptimize(c.operations().data());
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()) * static_cast<int64_t>(gates));
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations()) * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_parse_user_gates)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_export(benchmark::State& st) {
  const qsim::Circuit c = qsim::qasm::parse(transpiled_text(static_cast<int>(st.range(0))));
  std::size_t bytes = 0;
  for (auto _ : st) {
    const std::string text = qsim::qasm::to_qasm(c);
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()) * static_cast<int64_t>(c.size()));
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations()) * static_cast<int64_t>(bytes));
}
BENCHMARK(BM_export)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
