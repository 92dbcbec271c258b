// Measurement statistics with fixed seeds and chi-square tests at the 0.1%
// level (critical values from the chi-square table), plus determinism.
#include <catch2/catch.hpp>
#include <cmath>

#include <qsim/qsim.hpp>

#include "support/chi_square.hpp"

namespace {

using stats::chi_square;

// Upper 0.1% points of the chi-square distribution by degrees of freedom.
double critical(int dof) {
  static const double table[] = {0, 10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322};
  return table[dof];
}

}  // namespace

TEMPLATE_TEST_CASE("GHZ gives only 000 and 111, about equally", "[measure]", float, double) {
  qsim::Circuit c(3);
  c.h(0).cx(0, 1).cx(1, 2).measure_all();
  const auto counts = qsim::Simulator<TestType>().run(c, 1024, 42);
  CHECK(qsim::total_shots(counts) == 1024);
  CHECK(chi_square(counts, {{"000", 0.5}, {"111", 0.5}}) < critical(1));
}

TEMPLATE_TEST_CASE("the tutorial's H-on-all circuit is uniform over 8 outcomes", "[measure]", float, double) {
  qsim::Circuit c(3);
  c.h(0).h(1).h(2).cx(0, 1).cx(1, 2).measure_all();
  const auto counts = qsim::Simulator<TestType>().run(c, 8000, 7);
  std::map<std::string, double> uniform;
  for (const char* k : {"000", "001", "010", "011", "100", "101", "110", "111"}) uniform[k] = 1.0 / 8;
  CHECK(counts.size() == 8);
  CHECK(chi_square(counts, uniform) < critical(7));
}

TEST_CASE("a rotation gives sin^2(theta/2) ones, on a lopsided qubit", "[measure]") {
  const double theta = 1.1;
  const double p1 = std::pow(std::sin(theta / 2), 2);
  qsim::Circuit c(3);
  c.ry(theta, 1).measure_all();
  const auto counts = qsim::Simulator<double>().run(c, 20000, 3);
  CHECK(chi_square(counts, {{"000", 1 - p1}, {"010", p1}}) < critical(1));
}

TEST_CASE("mid-circuit measurement collapses, reset returns to |0>", "[measure]") {
  qsim::Simulator<double> sim;
  SECTION("measured control then CX: outcomes are correlated") {
    qsim::Circuit c(2, 2);
    c.h(0).measure(0, 0).cx(0, 1).measure(1, 1);
    REQUIRE(c.has_mid_circuit_operations());
    CHECK(chi_square(sim.run(c, 4000, 11), {{"00", 0.5}, {"11", 0.5}}) < critical(1));
  }
  SECTION("measure, reset and rotate again: independent outcomes") {
    const double a = 0.9, b = 2.2;
    const double pa = std::pow(std::sin(a / 2), 2), pb = std::pow(std::sin(b / 2), 2);
    qsim::Circuit c(1, 2);
    c.ry(a, 0).measure(0, 0).reset(0).ry(b, 0).measure(0, 1);
    const auto counts = sim.run(c, 20000, 5);
    CHECK(chi_square(counts,
                     {{"00", (1 - pa) * (1 - pb)}, {"01", pa * (1 - pb)}, {"10", (1 - pa) * pb}, {"11", pa * pb}}) <
          critical(3));
  }
  SECTION("reset after X always reads 0") {
    qsim::Circuit c(2, 2);
    c.x(0).x(1).reset(0).measure(0, 0).measure(1, 1);
    CHECK(sim.run(c, 100, 1) == qsim::Counts{{"10", 100}});
  }
  SECTION("a gate conditioned on a measured register") {
    qsim::Circuit c(2, 1);
    c.add_creg("d", 1);
    c.h(0).measure(0, 0);
    c.x(1).c_if("c", 1);
    c.measure(1, 1);
    // Registers print last-declared first: "d c".
    CHECK(chi_square(sim.run(c, 4000, 8), {{"0 0", 0.5}, {"1 1", 0.5}}) < critical(1));
  }
}

TEST_CASE("multi-register keys follow Qiskit's format", "[measure][order]") {
  qsim::Circuit c(3);
  c.add_creg("a", 1);
  c.add_creg("b", 2);
  c.x(0).x(2);
  c.measure({0, 1, 2}, {0, 1, 2});  // a = q0 = 1; b = (q1, q2) = (0, 1) -> "10"
  CHECK(qsim::Simulator<double>().run(c, 5, 1) == qsim::Counts{{"10 1", 5}});
  qsim::Circuit d(2, 2);
  d.x(0).measure_all();  // Qiskit adds register "meas": "01 00"
  CHECK(qsim::Simulator<double>().run(d, 3, 1) == qsim::Counts{{"01 00", 3}});
}

TEST_CASE("the same seed gives the same counts; another seed does not", "[measure][seed]") {
  qsim::Circuit c(4);
  c.h(0).h(1).ry(0.3, 2).cx(1, 3).measure_all();
  qsim::Simulator<double> sim;
  const auto first = sim.run(c, 1000, 123);
  CHECK(sim.run(c, 1000, 123) == first);
  bool some_differ = false;
  for (std::uint64_t seed = 124; seed < 130; ++seed) some_differ = some_differ || sim.run(c, 1000, seed) != first;
  CHECK(some_differ);
  qsim::Circuit mid(2, 2);
  mid.h(0).measure(0, 0).h(1).measure(1, 1);
  CHECK(sim.run(mid, 500, 9) == sim.run(mid, 500, 9));
}

TEST_CASE("sampling: indices, marginals and the sorted sampler", "[measure][sampling]") {
  qsim::Circuit c(3);
  c.x(2).h(0);
  qsim::Simulator<double> sim;
  const auto samples = sim.sample(c, 4000, 17);
  REQUIRE(samples.size() == 4000);
  for (auto s : samples) REQUIRE((s == 4 || s == 5));
  const auto marg = sim.marginal_counts(c, {0, 2}, 4000, 17);  // q2 leftmost, q0 rightmost
  CHECK(chi_square(marg, {{"10", 0.5}, {"11", 0.5}}) < critical(1));
  const auto marg1 = qsim::marginal_counts(samples, {2});
  CHECK(marg1 == qsim::Counts{{"1", 4000}});
  // A skewed distribution with zeros at both ends.
  const std::vector<double> p = {0, 0.1, 0, 0.6, 0.3, 0};
  std::map<qsim::index_t, std::uint64_t> got;
  qsim::sample_sorted(p, 50000, 99, [&](qsim::index_t i, std::uint64_t n) { got[i] += n; });
  qsim::Counts as_counts;
  for (const auto& [i, n] : got) as_counts[std::to_string(i)] = n;
  CHECK(chi_square(as_counts, {{"1", 0.1}, {"3", 0.6}, {"4", 0.3}}) < critical(2));
  CHECK_THROWS_AS(qsim::sample_indices({}, 10, 1), qsim::invalid_argument);
  CHECK_THROWS_AS(qsim::sample_indices({0.5, -0.1}, 10, 1), qsim::invalid_argument);
}
