// to_qasm: parse(to_qasm(c)) reproduces the state of random circuits over the
// whole standard gate set (float and double), exporting again gives the same
// text, circuits with measurement/reset/if give the same counts, and what
// OpenQASM 2.0 cannot express is refused with a clear message.
#include <catch2/catch.hpp>

#include "support/qasm_reference.hpp"

namespace {

using Add = std::function<void(qsim::Circuit&, const std::vector<unsigned>&, const std::vector<double>&)>;

// Every gate to_qasm can write: (number of qubits, adder).
std::vector<std::pair<unsigned, Add>> standard_gates() {
  using C = qsim::Circuit;
  using Q = std::vector<unsigned>;
  using A = std::vector<double>;
  auto sx = [](C& c, const Q& q, unsigned controls) {
    c.controlled(Q(q.begin(), q.begin() + controls), qsim::make_gate(qsim::GateId::sx, {q[controls]}));
  };
  return {
      {1, [](C& c, const Q& q, const A&) { c.id(q[0]); }},
      {1, [](C& c, const Q& q, const A&) { c.x(q[0]); }},
      {1, [](C& c, const Q& q, const A&) { c.y(q[0]); }},
      {1, [](C& c, const Q& q, const A&) { c.z(q[0]); }},
      {1, [](C& c, const Q& q, const A&) { c.h(q[0]); }},
      {1, [](C& c, const Q& q, const A&) { c.s(q[0]); }},
      {1, [](C& c, const Q& q, const A&) { c.sdg(q[0]); }},
      {1, [](C& c, const Q& q, const A&) { c.t(q[0]); }},
      {1, [](C& c, const Q& q, const A&) { c.tdg(q[0]); }},
      {1, [](C& c, const Q& q, const A&) { c.sx(q[0]); }},
      {1, [](C& c, const Q& q, const A&) { c.sxdg(q[0]); }},
      {1, [](C& c, const Q& q, const A& a) { c.rx(a[0], q[0]); }},
      {1, [](C& c, const Q& q, const A& a) { c.ry(a[0], q[0]); }},
      {1, [](C& c, const Q& q, const A& a) { c.rz(a[0], q[0]); }},
      {1, [](C& c, const Q& q, const A& a) { c.p(a[0], q[0]); }},
      {1, [](C& c, const Q& q, const A& a) { c.u(a[0], a[1], a[2], q[0]); }},
      {2, [](C& c, const Q& q, const A&) { c.cx(q[0], q[1]); }},
      {2, [](C& c, const Q& q, const A&) { c.cy(q[0], q[1]); }},
      {2, [](C& c, const Q& q, const A&) { c.cz(q[0], q[1]); }},
      {2, [](C& c, const Q& q, const A&) { c.ch(q[0], q[1]); }},
      {2, [](C& c, const Q& q, const A&) { c.swap(q[0], q[1]); }},
      {2, [](C& c, const Q& q, const A&) { c.iswap(q[0], q[1]); }},
      {2, [](C& c, const Q& q, const A& a) { c.crx(a[0], q[0], q[1]); }},
      {2, [](C& c, const Q& q, const A& a) { c.cry(a[0], q[0], q[1]); }},
      {2, [](C& c, const Q& q, const A& a) { c.crz(a[0], q[0], q[1]); }},
      {2, [](C& c, const Q& q, const A& a) { c.cp(a[0], q[0], q[1]); }},
      {2, [](C& c, const Q& q, const A& a) { c.cu(a[0], a[1], a[2], a[3], q[0], q[1]); }},
      {2, [](C& c, const Q& q, const A& a) { c.cu(a[0], a[1], a[2], 0.0, q[0], q[1]); }},
      {2, [](C& c, const Q& q, const A& a) { c.rxx(a[0], q[0], q[1]); }},
      {2, [](C& c, const Q& q, const A& a) { c.ryy(a[0], q[0], q[1]); }},
      {2, [](C& c, const Q& q, const A& a) { c.rzz(a[0], q[0], q[1]); }},
      {2, [sx](C& c, const Q& q, const A&) { sx(c, q, 1); }},
      {3, [](C& c, const Q& q, const A&) { c.ccx(q[0], q[1], q[2]); }},
      {3, [](C& c, const Q& q, const A&) { c.cswap(q[0], q[1], q[2]); }},
      {4,
       [](C& c, const Q& q, const A&) {
         c.mcx({q[0], q[1], q[2]}, q[3]);
       }},
      {4, [sx](C& c, const Q& q, const A&) { sx(c, q, 3); }},
      {5,
       [](C& c, const Q& q, const A&) {
         c.mcx({q[0], q[1], q[2], q[3]}, q[4]);
       }},
  };
}

// A random circuit on two quantum registers (3 + 2 qubits) using every gate.
// With `definitions` false, iswap and ryy (exported with a gate definition) are left out.
qsim::Circuit random_circuit(std::mt19937_64& rng, std::size_t length, bool definitions = true) {
  qsim::Circuit c;
  c.add_qreg("data", 3);
  c.add_qreg("anc", 2);
  auto gates = standard_gates();
  if (!definitions) {
    gates.erase(gates.begin() + 29);  // ryy
    gates.erase(gates.begin() + 21);  // iswap
  }
  std::uniform_real_distribution<double> angle(-7, 7);
  for (std::size_t i = 0; i < length; ++i) {
    const auto& [k, add] = gates[i < gates.size() ? i : rng() % gates.size()];
    std::vector<unsigned> qs = {0, 1, 2, 3, 4};
    std::shuffle(qs.begin(), qs.end(), rng);
    qs.resize(k);
    add(c, qs, {angle(rng), angle(rng), angle(rng), angle(rng)});
    if (rng() % 8 == 0) c.barrier({qs[0]});
  }
  return c;
}

bool uses_definitions(const qsim::Circuit& c) {
  for (const auto& op : c.operations())
    if (op.gate == qsim::GateId::iswap || op.gate == qsim::GateId::ryy) return true;
  return false;
}

}  // namespace

TEMPLATE_TEST_CASE("parse(to_qasm(c)) gives the same state on random circuits", "[qasm][export]", float, double) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 20; ++trial) {
    const qsim::Circuit c = random_circuit(rng, 60);
    const std::string text = qsim::qasm::to_qasm(c);
    INFO(text);
    const qsim::Circuit back = qsim::qasm::parse(text, "exported.qasm");
    CHECK(back.num_qubits() == c.num_qubits());
    const qsim::Simulator<TestType> sim;
    const auto a = sim.statevector(c), b = sim.statevector(back);
    // iswap and ryy come back through their definitions: equal up to a global phase.
    std::complex<double> overlap = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
      overlap += std::conj(std::complex<double>(a[i])) * std::complex<double>(b[i]);
    CHECK(std::abs(std::abs(overlap) - 1) < (std::is_same_v<TestType, float> ? 1e-4 : 1e-12));
    // And against the independent dense simulation of the original.
    CHECK(std::abs(std::abs(qref::final_state(c).dot(qref::final_state(back))) - 1) < 1e-12);
  }
}

TEST_CASE("exporting the parsed export reproduces the text exactly (angles round-trip)", "[qasm][export]") {
  std::mt19937_64 rng(3);
  int checked = 0;
  for (int trial = 0; trial < 40; ++trial) {
    qsim::Circuit c = random_circuit(rng, 40, false);
    REQUIRE(!uses_definitions(c));
    const std::string text = qsim::qasm::to_qasm(c);
    CHECK(qsim::qasm::to_qasm(qsim::qasm::parse(text)) == text);
    ++checked;
  }
  CHECK(checked > 3);
}

TEST_CASE("measure, reset, barrier and if survive export with the same counts", "[qasm][export]") {
  qsim::Circuit c;
  c.add_qreg("q", 3);
  c.add_creg("flag", 1);
  c.add_creg("out", 3);
  c.h(0).ry(0.9, 1).measure(0, 0);
  c.x(2).c_if("flag", 1);
  c.reset(0).h(0).barrier();
  c.cx(1, 0).c_if("flag", 0);
  c.measure({0, 1, 2}, {1, 2, 3});
  const std::string text = qsim::qasm::to_qasm(c);
  INFO(text);
  CHECK_THAT(text, Catch::Contains("if(flag==1) x q[2];"));
  CHECK_THAT(text, Catch::Contains("reset q[0];"));
  CHECK_THAT(text, Catch::Contains("measure q[2] -> out[2];"));
  CHECK_THAT(text, Catch::Contains("creg flag[1];\ncreg out[3];"));
  const auto back = qsim::qasm::parse(text);
  CHECK(qsim::qasm::to_qasm(back) == text);
  const qsim::Simulator<double> sim;
  CHECK(sim.run(back, 2000, 8) == sim.run(c, 2000, 8));
}

TEST_CASE("what OpenQASM 2.0 cannot express is refused clearly", "[qasm][export]") {
  using Catch::Contains;
  qsim::Circuit m(2);
  m.unitary({0, 1, 1, 0}, {0});
  CHECK_THROWS_WITH(qsim::qasm::to_qasm(m), Contains("user matrix"));
  qsim::Circuit w(1);
  w.rx(qsim::weight(3), 0);
  CHECK_THROWS_WITH(qsim::qasm::to_qasm(w), Contains("unbound angle (weight 3)"));
  qsim::Circuit many(6);
  many.mcx({0, 1, 2, 3, 4}, 5);
  CHECK_THROWS_WITH(qsim::qasm::to_qasm(many), Contains("x with 5 control(s)) has no OpenQASM 2.0 equivalent"));
  qsim::Circuit cs(3);
  cs.controlled({0}, qsim::make_gate(qsim::GateId::s, {1}));
  CHECK_THROWS_WITH(qsim::qasm::to_qasm(cs), Contains("s with 1 control(s)"));
  qsim::Circuit part(1, 2);
  qsim::Operation op = qsim::make_gate(qsim::GateId::x, {0});
  op.condition = qsim::Condition{0, 1, 1};  // bit 0 of the 2-bit register "c"
  part.append(op);
  CHECK_THROWS_WITH(qsim::qasm::to_qasm(part), Contains("part of a classical register"));
  qsim::Circuit bad_name;
  bad_name.add_qreg("my reg", 1);
  CHECK_THROWS_WITH(qsim::qasm::to_qasm(bad_name), Contains("'my reg' is not an OpenQASM identifier"));
  CHECK_THROWS_AS(qsim::qasm::to_qasm(m), qsim::invalid_argument);
}
