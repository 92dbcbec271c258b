// Cache blocking: the scheduler keeps every gate's order with the gates it
// shares a qubit with and its targets inside the chunk; the blocked
// simulator gives the scalar oracle's state on random circuits over the
// whole gate set (controls and diagonals on outside qubits, multi-controlled
// gates, 4- and 5-qubit unitaries) for every chunk size, float and double,
// 1 and 2 threads (bitwise equal), and with measurement, reset and c_if
// between blocked stages.
#include <catch2/catch.hpp>

#include "support/random_circuit.hpp"

namespace {

using kcheck::circuit_tolerance;
using kcheck::oracle_state;

qsim::Circuit mixed_circuit(unsigned n, unsigned gates, std::mt19937_64& rng) {
  qsim::Circuit c(n);
  for (unsigned g = 0; g < gates; ++g) {
    if (n >= 6 && rng() % 6 == 0) {
      kcheck::append_wide_gate(c, rng);
    } else {
      kcheck::append_core_gate(c, rng);
    }
  }
  return c;
}

qsim::SimulatorOptions blocked(unsigned chunk, unsigned threads) {
  qsim::SimulatorOptions o;
  o.cache_blocking = qsim::CacheBlocking::on;
  o.chunk_qubits = chunk;
  o.threads = threads;
  o.parallel_min_amplitudes = 0;
  return o;
}

qsim::index_t mask(const std::vector<qsim::qubit_t>& qs) {
  qsim::index_t m = 0;
  for (auto q : qs) m |= qsim::index_t{1} << q;
  return m;
}

}  // namespace

TEST_CASE("stages keep the order of gates that share a qubit and fit their chunks", "[blocking]") {
  std::mt19937_64 rng(31);
  for (unsigned n = 6; n <= 14; n += 2) {
    const auto c = mixed_circuit(n, 150, rng);
    const auto& ops = c.operations();
    for (unsigned chunk = 3; chunk < n; ++chunk) {
      qsim::blocking::ChunkShape shape;
      shape.chunk_qubits = chunk;
      shape.run_qubits = std::min(2U, chunk);
      shape.max_global_reads = 3;
      shape.max_variant_bytes = std::size_t{96} << 10;  // small enough to bind with 4- and 5-qubit unitaries
      const auto stages = qsim::blocking::schedule(ops.data(), ops.data() + ops.size(), n, shape);
      std::vector<std::size_t> position(ops.size(), ops.size());  // op index -> rank in the blocked order
      std::size_t rank = 0;
      for (const auto& s : stages) {
        INFO("n=" << n << " chunk=" << chunk);
        REQUIRE(!s.ops.empty());
        if (!s.direct) {
          CHECK(__builtin_popcountll(s.local) == static_cast<int>(chunk));
          CHECK((s.local & ((1ULL << shape.run_qubits) - 1)) == (1ULL << shape.run_qubits) - 1);
          qsim::index_t reads = 0;
          std::size_t matrix_bytes = 0;
          for (const auto* op : s.ops) {
            if (!qsim::fusion::detail::is_diagonal_gate(*op)) CHECK((mask(op->targets) & ~s.local) == 0);
            reads |= mask(op->targets) | mask(op->controls);
            matrix_bytes += 16U << (2 * op->targets.size());
          }
          const int outside = __builtin_popcountll(reads & ~s.local);
          CHECK(outside <= static_cast<int>(shape.max_global_reads));
          CHECK((matrix_bytes << outside) <= shape.max_variant_bytes);
        }
        for (const auto* op : s.ops) position[static_cast<std::size_t>(op - ops.data())] = rank++;
      }
      // Every gate once (identities may be dropped), and gates sharing a qubit in their order.
      for (std::size_t i = 0; i < ops.size(); ++i) {
        if (position[i] == ops.size()) {
          CHECK(ops[i].gate == qsim::GateId::i);
          continue;
        }
        for (std::size_t j = i + 1; j < ops.size(); ++j)
          if (position[j] != ops.size() && (mask(ops[i].qubits()) & mask(ops[j].qubits())) != 0)
            CHECK(position[i] < position[j]);
      }
      CHECK(rank + static_cast<std::size_t>(std::count_if(
                       ops.begin(), ops.end(), [](const qsim::Operation& op) { return op.gate == qsim::GateId::i; })) ==
            ops.size());
    }
  }
}

TEMPLATE_TEST_CASE("blocked circuits match the scalar oracle for every chunk size", "[blocking]", float, double) {
  std::mt19937_64 rng(32);
  for (unsigned n : {2U, 5U, 8U, 11U, 13U}) {
    if (n > kcheck::max_qubits(13, 11)) continue;
    const unsigned gates = 90;
    const auto c = mixed_circuit(n, gates, rng);
    const auto expect = oracle_state<TestType>(c);
    for (unsigned chunk = 1; chunk < n; ++chunk) {
      const auto one = qsim::Simulator<TestType>(blocked(chunk, 1)).statevector(c);
      const auto two = qsim::Simulator<TestType>(blocked(chunk, 2)).statevector(c);
      INFO("n=" << n << " chunk=" << chunk);
      REQUIRE(kcheck::distance(one, expect) <= circuit_tolerance<TestType>(gates));
      REQUIRE(kcheck::distance(one, two) == 0.0);
    }
  }
}

TEMPLATE_TEST_CASE("blocking on 20 qubits (16 sanitized) matches the unblocked simulator", "[blocking]", float,
                   double) {
  std::mt19937_64 rng(33);
  const unsigned n = kcheck::max_qubits(20, 16), gates = 120;
  const auto c = mixed_circuit(n, gates, rng);
  qsim::SimulatorOptions off;
  off.cache_blocking = qsim::CacheBlocking::off;
  const auto expect = qsim::Simulator<TestType>(off).statevector(c);
  for (unsigned chunk : {9U, 14U}) {
    const auto got = qsim::Simulator<TestType>(blocked(chunk, 2)).statevector(c);
    INFO("chunk=" << chunk);
    CHECK(kcheck::distance(got, expect) <= circuit_tolerance<TestType>(gates));
  }
}

TEST_CASE("a lone gate is a direct pass unless the shape keeps it a stage", "[blocking]") {
  // h(4) alone in its stage (the unitary after it shares no qubit but cannot join), then a 4-qubit
  // unitary, too wide for chunks of 3 qubits.
  qsim::Circuit c(6);
  c.h(4);
  std::mt19937_64 rng(5);
  c.unitary(ref::to_qsim(ref::random_unitary(4, rng)), {0, 2, 3, 5});
  const auto& ops = c.operations();
  qsim::blocking::ChunkShape shape;
  shape.chunk_qubits = 3;
  shape.run_qubits = 1;
  for (bool lone_direct : {true, false}) {
    shape.lone_gates_direct = lone_direct;
    const auto stages = qsim::blocking::schedule(ops.data(), ops.data() + ops.size(), 6, shape);
    INFO("lone_gates_direct " << lone_direct);
    REQUIRE(stages.size() == 2);
    CHECK(stages[0].ops.size() == 1);
    CHECK(stages[0].direct == lone_direct);
    CHECK(stages[1].direct);  // too wide for any chunk, either way
  }
}

TEST_CASE("controls and diagonals on outside qubits are read per chunk", "[blocking]") {
  // Chunks of 3 qubits on 8: every gate below reads qubits 5..7 from outside.
  qsim::Circuit c(8);
  for (unsigned q = 0; q < 8; ++q) c.h(q);
  c.cx(7, 0).cz(6, 5).cp(0.7, 7, 1).crz(0.4, 5, 2).rzz(1.1, 6, 7).ccx(5, 6, 1).mcx({5, 6, 7}, 0);
  c.t(7).rz(0.3, 6).cswap(7, 0, 1).controlled({6, 7}, qsim::make_unitary(qsim::gate_matrix(qsim::GateId::h), {2}));
  const auto expect = oracle_state<double>(c);
  for (unsigned reads : {0U, 1U, 3U}) {
    qsim::blocking::ChunkShape shape;
    shape.chunk_qubits = 3;
    shape.run_qubits = 1;
    shape.max_global_reads = reads;
    const auto& ops = c.operations();
    const auto stages = qsim::blocking::schedule(ops.data(), ops.data() + ops.size(), 8, shape);
    qsim::StateVector<double> psi(8);
    qsim::blocking::apply_stages(psi, stages, {}, qsim::kernels::ParallelFor(2, 0));
    INFO("reads=" << reads);
    CHECK(kcheck::distance(psi, expect) <= 1e-13);
    // Priced first, as automatic mode does: the executor runs the list the cost model built and builds the rest.
    auto prepared = qsim::blocking::prepare(stages);
    CHECK(qsim::blocking::blocked_cost(prepared) > 0);
    qsim::StateVector<double> priced(8);
    qsim::blocking::apply_prepared(priced, prepared, qsim::kernels::ParallelFor(2, 0));
    CHECK(kcheck::distance(priced, expect) <= 1e-13);
  }
}

TEMPLATE_TEST_CASE("measurement, reset and conditions around blocked stages", "[blocking]", float, double) {
  std::mt19937_64 rng(34);
  const unsigned n = 9;
  qsim::Circuit c(n, n);
  for (int part = 0; part < 4; ++part) {
    for (int g = 0; g < 25; ++g) kcheck::append_core_gate(c, rng);
    c.measure(static_cast<qsim::qubit_t>(part), static_cast<qsim::clbit_t>(part));
    c.reset(static_cast<qsim::qubit_t>(part + 4));
    c.x(8).c_if("c", static_cast<unsigned long long>(part));
    c.barrier();
  }
  for (int g = 0; g < 25; ++g) kcheck::append_core_gate(c, rng);
  for (unsigned q = 0; q < n; ++q) c.measure(q, q);
  qsim::SimulatorOptions off;
  off.cache_blocking = qsim::CacheBlocking::off;
  for (std::uint64_t seed : {1ULL, 2ULL, 3ULL}) {
    const auto a = qsim::Simulator<TestType>(off).statevector(c, seed);
    const auto b = qsim::Simulator<TestType>(blocked(4, 2)).statevector(c, seed);
    CHECK(kcheck::distance(a, b) <= circuit_tolerance<TestType>(150));
  }
  CHECK(qsim::Simulator<TestType>(off).run(c, 300, 9) == qsim::Simulator<TestType>(blocked(4, 2)).run(c, 300, 9));
}

TEMPLATE_TEST_CASE("terminal sampling and bound parameters on the blocked path", "[blocking]", float, double) {
  const unsigned n = 12;
  qsim::Circuit c(n);
  for (unsigned layer = 0; layer < 4; ++layer) {
    for (unsigned q = 0; q < n; ++q) c.ry(qsim::weight(layer * n + q), q);
    for (unsigned q = 0; q + 1 < n; ++q) c.cx(q, q + 1);
    c.rzz(qsim::feature(0), 0, n - 1);
  }
  std::vector<double> w(4 * n);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = 0.05 * static_cast<double>(i) - 1.0;
  const double x = 0.37;
  const qsim::Binding b{w.data(), w.size(), &x, 1};
  qsim::SimulatorOptions off;
  off.cache_blocking = qsim::CacheBlocking::off;
  const auto expect = qsim::Simulator<TestType>(off).statevector(c, 0, b);
  const auto got = qsim::Simulator<TestType>(blocked(5, 1)).statevector(c, 0, b);
  CHECK(kcheck::distance(got, expect) <= circuit_tolerance<TestType>(4 * 2 * n));
  auto m = c;
  m.measure_all();
  CHECK(qsim::Simulator<TestType>(off).run(m, 500, 4, b) == qsim::Simulator<TestType>(blocked(5, 2)).run(m, 500, 4, b));
}

TEST_CASE("small states are not blocked automatically; bad chunk sizes are refused", "[blocking]") {
  std::mt19937_64 rng(35);
  const auto c = mixed_circuit(10, 60, rng);
  qsim::SimulatorOptions off;
  off.cache_blocking = qsim::CacheBlocking::off;
  qsim::SimulatorOptions automatic;
  automatic.chunk_qubits = 4;  // would block, but 16 KiB is far below any last-level cache
  CHECK(kcheck::distance(qsim::Simulator<double>(off).statevector(c),
                         qsim::Simulator<double>(automatic).statevector(c)) == 0.0);
  qsim::SimulatorOptions huge = blocked(31, 1);
  CHECK_THROWS_WITH(qsim::Simulator<double>(huge).statevector(c), Catch::Contains("chunk_qubits 31"));
  const auto& ops = c.operations();
  CHECK_THROWS_AS(qsim::blocking::schedule(ops.data(), ops.data() + ops.size(), 10, {10, 2, 3}),
                  qsim::invalid_argument);
  CHECK_THROWS_AS(qsim::blocking::schedule(ops.data(), ops.data() + ops.size(), 10, {4, 5, 3}), qsim::invalid_argument);
}
