// The distributed state vector on 1, 2 and 4 ranks (ctest runs this program
// under mpiexec) against the single-process Simulator: random circuits of
// the full gate set, every placement of small gates on local and global
// qubits, measurement, seeded sampling, marginals, Pauli expectations and
// misuse.
#include <mpi.h>

#include <catch2/catch.hpp>
#include <functional>
#include <qsim/mpi.hpp>
#include <random>

#include "support/dense_reference.hpp"

namespace {

using Qs = std::vector<unsigned>;
using qsim::mpi::GlobalGateStrategy;

int world_size() {
  int s = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}
int world_rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}
unsigned world_log2() {
  unsigned k = 0;
  while ((1 << k) < world_size()) ++k;
  return k;
}

struct GateKind {
  const char* name;
  unsigned arity;
  std::function<void(qsim::Circuit&, const Qs&, const std::vector<double>&)> add;
};

// The full gate set, each with its qubits in (controls..., targets...) order.
std::vector<GateKind> gate_kinds() {
  using C = qsim::Circuit;
  using A = std::vector<double>;
  std::mt19937_64 urng(5);
  const auto u1 = ref::to_qsim(ref::random_unitary(1, urng));
  const auto u2 = ref::to_qsim(ref::random_unitary(2, urng));
  const auto u3 = ref::to_qsim(ref::random_unitary(3, urng));
  return {
      {"h", 1, [](C& c, const Qs& q, const A&) { c.h(q[0]); }},
      {"x", 1, [](C& c, const Qs& q, const A&) { c.x(q[0]); }},
      {"y", 1, [](C& c, const Qs& q, const A&) { c.y(q[0]); }},
      {"z", 1, [](C& c, const Qs& q, const A&) { c.z(q[0]); }},
      {"s", 1, [](C& c, const Qs& q, const A&) { c.s(q[0]).sdg(q[0]).s(q[0]); }},
      {"t", 1, [](C& c, const Qs& q, const A&) { c.t(q[0]).tdg(q[0]).t(q[0]).id(q[0]); }},
      {"sx", 1, [](C& c, const Qs& q, const A&) { c.sx(q[0]).sxdg(q[0]).sx(q[0]); }},
      {"rx", 1, [](C& c, const Qs& q, const A& a) { c.rx(a[0], q[0]); }},
      {"ry", 1, [](C& c, const Qs& q, const A& a) { c.ry(a[0], q[0]); }},
      {"rz", 1, [](C& c, const Qs& q, const A& a) { c.rz(a[0], q[0]); }},
      {"p", 1, [](C& c, const Qs& q, const A& a) { c.p(a[0], q[0]); }},
      {"u", 1, [](C& c, const Qs& q, const A& a) { c.u(a[0], a[1], a[2], q[0]); }},
      {"unitary1", 1, [u1](C& c, const Qs& q, const A&) { c.unitary(u1, {q[0]}); }},
      {"cx", 2, [](C& c, const Qs& q, const A&) { c.cx(q[0], q[1]); }},
      {"cy", 2, [](C& c, const Qs& q, const A&) { c.cy(q[0], q[1]); }},
      {"cz", 2, [](C& c, const Qs& q, const A&) { c.cz(q[0], q[1]); }},
      {"ch", 2, [](C& c, const Qs& q, const A&) { c.ch(q[0], q[1]); }},
      {"crx", 2, [](C& c, const Qs& q, const A& a) { c.crx(a[0], q[0], q[1]); }},
      {"cry", 2, [](C& c, const Qs& q, const A& a) { c.cry(a[0], q[0], q[1]); }},
      {"crz", 2, [](C& c, const Qs& q, const A& a) { c.crz(a[0], q[0], q[1]); }},
      {"cp", 2, [](C& c, const Qs& q, const A& a) { c.cp(a[0], q[0], q[1]); }},
      {"cu", 2, [](C& c, const Qs& q, const A& a) { c.cu(a[0], a[1], a[2], a[3], q[0], q[1]); }},
      {"swap", 2, [](C& c, const Qs& q, const A&) { c.swap(q[0], q[1]); }},
      {"iswap", 2, [](C& c, const Qs& q, const A&) { c.iswap(q[0], q[1]); }},
      {"rxx", 2, [](C& c, const Qs& q, const A& a) { c.rxx(a[0], q[0], q[1]); }},
      {"ryy", 2, [](C& c, const Qs& q, const A& a) { c.ryy(a[0], q[0], q[1]); }},
      {"rzz", 2, [](C& c, const Qs& q, const A& a) { c.rzz(a[0], q[0], q[1]); }},
      {"unitary2", 2,
       [u2](C& c, const Qs& q, const A&) {
         c.unitary(u2, {q[0], q[1]});
       }},
      {"controlled-unitary1", 2,
       [u1](C& c, const Qs& q, const A&) { c.controlled({q[0]}, qsim::make_unitary(u1, {q[1]})); }},
      {"ccx", 3, [](C& c, const Qs& q, const A&) { c.ccx(q[0], q[1], q[2]); }},
      {"cswap", 3, [](C& c, const Qs& q, const A&) { c.cswap(q[0], q[1], q[2]); }},
      {"unitary3", 3,
       [u3](C& c, const Qs& q, const A&) {
         c.unitary(u3, {q[0], q[1], q[2]});
       }},
      {"diagonal-unitary2", 2,
       [](C& c, const Qs& q, const A& a) {
         qsim::Matrix d(16, 0.0);
         for (int j = 0; j < 4; ++j) d[static_cast<std::size_t>(j * 5)] = std::polar(1.0, a[0] * (j + 1));
         c.unitary(d, {q[0], q[1]});
       }},
      {"mcx", 4,
       [](C& c, const Qs& q, const A&) {
         c.mcx({q[0], q[1], q[2]}, q[3]);
       }},
  };
}

std::vector<double> random_angles(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> angle(-3.2, 3.2);
  return {angle(rng), angle(rng), angle(rng), angle(rng)};
}

// `count` random gates; each qubit is global with probability 1/2 (while
// there are unused global qubits), so every mix of local and global occurs.
qsim::Circuit random_circuit(unsigned n, unsigned num_local, std::size_t count, std::mt19937_64& rng) {
  const auto kinds = gate_kinds();
  qsim::Circuit c(n);
  std::uniform_int_distribution<std::size_t> pick_kind(0, kinds.size() - 1);
  for (std::size_t g = 0; g < count; ++g) {
    const GateKind& kind = kinds[pick_kind(rng)];
    Qs free_local, free_global;
    for (unsigned q = 0; q < n; ++q) (q < num_local ? free_local : free_global).push_back(q);
    Qs qs;
    for (unsigned j = 0; j < kind.arity; ++j) {
      const bool global = !free_global.empty() && (free_local.empty() || rng() % 2 == 0);
      Qs& from = global ? free_global : free_local;
      const std::size_t at = rng() % from.size();
      qs.push_back(from[at]);
      from.erase(from.begin() + static_cast<std::ptrdiff_t>(at));
    }
    kind.add(c, qs, random_angles(rng));
  }
  return c;
}

template <class T>
qsim::StateVector<T> random_full_state(unsigned n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);  // the same on every rank
  return ref::to_state<T>(ref::random_state(static_cast<int>(n), rng));
}

template <class T>
double max_difference(const qsim::StateVector<T>& a, const qsim::StateVector<T>& b) {
  double d = 0;
  for (qsim::index_t i = 0; i < a.size(); ++i)
    d = std::max(d, std::abs(std::complex<double>(a[i]) - std::complex<double>(b[i])));
  return d;
}

template <class T>
constexpr double amp_tolerance() {
  return std::is_same_v<T, float> ? 2e-5 : 1e-12;
}

// Applies `c` to a random state in one process and on the ranks (into
// `dist`, reused so that no communicator is duplicated per check) and
// compares the amplitudes.
template <class T>
void check_circuit_on_state(const qsim::Circuit& c, std::uint64_t state_seed,
                            const qsim::mpi::DistributedSimulator<T>& sim, qsim::mpi::DistributedStateVector<T>& dist) {
  qsim::StateVector<T> expected = random_full_state<T>(c.num_qubits(), state_seed);
  std::copy(expected.begin() + static_cast<std::ptrdiff_t>(dist.global_offset()),
            expected.begin() + static_cast<std::ptrdiff_t>(dist.global_offset() + dist.local_size()),
            dist.local().begin());
  qsim::Simulator<T>().apply(c, expected);
  sim.apply(c, dist);
  REQUIRE(max_difference(dist.gather(), expected) < amp_tolerance<T>() * std::sqrt(double(c.size())));
}

template <class T>
void check_circuit_on_state(const qsim::Circuit& c, std::uint64_t state_seed, GlobalGateStrategy strategy) {
  const qsim::mpi::DistributedSimulator<T> sim(MPI_COMM_WORLD, strategy);
  qsim::mpi::DistributedStateVector<T> dist(c.num_qubits());
  check_circuit_on_state(c, state_seed, sim, dist);
}

}  // namespace

TEMPLATE_TEST_CASE("random circuits of the full gate set match the single-process simulator", "[mpi]", float, double) {
  const unsigned k = world_log2();
  for (unsigned n : {8U, 10U, 12U}) {
    std::mt19937_64 rng(1000 + n);
    const qsim::Circuit c = random_circuit(n, n - k, 60, rng);
    INFO("n = " << n << ", ranks = " << world_size());
    check_circuit_on_state<TestType>(c, 7 + n, GlobalGateStrategy::automatic);
    check_circuit_on_state<TestType>(c, 7 + n, GlobalGateStrategy::swap);
  }
}

TEMPLATE_TEST_CASE("a 16-qubit random circuit matches the single-process simulator", "[mpi][large]", float, double) {
  std::mt19937_64 rng(16);
  const qsim::Circuit c = random_circuit(16, 16 - world_log2(), 24, rng);
  check_circuit_on_state<TestType>(c, 16, GlobalGateStrategy::automatic);
}

TEMPLATE_TEST_CASE("every gate on every placement of its qubits matches", "[mpi][placement]", float, double) {
  // k + 4 qubits: the widest gate (mcx, 4 qubits) fits with all of them global or all local.
  const unsigned n = world_log2() + 4;
  std::mt19937_64 rng(3);
  const qsim::mpi::DistributedSimulator<TestType> automatic, swap(MPI_COMM_WORLD, GlobalGateStrategy::swap);
  qsim::mpi::DistributedStateVector<TestType> dist(n);
  for (const auto& kind : gate_kinds()) {
    Qs qs(kind.arity);
    // Every ordered tuple of distinct qubits.
    std::function<void(unsigned)> place = [&](unsigned j) {
      if (j == kind.arity) {
        qsim::Circuit c(n);
        kind.add(c, qs, random_angles(rng));
        INFO(kind.name << " on qubits " << Catch::Detail::stringify(qs) << " of " << n);
        check_circuit_on_state<TestType>(c, rng() % 1000, automatic, dist);
        if (kind.arity <= 2) check_circuit_on_state<TestType>(c, rng() % 1000, swap, dist);
        return;
      }
      for (unsigned q = 0; q < n; ++q) {
        if (std::find(qs.begin(), qs.begin() + j, q) != qs.begin() + j) continue;
        qs[j] = q;
        place(j + 1);
      }
    };
    if (kind.arity <= 3) place(0);
  }
}

TEMPLATE_TEST_CASE("gates with weights and features bind on every rank", "[mpi]", float, double) {
  const unsigned n = 9;
  qsim::Circuit c(n);
  for (unsigned q = 0; q < n; ++q) c.ry(qsim::weight(q), q).rz(qsim::feature(q % 2, 2.0, 0.1), q);
  for (unsigned q = 0; q + 1 < n; ++q) c.cx(q, q + 1).crx(qsim::weight(q, -1.0), q + 1, q);
  std::vector<double> w(n), x = {0.3, -0.8};
  for (unsigned q = 0; q < n; ++q) w[q] = 0.1 + 0.37 * q;
  const qsim::Binding b{w.data(), w.size(), x.data(), x.size()};
  const auto expected = qsim::Simulator<TestType>().statevector(c, 0, b);
  const auto dist = qsim::mpi::DistributedSimulator<TestType>().statevector(c, 0, b);
  REQUIRE(max_difference(dist.gather(), expected) < 50 * amp_tolerance<TestType>());
  CHECK_THROWS_AS(qsim::mpi::DistributedSimulator<TestType>().statevector(c), qsim::invalid_argument);
}

TEMPLATE_TEST_CASE("norm, amplitudes, marginals and Pauli expectations", "[mpi]", float, double) {
  const unsigned n = 8;
  const auto full = random_full_state<TestType>(n, 77);
  const auto dist = qsim::mpi::DistributedStateVector<TestType>::from_full(full);
  const double tol = std::is_same_v<TestType, float> ? 1e-5 : 1e-12;
  CHECK(dist.norm() == Approx(full.norm()).epsilon(0).margin(tol));
  CHECK(std::abs(std::complex<double>(dist.amplitude(200)) - std::complex<double>(full[200])) == 0);
  // Marginals of lopsided qubit lists (local, global, mixed, unordered) against direct sums.
  const auto p = full.probabilities();
  for (const Qs& qubits : {Qs{0}, Qs{7}, Qs{6, 1}, Qs{3, 7, 0}, Qs{7, 6, 5, 2}}) {
    std::vector<double> expected(std::size_t{1} << qubits.size(), 0.0);
    for (qsim::index_t i = 0; i < p.size(); ++i) {
      std::size_t key = 0;
      for (std::size_t j = 0; j < qubits.size(); ++j) key |= ((i >> qubits[j]) & 1U) << j;
      expected[key] += p[i];
    }
    const auto got = qsim::mpi::probabilities(dist, qubits);
    for (std::size_t j = 0; j < expected.size(); ++j) CHECK(got[j] == Approx(expected[j]).epsilon(0).margin(tol));
  }
  // <P> against the dense operator built from Kronecker products.
  std::mt19937_64 rng(12);
  ref::Vec v(static_cast<Eigen::Index>(full.size()));
  for (qsim::index_t i = 0; i < full.size(); ++i) v(static_cast<Eigen::Index>(i)) = std::complex<double>(full[i]);
  const char letters[] = {'I', 'X', 'Y', 'Z'};
  for (int trial = 0; trial < 12; ++trial) {
    std::string label(n, 'I');
    std::vector<ref::Mat> factors(n);
    for (unsigned q = 0; q < n; ++q) {
      const int l = trial == 0 ? 1 : static_cast<int>(rng() % 4);  // trial 0: all X (flips every global bit)
      label[n - 1 - q] = letters[l];
      factors[q] = l == 0 ? ref::I2() : l == 1 ? ref::X() : l == 2 ? ref::Y() : ref::Z();
    }
    const double expected = (v.adjoint() * ref::kron_all(factors) * v)(0, 0).real();
    INFO("Pauli " << label);
    CHECK(qsim::mpi::expectation(dist, label) == Approx(expected).epsilon(0).margin(tol));
    // The same string as a weighted PauliSum, the syntax of Simulator::expectation.
    CHECK(qsim::mpi::expectation(dist, qsim::PauliSum::from_label(label, -0.5)) ==
          Approx(-0.5 * expected).epsilon(0).margin(tol));
  }
  CHECK_THROWS_AS(qsim::mpi::expectation(dist, "XZ"), qsim::invalid_argument);
  CHECK_THROWS_AS(qsim::mpi::expectation(dist, std::string(n, 'Q')), qsim::invalid_argument);
  CHECK_THROWS_AS(qsim::mpi::probabilities(dist, {1, 1}), qsim::invalid_argument);
  CHECK_THROWS_AS(qsim::mpi::probabilities(dist, {8}), qsim::invalid_argument);
}

TEMPLATE_TEST_CASE("seeded sampling draws what one process draws from the same state", "[mpi][sampling]", float,
                   double) {
  const unsigned n = 11;
  const auto full = random_full_state<TestType>(n, 5);
  const auto dist = qsim::mpi::DistributedStateVector<TestType>::from_full(full);
  for (std::uint64_t seed : {1ULL, 2ULL, 99ULL}) {
    std::vector<std::pair<qsim::index_t, std::uint64_t>> expected;
    qsim::sample_sorted(full.probabilities(), 20000, seed,
                        [&](qsim::index_t i, std::uint64_t c) { expected.emplace_back(i, c); });
    REQUIRE(qsim::mpi::sample_counts(dist, 20000, seed) == expected);
  }
  // A state with empty slices (rank 0 only holds amplitude): the last nonzero rank takes the rest.
  qsim::mpi::DistributedStateVector<TestType> zero(n);
  REQUIRE(qsim::mpi::sample_counts(zero, 100, 3) == std::vector<std::pair<qsim::index_t, std::uint64_t>>{{0, 100}});
}

TEST_CASE("run() gives the counts of Simulator::run for the same seed", "[mpi][sampling]") {
  std::mt19937_64 rng(21);
  qsim::Circuit c = random_circuit(12, 12 - world_log2(), 40, rng);
  c.add_creg("a", 5);
  c.add_creg("b", 3);
  c.measure({11, 0, 5, 9, 10, 2, 3, 7}, {0, 1, 2, 3, 4, 5, 6, 7});  // lopsided: global and local qubits
  for (std::uint64_t seed : {4ULL, 8ULL}) {
    const auto expected = qsim::Simulator<double>().run(c, 4096, seed);
    REQUIRE(qsim::mpi::DistributedSimulator<double>().run(c, 4096, seed) == expected);
  }
  // Mid-circuit measurement, reset and a condition: simulated shot by shot with collapse (the
  // distributed simulator does not branch shots: its counts are those of the per-shot path).
  qsim::Circuit m(8, 3);
  m.h(7).cx(7, 0).measure(7, 0).reset(7).h(7).ry(0.4, 6).cx(6, 1).measure(1, 1);
  m.x(6).c_if("c", 1).measure(6, 2);
  qsim::SimulatorOptions per_shot;
  per_shot.shot_branching = false;
  REQUIRE(qsim::mpi::DistributedSimulator<double>().run(m, 300, 17) ==
          qsim::Simulator<double>(per_shot).run(m, 300, 17));
}

TEST_CASE("an OpenQASM 2 program runs on the distributed simulator with the one-process counts", "[mpi][qasm]") {
  const qsim::Circuit c = qsim::qasm::parse(R"(OPENQASM 2.0;
include "qelib1.inc";
qreg q[9];
creg lo[4];
creg hi[5];
h q[8];
cx q[8], q[0];
u3(0.3, 1.1, -0.4) q[7];
ccx q[8], q[7], q[3];
crz(0.7) q[0], q[6];
swap q[1], q[8];
rzz(1.3) q[6], q[8];
measure q[0] -> lo[0];
measure q[1] -> lo[1];
measure q[3] -> lo[2];
measure q[6] -> lo[3];
measure q[7] -> hi[0];
measure q[8] -> hi[4];
)");
  const auto expected = qsim::Simulator<double>().run(c, 2000, 31);
  CHECK(expected.size() >= 4);  // not a trivial distribution
  REQUIRE(qsim::mpi::DistributedSimulator<double>().run(c, 2000, 31) == expected);
}

TEST_CASE("misuse raises clear errors on every rank", "[mpi][errors]") {
  using DSV = qsim::mpi::DistributedStateVector<double>;
  const unsigned k = world_log2();
  // Too few local qubits.
  CHECK_THROWS_WITH(DSV(k + 1), Catch::Contains("at least 2 local qubits"));
  // Ranks disagreeing on the width.
  if (world_size() >= 2) CHECK_THROWS_WITH(DSV(world_rank() == 0 ? 8 : 9), Catch::Contains("disagree"));
  CHECK_THROWS_AS(DSV(8, MPI_COMM_NULL), qsim::invalid_argument);
  // A non-power-of-two communicator: 3 of 4 ranks.
  if (world_size() == 4) {
    MPI_Comm three;
    MPI_Comm_split(MPI_COMM_WORLD, world_rank() < 3 ? 0 : 1, world_rank(), &three);
    if (world_rank() < 3)
      CHECK_THROWS_WITH(DSV(8, three), Catch::Contains("3 MPI ranks") && Catch::Contains("power-of-two"));
    else
      CHECK_NOTHROW(DSV(8, three));
    MPI_Comm_free(&three);
  }
  // States on different communicators do not mix.
  if (world_size() >= 2) {
    MPI_Comm half;
    MPI_Comm_split(MPI_COMM_WORLD, world_rank() % 2, world_rank(), &half);
    DSV a(8), b(8, half);
    CHECK_THROWS_WITH(a.inner(b), Catch::Contains("different communicators"));
    qsim::Circuit c(8);
    c.h(0);
    qsim::mpi::DistributedSimulator<double> sim;
    CHECK_THROWS_WITH(sim.apply(c, b), Catch::Contains("different communicator"));
    MPI_Comm_free(&half);
  }
  DSV psi(8);
  qsim::Circuit wide(9);
  wide.h(8);
  qsim::mpi::DistributedSimulator<double> sim;
  CHECK_THROWS_WITH(sim.apply(wide, psi), Catch::Contains("9-qubit circuit"));
  CHECK_THROWS_WITH(qsim::mpi::apply_gate(psi, wide.operations()[0]), Catch::Contains("qubit 8 out of range"));
  qsim::Circuit c(8);
  c.measure_all();
  if (world_size() >= 2)
    CHECK_THROWS_WITH(sim.run(c, world_rank() == 0 ? 10 : 11, 1), Catch::Contains("disagree on the number of shots"));
  CHECK_THROWS_WITH(sim.run(qsim::Circuit(8), 10, 1), Catch::Contains("no classical bits"));
  CHECK_THROWS_WITH(psi.amplitude(256), Catch::Contains("out of range"));
  CHECK(psi.norm() == Approx(1.0));  // still usable: every rank threw alike
}
