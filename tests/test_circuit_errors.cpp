// Every bad input is refused when it is added, with qsim's exception type and
// a message naming the bad value.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include <qsim/qsim.hpp>

using Catch::Matchers::Contains;

TEST_CASE("qubit and clbit ranges, repeated qubits, angles", "[circuit][errors]") {
  qsim::Circuit c(3, 2);
  CHECK_THROWS_AS(c.h(3), qsim::invalid_argument);
  CHECK_THROWS_WITH(c.h(5), Contains("qubit 5 out of range for a 3-qubit circuit"));
  CHECK_THROWS_WITH(c.cx(0, 7), Contains("qubit 7 out of range"));
  CHECK_THROWS_WITH(c.cx(1, 1), Contains("qubit 1 used twice in cx"));
  CHECK_THROWS_WITH(c.ccx(0, 2, 2), Contains("qubit 2 used twice in ccx"));
  CHECK_THROWS_WITH(c.swap(0, 0), Contains("qubit 0 used twice in swap"));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(c.rx(nan, 0), Contains("angle of rx is not finite"));
  CHECK_THROWS_WITH(c.u(0.1, std::numeric_limits<double>::infinity(), 0.2, 0), Contains("angle of u is not finite"));
  CHECK_THROWS_WITH(c.measure(0, 2), Contains("classical bit 2 out of range for a circuit with 2 classical bits"));
  CHECK_THROWS_WITH(c.measure({0, 1}, {0}), Contains("2 qubits but 1 classical bits"));
  CHECK_THROWS_WITH(c.reset(4), Contains("qubit 4 out of range"));
  CHECK_THROWS_WITH(c.c_if("c", 1), Contains("c_if with no operation to condition"));
  c.x(0);
  CHECK_THROWS_WITH(c.c_if("nope", 1), Contains("no classical register named 'nope'"));
  CHECK_THROWS_WITH(c.c_if("c", 4), Contains("condition value 4 does not fit the 2-bit register 'c'"));
  CHECK_THROWS_WITH(c.controlled({0}, qsim::make_gate(qsim::GateId::ry, {0}, {0.5})), Contains("qubit 0 used twice"));
  CHECK_THROWS_WITH(c.append(qsim::make_gate(qsim::GateId::rx, {0})), Contains("gate rx takes 1 angle(s), got 0"));
  CHECK_THROWS_WITH(c.append(qsim::make_gate(qsim::GateId::swap, {0})), Contains("acts on 2 target qubit(s), got 1"));
  CHECK(c.size() == 1);  // only the valid x(0) was added
}

TEST_CASE("user matrices must be unitary, finite and the right size", "[circuit][errors]") {
  qsim::Circuit c(2);
  CHECK_THROWS_WITH(c.unitary({1, 0, 0, 2}, {0}), Contains("is not unitary"));
  CHECK_THROWS_WITH(c.unitary({1, 0, 0, 1}, {0, 1}), Contains("4 entries does not fit 2 target qubit(s) (needs 16)"));
  CHECK_THROWS_WITH(c.unitary({std::nan(""), 0, 0, 1}, {0}), Contains("non-finite entry"));
  const double r = 1 / std::sqrt(2.0);
  CHECK_NOTHROW(c.unitary({r, r, r, -r}, {1}));
  // A looser tolerance accepts a matrix rounded to float precision.
  const double rf = static_cast<float>(r);
  CHECK_THROWS(c.unitary({rf, rf, rf, -rf}, {0}));
  CHECK_NOTHROW(c.unitary({rf, rf, rf, -rf}, {0}, 1e-6));
}

TEST_CASE("registers and simulator misuse", "[circuit][errors]") {
  qsim::Circuit c(2);
  CHECK_THROWS_WITH(c.add_creg("c", 0), Contains("register 'c' has size 0"));
  c.add_creg("c", 1);
  CHECK_THROWS_WITH(c.add_creg("c", 2), Contains("register 'c' already exists"));
  CHECK_THROWS_WITH(qsim::Circuit(40).add_qreg("more", 30), Contains("70 qubits; at most 62"));
  qsim::Simulator<double> sim;
  qsim::Circuit no_bits(2);
  no_bits.h(0);
  CHECK_THROWS_WITH(sim.run(no_bits, 10, 1), Contains("no classical bits"));
  qsim::StateVector<double> wrong(3);
  CHECK_THROWS_WITH(sim.apply(no_bits, wrong), Contains("2-qubit circuit applied to a 3-qubit state"));
  qsim::Circuit param(1);
  param.ry(qsim::weight(2), 0);
  CHECK(param.num_weights() == 3);
  CHECK_THROWS_WITH(sim.statevector(param), Contains("weight 2 is not bound (0 weights given)"));
  const std::vector<double> w = {0, 0, std::nan("")};
  CHECK_THROWS_WITH(sim.statevector(param, 0, {w.data(), w.size()}), Contains("not finite"));
  CHECK_THROWS_WITH(qsim::Circuit(0).measure_all(), Contains("no qubits"));
}

TEST_CASE("parameterised gates bind weights and features", "[circuit]") {
  qsim::Circuit c(1);
  c.ry(qsim::feature(0, 2.0, 0.5), 0).rz(qsim::weight(0), 0);
  CHECK(c.num_features() == 1);
  CHECK(c.num_weights() == 1);
  const std::vector<double> w = {0.3}, x = {0.2};
  const qsim::Binding b{w.data(), w.size(), x.data(), x.size()};
  const auto psi = qsim::Simulator<double>().statevector(c, 0, b);
  qsim::Circuit fixed(1);
  fixed.ry(2.0 * 0.2 + 0.5, 0).rz(0.3, 0);
  const auto expected = qsim::Simulator<double>().statevector(fixed);
  CHECK(std::abs(psi.inner(expected) - 1.0) < 1e-14);
}
