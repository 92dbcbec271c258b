// The OpenQASM 2.0 parser, construct by construct and error by error. Gate
// semantics are checked against the Circuit API (itself tested against
// textbook matrices in test_gates) on random states with the independent
// dense simulator of support/qasm_reference.hpp.
#include <catch2/catch.hpp>

#include "support/qasm_reference.hpp"

namespace {

using qsim::qasm::parse;
const std::string header = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";

// c applied to a fixed random state, by the test's own dense simulator.
qref::Vec run_dense(const qsim::Circuit& c, unsigned n) {
  std::mt19937_64 rng(5);
  qref::Vec psi = ref::random_state(static_cast<int>(n), rng);
  for (const auto& op : c.operations())
    if (op.is_gate()) qref::apply(psi, qref::gate(op), op.targets, op.controls);
  return psi;
}

// |<a|b>| == 1: equal up to a global phase.
bool equal_up_to_phase(const qref::Vec& a, const qref::Vec& b) { return std::abs(std::abs(a.dot(b)) - 1) < 1e-10; }

struct Expected {
  std::string qasm;                             // a statement on q[...] of a 5-qubit register
  std::function<void(qsim::Circuit&)> circuit;  // the same gate through the Circuit API
};

const double A = 0.7312, B = -1.913, G = 2.417, D = 0.389;

std::vector<Expected> qelib1_gates() {
  const double pi = qsim::detail::pi;
  using C = qsim::Circuit;
  return {
      {"U(0.7312,-1.913,2.417) q[3];", [](C& c) { c.u(A, B, G, 3); }},
      {"CX q[4],q[1];", [](C& c) { c.cx(4, 1); }},
      {"u3(0.7312,-1.913,2.417) q[2];", [](C& c) { c.u(A, B, G, 2); }},
      {"u2(-1.913,2.417) q[2];", [pi](C& c) { c.u(pi / 2, B, G, 2); }},
      {"u1(0.7312) q[1];", [](C& c) { c.p(A, 1); }},
      {"u(0.7312,-1.913,2.417) q[0];", [](C& c) { c.u(A, B, G, 0); }},
      {"p(0.7312) q[3];", [](C& c) { c.p(A, 3); }},
      {"u0(3) q[3];", [](C& c) { c.id(3); }},
      {"id q[3];", [](C& c) { c.id(3); }},
      {"x q[3];", [](C& c) { c.x(3); }},
      {"y q[3];", [](C& c) { c.y(3); }},
      {"z q[3];", [](C& c) { c.z(3); }},
      {"h q[3];", [](C& c) { c.h(3); }},
      {"s q[3];", [](C& c) { c.s(3); }},
      {"sdg q[3];", [](C& c) { c.sdg(3); }},
      {"t q[3];", [](C& c) { c.t(3); }},
      {"tdg q[3];", [](C& c) { c.tdg(3); }},
      {"sx q[3];", [](C& c) { c.sx(3); }},
      {"sxdg q[3];", [](C& c) { c.sxdg(3); }},
      {"rx(0.7312) q[3];", [](C& c) { c.rx(A, 3); }},
      {"ry(0.7312) q[3];", [](C& c) { c.ry(A, 3); }},
      {"rz(0.7312) q[3];", [](C& c) { c.rz(A, 3); }},
      {"cx q[3],q[0];", [](C& c) { c.cx(3, 0); }},
      {"cy q[3],q[0];", [](C& c) { c.cy(3, 0); }},
      {"cz q[3],q[0];", [](C& c) { c.cz(3, 0); }},
      {"ch q[3],q[0];", [](C& c) { c.ch(3, 0); }},
      {"swap q[3],q[0];", [](C& c) { c.swap(3, 0); }},
      {"iswap q[3],q[0];", [](C& c) { c.iswap(3, 0); }},
      {"crx(0.7312) q[0],q[4];", [](C& c) { c.crx(A, 0, 4); }},
      {"cry(0.7312) q[0],q[4];", [](C& c) { c.cry(A, 0, 4); }},
      {"crz(0.7312) q[0],q[4];", [](C& c) { c.crz(A, 0, 4); }},
      {"cu1(0.7312) q[0],q[4];", [](C& c) { c.cp(A, 0, 4); }},
      {"cp(0.7312) q[0],q[4];", [](C& c) { c.cp(A, 0, 4); }},
      {"cu3(0.7312,-1.913,2.417) q[4],q[2];", [](C& c) { c.cu(A, B, G, 0, 4, 2); }},
      {"cu(0.7312,-1.913,2.417,0.389) q[4],q[2];", [](C& c) { c.cu(A, B, G, D, 4, 2); }},
      {"csx q[1],q[3];", [](C& c) { c.controlled({1}, qsim::make_gate(qsim::GateId::sx, {3})); }},
      {"rxx(0.7312) q[1],q[3];", [](C& c) { c.rxx(A, 1, 3); }},
      {"ryy(0.7312) q[1],q[3];", [](C& c) { c.ryy(A, 1, 3); }},
      {"rzz(0.7312) q[1],q[3];", [](C& c) { c.rzz(A, 1, 3); }},
      {"ccx q[4],q[0],q[2];", [](C& c) { c.ccx(4, 0, 2); }},
      {"cswap q[4],q[0],q[2];", [](C& c) { c.cswap(4, 0, 2); }},
      {"c3x q[4],q[0],q[2],q[1];",
       [](C& c) {
         c.mcx({4, 0, 2}, 1);
       }},
      {"cccx q[4],q[0],q[2],q[1];",
       [](C& c) {
         c.mcx({4, 0, 2}, 1);
       }},
      {"c3sqrtx q[4],q[0],q[2],q[1];",
       [](C& c) {
         c.controlled({4, 0, 2}, qsim::make_gate(qsim::GateId::sx, {1}));
       }},
      {"c3sx q[4],q[0],q[2],q[1];",
       [](C& c) {
         c.controlled({4, 0, 2}, qsim::make_gate(qsim::GateId::sx, {1}));
       }},
      {"c4x q[4],q[0],q[2],q[1],q[3];",
       [](C& c) {
         c.mcx({4, 0, 2, 1}, 3);
       }},
      {"ccccx q[4],q[0],q[2],q[1],q[3];",
       [](C& c) {
         c.mcx({4, 0, 2, 1}, 3);
       }},
  };
}

// Runs `f`, which must throw parse_error at `line`:`column` with `text` in the message.
template <class F>
void check_throws(F f, unsigned line, unsigned column, const std::string& text) {
  try {
    f();
    FAIL("no parse_error; expected one containing '" << text << "'");
  } catch (const qsim::qasm::parse_error& e) {
    INFO(e.what());
    CHECK(e.line() == line);
    CHECK(e.column() == column);
    CHECK_THAT(e.message(), Catch::Contains(text));
    CHECK_THAT(std::string(e.what()), Catch::StartsWith(e.file() + ":" + std::to_string(line) + ":"));
  }
}
void check_error(const std::string& source, unsigned line, unsigned column, const std::string& text) {
  INFO("source:\n" << source);
  check_throws([&] { parse(source, "test.qasm"); }, line, column, text);
}

}  // namespace

TEST_CASE("every qelib1.inc gate acts as the same gate built through the Circuit API", "[qasm]") {
  for (const auto& g : qelib1_gates()) {
    INFO(g.qasm);
    const qsim::Circuit parsed = parse(header + "qreg q[5];\n" + g.qasm);
    qsim::Circuit expected(5);
    g.circuit(expected);
    CHECK((run_dense(parsed, 5) - run_dense(expected, 5)).norm() < 1e-12);
    // The simulator agrees too (float and double use the same op list).
    qsim::StateVector<double> psi(5);
    qsim::Simulator<double>().apply(parsed, psi);
    qsim::Circuit from_zero(5);
    g.circuit(from_zero);
    CHECK(ref::max_diff(psi, qref::final_state(from_zero)) < 1e-12);
  }
}

TEST_CASE("the qelib1.inc definitions equal the native gates up to a global phase", "[qasm]") {
  qsim::qasm::ParseOptions expand;
  expand.expand_library_gates = true;
  for (const auto& g : qelib1_gates()) {
    INFO(g.qasm);
    const qsim::Circuit native = parse(header + "qreg q[5];\n" + g.qasm);
    const qsim::Circuit defined = parse(header + "qreg q[5];\n" + g.qasm, "t.qasm", expand);
    // Expanded, only the builtins remain: U (u, no controls) and CX (x, one control).
    for (const auto& op : defined.operations())
      CHECK(((op.gate == qsim::GateId::u && op.controls.empty()) ||
             (op.gate == qsim::GateId::x && op.controls.size() == 1)));
    CHECK(equal_up_to_phase(run_dense(native, 5), run_dense(defined, 5)));
  }
}

TEST_CASE("rccx and rc3x are Toffolis up to relative phases", "[qasm]") {
  for (auto [rel, full] : {std::pair<std::string, std::string>{"rccx q[2],q[0],q[1];", "ccx q[2],q[0],q[1];"},
                           {"rc3x q[2],q[0],q[3],q[1];", "c3x q[2],q[0],q[3],q[1];"},
                           {"rcccx q[2],q[0],q[3],q[1];", "c3x q[2],q[0],q[3],q[1];"}}) {
    INFO(rel);
    const auto a = parse(header + "qreg q[4];\n" + rel), b = parse(header + "qreg q[4];\n" + full);
    for (unsigned basis = 0; basis < 16; ++basis) {  // each column: same basis state up to a phase
      qref::Vec psi = qref::Vec::Zero(16), phi = qref::Vec::Zero(16);
      psi(basis) = phi(basis) = 1;
      for (const auto& op : a.operations()) qref::apply(psi, qref::gate(op), op.targets, op.controls);
      for (const auto& op : b.operations()) qref::apply(phi, qref::gate(op), op.targets, op.controls);
      CHECK(psi.cwiseAbs().isApprox(phi.cwiseAbs(), 1e-12));
    }
  }
}

TEST_CASE("header, include and comments", "[qasm]") {
  // No header at all: only the builtins U and CX.
  auto c = parse("qreg q[2]; U(pi,0,pi) q[0]; CX q[0],q[1];");
  CHECK(c.num_qubits() == 2);
  CHECK(c.size() == 2);
  // Both comment styles, anywhere; the include may appear twice.
  c = parse(
      "// leading comment\nOPENQASM 2.0; /* block\n comment */ include \"qelib1.inc\";\ninclude \"qelib1.inc\";\n"
      "qreg q[1]; h /* mid-statement */ q[0]; // trailing\n");
  REQUIRE(c.size() == 1);
  CHECK(c.operations()[0].gate == qsim::GateId::h);
  c = parse("\xEF\xBB\xBFOPENQASM 2.0;\r\nqreg q[1];\r\n");  // byte-order mark, CRLF line ends
  CHECK(c.num_qubits() == 1);
  c = parse("OPENQASM 2;");
  CHECK(c.num_qubits() == 0);
}

TEST_CASE("registers, broadcast, measure, reset and barrier", "[qasm]") {
  const auto c = parse(header +
                       "qreg a[2]; qreg b[2]; creg x[2]; creg y[1];\n"
                       "h a;\n"         // broadcast over a register: 2 ops
                       "cx a, b;\n"     // register pairs: 2 ops
                       "cx a[0], b;\n"  // one qubit repeated against a register: 2 ops
                       "barrier a, b[1];\n"
                       "measure a -> x;\n"
                       "measure b[1] -> y[0];\n"
                       "reset b;\n");
  CHECK(c.num_qubits() == 4);
  CHECK(c.num_clbits() == 3);
  const auto& ops = c.operations();
  REQUIRE(ops.size() == 11);
  CHECK(ops[0].targets == std::vector<unsigned>{0});
  CHECK(ops[1].targets == std::vector<unsigned>{1});
  CHECK((ops[2].controls == std::vector<unsigned>{0} && ops[2].targets == std::vector<unsigned>{2}));
  CHECK((ops[3].controls == std::vector<unsigned>{1} && ops[3].targets == std::vector<unsigned>{3}));
  CHECK((ops[4].controls == std::vector<unsigned>{0} && ops[4].targets == std::vector<unsigned>{2}));
  CHECK((ops[5].controls == std::vector<unsigned>{0} && ops[5].targets == std::vector<unsigned>{3}));
  CHECK(ops[6].kind == qsim::OpKind::barrier);
  CHECK(ops[6].targets == std::vector<unsigned>{0, 1, 3});
  CHECK(ops[7].kind == qsim::OpKind::measure);
  CHECK(ops[7].targets == std::vector<unsigned>{0, 1});
  CHECK(ops[7].clbits == std::vector<unsigned>{0, 1});
  CHECK((ops[8].targets == std::vector<unsigned>{3} && ops[8].clbits == std::vector<unsigned>{2}));
  CHECK((ops[9].kind == qsim::OpKind::reset && ops[9].targets == std::vector<unsigned>{2}));
  CHECK((ops[10].kind == qsim::OpKind::reset && ops[10].targets == std::vector<unsigned>{3}));
}

TEST_CASE("several classical registers give Qiskit's key: last register leftmost, bit 0 rightmost", "[qasm]") {
  // Lopsided: x on a[0] and b[1]; a -> first (2 bits), b -> second (3 bits), lone -> third.
  const auto c = parse(header +
                       "qreg a[2]; qreg b[3]; creg first[2]; creg second[3]; creg lone[1];\n"
                       "x a[0]; x b[1]; x b[2];\n"
                       "measure a -> first; measure b -> second; measure b[2] -> lone[0];\n");
  const auto counts = qsim::Simulator<double>().run(c, 50, 1);
  REQUIRE(counts.size() == 1);
  CHECK(counts.begin()->first == "1 110 01");
  CHECK(counts.begin()->second == 50);
}

TEST_CASE("user gate definitions with parameters, nesting and expressions", "[qasm]") {
  const double pi = qsim::detail::pi;
  const auto c = parse(header +
                       "gate inner(a) t { rz(a) t; }\n"
                       "gate outer(a, b) s, t {\n"
                       "  inner(a*2 - b/4 + 2^3 - -1) s;\n"
                       "  inner(-2^2) t; inner(2^3^2) t; inner(-(a+b)*3) s;\n"
                       "  inner(sin(pi/6) + cos(0) + tan(pi/4) + exp(1) + ln(exp(2)) + sqrt(16)) t;\n"
                       "  inner(1e-3 + .5 + 5. + 2E+2 + 1.5e2) s;\n"
                       "  barrier s, t; cx s, t;\n"
                       "}\n"
                       "gate empty q { }\n"
                       "qreg q[3];\n"
                       "outer(0.3, pi) q[2], q[0];\n"
                       "empty q[1];\n");
  const auto& ops = c.operations();
  REQUIRE(ops.size() == 8);
  auto angle = [&](std::size_t i) { return ops[i].params.at(0).offset; };
  CHECK(angle(0) == Approx(0.3 * 2 - pi / 4 + 8 + 1).epsilon(1e-14));
  CHECK(ops[0].targets == std::vector<unsigned>{2});
  CHECK(angle(1) == Approx(-4.0));
  CHECK(ops[1].targets == std::vector<unsigned>{0});
  CHECK(angle(2) == Approx(512.0));
  CHECK(angle(3) == Approx(-(0.3 + pi) * 3));
  CHECK(angle(4) == Approx(0.5 + 1 + 1 + std::exp(1.0) + 2 + 4).epsilon(1e-14));
  CHECK(angle(5) == Approx(1e-3 + 0.5 + 5 + 200 + 150));
  CHECK(ops[6].kind == qsim::OpKind::barrier);
  CHECK(ops[6].targets == std::vector<unsigned>{2, 0});
  CHECK((ops[7].controls == std::vector<unsigned>{2} && ops[7].targets == std::vector<unsigned>{0}));
}

TEST_CASE("a gate named like a library gate in another case, and overriding a library gate", "[qasm]") {
  const auto c = parse(header +
                       "gate cH a,b { h b; }\n"      // not ch
                       "gate rzz(t) a,b { x a; }\n"  // replaces the library's rzz from here on
                       "qreg q[2]; cH q[0],q[1]; rzz(0.5) q[0],q[1]; ch q[0],q[1];\n");
  const auto& ops = c.operations();
  REQUIRE(ops.size() == 3);
  CHECK((ops[0].gate == qsim::GateId::h && ops[0].controls.empty()));
  CHECK((ops[1].gate == qsim::GateId::x && ops[1].targets == std::vector<unsigned>{0}));
  CHECK((ops[2].gate == qsim::GateId::h && ops[2].controls.size() == 1));
}

TEST_CASE("if (creg == n) conditions every operation of its statement", "[qasm]") {
  const auto c = parse(header +
                       "qreg q[2]; creg lo[1]; creg c[3];\n"
                       "gate two a,b { x a; x b; }\n"
                       "if (c == 5) h q[1];\n"
                       "if(c==7) two q[0],q[1];\n"
                       "if (lo == 1) measure q[0] -> c[2];\n"
                       "if (c == 0) reset q;\n");
  const auto& ops = c.operations();
  REQUIRE(ops.size() == 6);
  for (const auto& op : ops) REQUIRE(op.condition.has_value());
  CHECK((ops[0].condition->first == 1 && ops[0].condition->width == 3 && ops[0].condition->value == 5));
  CHECK((ops[1].condition->value == 7 && ops[2].condition->value == 7));
  CHECK((ops[3].kind == qsim::OpKind::measure && ops[3].condition->first == 0 && ops[3].condition->width == 1));
  CHECK((ops[4].kind == qsim::OpKind::reset && ops[5].kind == qsim::OpKind::reset));
}

TEST_CASE("if and reset statistics follow the exact distribution (chi-square, fixed seeds)", "[qasm]") {
  // Measure a biased qubit, flip a second one when it read 1, reset the first,
  // rotate it again: outcomes over (c1 c0) and the second register.
  const auto c = parse(header +
                       "qreg q[2]; creg c[2]; creg d[1];\n"
                       "ry(1.1) q[0]; measure q[0] -> c[0];\n"
                       "if (c == 1) x q[1];\n"
                       "reset q[0]; ry(2.0) q[0]; measure q[0] -> c[1];\n"
                       "measure q[1] -> d[0];\n");
  const double p = std::pow(std::sin(0.55), 2), r = std::pow(std::sin(1.0), 2);
  const std::map<std::string, double> exact = {
      {"0 00", (1 - p) * (1 - r)}, {"0 10", (1 - p) * r}, {"1 01", p * (1 - r)}, {"1 11", p * r}};
  const auto reference = qref::exact_counts(c);
  REQUIRE(reference.size() == 4);
  for (const auto& [k, v] : exact) CHECK(reference.at(k) == Approx(v).epsilon(1e-12));
  for (std::uint64_t seed : {1u, 2u}) {
    const auto counts = qsim::Simulator<double>().run(c, 5000, seed);
    CHECK(stats::chi_square(counts, exact) < stats::critical(3));
    CHECK(counts == qsim::Simulator<double>().run(c, 5000, seed));  // same seed, same counts
  }
}

TEST_CASE("opaque gates parse and fail only when used", "[qasm]") {
  const auto c = parse("opaque magic(a, b) x, y; opaque plain q; qreg q[1];");
  CHECK(c.num_qubits() == 1);
  check_error("opaque magic(a) x;\nqreg q[1];\n  magic(0.5) q[0];", 3, 3, "gate 'magic' is declared opaque");
  check_error("opaque m x;\ngate g a { m a; }\nqreg q[1];\ng q[0];", 4, 1, "gate 'm' is declared opaque");
}

TEST_CASE("malformed input: parse errors name the file, line, column and what was expected", "[qasm][errors]") {
  check_error("qreg q[2]\nh q;", 2, 1, "expected ';' after the register declaration, got 'h'");
  check_error("OPENQASM 3.0;", 1, 10, "unsupported OpenQASM version 3.0");
  check_error("OPENQASM;", 1, 9, "expected a version number");
  check_error("qreg q[1];\nOPENQASM 2.0;", 2, 1, "must be the first statement");
  check_error("include \"stdgates.inc\";", 1, 9, "only \"qelib1.inc\" is built in");
  check_error("include qelib1;", 1, 9, "expected a file name in quotes");
  check_error("qreg q[1];\nh q[0];", 2, 1, "unknown gate 'h' (missing 'include \"qelib1.inc\";'?)");
  check_error(header + "qreg q[1];\nfoo q[0];", 4, 1, "unknown gate 'foo'");
  check_error(header + "qreg q[2];\nh r[0];", 4, 3, "unknown quantum register 'r'");
  check_error(header + "qreg q[2]; creg c[2];\nh c[0];", 4, 3, "'c' is a classical register");
  check_error(header + "qreg q[2];\nh q[2];", 4, 5, "index 2 out of range for register 'q' of size 2");
  check_error(header + "qreg q[2];\nrx q[0];", 4, 1, "gate 'rx' takes 1 parameter, got 0");
  check_error(header + "qreg q[2];\nrx(1,2) q[0];", 4, 3, "gate 'rx' takes 1 parameter, got 2");
  check_error(header + "qreg q[2];\ncx q[0];", 4, 1, "gate 'cx' takes 2 qubit arguments, got 1");
  check_error(header + "qreg q[2]; qreg r[3];\ncx q, r;", 4, 7, "differ in size in the broadcast");
  check_error(header + "qreg q[2];\ncx q[1], q[1];", 4, 10, "qubit q[1] used twice in 'cx'");
  check_error(header + "qreg q[2];\ncx q, q;", 4, 7, "used twice");
  check_error(header + "qreg q[2]; creg c[3];\nmeasure q -> c;", 4, 14, "sizes differ");
  check_error(header + "qreg q[2]; creg c[2];\nmeasure q[0] -> c;", 4, 17, "a register on both sides");
  check_error(header + "qreg q[2]; creg c[2];\nmeasure q[0] c[0];", 4, 14, "expected '->'");
  check_error(header + "qreg q[2]; creg c[2];\nif (c == 4) x q[0];", 4, 10,
              "value 4 does not fit the 2-bit register 'c'");
  check_error(header + "qreg q[2]; creg c[2];\nif (d == 1) x q[0];", 4, 5, "unknown classical register 'd'");
  check_error(header + "qreg q[2]; creg c[2];\nif (c = 1) x q[0];", 4, 7, "unexpected character '='");
  check_error(header + "qreg q[2]; creg c[2];\nif (c == 1) barrier q;", 4, 13,
              "expected a gate call, measure or reset");
  check_error("qreg q[2];\nqreg q[1];", 2, 6, "a register named 'q' already exists");
  check_error("qreg q[2];\ncreg q[1];", 2, 6, "a register named 'q' already exists");
  check_error("qreg q[0];", 1, 8, "register 'q' has size 0");
  check_error("qreg q[40];\nqreg r[40];", 2, 8, "would make 80 qubits; at most 62 are supported");
  check_error("creg c[99999999];", 1, 8, "at most 65536 are supported");
  check_error("qreg q[99999999999999999999999];", 1, 8, "integer 99999999999999999999999 is too large");
  check_error(header + "qreg q[1];\nrx(1e999) q[0];", 4, 4, "number 1e999 is out of range");
  check_error(header + "qreg q[1];\nrx(1/0) q[0];", 4, 4, "angle of 'rx' is not a finite number (inf)");
  check_error(header + "qreg q[1];\nrx(ln(0-1)) q[0];", 4, 4, "not a finite number");
  check_error(header + "qreg q[1];\nrx(theta) q[0];", 4, 4, "unknown name 'theta' in an expression");
  check_error(header + "qreg q[1];\nrx(1 +) q[0];", 4, 7, "expected an expression");
  check_error(header + "qreg q[1];\nrx((1) q[0];", 4, 8, "expected ')' after the parameters of 'rx', got 'q'");
  check_error(header + "qreg q[1];\nrx((1 q[0];", 4, 7, "expected ')' to close the parenthesis");
  check_error(header + "qreg q[1];\nrx(1e) q[0];", 4, 4, "expected digits after the exponent");
  check_error("qreg q[1]; $", 1, 12, "unexpected character '$'");
  check_error(std::string("qreg q[1];\n\x01"), 2, 1, "unexpected character byte 0x01");
  check_error("qreg q[1]; /* never closed", 1, 12, "unterminated comment");
  check_error("include \"qelib1.inc;\nqreg q[1];", 1, 9, "unterminated string");
  check_error(header + "gate g a { h a; }\ngate g a { x a; }", 4, 6, "gate 'g' is already defined on line 3");
  check_error("gate U a { }", 1, 6, "cannot redefine the builtin gate 'U'");
  check_error(header + "gate g a { h b; }", 3, 14, "'b' is not a qubit argument of gate 'g'");
  check_error(header + "gate g a { h a[0]; }", 3, 15, "without an index");
  check_error(header + "gate g a, b { cx a, a; }", 3, 21, "qubit argument 'a' used twice");
  check_error(header + "gate g a { measure a; }", 3, 12, "'measure' is not allowed inside the body of gate 'g'");
  check_error(header + "gate g a { h a; ", 3, 17, "expected '}' to close the body of gate 'g'");
  check_error(header + "gate g a { g a; }", 3, 12, "unknown gate 'g'");
  check_error(header + "gate g(pi) a { }", 3, 6, "'pi' is reserved");
  check_error(header + "gate g(x, x) a { }", 3, 6, "names two arguments 'x'");
  check_error(header + "gate g(x) a { rx(y) a; }", 3, 18, "unknown name 'y'");
  check_error(header + "gate g(x) a, b { rx(x) a, b; }", 3, 18, "gate 'rx' takes 1 qubit argument, got 2");
  check_error(header + "qreg q[1];\nbarrier ;", 4, 9, "expected a quantum register");
  check_error("42;", 1, 1, "expected a statement");
}

TEST_CASE("hostile input hits clear limits instead of exhausting stack, memory or time", "[qasm][errors]") {
  // Deep parentheses and long operator chains.
  const std::string deep = "qreg q[1]; U(" + std::string(5000, '(') + "1" + std::string(5000, ')') + ",0,0) q[0];";
  check_error(deep, 1, 114, "expression nested more than 100 levels deep");
  std::string chain = "qreg q[1]; U(1";
  for (int i = 0; i < 5000; ++i) chain += "+1";
  check_error(chain + ",0,0) q[0];", 1, 213, "expression nested more than 100 levels deep");
  check_error("qreg q[1]; U(" + std::string(5000, '-') + "1,0,0) q[0];", 1, 113, "nested more than 100 levels");
  // Gate definitions nested 100 deep.
  std::string nest = "gate g0 a { U(0,0,0) a; }\n";
  for (int i = 1; i <= 100; ++i) nest += "gate g" + std::to_string(i) + " a { g" + std::to_string(i - 1) + " a; }\n";
  check_error(nest, 65, 6, "gate 'g64' nests gate definitions 65 levels deep; at most 64");
  // Each level doubles the gate count: 2^40 operations from a few lines.
  std::string bomb = "gate b0 a { U(0,0,0) a; }\n";
  for (int i = 1; i <= 40; ++i)
    bomb +=
        "gate b" + std::to_string(i) + " a { b" + std::to_string(i - 1) + " a; b" + std::to_string(i - 1) + " a; }\n";
  qsim::qasm::ParseOptions small;
  small.max_operations = 10000;
  check_throws([&] { parse(bomb + "qreg q[1];\nb40 q[0];", "bomb.qasm", small); }, 43, 1, "more than 10000 operations");
  // The same with empty bodies produces no operations but still takes bounded time.
  std::string empty = "gate e0 a { }\n";
  for (int i = 1; i <= 40; ++i)
    empty +=
        "gate e" + std::to_string(i) + " a { e" + std::to_string(i - 1) + " a; e" + std::to_string(i - 1) + " a; }\n";
  check_throws([&] { parse(empty + "qreg q[1];\ne40 q[0];", "bomb.qasm", small); }, 43, 1, "steps");
}

TEST_CASE("parse_file names the file in errors and refuses a missing file", "[qasm][errors]") {
  CHECK_THROWS_AS(qsim::qasm::parse_file("/nonexistent/file.qasm"), qsim::invalid_argument);
  CHECK_THROWS_WITH(qsim::qasm::parse_file("/nonexistent/file.qasm"), Catch::Contains("/nonexistent/file.qasm"));
  // parse_error is a qsim::error, so callers can catch one type.
  CHECK_THROWS_AS(parse("qreg q[1]"), qsim::error);
  CHECK_THROWS_WITH(parse("qreg q[1]", "my.qasm"), Catch::StartsWith("my.qasm:1:10: expected ';'"));
}

TEST_CASE("reserved words cannot name registers, gates or arguments", "[qasm][errors]") {
  check_error("qreg sin[1];", 1, 6, "'sin' is a reserved word and cannot name a register");
  check_error("creg measure[1];", 1, 6, "'measure' is a reserved word");
  check_error("gate barrier a { }", 1, 6, "'barrier' is a reserved word and cannot name a gate");
  check_error("gate g(sqrt) a { }", 1, 6, "'sqrt' is reserved");
  check_error("gate g if { }", 1, 6, "'if' is reserved");
}
