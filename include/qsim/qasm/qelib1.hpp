#pragma once
#include <string>
#include <string_view>

#include "qsim/core/config.hpp"
#include "qsim/gates/gate_table.hpp"

QSIM_BEGIN_NAMESPACE
namespace qasm {

/**
 * The text of `qelib1.inc` as qsim serves it for `include "qelib1.inc";`
 * (never read from disk), assembled from the gate table's spellings: the
 * gates of the OpenQASM 2.0 standard library and those later Qiskit versions
 * emit (sx, sxdg, p, u, cp, cu, csx, rxx, ryy, rzz, iswap, rccx, rc3x, c3x,
 * c3sqrtx, c4x), each defined from U and CX. Gates with a native qsim
 * equivalent (see native_gate()) run as that gate; the definitions document
 * them and are tested against the native matrices (equal up to a global
 * phase, which Qiskit's own definitions also differ by).
 */
inline const std::string& qelib1_inc() {
  static const std::string text = [] {
    std::string out = "// qelib1.inc, built into qsim\n";
    for (const auto& g : gate_spellings())
      if (g.definition != nullptr) out += std::string(g.definition) + "\n";
    return out;
  }();
  return text;
}

/// How an OpenQASM gate name maps onto a qsim base gate (a gate table spelling).
using NativeGate = GateSpelling;

/// The native equivalent of the builtins U and CX and of the qelib1.inc
/// gates; nullptr for gates that only have a definition (rccx, rc3x).
inline const NativeGate* native_gate(std::string_view name) {
  const GateSpelling* g = find_spelling(name);
  return g != nullptr && g->native ? g : nullptr;
}

}  // namespace qasm
QSIM_END_NAMESPACE
