#pragma once
#include <string_view>

#include "qsim/core/config.hpp"
#include "qsim/gates/gate_id.hpp"

QSIM_BEGIN_NAMESPACE
namespace qasm {

/**
 * The text of `qelib1.inc` as qsim serves it for `include "qelib1.inc";`
 * (never read from disk): the gates of the OpenQASM 2.0 standard library and
 * those later Qiskit versions emit (sx, sxdg, p, u, cp, cu, csx, rxx, ryy,
 * rzz, iswap, rccx, rc3x, c3x, c3sqrtx, c4x), each defined from U and CX.
 * Gates with a native qsim equivalent (see native_gate()) run as that gate;
 * the definitions document them and are tested against the native matrices
 * (equal up to a global phase, which Qiskit's own definitions also differ by).
 */
inline constexpr std::string_view qelib1_inc = R"(// qelib1.inc, built into qsim
gate u3(theta,phi,lambda) q { U(theta,phi,lambda) q; }
gate u2(phi,lambda) q { U(pi/2,phi,lambda) q; }
gate u1(lambda) q { U(0,0,lambda) q; }
gate cx c,t { CX c,t; }
gate id a { U(0,0,0) a; }
gate u0(gamma) q { U(0,0,0) q; }
gate u(theta,phi,lambda) q { U(theta,phi,lambda) q; }
gate p(lambda) q { U(0,0,lambda) q; }
gate x a { U(pi,0,pi) a; }
gate y a { U(pi,pi/2,pi/2) a; }
gate z a { p(pi) a; }
gate h a { U(pi/2,0,pi) a; }
gate s a { p(pi/2) a; }
gate sdg a { p(-pi/2) a; }
gate t a { p(pi/4) a; }
gate tdg a { p(-pi/4) a; }
gate sx a { sdg a; h a; sdg a; }
gate sxdg a { s a; h a; s a; }
gate rx(theta) a { U(theta,-pi/2,pi/2) a; }
gate ry(theta) a { U(theta,0,0) a; }
gate rz(phi) a { p(phi) a; }
gate cz a,b { h b; cx a,b; h b; }
gate cy a,b { sdg b; cx a,b; s b; }
gate swap a,b { cx a,b; cx b,a; cx a,b; }
gate ch a,b { s b; h b; t b; cx a,b; tdg b; h b; sdg b; }
gate ccx a,b,c {
  h c; cx b,c; tdg c; cx a,c; t c; cx b,c; tdg c; cx a,c;
  t b; t c; h c; cx a,b; t a; tdg b; cx a,b;
}
gate cswap a,b,c { cx c,b; ccx a,b,c; cx c,b; }
gate crx(theta) a,b { p(pi/2) b; cx a,b; U(-theta/2,0,0) b; cx a,b; U(theta/2,-pi/2,0) b; }
gate cry(theta) a,b { ry(theta/2) b; cx a,b; ry(-theta/2) b; cx a,b; }
gate crz(theta) a,b { rz(theta/2) b; cx a,b; rz(-theta/2) b; cx a,b; }
gate cu1(lambda) a,b { p(lambda/2) a; cx a,b; p(-lambda/2) b; cx a,b; p(lambda/2) b; }
gate cp(lambda) a,b { p(lambda/2) a; cx a,b; p(-lambda/2) b; cx a,b; p(lambda/2) b; }
gate cu3(theta,phi,lambda) c,t {
  p((lambda+phi)/2) c; p((lambda-phi)/2) t;
  cx c,t; U(-theta/2,0,-(phi+lambda)/2) t;
  cx c,t; U(theta/2,phi,0) t;
}
gate cu(theta,phi,lambda,gamma) c,t { p(gamma) c; cu3(theta,phi,lambda) c,t; }
gate csx a,b { h b; cp(pi/2) a,b; h b; }
gate rxx(theta) a,b { h a; h b; cx a,b; rz(theta) b; cx a,b; h a; h b; }
gate ryy(theta) a,b { rx(pi/2) a; rx(pi/2) b; cx a,b; rz(theta) b; cx a,b; rx(-pi/2) a; rx(-pi/2) b; }
gate rzz(theta) a,b { cx a,b; rz(theta) b; cx a,b; }
gate iswap a,b { s a; s b; h a; cx a,b; cx b,a; h b; }
// relative-phase Toffoli gates: CCX and CCCX up to phases on the basis states
gate rccx a,b,c { h c; t c; cx b,c; tdg c; cx a,c; t c; cx b,c; tdg c; h c; }
gate rc3x a,b,c,d {
  h d; t d; cx c,d; tdg d; h d;
  cx a,d; t d; cx b,d; tdg d; cx a,d; t d; cx b,d; tdg d;
  h d; t d; cx c,d; tdg d; h d;
}
// 3-controlled X and sqrt(X): a Gray-code walk over the parities of a, b, c
gate c3x a,b,c,d {
  h d; cp(pi/4) a,d; cx a,b; cp(-pi/4) b,d; cx a,b; cp(pi/4) b,d; cx b,c; cp(-pi/4) c,d;
  cx a,c; cp(pi/4) c,d; cx b,c; cp(-pi/4) c,d; cx a,c; cp(pi/4) c,d; h d;
}
gate c3sqrtx a,b,c,d {
  h d; cp(pi/8) a,d; cx a,b; cp(-pi/8) b,d; cx a,b; cp(pi/8) b,d; cx b,c; cp(-pi/8) c,d;
  cx a,c; cp(pi/8) c,d; cx b,c; cp(-pi/8) c,d; cx a,c; cp(pi/8) c,d; h d;
}
// 4-controlled X from controlled-sqrt(X) (Barenco et al. 1995, lemma 7.2)
gate c4x a,b,c,d,e {
  h e; cp(pi/2) d,e; h e; c3x a,b,c,d;
  h e; cp(-pi/2) d,e; h e; c3x a,b,c,d; c3sqrtx a,b,c,e;
}
// other spellings Qiskit has used for the same gates
gate rcccx a,b,c,d { rc3x a,b,c,d; }
gate cccx a,b,c,d { c3x a,b,c,d; }
gate c3sx a,b,c,d { c3sqrtx a,b,c,d; }
gate cccsqrtx a,b,c,d { c3sqrtx a,b,c,d; }
gate ccccx a,b,c,d,e { c4x a,b,c,d,e; }
)";

/// How a gate name maps onto a qsim base gate: the first `num_controls`
/// qubit arguments are controls, the rest targets.
struct NativeGate {
  enum class Angles : unsigned char {
    same,  // the OpenQASM parameters are the qsim angles
    u2,    // u2(phi, lambda) = u(pi/2, phi, lambda)
    none   // the parameters are ignored (u0(gamma) is an identity)
  };
  std::string_view name;
  GateId gate;
  unsigned num_controls;
  unsigned num_params;  // as written in OpenQASM
  Angles angles;
};

/// The native equivalent of the builtins U and CX and of the qelib1.inc
/// gates; nullptr for gates that only have a definition (rccx, rc3x).
inline const NativeGate* native_gate(std::string_view name) {
  using A = NativeGate::Angles;
  static const NativeGate table[] = {
      {"U", GateId::u, 0, 3, A::same},         {"CX", GateId::x, 1, 0, A::same},
      {"u3", GateId::u, 0, 3, A::same},        {"u2", GateId::u, 0, 2, A::u2},
      {"u1", GateId::p, 0, 1, A::same},        {"cx", GateId::x, 1, 0, A::same},
      {"id", GateId::i, 0, 0, A::same},        {"u0", GateId::i, 0, 1, A::none},
      {"u", GateId::u, 0, 3, A::same},         {"p", GateId::p, 0, 1, A::same},
      {"x", GateId::x, 0, 0, A::same},         {"y", GateId::y, 0, 0, A::same},
      {"z", GateId::z, 0, 0, A::same},         {"h", GateId::h, 0, 0, A::same},
      {"s", GateId::s, 0, 0, A::same},         {"sdg", GateId::sdg, 0, 0, A::same},
      {"t", GateId::t, 0, 0, A::same},         {"tdg", GateId::tdg, 0, 0, A::same},
      {"sx", GateId::sx, 0, 0, A::same},       {"sxdg", GateId::sxdg, 0, 0, A::same},
      {"rx", GateId::rx, 0, 1, A::same},       {"ry", GateId::ry, 0, 1, A::same},
      {"rz", GateId::rz, 0, 1, A::same},       {"cz", GateId::z, 1, 0, A::same},
      {"cy", GateId::y, 1, 0, A::same},        {"swap", GateId::swap, 0, 0, A::same},
      {"ch", GateId::h, 1, 0, A::same},        {"ccx", GateId::x, 2, 0, A::same},
      {"cswap", GateId::swap, 1, 0, A::same},  {"crx", GateId::rx, 1, 1, A::same},
      {"cry", GateId::ry, 1, 1, A::same},      {"crz", GateId::rz, 1, 1, A::same},
      {"cu1", GateId::p, 1, 1, A::same},       {"cp", GateId::p, 1, 1, A::same},
      {"cu3", GateId::u, 1, 3, A::same},       {"cu", GateId::u, 1, 4, A::same},
      {"csx", GateId::sx, 1, 0, A::same},      {"rxx", GateId::rxx, 0, 1, A::same},
      {"ryy", GateId::ryy, 0, 1, A::same},     {"rzz", GateId::rzz, 0, 1, A::same},
      {"iswap", GateId::iswap, 0, 0, A::same}, {"c3x", GateId::x, 3, 0, A::same},
      {"cccx", GateId::x, 3, 0, A::same},      {"c3sqrtx", GateId::sx, 3, 0, A::same},
      {"cccsqrtx", GateId::sx, 3, 0, A::same}, {"c3sx", GateId::sx, 3, 0, A::same},
      {"c4x", GateId::x, 4, 0, A::same},       {"ccccx", GateId::x, 4, 0, A::same},
  };
  for (const auto& g : table)
    if (g.name == name) return &g;
  return nullptr;
}

}  // namespace qasm
QSIM_END_NAMESPACE
