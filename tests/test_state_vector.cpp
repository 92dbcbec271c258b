#include <catch2/catch.hpp>
#include <cstdint>

#include "support/dense_reference.hpp"

TEMPLATE_TEST_CASE("a new state is |0...0>, aligned, with the right size", "[state]", float, double) {
  for (unsigned n : {0U, 1U, 5U, 12U}) {
    qsim::StateVector<TestType> psi(n);
    CHECK(psi.num_qubits() == n);
    CHECK(psi.size() == (qsim::index_t{1} << n));
    CHECK(reinterpret_cast<std::uintptr_t>(psi.data()) % 64 == 0);
    CHECK(psi[0] == std::complex<TestType>(1));
    for (qsim::index_t i = 1; i < psi.size(); ++i) REQUIRE(psi[i] == std::complex<TestType>(0));
    CHECK(psi.norm() == Approx(1.0));
  }
}

TEMPLATE_TEST_CASE("amplitudes, probabilities, inner product and reset", "[state]", float, double) {
  std::mt19937_64 rng(5);
  const ref::Vec a = ref::random_state(4, rng), b = ref::random_state(4, rng);
  auto psi = ref::to_state<TestType>(a);
  const auto phi = ref::to_state<TestType>(b);
  const double tol = std::is_same_v<TestType, float> ? 1e-5 : 1e-12;
  const auto probs = psi.probabilities();
  for (Eigen::Index i = 0; i < a.size(); ++i)
    CHECK(std::abs(probs[static_cast<std::size_t>(i)] - std::norm(a(i))) < tol);
  CHECK(std::abs(psi.inner(phi) - a.dot(b)) < tol);  // Eigen's dot conjugates the first argument
  CHECK(std::abs(psi.norm() - 1.0) < tol);
  qsim::StateVector<TestType> copy = psi;
  CHECK(std::abs(copy.inner(psi) - 1.0) < tol);
  psi.reset();
  CHECK(psi[0] == std::complex<TestType>(1));
  CHECK(psi.probabilities()[3] == 0.0);
  CHECK(copy.at(15) == copy[15]);
}

TEST_CASE("bad amplitudes and oversized states are refused with clear messages", "[state][errors]") {
  using Catch::Matchers::Contains;
  using V = std::vector<std::complex<double>>;
  CHECK_THROWS_AS(qsim::StateVector<double>(V{1, 0, 0}), qsim::invalid_argument);
  CHECK_THROWS_WITH(qsim::StateVector<double>(V{1, 0, 0}), Contains("length 3 is not a power of two"));
  CHECK_THROWS_WITH(qsim::StateVector<double>(V{}), Contains("length 0"));
  CHECK_THROWS_WITH(qsim::StateVector<double>(V{1, 1}), Contains("norm 1.41"));
  CHECK_THROWS_WITH(qsim::StateVector<double>(V{std::nan(""), 0}), Contains("norm") && Contains("nan"));
  CHECK_THROWS_AS(qsim::StateVector<double>(63), qsim::out_of_memory);
  CHECK_THROWS_WITH(qsim::StateVector<double>(63), Contains("63-qubit") && Contains("at most 62"));
  // 2^50 * 16 bytes = 16 PiB: more than any machine this runs on.
  CHECK_THROWS_AS(qsim::StateVector<double>(50), qsim::out_of_memory);
  CHECK_THROWS_WITH(qsim::StateVector<double>(50), Contains("needs 18014398509481984 bytes"));
  CHECK_THROWS_WITH(qsim::StateVector<float>(50), Contains("complex<float> needs 9007199254740992 bytes"));
  qsim::StateVector<double> s(2);
  CHECK_THROWS_WITH(s.at(4), Contains("basis index 4 out of range for a 2-qubit state"));
  CHECK_THROWS_WITH(s.inner(qsim::StateVector<double>(3)), Contains("2-qubit and a 3-qubit"));
  // Errors share one base type.
  CHECK_THROWS_AS(qsim::StateVector<double>(63), qsim::error);
}
