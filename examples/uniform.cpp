// The circuit exactly as Qiskit's tutorial snippet writes it: H on all three
// qubits, then CX(0,1), CX(1,2). Not a GHZ state: |+++> is an eigenstate of
// every CX (it just permutes a uniform superposition), so all eight outcomes
// come out about equally often.
// Usage: uniform [shots] [seed]
#include <iostream>
#include <string>

#include <qsim/qsim.hpp>

#include "cli_args.hpp"

namespace {
const char* const usage =
    "usage: uniform [SHOTS] [SEED]\n"
    "Runs H on all three qubits, then CX(0,1), CX(1,2); writes uniform_histogram.svg.\n"
    "  SHOTS  number of shots, 1..1000000000 (default 1024)\n"
    "  SEED   random seed (default 42)\n";
}  // namespace

int main(int argc, char** argv) {
  return cli::run_main("uniform", usage, argc, argv, [&] {
    const cli::Positional args(argc, argv, 2);
    const auto shots = args.number<std::uint64_t>(0, "SHOTS", 1024, 1, 1'000'000'000);
    const auto seed = args.number<std::uint64_t>(1, "SEED", 42);

    qsim::Circuit circuit(3);
    circuit.h(0).h(1).h(2).cx(0, 1).cx(1, 2).measure_all();

    const qsim::Counts counts = qsim::Simulator<double>().run(circuit, shots, seed);
    qsim::io::print_counts(std::cout, counts);
    std::cout << '\n';
    qsim::io::print_histogram(std::cout, counts);
    qsim::io::HistogramOptions chart;
    chart.probability = true;  // each of the eight outcomes near 1/8
    chart.x_label = "measured bits (qubit 2 leftmost)";
    qsim::io::write_histogram_svg("uniform_histogram.svg", counts,
                                  "H on all three qubits, then CX(0,1), CX(1,2): " + std::to_string(shots) + " shots",
                                  chart);
    std::cout << "wrote uniform_histogram.svg\n";
    return 0;
  });
}
