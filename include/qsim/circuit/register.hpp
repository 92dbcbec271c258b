#pragma once
#include <string>

#include "qsim/core/config.hpp"

QSIM_BEGIN_NAMESPACE

/// A named, contiguous range of qubits or classical bits.
struct Register {
  std::string name;
  unsigned offset = 0;
  unsigned size = 0;
};

QSIM_END_NAMESPACE
