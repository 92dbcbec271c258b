// libFuzzer target for the OpenQASM 2.0 parser and exporter. Any input must
// either parse or throw qsim::error: no crash, hang, leak or unbounded
// allocation (the limits are lowered so each input stays fast). Whatever
// parses must export, re-parse, and (when small) give the same probabilities.
// Build and run: bash tests/fuzz/run_fuzz.sh [seconds]
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <qsim/qsim.hpp>

namespace {

qsim::qasm::ParseOptions limits() {
  qsim::qasm::ParseOptions o;
  o.max_qubits = 20;  // parse only: states are simulated below 7 qubits
  o.max_clbits = 256;
  o.max_operations = 4096;
  return o;
}

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_qasm: property violated: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  qsim::Circuit c;
  try {
    c = qsim::qasm::parse(text, "fuzz.qasm", limits());
  } catch (const qsim::error&) {
    return 0;  // a clear refusal is the right answer to most inputs
  }
  // Every parsed circuit uses only qelib1.inc gates and whole-register
  // conditions, so it must export, and the export must parse again.
  const std::string exported = qsim::qasm::to_qasm(c);
  qsim::qasm::ParseOptions again = limits();
  again.max_operations = 1U << 20;  // iswap/ryy come back through their definitions
  const qsim::Circuit back = qsim::qasm::parse(exported, "exported.qasm", again);
  check(back.num_qubits() == c.num_qubits() && back.num_clbits() == c.num_clbits(), "export keeps the registers");
  if (c.num_qubits() > 0 && c.num_qubits() <= 6 && c.size() <= 512 && !c.has_mid_circuit_operations()) {
    qsim::Simulator<double> sim(qsim::SimulatorOptions{1, false, 0});
    const auto p = sim.probabilities(c), q = sim.probabilities(back);
    for (std::size_t i = 0; i < p.size(); ++i) check(std::abs(p[i] - q[i]) < 1e-6, "export keeps probabilities");
  }
  return 0;
}
