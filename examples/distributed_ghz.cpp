// A GHZ state too wide for comfort in one process, split over MPI ranks.
// Usage: mpirun -np 4 distributed_ghz [qubits] [shots] [seed]
// Every rank computes the same counts; rank 0 prints them, <Z...Z> and
// <X...X>, and the bytes each rank sent.
#include <mpi.h>

#include <iostream>
#include <qsim/mpi.hpp>
#include <qsim/qsim.hpp>
#include <string>

#include "cli_args.hpp"

namespace {
const char* const usage =
    "usage: mpirun -np K distributed_ghz [QUBITS] [SHOTS] [SEED]\n"
    "Prepares an n-qubit GHZ state split over the MPI ranks and samples it.\n"
    "  QUBITS  2..40 (default 24)\n"
    "  SHOTS   1..1000000000 (default 1024)\n"
    "  SEED    random seed (default 42)\n";
}  // namespace

int main(int argc, char** argv) {
  if (cli::wants_help(argc, argv)) {  // before MPI_Init: no launcher needed for the usage
    std::cout << usage;
    return 0;
  }
  MPI_Init(&argc, &argv);
  int rank = 0, code = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  try {
    const cli::Positional args(argc, argv, 3);
    const auto n = args.number<unsigned>(0, "QUBITS", 24, 2, 40);
    const auto shots = args.number<std::uint64_t>(1, "SHOTS", 1024, 1, 1'000'000'000);
    const auto seed = args.number<std::uint64_t>(2, "SEED", 42);

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
  } catch (const cli::usage_error& e) {
    if (rank == 0) std::cerr << "distributed_ghz: " << e.what() << '\n' << usage;
    code = 2;
  } catch (const std::exception& e) {
    std::cerr << "distributed_ghz (rank " << rank << "): " << e.what() << '\n';
    code = 2;
  }
  MPI_Finalize();
  return code;
}
