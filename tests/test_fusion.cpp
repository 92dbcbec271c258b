// Gate fusion: random circuits over the full gate set give the same state
// fused (every k = 1..5) as unfused through the scalar oracle; diagonal runs
// merge into one pass; nothing is fused across measurements, resets,
// barriers or conditions; results and seeded counts do not depend on the
// thread count.
#include <catch2/catch.hpp>

#include "support/kernel_checks.hpp"

namespace {

// A random circuit on n qubits using every gate of the core set.
qsim::Circuit random_circuit(unsigned n, unsigned gates, std::mt19937_64& rng) {
  qsim::Circuit c(n);
  std::uniform_real_distribution<double> angle(-3.2, 3.2);
  const unsigned kinds = n >= 3 ? 32 : n == 2 ? 29 : 16;
  for (unsigned g = 0; g < gates; ++g) {
    const auto q = kcheck::pick(n, std::min(n, 3U), rng);
    const double a = angle(rng), b = angle(rng), d = angle(rng);
    switch (rng() % kinds) {
      case 0:
        c.x(q[0]);
        break;
      case 1:
        c.y(q[0]);
        break;
      case 2:
        c.z(q[0]);
        break;
      case 3:
        c.h(q[0]);
        break;
      case 4:
        c.s(q[0]);
        break;
      case 5:
        c.sdg(q[0]);
        break;
      case 6:
        c.t(q[0]);
        break;
      case 7:
        c.tdg(q[0]);
        break;
      case 8:
        c.sx(q[0]);
        break;
      case 9:
        c.sxdg(q[0]);
        break;
      case 10:
        c.rx(a, q[0]);
        break;
      case 11:
        c.ry(a, q[0]);
        break;
      case 12:
        c.rz(a, q[0]);
        break;
      case 13:
        c.p(a, q[0]);
        break;
      case 14:
        c.u(a, b, d, q[0]);
        break;
      case 15:
        c.id(q[0]);
        break;
      case 16:
        c.cx(q[0], q[1]);
        break;
      case 17:
        c.cy(q[0], q[1]);
        break;
      case 18:
        c.cz(q[0], q[1]);
        break;
      case 19:
        c.ch(q[0], q[1]);
        break;
      case 20:
        c.swap(q[0], q[1]);
        break;
      case 21:
        c.iswap(q[0], q[1]);
        break;
      case 22:
        c.crx(a, q[0], q[1]);
        break;
      case 23:
        c.cry(a, q[0], q[1]);
        break;
      case 24:
        c.crz(a, q[0], q[1]);
        break;
      case 25:
        c.cp(a, q[0], q[1]);
        break;
      case 26:
        c.rxx(a, q[0], q[1]);
        break;
      case 27:
        c.ryy(a, q[0], q[1]);
        break;
      case 28:
        c.rzz(a, q[0], q[1]);
        break;
      case 29:
        c.ccx(q[0], q[1], q[2]);
        break;
      case 30:
        c.cswap(q[0], q[1], q[2]);
        break;
      default:
        c.unitary(ref::to_qsim(ref::random_unitary(3, rng)), q);
        break;
    }
  }
  return c;
}

template <class T>
qsim::StateVector<T> oracle_state(const qsim::Circuit& c) {
  qsim::StateVector<T> psi(c.num_qubits());
  for (const auto& op : c.operations())
    if (op.is_gate()) qsim::kernels::reference::apply_matrix(psi, op.targets, op.controls, op.bound_matrix());
  return psi;
}

// Rounding grows with the number of passes; float carries about 1e-7 per pass.
template <class T>
double circuit_tolerance(unsigned gates) {
  return (std::is_same_v<T, float> ? 2e-7 : 1e-14) * gates;
}

}  // namespace

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
