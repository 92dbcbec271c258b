#pragma once
// The Matrix type, its helpers, and gate_matrix() from the gate table.
#include "qsim/gates/gate_table.hpp"
#include "qsim/gates/matrix.hpp"
