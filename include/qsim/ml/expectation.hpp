#pragma once
// The expectation values live in the measure layer (Simulator::expectation
// uses them); the ML layer keeps its names.
#include "qsim/core/config.hpp"
#include "qsim/measure/expectation.hpp"
#include "qsim/ml/pauli_sum.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {
using qsim::apply_pauli_sum;
using qsim::expectation;
using qsim::sampled_expectation;
}  // namespace ml
QSIM_END_NAMESPACE
