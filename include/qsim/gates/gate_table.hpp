#pragma once
// The gate table: every fact about a gate in one entry. The base gates
// (name, targets, angles, kernel class, matrix, derivative rule) and their
// Qiskit / OpenQASM 2.0 spellings with controls (the qelib1.inc definitions,
// the names the parser accepts and the exporter writes). The kernels, the
// circuit's validation, the ML derivatives, the parser, the exporter and
// qelib1.inc all read these tables; adding a gate means adding its entries
// here, a Circuit builder method and a test.
#include <cmath>
#include <complex>
#include <string>
#include <string_view>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/gates/matrix.hpp"

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

/// Number of GateId values; anything at or above it is not a gate.
inline constexpr unsigned num_gate_ids = static_cast<unsigned>(GateId::unitary) + 1;

/// Which kernel applies a gate: the structure of its matrix for every angle.
enum class GateClass : unsigned char {
  dense,
  diagonal,    // element-wise phases
  permutation  // a permutation matrix: moves, no arithmetic
};

/// How dU/d(angle) is formed (ml/gate_derivative.hpp).
enum class AngleRule : unsigned char {
  none,      // no angles
  rotation,  // U = exp(-i t G / 2) with G^2 = 1: dU/dt = -i G U / 2 = R(pi) U / 2
  phase,     // P(l) = diag(1, e^{il}): dU/dl = i e^{il} on the last entry
  u          // U = g P(phi) RY(theta) P(lambda): theta through RY's generator; phi, lambda, gamma multiply
             // some entries by e^{i angle}
};

/// How a gate's inverse is written (circuit/algebra.hpp).
enum class InverseRule : unsigned char {
  partner,  // another fixed gate (itself for the Hermitian ones): s -> sdg, h -> h
  negate,   // the same gate with every angle negated: rx(t) -> rx(-t)
  u,        // u(t, p, l[, g]) -> u(-t, -l, -p[, -g])
  adjoint   // no gate of the table: the adjoint matrix as a user unitary
};

struct GateInfo {
  GateId id;
  const char* name;      // qsim's and Qiskit's name of the base gate
  unsigned num_targets;  // 0 for unitary: given by its matrix
  unsigned num_params;   // the minimum; u takes an optional 4th (global phase, for cu)
  GateClass kind;
  AngleRule angles;
  InverseRule inverse;
  GateId inverse_partner;  // InverseRule::partner only
  /// The matrix for `num_params` (or more) angles; nullptr for unitary.
  Matrix (*matrix)(const std::vector<double>& angles);
};

namespace detail {
// Qiskit's definitions and signs: RX(t) = exp(-i t X/2), RY, RZ alike (RZ =
// diag(e^{-it/2}, e^{it/2})), P(l) = diag(1, e^{il}), U(t, p, l) =
// [[cos(t/2), -e^{il} sin(t/2)], [e^{ip} sin(t/2), e^{i(p+l)} cos(t/2)]] times
// e^{ig} for a 4th angle g (Qiskit's CU global phase), RXX(t) = exp(-i t XX/2).
using cd = std::complex<double>;
inline constexpr cd imag_unit{0, 1};

inline const GateInfo gate_table[] = {
    {GateId::i, "id", 1, 0, GateClass::diagonal, AngleRule::none, InverseRule::partner, GateId::i,
     [](const std::vector<double>&) -> Matrix {
       return {1, 0, 0, 1};
     }},
    {GateId::x, "x", 1, 0, GateClass::permutation, AngleRule::none, InverseRule::partner, GateId::x,
     [](const std::vector<double>&) -> Matrix {
       return {0, 1, 1, 0};
     }},
    {GateId::y, "y", 1, 0, GateClass::dense, AngleRule::none, InverseRule::partner, GateId::y,
     [](const std::vector<double>&) -> Matrix {
       return {0, -imag_unit, imag_unit, 0};
     }},
    {GateId::z, "z", 1, 0, GateClass::diagonal, AngleRule::none, InverseRule::partner, GateId::z,
     [](const std::vector<double>&) -> Matrix {
       return {1, 0, 0, -1};
     }},
    {GateId::h, "h", 1, 0, GateClass::dense, AngleRule::none, InverseRule::partner, GateId::h,
     [](const std::vector<double>&) -> Matrix {
       const double r = 1.0 / std::sqrt(2.0);
       return {r, r, r, -r};
     }},
    {GateId::s, "s", 1, 0, GateClass::diagonal, AngleRule::none, InverseRule::partner, GateId::sdg,
     [](const std::vector<double>&) -> Matrix {
       return {1, 0, 0, imag_unit};
     }},
    {GateId::sdg, "sdg", 1, 0, GateClass::diagonal, AngleRule::none, InverseRule::partner, GateId::s,
     [](const std::vector<double>&) -> Matrix {
       return {1, 0, 0, -imag_unit};
     }},
    {GateId::t, "t", 1, 0, GateClass::diagonal, AngleRule::none, InverseRule::partner, GateId::tdg,
     [](const std::vector<double>&) -> Matrix {
       return {1, 0, 0, std::polar(1.0, pi / 4)};
     }},
    {GateId::tdg, "tdg", 1, 0, GateClass::diagonal, AngleRule::none, InverseRule::partner, GateId::t,
     [](const std::vector<double>&) -> Matrix {
       return {1, 0, 0, std::polar(1.0, -pi / 4)};
     }},
    {GateId::sx, "sx", 1, 0, GateClass::dense, AngleRule::none, InverseRule::partner, GateId::sxdg,
     [](const std::vector<double>&) -> Matrix {
       return {cd(0.5, 0.5), cd(0.5, -0.5), cd(0.5, -0.5), cd(0.5, 0.5)};
     }},
    {GateId::sxdg, "sxdg", 1, 0, GateClass::dense, AngleRule::none, InverseRule::partner, GateId::sx,
     [](const std::vector<double>&) -> Matrix {
       return {cd(0.5, -0.5), cd(0.5, 0.5), cd(0.5, 0.5), cd(0.5, -0.5)};
     }},
    {GateId::rx, "rx", 1, 1, GateClass::dense, AngleRule::rotation, InverseRule::negate, GateId::rx,
     [](const std::vector<double>& a) -> Matrix {
       const double co = std::cos(a[0] / 2), si = std::sin(a[0] / 2);
       return {co, -imag_unit * si, -imag_unit * si, co};
     }},
    {GateId::ry, "ry", 1, 1, GateClass::dense, AngleRule::rotation, InverseRule::negate, GateId::ry,
     [](const std::vector<double>& a) -> Matrix {
       const double co = std::cos(a[0] / 2), si = std::sin(a[0] / 2);
       return {co, -si, si, co};
     }},
    {GateId::rz, "rz", 1, 1, GateClass::diagonal, AngleRule::rotation, InverseRule::negate, GateId::rz,
     [](const std::vector<double>& a) -> Matrix {
       return {std::polar(1.0, -a[0] / 2), 0, 0, std::polar(1.0, a[0] / 2)};
     }},
    {GateId::p, "p", 1, 1, GateClass::diagonal, AngleRule::phase, InverseRule::negate, GateId::p,
     [](const std::vector<double>& a) -> Matrix {
       return {1, 0, 0, std::polar(1.0, a[0])};
     }},
    {GateId::u, "u", 1, 3, GateClass::dense, AngleRule::u, InverseRule::u, GateId::u,
     [](const std::vector<double>& a) -> Matrix {
       const double co = std::cos(a[0] / 2), si = std::sin(a[0] / 2);
       const cd g = a.size() > 3 ? std::polar(1.0, a[3]) : cd(1.0);
       // e^{i(phi+lambda)} as a product: phi + lambda rounds when the angles differ
       // greatly in size, and the matrix would no longer be unitary.
       const cd e_phi = std::polar(1.0, a[1]), e_lambda = std::polar(1.0, a[2]);
       return {g * co, -g * si * e_lambda, g * si * e_phi, g * co * (e_phi * e_lambda)};
     }},
    {GateId::swap, "swap", 2, 0, GateClass::permutation, AngleRule::none, InverseRule::partner, GateId::swap,
     [](const std::vector<double>&) -> Matrix { return {1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1}; }},
    {GateId::iswap, "iswap", 2, 0, GateClass::dense, AngleRule::none, InverseRule::adjoint, GateId::iswap,
     [](const std::vector<double>&) -> Matrix {
       return {1, 0, 0, 0, 0, 0, imag_unit, 0, 0, imag_unit, 0, 0, 0, 0, 0, 1};
     }},
    {GateId::rxx, "rxx", 2, 1, GateClass::dense, AngleRule::rotation, InverseRule::negate, GateId::rxx,
     [](const std::vector<double>& a) -> Matrix {
       const cd co = std::cos(a[0] / 2), ms = -imag_unit * std::sin(a[0] / 2);
       return {co, 0, 0, ms, 0, co, ms, 0, 0, ms, co, 0, ms, 0, 0, co};
     }},
    {GateId::ryy, "ryy", 2, 1, GateClass::dense, AngleRule::rotation, InverseRule::negate, GateId::ryy,
     [](const std::vector<double>& a) -> Matrix {
       const cd co = std::cos(a[0] / 2), ms = -imag_unit * std::sin(a[0] / 2);
       return {co, 0, 0, -ms, 0, co, ms, 0, 0, ms, co, 0, -ms, 0, 0, co};
     }},
    {GateId::rzz, "rzz", 2, 1, GateClass::diagonal, AngleRule::rotation, InverseRule::negate, GateId::rzz,
     [](const std::vector<double>& a) -> Matrix {
       const cd e0 = std::polar(1.0, -a[0] / 2), e1 = std::polar(1.0, a[0] / 2);
       return {e0, 0, 0, 0, 0, e1, 0, 0, 0, 0, e1, 0, 0, 0, 0, e0};
     }},
    {GateId::unitary, "unitary", 0, 0, GateClass::dense, AngleRule::none, InverseRule::adjoint, GateId::unitary,
     nullptr},
};
static_assert(sizeof(gate_table) / sizeof(gate_table[0]) == num_gate_ids, "one GateInfo per GateId");
}  // namespace detail

/// The table entry of `id`; throws for a value outside the enumeration (a
/// cast from a bad integer), which would otherwise read past the table.
inline const GateInfo& gate_info(GateId id) {
  const auto index = static_cast<unsigned>(id);
  if (index >= num_gate_ids) throw invalid_argument("invalid gate id " + std::to_string(index));
  return detail::gate_table[index];
}

inline std::string gate_name(GateId id) { return gate_info(id).name; }

/// The matrix of a base gate for the angles `a` (see the table for Qiskit's
/// definitions); throws when angles are missing or the gate has no fixed matrix.
inline Matrix gate_matrix(GateId id, const std::vector<double>& a = {}) {
  const GateInfo& info = gate_info(id);
  if (info.matrix == nullptr) throw invalid_argument("gate " + gate_name(id) + " has no fixed matrix");
  if (a.size() < info.num_params)
    throw invalid_argument("gate " + gate_name(id) + " needs " + std::to_string(info.num_params) + " angle(s), got " +
                           std::to_string(a.size()));
  return info.matrix(a);
}

/**
 * A gate as Qiskit and OpenQASM 2.0 (qelib1.inc) spell it: a base gate whose
 * first `num_controls` qubit arguments are controls. `definition` is its
 * qelib1.inc text in terms of U, CX and earlier entries (nullptr for the
 * builtins U and CX). The parser runs a native spelling as its base gate;
 * the exporter writes the spelling marked `exported` for a base gate and
 * control count.
 */
struct GateSpelling {
  enum class Angles : unsigned char {
    same,  // the OpenQASM parameters are the qsim angles
    u2,    // u2(phi, lambda) = u(pi/2, phi, lambda)
    none   // the parameters are ignored (u0(gamma) is an identity)
  };
  std::string_view name;
  bool native;  // false: runs only by its definition (rccx, rc3x)
  GateId gate;
  unsigned num_controls;
  unsigned num_params;  // as written in OpenQASM
  Angles angles;
  bool exported;      // the exporter's name for (gate, num_controls[, num_params])
  bool qiskit_lacks;  // not in Qiskit's qelib1.inc: the exporter writes the definition
  const char* definition;
};

namespace detail {
using A = GateSpelling::Angles;
// In qelib1.inc order: a definition uses only the builtins and earlier entries.
inline const GateSpelling gate_spellings[] = {
    {"U", true, GateId::u, 0, 3, A::same, false, false, nullptr},
    {"CX", true, GateId::x, 1, 0, A::same, false, false, nullptr},
    {"u3", true, GateId::u, 0, 3, A::same, false, false, "gate u3(theta,phi,lambda) q { U(theta,phi,lambda) q; }"},
    {"u2", true, GateId::u, 0, 2, A::u2, false, false, "gate u2(phi,lambda) q { U(pi/2,phi,lambda) q; }"},
    {"u1", true, GateId::p, 0, 1, A::same, false, false, "gate u1(lambda) q { U(0,0,lambda) q; }"},
    {"cx", true, GateId::x, 1, 0, A::same, true, false, "gate cx c,t { CX c,t; }"},
    {"id", true, GateId::i, 0, 0, A::same, true, false, "gate id a { U(0,0,0) a; }"},
    {"u0", true, GateId::i, 0, 1, A::none, false, false, "gate u0(gamma) q { U(0,0,0) q; }"},
    {"u", true, GateId::u, 0, 3, A::same, true, false, "gate u(theta,phi,lambda) q { U(theta,phi,lambda) q; }"},
    {"p", true, GateId::p, 0, 1, A::same, true, false, "gate p(lambda) q { U(0,0,lambda) q; }"},
    {"x", true, GateId::x, 0, 0, A::same, true, false, "gate x a { U(pi,0,pi) a; }"},
    {"y", true, GateId::y, 0, 0, A::same, true, false, "gate y a { U(pi,pi/2,pi/2) a; }"},
    {"z", true, GateId::z, 0, 0, A::same, true, false, "gate z a { p(pi) a; }"},
    {"h", true, GateId::h, 0, 0, A::same, true, false, "gate h a { U(pi/2,0,pi) a; }"},
    {"s", true, GateId::s, 0, 0, A::same, true, false, "gate s a { p(pi/2) a; }"},
    {"sdg", true, GateId::sdg, 0, 0, A::same, true, false, "gate sdg a { p(-pi/2) a; }"},
    {"t", true, GateId::t, 0, 0, A::same, true, false, "gate t a { p(pi/4) a; }"},
    {"tdg", true, GateId::tdg, 0, 0, A::same, true, false, "gate tdg a { p(-pi/4) a; }"},
    {"sx", true, GateId::sx, 0, 0, A::same, true, false, "gate sx a { sdg a; h a; sdg a; }"},
    {"sxdg", true, GateId::sxdg, 0, 0, A::same, true, false, "gate sxdg a { s a; h a; s a; }"},
    {"rx", true, GateId::rx, 0, 1, A::same, true, false, "gate rx(theta) a { U(theta,-pi/2,pi/2) a; }"},
    {"ry", true, GateId::ry, 0, 1, A::same, true, false, "gate ry(theta) a { U(theta,0,0) a; }"},
    {"rz", true, GateId::rz, 0, 1, A::same, true, false, "gate rz(phi) a { p(phi) a; }"},
    {"cz", true, GateId::z, 1, 0, A::same, true, false, "gate cz a,b { h b; cx a,b; h b; }"},
    {"cy", true, GateId::y, 1, 0, A::same, true, false, "gate cy a,b { sdg b; cx a,b; s b; }"},
    {"swap", true, GateId::swap, 0, 0, A::same, true, false, "gate swap a,b { cx a,b; cx b,a; cx a,b; }"},
    {"ch", true, GateId::h, 1, 0, A::same, true, false, "gate ch a,b { s b; h b; t b; cx a,b; tdg b; h b; sdg b; }"},
    {"ccx", true, GateId::x, 2, 0, A::same, true, false,
     "gate ccx a,b,c {\n  h c; cx b,c; tdg c; cx a,c; t c; cx b,c; tdg c; cx a,c;\n"
     "  t b; t c; h c; cx a,b; t a; tdg b; cx a,b;\n}"},
    {"cswap", true, GateId::swap, 1, 0, A::same, true, false, "gate cswap a,b,c { cx c,b; ccx a,b,c; cx c,b; }"},
    {"crx", true, GateId::rx, 1, 1, A::same, true, false,
     "gate crx(theta) a,b { p(pi/2) b; cx a,b; U(-theta/2,0,0) b; cx a,b; U(theta/2,-pi/2,0) b; }"},
    {"cry", true, GateId::ry, 1, 1, A::same, true, false,
     "gate cry(theta) a,b { ry(theta/2) b; cx a,b; ry(-theta/2) b; cx a,b; }"},
    {"crz", true, GateId::rz, 1, 1, A::same, true, false,
     "gate crz(theta) a,b { rz(theta/2) b; cx a,b; rz(-theta/2) b; cx a,b; }"},
    {"cu1", true, GateId::p, 1, 1, A::same, false, false,
     "gate cu1(lambda) a,b { p(lambda/2) a; cx a,b; p(-lambda/2) b; cx a,b; p(lambda/2) b; }"},
    {"cp", true, GateId::p, 1, 1, A::same, true, false,
     "gate cp(lambda) a,b { p(lambda/2) a; cx a,b; p(-lambda/2) b; cx a,b; p(lambda/2) b; }"},
    {"cu3", true, GateId::u, 1, 3, A::same, true, false,
     "gate cu3(theta,phi,lambda) c,t {\n  p((lambda+phi)/2) c; p((lambda-phi)/2) t;\n"
     "  cx c,t; U(-theta/2,0,-(phi+lambda)/2) t;\n  cx c,t; U(theta/2,phi,0) t;\n}"},
    {"cu", true, GateId::u, 1, 4, A::same, true, false,
     "gate cu(theta,phi,lambda,gamma) c,t { p(gamma) c; cu3(theta,phi,lambda) c,t; }"},
    {"csx", true, GateId::sx, 1, 0, A::same, true, false, "gate csx a,b { h b; cp(pi/2) a,b; h b; }"},
    {"rxx", true, GateId::rxx, 0, 1, A::same, true, false,
     "gate rxx(theta) a,b { h a; h b; cx a,b; rz(theta) b; cx a,b; h a; h b; }"},
    {"ryy", true, GateId::ryy, 0, 1, A::same, true, true,
     "gate ryy(theta) a,b { rx(pi/2) a; rx(pi/2) b; cx a,b; rz(theta) b; cx a,b; rx(-pi/2) a; rx(-pi/2) b; }"},
    {"rzz", true, GateId::rzz, 0, 1, A::same, true, false, "gate rzz(theta) a,b { cx a,b; rz(theta) b; cx a,b; }"},
    {"iswap", true, GateId::iswap, 0, 0, A::same, true, true, "gate iswap a,b { s a; s b; h a; cx a,b; cx b,a; h b; }"},
    // Relative-phase Toffoli gates: CCX and CCCX up to phases on the basis states.
    {"rccx", false, GateId::i, 0, 0, A::same, false, false,
     "gate rccx a,b,c { h c; t c; cx b,c; tdg c; cx a,c; t c; cx b,c; tdg c; h c; }"},
    {"rc3x", false, GateId::i, 0, 0, A::same, false, false,
     "gate rc3x a,b,c,d {\n  h d; t d; cx c,d; tdg d; h d;\n  cx a,d; t d; cx b,d; tdg d; cx a,d; t d; cx b,d; tdg d;\n"
     "  h d; t d; cx c,d; tdg d; h d;\n}"},
    // 3-controlled X and sqrt(X): a Gray-code walk over the parities of a, b, c.
    {"c3x", true, GateId::x, 3, 0, A::same, true, false,
     "gate c3x a,b,c,d {\n  h d; cp(pi/4) a,d; cx a,b; cp(-pi/4) b,d; cx a,b; cp(pi/4) b,d; cx b,c; cp(-pi/4) c,d;\n"
     "  cx a,c; cp(pi/4) c,d; cx b,c; cp(-pi/4) c,d; cx a,c; cp(pi/4) c,d; h d;\n}"},
    {"c3sqrtx", true, GateId::sx, 3, 0, A::same, true, false,
     "gate c3sqrtx a,b,c,d {\n  h d; cp(pi/8) a,d; cx a,b; cp(-pi/8) b,d; cx a,b; cp(pi/8) b,d; cx b,c; cp(-pi/8) "
     "c,d;\n"
     "  cx a,c; cp(pi/8) c,d; cx b,c; cp(-pi/8) c,d; cx a,c; cp(pi/8) c,d; h d;\n}"},
    // 4-controlled X from controlled-sqrt(X) (Barenco et al. 1995, lemma 7.2).
    {"c4x", true, GateId::x, 4, 0, A::same, true, false,
     "gate c4x a,b,c,d,e {\n  h e; cp(pi/2) d,e; h e; c3x a,b,c,d;\n"
     "  h e; cp(-pi/2) d,e; h e; c3x a,b,c,d; c3sqrtx a,b,c,e;\n}"},
    // Other spellings Qiskit has used for the same gates.
    {"rcccx", false, GateId::i, 0, 0, A::same, false, false, "gate rcccx a,b,c,d { rc3x a,b,c,d; }"},
    {"cccx", true, GateId::x, 3, 0, A::same, false, false, "gate cccx a,b,c,d { c3x a,b,c,d; }"},
    {"c3sx", true, GateId::sx, 3, 0, A::same, false, false, "gate c3sx a,b,c,d { c3sqrtx a,b,c,d; }"},
    {"cccsqrtx", true, GateId::sx, 3, 0, A::same, false, false, "gate cccsqrtx a,b,c,d { c3sqrtx a,b,c,d; }"},
    {"ccccx", true, GateId::x, 4, 0, A::same, false, false, "gate ccccx a,b,c,d,e { c4x a,b,c,d,e; }"},
};
}  // namespace detail

/// Every spelling, in qelib1.inc order.
inline const std::vector<GateSpelling>& gate_spellings() {
  static const std::vector<GateSpelling> all(std::begin(detail::gate_spellings), std::end(detail::gate_spellings));
  return all;
}

/// The spelling called `name` (OpenQASM is case-sensitive); nullptr if none.
inline const GateSpelling* find_spelling(std::string_view name) {
  for (const auto& g : detail::gate_spellings)
    if (g.name == name) return &g;
  return nullptr;
}

/// The spelling the exporter writes for a base gate with `num_controls`
/// controls and `num_params` angles (cu for four, cu3 for three); nullptr
/// when OpenQASM 2.0's qelib1.inc has no such gate.
inline const GateSpelling* exported_spelling(GateId gate, std::size_t num_controls, std::size_t num_params) {
  const GateSpelling* first = nullptr;
  for (const auto& g : detail::gate_spellings) {
    if (!g.exported || !g.native || g.gate != gate || g.num_controls != num_controls) continue;
    if (g.num_params == num_params) return &g;
    if (first == nullptr) first = &g;
  }
  return first;
}

QSIM_END_NAMESPACE
