#pragma once
/// Umbrella of qsim::core: states, gates, circuits, the simulator,
/// measurement, OpenQASM and the charts. Needs only xsimd (and OpenMP):
/// no Eigen, no <filesystem>, no dlopen, so it compiles quickly.
/// qsim/qsim.hpp adds the ML layer (Eigen) and energy accounting.

#include "qsim/blocking/cache_info.hpp"
#include "qsim/blocking/executor.hpp"
#include "qsim/blocking/schedule.hpp"
#include "qsim/circuit/apply_gate.hpp"
#include "qsim/circuit/circuit.hpp"
#include "qsim/circuit/operation.hpp"
#include "qsim/circuit/register.hpp"
#include "qsim/circuit/validate.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/fusion/fuser.hpp"
#include "qsim/gates/gate_id.hpp"
#include "qsim/gates/matrices.hpp"
#include "qsim/gates/param.hpp"
#include "qsim/io/histogram.hpp"
#include "qsim/io/line_chart.hpp"
#include "qsim/io/svg_chart.hpp"
#include "qsim/kernels/apply.hpp"
#include "qsim/kernels/dispatch.hpp"
#include "qsim/kernels/reference.hpp"
#include "qsim/measure/counts.hpp"
#include "qsim/measure/random.hpp"
#include "qsim/measure/sampling.hpp"
#include "qsim/qasm/exporter.hpp"
#include "qsim/qasm/parse_error.hpp"
#include "qsim/qasm/parser.hpp"
#include "qsim/simulator/simulator.hpp"
