// Exact gradients: the adjoint method against the parameter-shift rule and
// central finite differences, for every parameterised gate type, for random
// circuits, several observables, weights and input features.
#include <catch2/catch.hpp>
#include <functional>
#include <random>

#include "support/dense_reference.hpp"
#include "support/finite_differences.hpp"

namespace {

using gradcheck::finite_differences;
using gradcheck::Inputs;
using gradcheck::plain_expectation;
using gradcheck::require_close;

using qsim::feature;
using qsim::weight;
using C = qsim::Circuit;

// Tolerances: double agrees to 1e-8 (finite differences with h = 1e-5 carry
// about 1e-10 truncation error); float states hold about 7 digits, so float
// adjoint gradients are checked against the double reference to 2e-4.
template <class T>
constexpr double grad_tolerance() {
  return std::is_same_v<T, float> ? 2e-4 : 1e-8;
}

// A 3-qubit observable with X, Y and Z on every qubit somewhere.
qsim::ml::PauliSum mixed_observable() { return {{0.7, "Z0 Z1"}, {-0.4, "X2"}, {0.3, "Y0 X1 Z2"}, {0.25, "Y1"}}; }

// An entangling, non-symmetric preparation so that no derivative vanishes by accident.
void prepare(C& c) { c.h(0).ry(0.3, 1).rx(-0.8, 2).cx(0, 1).u(0.4, 1.1, -0.6, 2).cx(1, 2).rz(0.9, 0); }
void mix(C& c) { c.cx(2, 0).ry(0.5, 0).rx(1.3, 1).cz(1, 2).h(2).s(1); }

struct GateCase {
  const char* name;
  std::function<void(C&)> add;
};

std::vector<GateCase> parameterised_gates() {
  // Weights and features enter through affine maps a*v + b as well as plainly.
  return {
      {"rx", [](C& c) { c.rx(weight(0, 1.5, 0.2), 1); }},
      {"ry", [](C& c) { c.ry(feature(0, -0.7, 0.1), 2); }},
      {"rz", [](C& c) { c.rz(weight(1), 0); }},
      {"p", [](C& c) { c.p(weight(0, 2.0), 1); }},
      {"u", [](C& c) { c.u(weight(0), feature(1, 0.5), weight(1, -1.0, 0.3), 2); }},
      {"rxx", [](C& c) { c.rxx(weight(0), 0, 2); }},
      {"ryy", [](C& c) { c.ryy(feature(0, 1.3), 2, 1); }},
      {"rzz", [](C& c) { c.rzz(weight(1, 0.5, -0.2), 1, 0); }},
      {"crx", [](C& c) { c.crx(weight(0), 0, 1); }},
      {"cry", [](C& c) { c.cry(feature(1, 2.0), 2, 0); }},
      {"crz", [](C& c) { c.crz(weight(1, -1.1), 1, 2); }},
      {"cp", [](C& c) { c.cp(weight(0), 2, 1); }},
      {"cu", [](C& c) { c.cu(weight(0), weight(1), feature(0), feature(1, 0.8), 0, 2); }},
      {"ccrx (controlled())",
       [](C& c) {
         c.controlled({0, 2}, qsim::make_gate(qsim::GateId::rx, {1}, {weight(1, 0.9, 0.4)}));
       }},
      {"controlled rzz",
       [](C& c) {
         c.controlled({1}, qsim::make_gate(qsim::GateId::rzz, {0, 2}, {feature(0)}));
       }},
      {"same weight twice", [](C& c) { c.ry(weight(0), 0).crz(weight(0, 0.5), 0, 1).rxx(weight(0), 1, 2); }},
  };
}

}  // namespace

TEMPLATE_TEST_CASE("adjoint gradient equals parameter shift and finite differences for every gate", "[ml][grad]", float,
                   double) {
  const Inputs in{{0.83, -1.37}, {0.41, 2.29}};
  const auto h = mixed_observable();
  for (const auto& gc : parameterised_gates()) {
    SECTION(gc.name) {
      C c(3);
      prepare(c);
      gc.add(c);
      mix(c);
      Inputs bound = in;
      const auto adj = qsim::ml::adjoint_gradient<TestType>(c, h, bound.binding());
      const auto ps = qsim::ml::parameter_shift_gradient<double>(c, h, bound.binding());
      const auto fd = finite_differences(c, h, bound);
      CHECK(std::abs(adj.value - plain_expectation(c, h, bound)) <= grad_tolerance<TestType>());
      require_close(ps.weights, fd.weights, 1e-8);
      require_close(ps.features, fd.features, 1e-8);
      require_close(adj.weights, ps.weights, grad_tolerance<TestType>());
      require_close(adj.features, ps.features, grad_tolerance<TestType>());
      // The gate really depends on something: guards against a vacuous comparison.
      double largest = 0;
      for (double v : ps.weights) largest = std::max(largest, std::abs(v));
      for (double v : ps.features) largest = std::max(largest, std::abs(v));
      CHECK(largest > 1e-3);
    }
  }
}

TEMPLATE_TEST_CASE("adjoint vector-Jacobian product on random circuits with several observables", "[ml][grad]", float,
                   double) {
  std::mt19937_64 rng(2024);
  std::uniform_real_distribution<double> angle(-3, 3);
  std::uniform_int_distribution<int> pick(0, 13);
  const unsigned n = 4;
  for (int trial = 0; trial < 6; ++trial) {
    C c(n);
    std::uniform_int_distribution<unsigned> qubit(0, n - 1);
    auto param = [&](std::size_t k) -> qsim::Param {
      switch (k % 3) {
        case 0:
          return weight(k % 5, angle(rng) / 2, angle(rng));
        case 1:
          return feature(k % 3, angle(rng) / 2);
        default:
          return angle(rng);
      }
    };
    for (std::size_t k = 0; k < 40; ++k) {
      unsigned a = qubit(rng), b = qubit(rng);
      while (b == a) b = qubit(rng);
      switch (pick(rng)) {
        case 0:
          c.rx(param(k), a);
          break;
        case 1:
          c.ry(param(k), a);
          break;
        case 2:
          c.rz(param(k), a);
          break;
        case 3:
          c.p(param(k), a);
          break;
        case 4:
          c.u(param(k), param(k + 1), param(k + 2), a);
          break;
        case 5:
          c.rxx(param(k), a, b);
          break;
        case 6:
          c.ryy(param(k), a, b);
          break;
        case 7:
          c.rzz(param(k), a, b);
          break;
        case 8:
          c.crx(param(k), a, b);
          break;
        case 9:
          c.cry(param(k), a, b);
          break;
        case 10:
          c.crz(param(k), a, b);
          break;
        case 11:
          c.cp(param(k), a, b);
          break;
        case 12:
          c.cu(param(k), param(k + 1), param(k + 2), param(k + 3), a, b);
          break;
        default:
          c.h(a).cx(a, b);
          break;
      }
    }
    const std::vector<qsim::ml::PauliSum> obs{{{1.0, "Z0"}, {0.5, "X1 X3"}}, {{-0.8, "Y2 Z0"}}, qsim::ml::sum_of_z(n)};
    const std::vector<double> cot{0.6, -1.4, 0.35};
    Inputs in{std::vector<double>(5), std::vector<double>(3)};
    for (auto& v : in.w) v = angle(rng);
    for (auto& v : in.x) v = angle(rng);
    const auto vjp = qsim::ml::adjoint_vjp<TestType>(c, obs, cot, in.binding());
    std::vector<double> want_w(5, 0.0), want_x(3, 0.0);
    double want_value = 0;
    for (std::size_t o = 0; o < obs.size(); ++o) {
      const auto ps = qsim::ml::parameter_shift_gradient<double>(c, obs[o], in.binding());
      want_value += cot[o] * ps.value;
      for (std::size_t i = 0; i < 5; ++i) want_w[i] += cot[o] * ps.weights[i];
      for (std::size_t i = 0; i < 3; ++i) want_x[i] += cot[o] * ps.features[i];
    }
    INFO("trial " << trial);
    CHECK(std::abs(vjp.value - want_value) <= grad_tolerance<TestType>());
    require_close(vjp.weights, want_w, grad_tolerance<TestType>());
    require_close(vjp.features, want_x, grad_tolerance<TestType>());
    qsim::ml::PauliSum folded;
    for (std::size_t o = 0; o < obs.size(); ++o) folded.add(obs[o], cot[o]);
    const auto fd = finite_differences(c, folded, in);
    require_close(vjp.weights, fd.weights, std::max(grad_tolerance<TestType>(), 1e-8));
  }
}

TEST_CASE("the benchmark workload: adjoint gradient of sum Z_i matches parameter shift", "[ml][grad]") {
  const unsigned n = 6;
  C c(n);
  const std::size_t nw = qsim::ml::hardware_efficient_ansatz(c, 5, n);
  REQUIRE(nw == 2 * 5 * n);
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> angle(-3, 3);
  Inputs in{std::vector<double>(nw), {}};
  for (auto& v : in.w) v = angle(rng);
  const auto h = qsim::ml::sum_of_z(n);
  const auto adj = qsim::ml::adjoint_gradient<double>(c, h, in.binding());
  const auto ps = qsim::ml::parameter_shift_gradient<double>(c, h, in.binding());
  require_close(adj.weights, ps.weights, 1e-8);
}

TEST_CASE("gradients refuse circuits and bindings they cannot differentiate", "[ml][grad][errors]") {
  const qsim::ml::PauliSum h{{1.0, "Z0"}};
  std::vector<double> w{0.1};
  const qsim::Binding b{w.data(), w.size(), nullptr, 0};
  C measured(1, 1);
  measured.ry(weight(0), 0).measure(0, 0);
  CHECK_THROWS_AS(qsim::ml::adjoint_gradient<double>(measured, h, b), qsim::invalid_argument);
  C two(1);
  two.ry(weight(1), 0);
  CHECK_THROWS_WITH(qsim::ml::adjoint_gradient<double>(two, h, b), Catch::Contains("2 weights"));
  C one(1);
  one.ry(weight(0), 0);
  CHECK_THROWS_WITH(qsim::ml::adjoint_gradient<double>(one, {{1.0, "Z3"}}, b), Catch::Contains("qubit 3"));
  CHECK_THROWS_AS(qsim::ml::adjoint_vjp<double>(one, {h, h}, {1.0}, b), qsim::invalid_argument);
}
