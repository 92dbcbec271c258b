#pragma once
#include <stdexcept>
#include <string>

#include "qsim/core/config.hpp"

QSIM_BEGIN_NAMESPACE

/// Base of every exception the library throws, so callers can catch one type.
class error : public std::runtime_error {
 public:
  explicit error(const std::string& what) : std::runtime_error(what) {}
};

/// A caller passed a value the library cannot accept (qubit out of range,
/// repeated qubit, NaN angle, non-unitary matrix, wrong length, ...).
class invalid_argument : public error {
 public:
  explicit invalid_argument(const std::string& what) : error(what) {}
};

/// A state (or buffer) would not fit in the memory of this machine.
class out_of_memory : public error {
 public:
  explicit out_of_memory(const std::string& what) : error(what) {}
};

QSIM_END_NAMESPACE
