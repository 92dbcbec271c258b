// Regression tests for hostile input through the C++ API (issue 11): each
// case crashed, used unbounded memory or gave a silent wrong answer before,
// and must now throw a qsim::error naming the problem and leave every object
// usable.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include <qsim/qsim.hpp>

using Catch::Matchers::Contains;

namespace {
qsim::Operation raw_measure(std::vector<qsim::qubit_t> qs, std::vector<qsim::clbit_t> cs) {
  qsim::Operation op;
  op.kind = qsim::OpKind::measure;
  op.targets = std::move(qs);
  op.clbits = std::move(cs);
  return op;
}
}  // namespace

TEST_CASE("conditions whose bit range wraps around are refused", "[robustness][circuit]") {
  qsim::Circuit c(2, 2);
  qsim::Operation op = qsim::make_gate(qsim::GateId::x, {0});
  op.condition = qsim::Condition{0xFFFFFFFFU, 2, 0};
  CHECK_THROWS_AS(c.append(op), qsim::invalid_argument);
  CHECK_THROWS_WITH(c.append(op), Contains("condition on classical bits 4294967295..4294967297 out of range"));
  op.condition = qsim::Condition{1, 0xFFFFFFFFU, 0};
  CHECK_THROWS_WITH(c.append(op), Contains("out of range for a circuit with 2 classical bits"));
  op.condition = qsim::Condition{0, 2, 3};
  CHECK_NOTHROW(c.append(op));
  CHECK(c.size() == 1);
}

TEST_CASE("register totals cannot wrap around", "[robustness][circuit]") {
  qsim::Circuit c;
  CHECK_THROWS_WITH(c.add_creg("c", 0xFFFFFFFFU), Contains("would make 4294967295 classical bits; at most 65536"));
  CHECK(c.num_clbits() == 0);
  CHECK(c.add_creg("d", 2) == 0);
  CHECK(c.num_clbits() == 2);
  CHECK_THROWS_WITH(c.add_creg("e", qsim::max_clbits - 1), Contains("at most 65536"));
  qsim::Circuit q;
  q.add_qreg("a", 2);
  CHECK_THROWS_WITH(q.add_qreg("b", 0xFFFFFFFFU), Contains("would make 4294967297 qubits; at most 62"));
  CHECK(q.num_qubits() == 2);
  CHECK(q.qregs().size() == 1);
}

TEST_CASE("single gates are checked as Circuit::append checks them", "[robustness][simulator]") {
  qsim::Simulator<double> sim;
  qsim::StateVector<double> psi(2);
  CHECK_THROWS_WITH(sim.apply(qsim::make_gate(qsim::GateId::unitary, {0}), psi), Contains("has no matrix"));
  CHECK_THROWS_WITH(sim.apply(qsim::make_unitary({1, 0, 0, 2}, {0}), psi), Contains("is not unitary"));
  CHECK_THROWS_WITH(sim.apply(qsim::make_unitary({std::nan(""), 0, 0, 1}, {0}), psi), Contains("non-finite entry"));
  CHECK_THROWS_WITH(sim.apply(qsim::make_unitary({1, 0, 0, 1}, {0, 1}), psi), Contains("does not fit"));
  CHECK_THROWS_WITH(qsim::kernels::apply_gate(psi, qsim::make_gate(qsim::GateId::unitary, {1})),
                    Contains("has no matrix"));
  CHECK_THROWS_WITH(qsim::kernels::apply_gate(psi, qsim::make_unitary({2, 0, 0, 2}, {1})), Contains("is not unitary"));
  CHECK_THROWS_WITH(qsim::kernels::apply_gate(psi, qsim::make_gate(static_cast<qsim::GateId>(200), {0})),
                    Contains("invalid gate id 200"));
  CHECK_THROWS_WITH(qsim::kernels::apply_gate(psi, qsim::make_gate(qsim::GateId::rx, {0}, {std::nan("")})),
                    Contains("not finite"));
  CHECK_THROWS_WITH(sim.apply(raw_measure({0}, {0}), psi), Contains("takes a gate"));
  qsim::Operation conditioned = qsim::make_gate(qsim::GateId::x, {0});
  conditioned.condition = qsim::Condition{0, 1, 1};
  CHECK_THROWS_WITH(sim.apply(conditioned, psi), Contains("condition"));
  // Nothing was applied: the state is still |00>.
  CHECK(psi[0] == std::complex<double>(1, 0));
  CHECK(psi.norm() == Approx(1.0));
}

TEST_CASE("operations with inconsistent fields are refused by append", "[robustness][circuit]") {
  qsim::Circuit c(3, 2);
  CHECK_THROWS_WITH(c.append(raw_measure({0, 1}, {0})),
                    Contains("measure of 2 qubit(s) into 1 classical bit(s): the numbers must match"));
  CHECK_THROWS_WITH(c.controlled({1}, raw_measure({0}, {0})), Contains("measure cannot have control qubits"));
  qsim::Operation reset;
  reset.kind = qsim::OpKind::reset;
  reset.targets = {0};
  CHECK_THROWS_WITH(c.controlled({2}, reset), Contains("reset cannot have control qubits"));
  reset.targets = {0, 1};
  CHECK_THROWS_WITH(c.append(reset), Contains("reset acts on one qubit"));
  CHECK_THROWS_WITH(c.append(qsim::make_gate(static_cast<qsim::GateId>(250), {0})), Contains("invalid gate id 250"));
  qsim::Operation bad_kind = qsim::make_gate(qsim::GateId::x, {0});
  bad_kind.kind = static_cast<qsim::OpKind>(9);
  CHECK_THROWS_WITH(c.append(bad_kind), Contains("invalid operation kind 9"));
  qsim::Operation gate_with_bits = qsim::make_gate(qsim::GateId::x, {0});
  gate_with_bits.clbits = {1};
  CHECK_THROWS_WITH(c.append(gate_with_bits), Contains("takes no classical bits"));
  qsim::Operation x_with_matrix = qsim::make_unitary({0, 1, 1, 0}, {0});
  x_with_matrix.gate = qsim::GateId::x;
  CHECK_THROWS_WITH(c.append(x_with_matrix), Contains("takes no matrix"));
  std::vector<qsim::qubit_t> many(64);
  for (unsigned i = 0; i < 64; ++i) many[i] = i % 3;
  CHECK_THROWS(c.append(qsim::make_unitary({1}, many)));
  CHECK(c.size() == 0);
  CHECK_THROWS_WITH(qsim::gate_info(static_cast<qsim::GateId>(22)), Contains("invalid gate id 22"));
}

TEST_CASE("marginal counts refuse a repeated qubit", "[robustness][measure]") {
  qsim::Circuit c(2);
  c.h(0);
  CHECK_THROWS_WITH(qsim::Simulator<double>().marginal_counts(c, {0, 0}, 10, 1), Contains("qubit 0 appears twice"));
  CHECK_THROWS_WITH(qsim::marginal_counts({0, 1, 2}, {1, 1}), Contains("qubit 1 appears twice"));
  CHECK_THROWS_WITH(qsim::marginal_counts({0}, {64}), Contains("qubit 64 out of range"));
}

TEST_CASE("a directory is not an OpenQASM file", "[robustness][qasm]") {
  CHECK_THROWS_WITH(qsim::qasm::parse_file("."), Contains("'.' is a directory"));
  CHECK_THROWS_WITH(qsim::qasm::parse_file("/nonexistent/x.qasm"), Contains("cannot open"));
}

TEST_CASE("the parser bounds its input and its work", "[robustness][qasm]") {
  qsim::qasm::ParseOptions small;
  small.max_input_bytes = 60;
  const std::string program = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\nx q[0];\nx q[0];\n";
  CHECK_THROWS_WITH(qsim::qasm::parse(program, "long.qasm", small),
                    Contains("input of 63 bytes is longer than the limit of 60 bytes"));
  std::istringstream endless(std::string(1000, 'x'));
  CHECK_THROWS_WITH(qsim::qasm::read_bounded(endless, "<stdin>", 999), Contains("longer than the limit of 999 bytes"));
  std::istringstream exact(std::string(999, 'x'));
  CHECK(qsim::qasm::read_bounded(exact, "<stdin>", 999).size() == 999);
  // Statements that emit no operation still count: an empty gate called
  // without end is refused, not parsed for ever.
  std::string empty_calls = "OPENQASM 2.0;\nqreg q[1];\ngate g a { }\n";
  for (int i = 0; i < 2000; ++i) empty_calls += "g q[0];\n";
  qsim::qasm::ParseOptions few;
  few.max_operations = 100;
  CHECK_THROWS_WITH(qsim::qasm::parse(empty_calls, "empty.qasm", few), Contains("statements and gate expansions"));
  CHECK_NOTHROW(qsim::qasm::parse(empty_calls));
  // Tokens are read lazily: a long program parses to the same circuit.
  std::string lines = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\n";
  for (int i = 0; i < 5000; ++i) lines += (i % 2 ? "cx q[0], q[1];\n" : "rx(pi/4 + 0.5*2) q[1];\n");
  const qsim::Circuit c = qsim::qasm::parse(lines);
  REQUIRE(c.size() == 5000);
  CHECK(c.operations()[4998].params[0].offset == Approx(qsim::detail::pi / 4 + 1.0));
  CHECK(c.operations()[4999].controls == std::vector<qsim::qubit_t>{0});
  qsim::qasm::ParseOptions few_nodes;
  few_nodes.max_expression_nodes = 10;
  CHECK_THROWS_WITH(qsim::qasm::parse("qreg q[1]; gate g(t) a { U(t+t+t+t+t+t+t, 0, 0) a; }", "n.qasm", few_nodes),
                    Contains("more than 10 expression nodes"));
}

TEST_CASE("memory refusals give the bytes asked for", "[robustness][memory]") {
  // 2^62 amplitudes of 16 bytes: 2^66 bytes does not fit 64 bits, and the
  // message used to say "needs 0 bytes".
  try {
    qsim::StateVector<double> psi(62);
    FAIL("a 62-qubit state was allocated");
  } catch (const qsim::out_of_memory& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Contains("2^66 bytes"));
    CHECK_THAT(what, !Contains("needs 0 bytes"));
  }
  CHECK_THROWS_WITH(qsim::StateVector<float>(63), Contains("at most 62 qubits"));
  CHECK_THROWS_AS(qsim::detail::check_bytes_fit(std::ldexp(1.0L, 70), "a buffer"), qsim::out_of_memory);
  CHECK_THROWS_WITH(qsim::detail::check_bytes_fit(std::ldexp(1.0L, 70), "a buffer"),
                    Contains("a buffer needs 2^70 bytes"));
}

TEST_CASE("shots are bounded and cost no memory per shot when counted", "[robustness][shots]") {
  qsim::Circuit c(2);
  c.h(0).cx(0, 1).measure_all();
  qsim::Simulator<double> sim;
  CHECK_THROWS_WITH(sim.run(c, 1'000'000'000'000ULL, 1), Contains("exceed the limit of 1000000000"));
  CHECK_THROWS_WITH(sim.sample(c, 1'000'000'000'000ULL, 1), Contains("SimulatorOptions::max_shots"));
  qsim::SimulatorOptions unlimited;
  unlimited.max_shots = ~0ULL;
  // 2^61 shots of 8 bytes: refused before the list is allocated.
  CHECK_THROWS_AS(qsim::Simulator<double>(unlimited).sample(c, 1ULL << 61, 1), qsim::out_of_memory);
  qsim::Circuit mid(1, 1);
  mid.h(0).measure(0, 0).reset(0);
  CHECK_THROWS_WITH(sim.run(mid, 1'000'000'000'000ULL, 1), Contains("max_shots"));
  // The counting sampler holds one uniform at a time and gives the same
  // draws as the list of sorted uniforms.
  double spacing = 0;
  const auto list = qsim::detail::sorted_uniforms(1000, 7, spacing);
  qsim::detail::SortedSpacings one_by_one(1000, 7);
  CHECK(one_by_one.spacing_sum() == spacing);
  for (double u : list) CHECK(one_by_one.next() == u);
}

TEST_CASE("count keys of huge classical registers are bounded", "[robustness][shots]") {
  qsim::Circuit c(12);
  c.add_creg("c", 65536);
  for (unsigned q = 0; q < 12; ++q) c.h(q).measure(q, q);
  qsim::SimulatorOptions small;
  small.max_counts_bytes = 1 << 20;
  CHECK_THROWS_WITH(qsim::Simulator<double>(small).run(c, 100000, 1),
                    Contains("more than SimulatorOptions::max_counts_bytes"));
  // Few shots give few keys: allowed.
  CHECK(qsim::total_shots(qsim::Simulator<double>(small).run(c, 3, 1)) == 3);
}

TEST_CASE("weight files with overflowing shapes are refused", "[robustness][ml]") {
  const std::string path = "robustness_weights.txt";
  {
    std::ofstream out(path);
    out << "qsim-weights 1\nquantum 4294967296 4294967296\n1 2 3\n";
  }
  CHECK_THROWS_WITH(qsim::ml::load_weights(path), Contains("bad shape for block 'quantum'"));
  {
    std::ofstream out(path);
    out << "qsim-weights 1\nquantum 2 -1\n";
  }
  CHECK_THROWS_WITH(qsim::ml::load_weights(path), Contains("bad shape"));
  std::remove(path.c_str());
}

TEST_CASE("moved-from and copied states stay consistent", "[robustness][state]") {
  qsim::StateVector<double> a(3);
  a[5] = 1;
  a[0] = 0;
  qsim::StateVector<double> b(std::move(a));
  CHECK(b.num_qubits() == 3);
  CHECK(b[5] == std::complex<double>(1, 0));
  CHECK(a.num_qubits() == 0);  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  CHECK(a.size() == 0);
  CHECK(a.data() == nullptr);
  CHECK(a.squared_norm() == 0);
  const qsim::StateVector<double> empty_copy(a);
  CHECK(empty_copy.size() == 0);
  a.reset();
  CHECK(a.size() == 1);
  CHECK(a[0] == std::complex<double>(1, 0));
  qsim::StateVector<double> c(2);
  c = b;  // a different width: reallocated
  CHECK(c.num_qubits() == 3);
  CHECK(c.size() == 8);
  CHECK(c[5] == std::complex<double>(1, 0));
  c = qsim::StateVector<double>(1);
  CHECK(c.size() == 2);
}

TEST_CASE("QuantumLayer stays usable after forward or backward throws", "[robustness][ml]") {
  qsim::Circuit circuit(2);
  circuit.ry(qsim::feature(0), 0).ry(qsim::feature(1), 1).cx(0, 1).rx(qsim::weight(0), 0).ry(qsim::weight(1), 1);
  circuit.rz(qsim::feature(1, 1e300), 1);  // an input of 1e10 makes this angle infinite in the middle of a batch
  const std::vector<qsim::ml::PauliSum> obs = {{{1.0, "Z0"}}, {{1.0, "Z1"}}};
  Eigen::MatrixXd x(3, 2);
  x << 0.1, 0.2, -0.7, 1.1, 2.0, 0.3;
  Eigen::MatrixXd dy(3, 2);
  dy << 1, -1, 0.5, 0.25, -2, 1;
  for (std::size_t cache : {std::size_t{1} << 20, std::size_t{0}}) {
    qsim::ml::LayerOptions options;
    options.threads = 1;
    options.cache_bytes = cache;
    qsim::ml::QuantumLayer<double> reference(circuit, obs, options), layer(circuit, obs, options);
    reference.forward(x);
    const Eigen::MatrixXd dx_ref = reference.backward(dy);

    // A backward that throws (NaN cotangent) changes nothing; the retry gives the reference.
    layer.forward(x);
    Eigen::MatrixXd bad = dy;
    bad(1, 0) = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH(layer.backward(bad), Contains("dL/dY of sample 1, output 0 is not finite"));
    CHECK(layer.weight_gradient().isZero());
    const Eigen::MatrixXd dx = layer.backward(dy);
    CHECK(dx.isApprox(dx_ref, 1e-12));
    CHECK(layer.weight_gradient().isApprox(reference.weight_gradient(), 1e-12));

    // A forward that throws keeps nothing half-done: backward says forward is missing.
    qsim::ml::QuantumLayer<double> fresh(circuit, obs, options);
    Eigen::MatrixXd bad_x = x;
    bad_x(2, 1) = 1e10;  // finite, so the input check passes; sample 2 fails after samples 0 and 1 ran
    CHECK_THROWS_WITH(fresh.forward(bad_x), Contains("not finite"));
    CHECK_THROWS_WITH(fresh.backward(dy), Contains("backward called before forward"));
    // ... and after a good forward, a failed one keeps the good one.
    fresh.forward(x);
    CHECK_THROWS(fresh.forward(bad_x));
    CHECK(fresh.backward(dy).isApprox(dx_ref, 1e-12));
  }
}
