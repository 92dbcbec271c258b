// libFuzzer target for the OpenQASM 2.0 parser, exporter and simulator, with
// the parser's real default limits. Any input must either parse or throw
// qsim::error: no crash, hang, leak or unbounded allocation. Whatever parses
// must export and re-parse to the same registers and (when small) the same
// probabilities, and must run: counts (sampled or per shot, with conditions
// and resets), state and probabilities, each sound or a qsim::error.
// Build and run: bash tests/fuzz/run_fuzz.sh [seconds]
#include <cmath>
#include <cstdint>
#include <string_view>

#include <qsim/qasm/exporter.hpp>
#include <qsim/qasm/parser.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  qsim::Circuit c;
  try {
    c = qsim::qasm::parse(text, "fuzz.qasm");
  } catch (const qsim::error&) {
    return 0;  // a clear refusal is the right answer to most inputs
  }
  // Every parsed circuit uses only qelib1.inc gates and whole-register
  // conditions, so it must export, and the export must parse again (checked
  // up to 2^16 operations: a 4 KiB input can expand to millions, whose
  // export may exceed the input limit of the re-parse).
  if (c.size() > (std::size_t{1} << 16)) return 0;
  const std::string exported = qsim::qasm::to_qasm(c);
  qsim::qasm::ParseOptions again;
  again.max_operations = std::size_t{1} << 20;  // iswap/ryy come back through their definitions
  const qsim::Circuit back = qsim::qasm::parse(exported, "exported.qasm", again);
  fuzz::check(back.num_qubits() == c.num_qubits() && back.num_clbits() == c.num_clbits(), "export keeps the registers");
  if (c.num_qubits() > 0 && c.num_qubits() <= 6 && c.size() <= 512 && !c.has_mid_circuit_operations()) {
    qsim::Simulator<double> sim(qsim::SimulatorOptions{1, false, 0});
    const auto p = sim.probabilities(c), q = sim.probabilities(back);
    for (std::size_t i = 0; i < p.size(); ++i) fuzz::check(std::abs(p[i] - q[i]) < 1e-6, "export keeps probabilities");
  }
  const std::uint64_t seed = size;
  fuzz::run_small<double>(c, seed);
  fuzz::run_small<float>(c, seed + 1);
  return 0;
}
