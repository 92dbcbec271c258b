// Circuit algebra: inverse (every gate, against dense Eigen products),
// compose with qubit and bit maps, depth and count_ops (Qiskit's values),
// num_parameters, state preparation, and the refusals.
#include <catch2/catch.hpp>
#include <random>

#include "support/dense_reference.hpp"

namespace {

ref::Mat to_mat(const qsim::Matrix& m) {
  const auto dim = static_cast<Eigen::Index>(std::lround(std::sqrt(static_cast<double>(m.size()))));
  ref::Mat out(dim, dim);
  for (Eigen::Index r = 0; r < dim; ++r)
    for (Eigen::Index c = 0; c < dim; ++c) out(r, c) = m[static_cast<std::size_t>(r * dim + c)];
  return out;
}

// The circuit's unitary from Eigen products of each gate's embedded matrix.
ref::Mat dense_unitary(const qsim::Circuit& c, const qsim::Binding& b = {}) {
  const int n = static_cast<int>(c.num_qubits());
  ref::Mat u = ref::Mat::Identity(Eigen::Index{1} << n, Eigen::Index{1} << n);
  for (const auto& op : c.operations()) {
    if (!op.is_gate()) continue;
    const std::vector<unsigned> targets(op.targets.begin(), op.targets.end());
    const std::vector<unsigned> controls(op.controls.begin(), op.controls.end());
    u = ref::embed(n, to_mat(op.bound_matrix(b)), targets, controls) * u;
  }
  return u;
}

// Every gate of the table at least once, with controls and parameters of every source.
qsim::Circuit every_gate(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> angle(-3, 3);
  qsim::Circuit c(4);
  c.id(0).x(1).y(2).z(3).h(0).s(1).sdg(2).t(3).tdg(0).sx(1).sxdg(2);
  c.rx(angle(rng), 0).ry(qsim::weight(0, 2.0, 0.5), 1).rz(qsim::feature(1, -1.5, 0.25), 2).p(angle(rng), 3);
  c.u(angle(rng), angle(rng), qsim::weight(1), 0);
  c.cu(angle(rng), angle(rng), angle(rng), angle(rng), 1, 3);
  c.swap(0, 2).iswap(1, 3).rxx(angle(rng), 0, 1).ryy(qsim::feature(0), 2, 3).rzz(angle(rng), 1, 2);
  c.cx(0, 1).cy(1, 2).cz(2, 3).ch(3, 0).crx(angle(rng), 0, 2).cry(angle(rng), 1, 3).crz(angle(rng), 2, 0);
  c.cp(angle(rng), 3, 1).ccx(0, 1, 2).cswap(3, 0, 1).mcx({0, 1, 2}, 3);
  c.unitary(ref::to_qsim(ref::random_unitary(2, rng)), {3, 1}, 1e-8, "mine");
  c.controlled({2}, qsim::make_gate(qsim::GateId::iswap, {0, 3}));
  return c;
}

}  // namespace

TEST_CASE("the inverse of every gate undoes it (dense reference)", "[circuit][algebra]") {
  std::mt19937_64 rng(5);
  const qsim::Circuit c = every_gate(rng);
  const std::vector<double> w{0.3, -1.1}, x{0.7, 2.2};
  const qsim::Binding b{w.data(), w.size(), x.data(), x.size()};
  const qsim::Circuit inv = c.inverse();
  REQUIRE(inv.size() == c.size());
  const ref::Mat u = dense_unitary(c, b), v = dense_unitary(inv, b);
  const auto dim = u.rows();
  CHECK((v * u - ref::Mat::Identity(dim, dim)).norm() < 1e-10);
  CHECK((v - u.adjoint()).norm() < 1e-10);
  // Gate by gate: the inverse is the adjoint of the same operation.
  for (std::size_t i = 0; i < c.size(); ++i) {
    const auto& op = c.operations()[i];
    const auto& iop = inv.operations()[c.size() - 1 - i];
    INFO(op.name());
    CHECK(iop.controls == op.controls);
    CHECK((to_mat(iop.bound_matrix(b)) * to_mat(op.bound_matrix(b)) -
           ref::Mat::Identity(Eigen::Index{1} << op.targets.size(), Eigen::Index{1} << op.targets.size()))
              .norm() < 1e-12);
  }
  // Simulated: the circuit followed by its inverse returns to |0000>.
  const auto psi = qsim::Simulator<double>().statevector(c.compose(inv), 0, b);
  CHECK(std::abs(psi[0]) == Approx(1).epsilon(0).margin(1e-12));
  // Names: s becomes sdg, labels of user matrices gain (or lose) _dg, angles keep their source.
  qsim::Circuit small(1);
  small.s(0).rx(qsim::weight(2, 3.0, 0.5), 0).unitary(qsim::gate_matrix(qsim::GateId::h), {0}, 1e-8, "had");
  const auto si = small.inverse();
  CHECK(si.operations()[0].name() == "had_dg");
  CHECK(si.inverse().operations()[2].name() == "had");
  CHECK(si.operations()[1].params[0].source == qsim::Param::Source::weight);
  CHECK(si.operations()[1].params[0].scale == -3.0);
  CHECK(si.operations()[1].params[0].offset == -0.5);
  CHECK(si.operations()[2].name() == "sdg");
  // Barriers stay; inverse of inverse is the circuit.
  qsim::Circuit bar(2);
  bar.h(0).barrier().cx(0, 1);
  CHECK(bar.inverse().operations()[1].kind == qsim::OpKind::barrier);
  CHECK((dense_unitary(c.inverse().inverse(), b) - u).norm() < 1e-10);
}

TEST_CASE("inverse refuses what has no inverse, naming it", "[circuit][algebra]") {
  qsim::Circuit m(1, 1);
  m.h(0).measure(0, 0);
  CHECK_THROWS_WITH(m.inverse(), Catch::Contains("measure (operation 1) has no inverse"));
  qsim::Circuit r(1);
  r.reset(0);
  CHECK_THROWS_WITH(r.inverse(), Catch::Contains("reset (operation 0) has no inverse"));
  qsim::Circuit n(1);
  n.depolarizing(0.1, 0);
  CHECK_THROWS_WITH(n.inverse(), Catch::Contains("not unitary"));
  qsim::Circuit cond(1, 1);
  cond.x(0).c_if("c", 1);
  CHECK_THROWS_WITH(cond.inverse(), Catch::Contains("classically conditioned"));
}

TEST_CASE("compose maps qubits and bits, and refuses bad maps", "[circuit][algebra]") {
  qsim::Circuit bell(2);
  bell.h(0).cx(0, 1);
  qsim::Circuit big(4, 2);
  big.x(3);
  const auto composed = big.compose(bell, {3, 1});
  qsim::Circuit by_hand(4, 2);
  by_hand.x(3).h(3).cx(3, 1);
  CHECK((dense_unitary(composed) - dense_unitary(by_hand)).norm() < 1e-12);
  CHECK(big.size() == 1);  // compose returns a new circuit
  const auto front = big.compose(bell, {3, 1}, {}, true);
  qsim::Circuit front_by_hand(4);
  front_by_hand.h(3).cx(3, 1).x(3);
  CHECK((dense_unitary(front) - dense_unitary(front_by_hand)).norm() < 1e-12);
  CHECK(front.operations()[2].name() == "x");

  // Bits and conditions follow the bit map.
  qsim::Circuit meas(1, 2);
  meas.measure(0, 1).x(0).c_if("c", 2);
  qsim::Circuit host(2, 3);
  const auto mapped = host.compose(meas, {1}, {1, 2});
  CHECK(mapped.operations()[0].clbits == std::vector<qsim::clbit_t>{2});
  CHECK(mapped.operations()[1].condition->first == 1);
  CHECK(mapped.operations()[1].targets == std::vector<qsim::qubit_t>{1});
  CHECK_THROWS_WITH(host.compose(meas, {1}, {2, 0}), Catch::Contains("adjacent and in order"));

  CHECK_THROWS_WITH(bell.compose(big), Catch::Contains("has 4 qubits, this one only 2"));
  CHECK_THROWS_WITH(big.compose(bell, {0}), Catch::Contains("1 qubit(s) given for the other circuit's 2"));
  CHECK_THROWS_WITH(big.compose(bell, {0, 4}), Catch::Contains("qubit 4 out of range"));
  CHECK_THROWS_WITH(big.compose(bell, {2, 2}), Catch::Contains("qubit 2 given twice"));
  CHECK_THROWS_WITH(bell.compose(meas), Catch::Contains("2 classical bits, this one only 0"));
}

TEST_CASE("depth, count_ops and num_parameters give Qiskit's values", "[circuit][algebra]") {
  qsim::Circuit ghz(3);
  ghz.h(0).cx(0, 1).cx(1, 2).measure_all();
  CHECK(ghz.depth() == 4);  // as Qiskit: h, cx, cx, then the measurements (the barrier adds none)
  const auto ops = ghz.count_ops();
  REQUIRE(ops.size() == 4);
  CHECK(ops[0] == std::make_pair(std::string("measure"), std::size_t{3}));
  CHECK(ops[1] == std::make_pair(std::string("cx"), std::size_t{2}));
  CHECK(ops[2] == std::make_pair(std::string("h"), std::size_t{1}));  // ties in order of first appearance
  CHECK(ops[3] == std::make_pair(std::string("barrier"), std::size_t{1}));

  qsim::Circuit parallel(3);
  parallel.h(0).h(1).h(2).x(0);
  CHECK(parallel.depth() == 2);
  qsim::Circuit empty(2);
  CHECK(empty.depth() == 0);
  CHECK(empty.count_ops().empty());
  // A barrier lines its wires up: x(1) after it waits for h, h on qubit 0.
  qsim::Circuit barrier(2);
  barrier.h(0).h(0).barrier().x(1);
  CHECK(barrier.depth() == 3);
  // Measurements into one bit serialise; a condition reads its register's bits.
  qsim::Circuit bits(2, 1);
  bits.measure(0, 0).measure(1, 0);
  CHECK(bits.depth() == 2);
  qsim::Circuit cond(2, 1);
  cond.measure(0, 0).x(1).c_if("c", 1);
  CHECK(cond.depth() == 2);

  qsim::Circuit p(2);
  p.rx(qsim::weight(0), 0).ry(qsim::weight(3), 1).rz(qsim::weight(0, 2.0), 1).rx(qsim::feature(0), 0).rz(0.5, 1);
  CHECK(p.num_parameters() == 3);
  CHECK(p.num_weights() == 4);
  CHECK(p.copy().size() == p.size());
}

TEST_CASE("prepare_state and initialize reach the given amplitudes", "[circuit][algebra]") {
  std::mt19937_64 rng(9);
  for (int k = 1; k <= 4; ++k) {
    const ref::Vec target = ref::random_state(k, rng);
    std::vector<std::complex<double>> amps(static_cast<std::size_t>(target.size()));
    for (Eigen::Index i = 0; i < target.size(); ++i) amps[static_cast<std::size_t>(i)] = target(i);
    // Qubits in a scrambled order inside a 5-qubit register: bit j of the index is qubits[j].
    std::vector<qsim::qubit_t> qubits{4, 1, 3, 0};
    qubits.resize(static_cast<std::size_t>(k));
    qsim::Circuit c(5);
    c.prepare_state(amps, qubits);
    const auto psi = qsim::Simulator<double>().statevector(c);
    for (qsim::index_t i = 0; i < (qsim::index_t{1} << k); ++i) {
      qsim::index_t full = 0;
      for (int j = 0; j < k; ++j) full |= ((i >> j) & 1U) << qubits[static_cast<std::size_t>(j)];
      CHECK(std::abs(std::complex<double>(psi[full]) - amps[i]) < 1e-12);
    }
    // initialize resets its qubits first: their earlier state is replaced, the others' kept.
    qsim::Circuit e(5);
    e.x(0).x(1).x(2).x(3).x(4).initialize(amps, qubits);
    const auto phi = qsim::Simulator<double>().statevector(e, 7);
    qsim::index_t others = 0b11111;
    for (auto q : qubits) others &= ~(qsim::index_t{1} << q);
    for (qsim::index_t i = 0; i < (qsim::index_t{1} << k); ++i) {
      qsim::index_t full = others;
      for (int j = 0; j < k; ++j) full |= ((i >> j) & 1U) << qubits[static_cast<std::size_t>(j)];
      CHECK(std::abs(std::abs(std::complex<double>(phi[full])) - std::abs(amps[i])) < 1e-12);
    }
  }
  // The probabilities of initialize after gates match the target exactly (density matrix: resets are exact).
  const std::vector<std::complex<double>> bell{std::sqrt(0.5), 0, 0, std::complex<double>(0, std::sqrt(0.5))};
  qsim::Circuit c(2);
  c.h(0).cx(0, 1).x(0).initialize(bell, {0, 1});
  const auto probs = qsim::DensityMatrixSimulator<double>().probabilities(c);
  CHECK(probs[0] == Approx(0.5).epsilon(0).margin(1e-12));
  CHECK(probs[3] == Approx(0.5).epsilon(0).margin(1e-12));
  CHECK(probs[1] == Approx(0).epsilon(0).margin(1e-12));

  // A norm within the tolerance but not exactly 1: the small amplitude is kept, not dropped.
  qsim::Circuit small(1);
  small.prepare_state({1.0, 1e-5}, {0});
  const auto tiny = qsim::Simulator<double>().statevector(small);
  CHECK(std::abs(std::complex<double>(tiny[1])) == Approx(1e-5 / std::sqrt(1 + 1e-10)).epsilon(1e-9));

  qsim::Circuit bad(2);
  CHECK_THROWS_WITH(bad.prepare_state({1, 1}, {0}), Catch::Contains("norm 1.414"));
  CHECK_THROWS_WITH(bad.prepare_state({1, 0}, {0, 1}), Catch::Contains("2 amplitudes for 2 qubit(s)"));
  CHECK_THROWS_WITH(bad.initialize({1, 0, 0}, {0, 1}), Catch::Contains("2^k amplitudes"));
  CHECK_THROWS_WITH(bad.prepare_state({1, 0}, {2}), Catch::Contains("out of range"));
  CHECK(bad.size() == 0);  // nothing appended by a refused call
}
