#pragma once
// PauliSum lives in the measure layer (Simulator::expectation reads it); the
// ML layer keeps its names.
#include "qsim/core/config.hpp"
#include "qsim/measure/pauli_sum.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {
using qsim::PauliSum;
using qsim::PauliTerm;
using qsim::sum_of_z;
}  // namespace ml
QSIM_END_NAMESPACE
