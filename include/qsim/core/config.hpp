#pragma once
/// Version and namespace macros. Google's qsim also lives in `namespace qsim`;
/// the versioned inline namespace keeps the two linkable in one program and
/// lets a future ABI break coexist with this one.

#define QSIM_VERSION_MAJOR 0
#define QSIM_VERSION_MINOR 1
#define QSIM_VERSION_PATCH 0

#define QSIM_BEGIN_NAMESPACE \
  namespace qsim {           \
  inline namespace v0 {
#define QSIM_END_NAMESPACE \
  }                        \
  }

#define QSIM_STRINGIFY_(x) #x
#define QSIM_STRINGIFY(x) QSIM_STRINGIFY_(x)

QSIM_BEGIN_NAMESPACE
/// "major.minor.patch" of these headers.
inline const char* version_string() {
  return QSIM_STRINGIFY(QSIM_VERSION_MAJOR) "." QSIM_STRINGIFY(QSIM_VERSION_MINOR) "." QSIM_STRINGIFY(
      QSIM_VERSION_PATCH);
}

/// Qubit and classical-bit indices.
using qubit_t = unsigned;
using clbit_t = unsigned;
/// Basis-state index: bit i is qubit i (Qiskit's little-endian order).
using index_t = unsigned long long;

/// The largest state this library will ever try to allocate (2^62 amplitudes
/// already exceeds any address space in bytes; the memory check refuses far
/// earlier on real machines).
inline constexpr unsigned max_qubits = 62;
/// The most classical bits over all registers of a circuit (the OpenQASM
/// parser's default too): count keys are strings of this many characters.
inline constexpr unsigned max_clbits = 1U << 16;
QSIM_END_NAMESPACE
