// Every fast kernel (dense SIMD for k = 1..5 with in-register and strided
// targets, diagonal, permutation, controlled, scalar fallback) against the
// scalar oracle kernels::reference::apply_matrix, on random states, for every
// target/control position on small n and random positions up to n = 12,
// with 1 and 2 threads.
#include <catch2/catch.hpp>

#include "support/kernel_checks.hpp"

namespace {

using qsim::GateId;
using qsim::Operation;
using Qs = std::vector<unsigned>;

Operation make_op(GateId id, Qs targets, Qs controls, std::vector<double> angles = {}) {
  Operation op;
  op.gate = id;
  op.targets = std::move(targets);
  op.controls = std::move(controls);
  for (double a : angles) op.params.emplace_back(a);
  return op;
}

Operation make_matrix_op(qsim::Matrix m, Qs targets, Qs controls) {
  Operation op = qsim::make_unitary(std::move(m), std::move(targets));
  op.controls = std::move(controls);
  return op;
}

// Applies op with every build of the fast kernels this CPU runs (SSE2, AVX2,
// AVX-512 in the prebuilt library), at 1 and 2 threads; each must match the
// oracle, and the two thread counts each other exactly (the split over
// threads changes nothing). The public entry point is checked too.
template <class T>
void check(const Operation& op, unsigned n, std::mt19937_64& rng) {
  const auto psi = kcheck::random_psi<T>(n, rng);
  auto expect = psi;
  qsim::kernels::reference::apply_matrix(expect, op.targets, op.controls, op.bound_matrix());
  INFO("gate " << op.name() << " n=" << n << " targets " << Catch::Detail::stringify(op.targets) << " controls "
               << Catch::Detail::stringify(op.controls));
  for (const auto* kernels : qsim::kernels::available_kernels<T>()) {
    INFO("kernels " << kernels->arch);
    auto one = psi, two = psi;
    const qsim::Matrix m = op.bound_matrix();
    kernels->apply_matrix(one, op.targets, op.controls, m, kcheck::forced_threads(1), qsim::kernels::matrix_kind(op));
    kernels->apply_matrix(two, op.targets, op.controls, m, kcheck::forced_threads(2), qsim::kernels::matrix_kind(op));
    REQUIRE(kcheck::distance(one, expect) <= ref::tolerance<T>());
    REQUIRE(kcheck::distance(one, two) == 0.0);
  }
  auto checked = psi;
  qsim::kernels::apply_gate(checked, op, {}, kcheck::forced_threads(2));
  REQUIRE(kcheck::distance(checked, expect) <= ref::tolerance<T>());
}

qsim::Matrix random_diagonal(unsigned k, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> phase(-3.2, 3.2);
  const std::size_t dim = std::size_t{1} << k;
  qsim::Matrix m(dim * dim, 0.0);
  for (std::size_t j = 0; j < dim; ++j) m[j * dim + j] = std::polar(1.0, phase(rng));
  return m;
}

qsim::Matrix random_permutation(unsigned k, std::mt19937_64& rng) {
  const std::size_t dim = std::size_t{1} << k;
  std::vector<std::size_t> p(dim);
  for (std::size_t j = 0; j < dim; ++j) p[j] = j;
  std::shuffle(p.begin(), p.end(), rng);
  qsim::Matrix m(dim * dim, 0.0);
  for (std::size_t j = 0; j < dim; ++j) m[p[j] * dim + j] = 1.0;
  return m;
}

// Real orthogonal matrices take the kernel's real-matrix path.
qsim::Matrix random_real(unsigned k, std::mt19937_64& rng) {
  ref::Mat u = ref::random_unitary(static_cast<int>(k), rng);
  Eigen::MatrixXd a = u.real();
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
  Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(a.rows(), a.cols());
  return ref::to_qsim(q.cast<ref::cd>());
}

const std::vector<std::pair<GateId, std::vector<double>>> one_qubit_gates = {
    {GateId::x, {}},      {GateId::y, {}},     {GateId::z, {}},    {GateId::h, {}},
    {GateId::s, {}},      {GateId::t, {}},     {GateId::sx, {}},   {GateId::rx, {0.7}},
    {GateId::ry, {-1.3}}, {GateId::rz, {2.1}}, {GateId::p, {0.4}}, {GateId::u, {0.3, -0.8, 1.9}},
};

}  // namespace

TEMPLATE_TEST_CASE("1-qubit gates with 0, 1, 2 controls at every position", "[kernels]", float, double) {
  std::mt19937_64 rng(11);
  for (unsigned n = 1; n <= 5; ++n)
    for (const auto& [id, angles] : one_qubit_gates)
      for (unsigned t = 0; t < n; ++t) {
        check<TestType>(make_op(id, {t}, {}, angles), n, rng);
        for (unsigned c1 = 0; c1 < n; ++c1) {
          if (c1 == t) continue;
          check<TestType>(make_op(id, {t}, {c1}, angles), n, rng);
          for (unsigned c2 = c1 + 1; c2 < n; ++c2)
            if (c2 != t) check<TestType>(make_op(id, {t}, {c1, c2}, angles), n, rng);
        }
      }
}

TEMPLATE_TEST_CASE("1-qubit gates at random positions up to 12 qubits", "[kernels]", float, double) {
  std::mt19937_64 rng(12);
  for (unsigned n = 6; n <= 12; ++n)
    for (const auto& [id, angles] : one_qubit_gates)
      for (unsigned trial = 0; trial < 4; ++trial) {
        const auto q = kcheck::pick(n, 1 + trial % 3, rng);
        check<TestType>(make_op(id, {q[0]}, Qs(q.begin() + 1, q.end()), angles), n, rng);
      }
}

TEMPLATE_TEST_CASE("2- and 3-qubit gates at every ordered position", "[kernels]", float, double) {
  std::mt19937_64 rng(13);
  const std::vector<std::pair<GateId, std::vector<double>>> gates = {
      {GateId::swap, {}}, {GateId::iswap, {}}, {GateId::rxx, {0.9}}, {GateId::ryy, {-0.4}}, {GateId::rzz, {1.7}}};
  for (unsigned n = 2; n <= 5; ++n)
    for (const auto& [id, angles] : gates)
      for (unsigned a = 0; a < n; ++a)
        for (unsigned b = 0; b < n; ++b) {
          if (a == b) continue;
          check<TestType>(make_op(id, {a, b}, {}, angles), n, rng);
          for (unsigned c = 0; c < n; ++c)
            if (c != a && c != b) check<TestType>(make_op(id, {a, b}, {c}, angles), n, rng);
        }
  for (unsigned n = 6; n <= 12; n += 3)
    for (const auto& [id, angles] : gates)
      for (unsigned trial = 0; trial < 6; ++trial) {
        const auto q = kcheck::pick(n, 2 + trial % 3, rng);
        check<TestType>(make_op(id, {q[0], q[1]}, Qs(q.begin() + 2, q.end()), angles), n, rng);
      }
}

TEMPLATE_TEST_CASE("dense k-qubit matrices, k = 1..5, every register layout", "[kernels]", float, double) {
  // Random placements on n <= 8 cover every subset of in-register qubits
  // (at most 3 with AVX-512 float) together with strided ones.
  std::mt19937_64 rng(14);
  for (unsigned k = 1; k <= 5; ++k)
    for (unsigned n = k; n <= 12; ++n) {
      const unsigned trials = n <= 8 ? 12 : 2;
      for (unsigned trial = 0; trial < trials; ++trial) {
        const unsigned nc = std::min(n - k, trial % 3);
        const auto q = kcheck::pick(n, k + nc, rng);
        const Qs targets(q.begin(), q.begin() + k), controls(q.begin() + k, q.end());
        const auto m = trial % 2 ? ref::to_qsim(ref::random_unitary(static_cast<int>(k), rng)) : random_real(k, rng);
        check<TestType>(make_matrix_op(m, targets, controls), n, rng);
      }
    }
}

TEMPLATE_TEST_CASE("diagonal and permutation matrices take their kernels", "[kernels]", float, double) {
  std::mt19937_64 rng(15);
  for (unsigned k = 1; k <= 4; ++k)
    for (unsigned n = k; n <= 10; ++n)
      for (unsigned trial = 0; trial < 8; ++trial) {
        const unsigned nc = std::min(n - k, trial % 3);
        const auto q = kcheck::pick(n, k + nc, rng);
        const Qs targets(q.begin(), q.begin() + k), controls(q.begin() + k, q.end());
        check<TestType>(make_matrix_op(random_diagonal(k, rng), targets, controls), n, rng);
        check<TestType>(make_matrix_op(random_permutation(k, rng), targets, controls), n, rng);
      }
}

TEMPLATE_TEST_CASE("multi-controlled X and swap at every position", "[kernels]", float, double) {
  std::mt19937_64 rng(16);
  for (unsigned n = 3; n <= 6; ++n)
    for (unsigned t = 0; t < n; ++t)
      for (unsigned c1 = 0; c1 < n; ++c1)
        for (unsigned c2 = 0; c2 < n; ++c2) {
          if (c1 == t || c2 == t || c1 == c2) continue;
          check<TestType>(make_op(GateId::x, {t}, {c1, c2}), n, rng);     // ccx
          check<TestType>(make_op(GateId::swap, {t, c2}, {c1}), n, rng);  // cswap
        }
}

TEST_CASE("bad gates are refused with a message naming the value", "[kernels]") {
  qsim::StateVector<double> psi(3);
  CHECK_THROWS_WITH(qsim::kernels::apply_gate(psi, make_op(GateId::h, {3}, {})), Catch::Contains("qubit 3"));
  CHECK_THROWS_WITH(qsim::kernels::apply_gate(psi, make_op(GateId::x, {1}, {1})),
                    Catch::Contains("qubit 1 used twice"));
  CHECK_THROWS_AS(qsim::kernels::apply_matrix(psi, {0, 1}, {}, qsim::gate_matrix(GateId::h)), qsim::invalid_argument);
  CHECK_THROWS_AS(qsim::kernels::apply_matrix(psi, {}, {}, qsim::Matrix{1.0}), qsim::invalid_argument);
}

TEMPLATE_TEST_CASE("probability and collapse of every build match the oracle on any thread count", "[kernels][measure]",
                   float, double) {
  std::mt19937_64 rng(17);
  for (unsigned n = 1; n <= 14; ++n)
    for (unsigned q = 0; q < n; ++q) {
      const auto psi = kcheck::random_psi<TestType>(n, rng);
      const double expect = qsim::kernels::reference::probability_one(psi, q);
      const int outcome = static_cast<int>((n + q) % 2);
      const double p = outcome ? expect : 1.0 - expect;
      auto collapsed = psi;
      qsim::kernels::reference::collapse(collapsed, q, outcome, p);
      INFO("n=" << n << " q=" << q);
      for (const auto* kernels : qsim::kernels::available_kernels<TestType>()) {
        INFO("kernels " << kernels->arch);
        const double one = kernels->probability_one(psi, q, kcheck::forced_threads(1));
        const double two = kernels->probability_one(psi, q, kcheck::forced_threads(2));
        REQUIRE(one == two);
        // The oracle rounds each |amplitude|^2 to T; the kernels sum them in double.
        REQUIRE(std::abs(one - expect) <= (sizeof(TestType) == 4 ? 1e-6 : 1e-13));
        auto a = psi, b = psi;
        kernels->collapse(a, q, outcome, p, kcheck::forced_threads(1));
        kernels->collapse(b, q, outcome, p, kcheck::forced_threads(2));
        REQUIRE(kcheck::distance(a, b) == 0.0);
        REQUIRE(kcheck::distance(a, collapsed) <= ref::tolerance<TestType>());
      }
      CHECK(qsim::kernels::probability_one(psi, q) ==
            Approx(expect).epsilon(0).margin(sizeof(TestType) == 4 ? 1e-6 : 1e-13));
    }
}

TEMPLATE_TEST_CASE("merged diagonals of every build match the oracle", "[kernels]", float, double) {
  std::mt19937_64 rng(18);
  std::uniform_real_distribution<double> phase(-3.2, 3.2);
  for (unsigned n = 1; n <= 12; ++n)
    for (unsigned k = 1; k <= std::min(n, 8U); ++k) {
      const auto psi = kcheck::random_psi<TestType>(n, rng);
      const auto qubits = kcheck::pick(n, k, rng);
      std::vector<std::complex<double>> diag(std::size_t{1} << k);
      for (auto& d : diag) d = std::polar(1.0, phase(rng));
      qsim::Matrix dense(diag.size() * diag.size(), 0.0);
      for (std::size_t j = 0; j < diag.size(); ++j) dense[j * diag.size() + j] = diag[j];
      auto expect = psi;
      qsim::kernels::reference::apply_matrix(expect, qubits, {}, dense);
      INFO("n=" << n << " qubits " << Catch::Detail::stringify(qubits));
      for (const auto* kernels : qsim::kernels::available_kernels<TestType>()) {
        INFO("kernels " << kernels->arch);
        auto one = psi, two = psi;
        kernels->apply_diagonal(one, qubits, diag, kcheck::forced_threads(1));
        kernels->apply_diagonal(two, qubits, diag, kcheck::forced_threads(2));
        REQUIRE(kcheck::distance(one, expect) <= ref::tolerance<TestType>());
        REQUIRE(kcheck::distance(one, two) == 0.0);
      }
    }
  qsim::StateVector<double> psi(2);
  CHECK_THROWS_WITH(qsim::kernels::apply_diagonal(psi, {0, 0}, {1, 1, 1, 1}), Catch::Contains("used twice"));
  CHECK_THROWS_WITH(qsim::kernels::apply_diagonal(psi, {2}, {1, 1}), Catch::Contains("qubit 2 out of range"));
  CHECK_THROWS_WITH(qsim::kernels::apply_diagonal(psi, {0}, {1, 1, 1}), Catch::Contains("a diagonal of 3 entries"));
  CHECK_THROWS_WITH(qsim::kernels::collapse(psi, 0, 1, 0.0), Catch::Contains("positive probability"));
}
