// The first thing every user runs: a 3-qubit GHZ state, measured 1024 times.
// Usage: ghz [shots] [seed]
#include <cstdlib>
#include <iostream>
#include <string>

#include <qsim/qsim.hpp>

int main(int argc, char** argv) {
  try {
    const std::uint64_t shots = argc > 1 ? std::stoull(argv[1]) : 1024;
    const std::uint64_t seed = argc > 2 ? std::stoull(argv[2]) : 42;

    qsim::Circuit circuit(3);
    circuit.h(0).cx(0, 1).cx(1, 2).measure_all();

    qsim::Simulator<double> simulator;
    const qsim::Counts counts = simulator.run(circuit, shots, seed);

    qsim::io::print_counts(std::cout, counts);
    std::cout << '\n';
    qsim::io::print_histogram(std::cout, counts);
    qsim::io::write_histogram_svg("ghz_histogram.svg", counts, "3-qubit GHZ, " + std::to_string(shots) + " shots");
    std::cout << "wrote ghz_histogram.svg\n";
  } catch (const std::exception& e) {
    std::cerr << "ghz: " << e.what() << '\n';
    return 2;
  }
  return 0;
}
