#pragma once
/// Umbrella header: includes the public headers of the core library.

#include "qsim/circuit/circuit.hpp"
#include "qsim/circuit/operation.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/gates/gate_id.hpp"
#include "qsim/gates/matrices.hpp"
#include "qsim/gates/param.hpp"
#include "qsim/io/histogram.hpp"
#include "qsim/io/svg_chart.hpp"
#include "qsim/kernels/apply.hpp"
#include "qsim/kernels/reference.hpp"
#include "qsim/measure/counts.hpp"
#include "qsim/measure/random.hpp"
#include "qsim/measure/sampling.hpp"
#include "qsim/simulator/simulator.hpp"
