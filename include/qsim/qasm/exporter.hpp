#pragma once
#include <algorithm>
#include <cctype>
#include <locale>
#include <sstream>
#include <string>
#include <vector>

#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/gates/gate_table.hpp"
#include "qsim/qasm/lexer.hpp"

QSIM_BEGIN_NAMESPACE
namespace qasm {
namespace detail {

inline bool is_identifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return !qasm::detail::is_reserved(s);
}

}  // namespace detail

/**
 * The circuit as OpenQASM 2.0 text (with `include "qelib1.inc";`), readable
 * by parse() and by Qiskit. Throws qsim::invalid_argument for what OpenQASM
 * 2.0 cannot express: user matrices, unbound weights/features, gates with
 * more controls than qelib1.inc offers, conditions on part of a register, and
 * register names that are not OpenQASM identifiers. A 4th angle (global
 * phase) on an uncontrolled `u` is dropped, as it is unobservable.
 * @code
 *   qsim::Circuit c(2, 2);
 *   c.h(0).cx(0, 1).measure({0, 1}, {0, 1});
 *   std::string text = qsim::qasm::to_qasm(c);   // "OPENQASM 2.0;\ninclude ..."
 * @endcode
 */
inline std::string to_qasm(const Circuit& c) {
  std::ostringstream body;
  body.imbue(std::locale::classic());
  body.precision(17);
  std::vector<const GateSpelling*> extras;

  auto name_of = [](const std::vector<Register>& regs, unsigned bit) {
    for (const auto& r : regs)
      if (bit >= r.offset && bit < r.offset + r.size) return r.name + "[" + std::to_string(bit - r.offset) + "]";
    throw invalid_argument("bit " + std::to_string(bit) + " belongs to no register");
  };
  auto qubit = [&](qubit_t q) { return name_of(c.qregs(), q); };
  auto clbit = [&](clbit_t b) { return name_of(c.cregs(), b); };
  auto condition = [&](const Operation& op, std::size_t index) -> std::string {
    if (!op.condition) return "";
    for (const auto& r : c.cregs())
      if (r.offset == op.condition->first && r.size == op.condition->width)
        return "if(" + r.name + "==" + std::to_string(op.condition->value) + ") ";
    throw invalid_argument("operation " + std::to_string(index) + " (" + op.name() +
                           ") is conditioned on part of a classical register, which OpenQASM 2.0 cannot express");
  };

  const auto& ops = c.operations();
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const Operation& op = ops[i];
    const std::string cond = condition(op, i);
    switch (op.kind) {
      case OpKind::channel:
        throw invalid_argument("operation " + std::to_string(i) + " (" + op.name() +
                               ") is a noise channel, which OpenQASM 2.0 cannot express");
      case OpKind::measure:
        if (op.readout)
          throw invalid_argument("operation " + std::to_string(i) +
                                 " (measure) has a readout error, which OpenQASM 2.0 cannot express");
        for (std::size_t j = 0; j < op.targets.size(); ++j)
          body << cond << "measure " << qubit(op.targets[j]) << " -> " << clbit(op.clbits[j]) << ";\n";
        continue;
      case OpKind::reset:
        body << cond << "reset " << qubit(op.targets[0]) << ";\n";
        continue;
      case OpKind::barrier:
        if (op.targets.empty()) continue;
        body << "barrier ";
        for (std::size_t j = 0; j < op.targets.size(); ++j) body << (j ? "," : "") << qubit(op.targets[j]);
        body << ";\n";
        continue;
      case OpKind::gate:
        break;
    }
    if (op.gate == GateId::unitary)
      throw invalid_argument("operation " + std::to_string(i) + " (" + op.name() +
                             ") is a user matrix, which OpenQASM 2.0 cannot express");
    const GateSpelling* spelling = exported_spelling(op.gate, op.controls.size(), op.params.size());
    if (!spelling)
      throw invalid_argument("operation " + std::to_string(i) + " (" + gate_name(op.gate) + " with " +
                             std::to_string(op.controls.size()) + " control(s)) has no OpenQASM 2.0 equivalent");
    const std::size_t n_params = op.gate == GateId::u && op.controls.empty() ? 3 : op.params.size();
    body << cond << spelling->name;
    if (n_params > 0) {
      body << '(';
      for (std::size_t j = 0; j < n_params; ++j) {
        const Param& p = op.params[j];
        if (!p.is_constant())
          throw invalid_argument("operation " + std::to_string(i) + " (" + op.name() + ") has an unbound angle (" +
                                 p.describe() + "): bind it to a number before exporting");
        body << (j ? "," : "") << p.offset;
      }
      body << ')';
    }
    const auto qs = op.qubits();
    for (std::size_t j = 0; j < qs.size(); ++j) body << (j ? "," : " ") << qubit(qs[j]);
    body << ";\n";
    // Gates Qiskit's qelib1.inc lacks get their definition in the output, so other tools can read it.
    if (spelling->qiskit_lacks && std::find(extras.begin(), extras.end(), spelling) == extras.end())
      extras.push_back(spelling);
  }

  std::ostringstream out;
  out << "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";
  for (const auto* e : extras) out << e->definition << '\n';
  for (const auto* regs : {&c.qregs(), &c.cregs()})
    for (const auto& r : *regs) {
      if (!detail::is_identifier(r.name))
        throw invalid_argument("register name '" + r.name + "' is not an OpenQASM identifier");
      out << (regs == &c.qregs() ? "qreg " : "creg ") << r.name << "[" << r.size << "];\n";
    }
  out << body.str();
  return out.str();
}

}  // namespace qasm
QSIM_END_NAMESPACE
