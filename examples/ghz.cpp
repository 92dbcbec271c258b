// The first thing every user runs: a 3-qubit GHZ state, measured 1024 times.
// Usage: ghz [shots] [seed]
#include <iostream>
#include <string>

#include <qsim/qsim.hpp>

#include "cli_args.hpp"

namespace {
const char* const usage =
    "usage: ghz [SHOTS] [SEED]\n"
    "Runs the 3-qubit GHZ circuit, prints the counts and writes ghz_histogram.svg.\n"
    "  SHOTS  number of shots, 1..1000000000 (default 1024)\n"
    "  SEED   random seed (default 42)\n";
}  // namespace

int main(int argc, char** argv) {
  return cli::run_main("ghz", usage, argc, argv, [&] {
    const cli::Positional args(argc, argv, 2);
    const auto shots = args.number<std::uint64_t>(0, "SHOTS", 1024, 1, 1'000'000'000);
    const auto seed = args.number<std::uint64_t>(1, "SEED", 42);

    qsim::Circuit circuit(3);
    circuit.h(0).cx(0, 1).cx(1, 2).measure_all();

    qsim::Simulator<double> simulator;
    const qsim::Counts counts = simulator.run(circuit, shots, seed);

    qsim::io::print_counts(std::cout, counts);
    std::cout << '\n';
    qsim::io::print_histogram(std::cout, counts);
    qsim::io::HistogramOptions chart;
    chart.x_label = "measured bits (qubit 2 leftmost)";
    qsim::io::write_histogram_svg("ghz_histogram.svg", counts, "3-qubit GHZ, " + std::to_string(shots) + " shots",
                                  chart);
    std::cout << "wrote ghz_histogram.svg\n";
    return 0;
  });
}
