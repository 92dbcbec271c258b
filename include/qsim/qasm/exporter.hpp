#pragma once
#include <cctype>
#include <locale>
#include <sstream>
#include <string>
#include <vector>

#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/qasm/lexer.hpp"

QSIM_BEGIN_NAMESPACE
namespace qasm {
namespace detail {

/// The qelib1.inc name of a base gate with `controls` controls; nullptr when
/// OpenQASM 2.0 has no such gate.
inline const char* qasm_gate_name(GateId g, std::size_t controls, std::size_t num_params) {
  struct Entry {
    GateId gate;
    std::size_t controls;
    const char* name;
  };
  static const Entry table[] = {
      {GateId::i, 0, "id"},      {GateId::x, 0, "x"},         {GateId::y, 0, "y"},        {GateId::z, 0, "z"},
      {GateId::h, 0, "h"},       {GateId::s, 0, "s"},         {GateId::sdg, 0, "sdg"},    {GateId::t, 0, "t"},
      {GateId::tdg, 0, "tdg"},   {GateId::sx, 0, "sx"},       {GateId::sxdg, 0, "sxdg"},  {GateId::rx, 0, "rx"},
      {GateId::ry, 0, "ry"},     {GateId::rz, 0, "rz"},       {GateId::p, 0, "p"},        {GateId::u, 0, "u"},
      {GateId::swap, 0, "swap"}, {GateId::iswap, 0, "iswap"}, {GateId::rxx, 0, "rxx"},    {GateId::ryy, 0, "ryy"},
      {GateId::rzz, 0, "rzz"},   {GateId::x, 1, "cx"},        {GateId::y, 1, "cy"},       {GateId::z, 1, "cz"},
      {GateId::h, 1, "ch"},      {GateId::sx, 1, "csx"},      {GateId::rx, 1, "crx"},     {GateId::ry, 1, "cry"},
      {GateId::rz, 1, "crz"},    {GateId::p, 1, "cp"},        {GateId::swap, 1, "cswap"}, {GateId::x, 2, "ccx"},
      {GateId::x, 3, "c3x"},     {GateId::sx, 3, "c3sqrtx"},  {GateId::x, 4, "c4x"},
  };
  if (g == GateId::u && controls == 1) return num_params == 4 ? "cu" : "cu3";
  for (const auto& e : table)
    if (e.gate == g && e.controls == controls) return e.name;
  return nullptr;
}

inline bool is_identifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return !qasm::detail::is_reserved(s);
}

// Definitions, from U/CX-level gates of qelib1.inc, for the gates Qiskit's
// qelib1.inc lacks, so that other tools can read the output too.
inline const char* extra_definition(const std::string& name) {
  if (name == "ryy")
    return "gate ryy(theta) a,b { rx(pi/2) a; rx(pi/2) b; cx a,b; rz(theta) b; cx a,b; rx(-pi/2) a; rx(-pi/2) b; }\n";
  if (name == "iswap") return "gate iswap a,b { s a; s b; h a; cx a,b; cx b,a; h b; }\n";
  return nullptr;
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
  std::vector<std::string> extras;

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
      case OpKind::measure:
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
    const char* name = detail::qasm_gate_name(op.gate, op.controls.size(), op.params.size());
    if (!name)
      throw invalid_argument("operation " + std::to_string(i) + " (" + gate_name(op.gate) + " with " +
                             std::to_string(op.controls.size()) + " control(s)) has no OpenQASM 2.0 equivalent");
    const std::size_t n_params = op.gate == GateId::u && op.controls.empty() ? 3 : op.params.size();
    body << cond << name;
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
    if (detail::extra_definition(name)) {
      bool seen = false;
      for (const auto& e : extras) seen = seen || e == name;
      if (!seen) extras.emplace_back(name);
    }
  }

  std::ostringstream out;
  out << "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";
  for (const auto& e : extras) out << detail::extra_definition(e);
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
