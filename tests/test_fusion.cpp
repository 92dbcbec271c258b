// Gate fusion: random circuits over the full gate set give the same state
// fused (every k = 1..5) as unfused through the scalar oracle; diagonal runs
// merge into one pass; nothing is fused across measurements, resets,
// barriers or conditions; results and seeded counts do not depend on the
// thread count.
#include <catch2/catch.hpp>

#include "support/random_circuit.hpp"

using kcheck::circuit_tolerance;
using kcheck::oracle_state;
using kcheck::random_circuit;

TEMPLATE_TEST_CASE("fused circuits match the unfused oracle for every k", "[fusion]", float, double) {
  std::mt19937_64 rng(21);
  for (unsigned n = 1; n <= 12; ++n) {
    const unsigned gates = 60;
    const auto c = random_circuit(n, gates, rng);
    const auto expect = oracle_state<TestType>(c);
    for (unsigned k = 1; k <= 5; ++k) {
      qsim::SimulatorOptions o;
      o.max_fused_qubits = k;
      o.threads = 1 + k % 2;
      o.parallel_min_amplitudes = 0;
      const auto got = qsim::Simulator<TestType>(o).statevector(c);
      INFO("n=" << n << " k=" << k);
      REQUIRE(kcheck::distance(got, expect) <= circuit_tolerance<TestType>(gates));
    }
  }
}

TEMPLATE_TEST_CASE("automatic fusion and no fusion agree", "[fusion]", float, double) {
  std::mt19937_64 rng(22);
  for (unsigned n : {10U, 12U}) {
    const auto c = random_circuit(n, 80, rng);
    qsim::SimulatorOptions off;
    off.fusion = false;
    const auto a = qsim::Simulator<TestType>().statevector(c);
    const auto b = qsim::Simulator<TestType>(off).statevector(c);
    REQUIRE(kcheck::distance(a, oracle_state<TestType>(c)) <= circuit_tolerance<TestType>(80));
    REQUIRE(kcheck::distance(b, oracle_state<TestType>(c)) <= circuit_tolerance<TestType>(80));
  }
}

TEST_CASE("the layered RY + CNOT chain packs into few passes", "[fusion]") {
  const unsigned n = 12;
  qsim::Circuit c(n);
  for (unsigned q = 0; q < n; ++q) c.ry(0.1 * (q + 1), q);
  for (unsigned q = 0; q + 1 < n; ++q) c.cx(q, q + 1);
  const auto& ops = c.operations();
  for (unsigned k = 2; k <= 5; ++k) {
    const auto passes = qsim::fusion::fuse(ops.data(), ops.data() + ops.size(), {}, k);
    INFO("k=" << k);
    // Each pass holds at most k qubits; the 23 gates take no more passes than
    // packing the RY layer into blocks of k and the chain into blocks of k - 1 CNOTs.
    CHECK(passes.size() <= (n + k - 1) / k + (n - 1 + k - 2) / (k - 1));
    for (const auto& f : passes) CHECK((f.single != nullptr || f.qubits.size() <= k));
  }
}

TEMPLATE_TEST_CASE("a run of diagonal gates merges into one diagonal pass", "[fusion]", float, double) {
  const unsigned n = 9;
  qsim::Circuit c(n);
  for (unsigned q = 0; q < n; ++q) c.rz(0.3 * q - 1, q);
  for (unsigned q = 0; q + 1 < n; ++q) c.cz(q, q + 1).cp(0.2 * q, q + 1, q).rzz(0.5, q, (q + 3) % n);
  c.t(0).s(8).z(4).p(1.1, 2).crz(0.4, 7, 1);
  const auto& ops = c.operations();
  const auto passes = qsim::fusion::fuse(ops.data(), ops.data() + ops.size(), {}, 3);
  REQUIRE(passes.size() == 1);
  CHECK(passes[0].diagonal);
  qsim::StateVector<TestType> psi(n);
  std::mt19937_64 rng(23);
  psi = kcheck::random_psi<TestType>(n, rng);
  auto expect = psi;
  for (const auto& op : ops) qsim::kernels::reference::apply_matrix(expect, op.targets, op.controls, op.bound_matrix());
  qsim::fusion::apply_fused(psi, passes);
  CHECK(kcheck::distance(psi, expect) <= circuit_tolerance<TestType>(static_cast<unsigned>(ops.size())));
}

TEST_CASE("nothing is fused across measurement, reset, barrier or conditions", "[fusion]") {
  // h; <boundary>; h: fused across the boundary the two h would cancel.
  qsim::SimulatorOptions fused;
  fused.max_fused_qubits = 2;
  qsim::SimulatorOptions off;
  off.fusion = false;
  for (int boundary = 0; boundary < 3; ++boundary)
    for (std::uint64_t seed = 0; seed < 8; ++seed) {
      qsim::Circuit c(2, 2);
      c.h(0).cx(0, 1);
      if (boundary == 0) c.measure(0, 0);
      if (boundary == 1) c.reset(1);
      if (boundary == 2) c.x(1).c_if("c", 1);
      c.cx(0, 1).h(0);
      const auto a = qsim::Simulator<double>(fused).statevector(c, seed);
      const auto b = qsim::Simulator<double>(off).statevector(c, seed);
      INFO("boundary " << boundary << " seed " << seed);
      CHECK(kcheck::distance(a, b) <= 1e-12);
    }
  // The fuser itself refuses non-gates.
  qsim::Circuit m(1, 1);
  m.h(0).measure(0, 0);
  const auto& ops = m.operations();
  CHECK_THROWS_AS(qsim::fusion::fuse(ops.data(), ops.data() + ops.size(), {}, 2), qsim::invalid_argument);
}

TEST_CASE("fused gate sizes outside 1..5 are refused", "[fusion]") {
  qsim::Circuit c(2);
  c.h(0).cx(0, 1);
  const auto& ops = c.operations();
  CHECK_THROWS_WITH(qsim::fusion::fuse(ops.data(), ops.data() + ops.size(), {}, 6), Catch::Contains("6"));
  CHECK_THROWS_AS(qsim::fusion::fuse(ops.data(), ops.data() + ops.size(), {}, 0), qsim::invalid_argument);
  qsim::SimulatorOptions o;
  o.max_fused_qubits = 9;
  CHECK_THROWS_WITH(qsim::Simulator<float>(o).statevector(c), Catch::Contains("max_fused_qubits 9"));
}

TEST_CASE("results and seeded counts do not depend on the thread count", "[fusion][threads]") {
  std::mt19937_64 rng(24);
  const unsigned n = 11;
  auto c = random_circuit(n, 50, rng);
  c.measure_all();
  qsim::SimulatorOptions one, two;
  one.threads = 1;
  two.threads = 2;
  one.parallel_min_amplitudes = two.parallel_min_amplitudes = 0;
  const auto a = qsim::Simulator<double>(one).statevector(c, 5);
  const auto b = qsim::Simulator<double>(two).statevector(c, 5);
  CHECK(kcheck::distance(a, b) == 0.0);
  CHECK(qsim::Simulator<double>(one).run(c, 2000, 77) == qsim::Simulator<double>(two).run(c, 2000, 77));
}
