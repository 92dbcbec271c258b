#pragma once
#include <string>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

QSIM_BEGIN_NAMESPACE

/// The base gates. Controlled gates (cx, ccx, crz, cswap, ...) are a base gate
/// plus control qubits, so every kernel sees only these.
enum class GateId : unsigned char {
  i,
  x,
  y,
  z,
  h,
  s,
  sdg,
  t,
  tdg,
  sx,
  sxdg,  // fixed 1-qubit
  rx,
  ry,
  rz,
  p,
  u,  // parameterised 1-qubit (u: theta, phi, lambda[, gamma])
  swap,
  iswap,  // fixed 2-qubit
  rxx,
  ryy,
  rzz,     // parameterised 2-qubit
  unitary  // a user matrix on 1..k qubits
};

struct GateInfo {
  const char* name;
  unsigned num_targets;  // 0 for unitary: given by its matrix
  unsigned num_params;   // the minimum; u takes an optional 4th (global phase, for cu)
  bool diagonal;         // the matrix is diagonal for every angle
  bool permutation;      // a permutation matrix (no arithmetic, only moves)
};

/// Number of GateId values; anything at or above it is not a gate.
inline constexpr unsigned num_gate_ids = static_cast<unsigned>(GateId::unitary) + 1;

/// The table entry of `id`; throws for a value outside the enumeration (a
/// cast from a bad integer), which would otherwise read past the table.
inline const GateInfo& gate_info(GateId id) {
  static const GateInfo table[] = {
      {"id", 1, 0, true, true},        {"x", 1, 0, false, true},     {"y", 1, 0, false, false},
      {"z", 1, 0, true, false},        {"h", 1, 0, false, false},    {"s", 1, 0, true, false},
      {"sdg", 1, 0, true, false},      {"t", 1, 0, true, false},     {"tdg", 1, 0, true, false},
      {"sx", 1, 0, false, false},      {"sxdg", 1, 0, false, false}, {"rx", 1, 1, false, false},
      {"ry", 1, 1, false, false},      {"rz", 1, 1, true, false},    {"p", 1, 1, true, false},
      {"u", 1, 3, false, false},       {"swap", 2, 0, false, true},  {"iswap", 2, 0, false, false},
      {"rxx", 2, 1, false, false},     {"ryy", 2, 1, false, false},  {"rzz", 2, 1, true, false},
      {"unitary", 0, 0, false, false},
  };
  static_assert(sizeof(table) / sizeof(table[0]) == num_gate_ids, "one GateInfo per GateId");
  const auto index = static_cast<unsigned>(id);
  if (index >= num_gate_ids) throw invalid_argument("invalid gate id " + std::to_string(index));
  return table[index];
}

inline std::string gate_name(GateId id) { return gate_info(id).name; }

QSIM_END_NAMESPACE
