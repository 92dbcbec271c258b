#pragma once
/// OpenQASM 2.0: parse() / parse_file() read it into a Circuit, to_qasm() writes one back.

#include "qsim/qasm/exporter.hpp"
#include "qsim/qasm/parse_error.hpp"
#include "qsim/qasm/parser.hpp"
