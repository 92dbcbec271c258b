// A GHZ state too wide for comfort in one process, split over MPI ranks.
// Usage: mpirun -np 4 distributed_ghz [qubits] [shots] [seed]
// Every rank computes the same counts; rank 0 prints them, <Z...Z> and
// <X...X>, and the bytes each rank sent.
#include <mpi.h>

#include <iostream>
#include <qsim/mpi.hpp>
#include <qsim/qsim.hpp>
#include <string>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, code = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  try {
    const unsigned n = argc > 1 ? static_cast<unsigned>(std::stoul(argv[1])) : 24;
    const std::uint64_t shots = argc > 2 ? std::stoull(argv[2]) : 1024;
    const std::uint64_t seed = argc > 3 ? std::stoull(argv[3]) : 42;

    qsim::Circuit ghz(n);
    ghz.h(n - 1);  // the top qubit is global on 2+ ranks: its H exchanges slices
    for (unsigned q = n - 1; q > 0; --q) ghz.cx(q, q - 1);

    qsim::mpi::DistributedSimulator<double> sim;  // MPI_COMM_WORLD
    auto psi = sim.statevector(ghz);
    const double zz = qsim::mpi::expectation(psi, std::string(n, 'Z'));
    const double xx = qsim::mpi::expectation(psi, std::string(n, 'X'));
    ghz.measure_all();
    const qsim::Counts counts = sim.run(ghz, shots, seed);
    if (rank == 0) {
      std::cout << n << "-qubit GHZ on " << psi.num_ranks() << " ranks (" << psi.num_local_qubits()
                << " local qubits each)\n";
      qsim::io::print_counts(std::cout, counts);
      std::cout << "<Z...Z> = " << zz << ", <X...X> = " << xx << "\nbytes sent by rank 0: " << psi.bytes_sent() << '\n';
    }
  } catch (const std::exception& e) {
    std::cerr << "distributed_ghz (rank " << rank << "): " << e.what() << '\n';
    code = 2;
  }
  MPI_Finalize();
  return code;
}
