#pragma once
// GateId, GateInfo and gate_info() live in the gate table.
#include "qsim/gates/gate_table.hpp"
