#pragma once
/// Umbrella header: every public header except the optional MPI layer
/// (qsim/mpi.hpp). qsim/core.hpp is the part without Eigen and energy.

#include "qsim/core.hpp"
#include "qsim/energy/bandwidth.hpp"
#include "qsim/energy/benchmark.hpp"
#include "qsim/energy/cpu_time.hpp"
#include "qsim/energy/measurement.hpp"
#include "qsim/energy/meter.hpp"
#include "qsim/energy/nvml.hpp"
#include "qsim/energy/rapl.hpp"
#include "qsim/energy/report.hpp"
#include "qsim/energy/report_io.hpp"
#include "qsim/ml/ml.hpp"
