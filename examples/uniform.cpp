// The circuit exactly as Qiskit's tutorial snippet writes it: H on all three
// qubits, then CX(0,1), CX(1,2). Not a GHZ state: |+++> is an eigenstate of
// every CX (it just permutes a uniform superposition), so all eight outcomes
// come out about equally often.
// Usage: uniform [shots] [seed]
#include <iostream>
#include <string>

#include <qsim/qsim.hpp>

int main(int argc, char** argv) {
  try {
    const std::uint64_t shots = argc > 1 ? std::stoull(argv[1]) : 1024;
    const std::uint64_t seed = argc > 2 ? std::stoull(argv[2]) : 42;

    qsim::Circuit circuit(3);
    circuit.h(0).h(1).h(2).cx(0, 1).cx(1, 2).measure_all();

    const qsim::Counts counts = qsim::Simulator<double>().run(circuit, shots, seed);
    qsim::io::print_counts(std::cout, counts);
    std::cout << '\n';
    qsim::io::print_histogram(std::cout, counts);
    qsim::io::write_histogram_svg("uniform_histogram.svg", counts, "H on all three qubits, then CX(0,1), CX(1,2)");
    std::cout << "wrote uniform_histogram.svg\n";
  } catch (const std::exception& e) {
    std::cerr << "uniform: " << e.what() << '\n';
    return 2;
  }
  return 0;
}
