#pragma once
/// The MPI layer: a state vector split over the ranks of a communicator, a
/// simulator running circuits on it, and data-parallel training helpers. Not included by qsim/qsim.hpp: include
/// this header and link `qsim::mpi` (built when CMake finds MPI).
#include "qsim/mpi/communicator.hpp"
#include "qsim/mpi/data_parallel.hpp"
#include "qsim/mpi/distributed_gates.hpp"
#include "qsim/mpi/distributed_measure.hpp"
#include "qsim/mpi/distributed_simulator.hpp"
#include "qsim/mpi/distributed_state_vector.hpp"
