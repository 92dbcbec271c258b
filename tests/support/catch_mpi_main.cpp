// Catch2's main for the MPI tests: every rank runs every test case (the
// distributed calls are collective), between MPI_Init and MPI_Finalize.
#define CATCH_CONFIG_RUNNER
#include <mpi.h>

#include <catch2/catch.hpp>

int main(int argc, char* argv[]) {
  MPI_Init(&argc, &argv);
  const int result = Catch::Session().run(argc, argv);
  // A rank that failed may have left others waiting in a collective; abort
  // them all rather than let the run hang until the ctest timeout.
  int worst = 0;
  MPI_Allreduce(&result, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return worst;
}
