// Pauli sums: parsing and validation, exact expectation values and H|psi>
// against dense Eigen matrices, sampled estimates, and the templates.
#include <catch2/catch.hpp>
#include <random>

#include "support/dense_reference.hpp"

namespace {

// The dense operator of a Pauli sum, from the test's own 2x2 matrices.
ref::Mat dense(const std::vector<std::pair<double, std::string>>& terms, int n) {
  const auto dim = Eigen::Index{1} << n;
  ref::Mat h = ref::Mat::Zero(dim, dim);
  for (const auto& [c, text] : terms) {
    std::vector<ref::Mat> f(static_cast<std::size_t>(n), ref::I2());
    std::istringstream in(text);
    std::string tok;
    while (in >> tok) {
      const auto q = static_cast<std::size_t>(std::stoi(tok.substr(1)));
      f[q] = tok[0] == 'X' ? ref::X() : tok[0] == 'Y' ? ref::Y() : ref::Z();
    }
    h += c * ref::kron_all(f);
  }
  return h;
}

std::vector<std::pair<double, std::string>> random_terms(int n, int count, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> coeff(-1, 1);
  std::uniform_int_distribution<int> letter(0, 3);
  std::vector<std::pair<double, std::string>> out;
  for (int t = 0; t < count; ++t) {
    std::string s;
    for (int q = 0; q < n; ++q) {
      const int l = letter(rng);
      if (l == 0) continue;
      s += (s.empty() ? "" : " ") + std::string(1, "IXYZ"[l]) + std::to_string(q);
    }
    out.emplace_back(coeff(rng), s);
  }
  out.emplace_back(0.3, n >= 3 ? "Z0 Z2" : "Z0");  // at least one diagonal and one identity term
  out.emplace_back(-0.2, "");
  return out;
}

qsim::ml::PauliSum to_sum(const std::vector<std::pair<double, std::string>>& terms) {
  qsim::ml::PauliSum h;
  for (const auto& [c, s] : terms) h.add(c, s);
  return h;
}

}  // namespace

TEST_CASE("Pauli strings parse into masks and refuse malformed text", "[ml][pauli]") {
  const auto t = qsim::ml::PauliSum::parse(0.5, "X0 y2  Z3 I5");
  CHECK(t.x_mask == 0b0101);
  CHECK(t.z_mask == 0b1100);
  CHECK(t.num_y() == 1);
  CHECK(t.text() == "X0 Y2 Z3");
  CHECK(qsim::ml::PauliSum::parse(1, "").text() == "I");
  qsim::ml::PauliSum h{{0.5, "Z0 Z1"}, {-1.2, "X2"}};
  h.add(0.25, "Z1 Z0");
  REQUIRE(h.size() == 2);
  CHECK(h.terms()[0].coeff == Approx(0.75));
  CHECK(h.width() == 3);
  for (const char* bad : {"A0", "Z", "Z0 Z0", "Z0Z1", "X-1", "Z1.5", "Y70"}) {
    INFO(bad);
    CHECK_THROWS_AS(qsim::ml::PauliSum::parse(1.0, bad), qsim::invalid_argument);
  }
  CHECK_THROWS_WITH(qsim::ml::PauliSum::parse(1.0, "Z0 Q1"), Catch::Contains("unknown letter 'Q'"));
  CHECK_THROWS_WITH(qsim::ml::PauliSum::parse(1.0, "X3 Y3"), Catch::Contains("qubit 3 appears twice"));
  CHECK_THROWS_AS(h.add(std::nan(""), "Z0"), qsim::invalid_argument);
  qsim::StateVector<double> psi(2);
  CHECK_THROWS_WITH(qsim::ml::expectation(psi, h), Catch::Contains("out of range for a 2-qubit state"));
}

TEMPLATE_TEST_CASE("expectation values and H|psi> match dense matrices", "[ml][pauli]", float, double) {
  std::mt19937_64 rng(17);
  for (int n : {1, 3, 5}) {
    const auto terms = random_terms(n, 8, rng);
    const ref::Mat h = dense(terms, n);
    const ref::Vec v = ref::random_state(n, rng);
    const auto psi = ref::to_state<TestType>(v);
    const auto sum = to_sum(terms);
    const double want = (v.adjoint() * h * v)(0, 0).real();
    CHECK(std::abs(qsim::ml::expectation(psi, sum) - want) <= 10 * ref::tolerance<TestType>());
    qsim::StateVector<TestType> out(static_cast<unsigned>(n));
    qsim::ml::apply_pauli_sum(sum, psi, out);
    CHECK(ref::max_diff(out, h * v) <= 10 * ref::tolerance<TestType>());
    for (const auto& t : sum.terms()) {  // each string on its own too
      qsim::ml::PauliSum one;
      one.add(t);
      const double single = (v.adjoint() * dense({{t.coeff, t.text() == "I" ? "" : t.text()}}, n) * v)(0, 0).real();
      CHECK(std::abs(qsim::ml::expectation(psi, t) - single) <= 10 * ref::tolerance<TestType>());
    }
  }
  // Many diagonal strings on enough qubits to use several blocks of the fast diagonal path.
  const int n = 10;
  std::vector<std::pair<double, std::string>> zs;
  std::uniform_real_distribution<double> c(-1, 1);
  for (int q = 0; q + 1 < n; ++q) zs.emplace_back(c(rng), "Z" + std::to_string(q) + " Z" + std::to_string(q + 1));
  zs.emplace_back(c(rng), "Z9");
  const ref::Vec v = ref::random_state(n, rng);
  const double want = (v.adjoint() * dense(zs, n) * v)(0, 0).real();
  CHECK(std::abs(qsim::ml::expectation(ref::to_state<TestType>(v), to_sum(zs)) - want) <=
        10 * ref::tolerance<TestType>());
}

TEST_CASE("PauliSum reads Qiskit labels and whole sums as text", "[pauli]") {
  const auto h = qsim::PauliSum::from_label("XIZy", 0.5);
  REQUIRE(h.size() == 1);
  CHECK(h.terms()[0].text() == "Y0 Z1 X3");
  CHECK(h.terms()[0].coeff == 0.5);
  CHECK(qsim::PauliSum::from_label("III").terms()[0].text() == "I");
  CHECK_THROWS_WITH(qsim::PauliSum::from_label("XQ"), Catch::Contains("letter 'Q' is not one of I, X, Y, Z"));
  CHECK_THROWS_WITH(qsim::PauliSum::from_label(""), Catch::Contains("empty Pauli label"));

  const auto s = qsim::PauliSum::from_text("0.5*Z0 Z1 - X2 + 1e-3 * Y1 -2.5 + Z0 Z1");
  REQUIRE(s.size() == 4);
  CHECK(s.terms()[0].text() == "Z0 Z1");
  CHECK(s.terms()[0].coeff == 1.5);  // the repeated string adds up
  CHECK(s.terms()[1].coeff == -1.0);
  CHECK(s.terms()[2].coeff == 1e-3);
  CHECK(s.terms()[3].text() == "I");
  CHECK(s.terms()[3].coeff == -2.5);
  // text() reads back to the same sum.
  const auto back = qsim::PauliSum::from_text(s.text());
  REQUIRE(back.size() == s.size());
  for (std::size_t j = 0; j < s.size(); ++j) {
    CHECK(back.terms()[j].coeff == s.terms()[j].coeff);
    CHECK(back.terms()[j].x_mask == s.terms()[j].x_mask);
    CHECK(back.terms()[j].z_mask == s.terms()[j].z_mask);
  }
  for (const char* bad : {"", "0.5 Z0", "Z0 Z1 X", "0.5*", "Z0 * 2", "+", "Z0 - ", "Q1"}) {
    INFO(bad);
    CHECK_THROWS_AS(qsim::PauliSum::from_text(bad), qsim::invalid_argument);
  }
}

TEMPLATE_TEST_CASE("Simulator::expectation matches the dense operator, exact engines agree", "[pauli]", float, double) {
  std::mt19937_64 rng(23);
  const int n = 4;
  qsim::Circuit c(n);
  std::uniform_real_distribution<double> angle(-3, 3);
  for (int layer = 0; layer < 3; ++layer) {
    for (qsim::qubit_t q = 0; q < n; ++q) c.ry(angle(rng), q).rz(angle(rng), q);
    for (qsim::qubit_t q = 0; q + 1 < n; ++q) c.cx(q, q + 1);
  }
  const qsim::Simulator<TestType> sim;
  const auto psi = sim.statevector(c);
  ref::Vec v(Eigen::Index{1} << n);
  for (qsim::index_t i = 0; i < psi.size(); ++i) v(static_cast<Eigen::Index>(i)) = std::complex<double>(psi[i]);
  const auto terms = random_terms(n, 6, rng);
  const double want = (v.adjoint() * dense(terms, n) * v)(0, 0).real();
  const auto h = to_sum(terms);
  CHECK(std::abs(sim.expectation(c, h) - want) <= 100 * ref::tolerance<TestType>());
  CHECK(std::abs(qsim::DensityMatrixSimulator<TestType>().expectation(c, h) - want) <=
        100 * ref::tolerance<TestType>());
  // GHZ: analytic values, with the sum written as text.
  qsim::Circuit ghz(3);
  ghz.h(0).cx(0, 1).cx(1, 2);
  CHECK(sim.expectation(ghz, qsim::PauliSum::from_text("Z0 Z1 + 0.5*X0 X1 X2 - 2*Z0")) ==
        Approx(1.5).epsilon(0).margin(10 * ref::tolerance<TestType>()));
  // Under noise, exact: depolarizing(p) shrinks <Z> by 1 - 4p/3.
  qsim::NoiseModel model;
  model.add_all_qubit_error(qsim::channels::depolarizing(0.3), {"x"});
  qsim::Circuit flip(1);
  flip.x(0);
  CHECK(qsim::NoisySimulator<TestType>(model).expectation(flip, qsim::PauliSum{{1.0, "Z0"}}) ==
        Approx(-(1 - 4 * 0.3 / 3)).epsilon(0).margin(10 * ref::tolerance<TestType>()));
  CHECK_THROWS_WITH(sim.expectation(ghz, qsim::PauliSum{{1.0, "Z3"}}), Catch::Contains("out of range"));
  qsim::Circuit reset(1);
  reset.reset(0);
  CHECK_THROWS_WITH(sim.expectation(reset, qsim::PauliSum{{1.0, "Z0"}}),
                    Catch::Contains("expectation of a circuit with reset"));
}

TEST_CASE("sampled expectation values are seeded and statistically right", "[ml][pauli][sampling]") {
  std::mt19937_64 rng(3);
  const int n = 4;
  const ref::Vec v = ref::random_state(n, rng);
  const auto psi = ref::to_state<double>(v);
  const std::vector<std::pair<double, std::string>> terms{{0.8, "Z0 Z1"}, {-0.6, "X2"}, {0.5, "Y0 X3"}, {0.1, ""}};
  const auto h = to_sum(terms);
  const std::uint64_t shots = 20000;
  const double exact = qsim::ml::expectation(psi, h);
  double variance = 0;  // of the estimator: sum_t c_t^2 (1 - <P_t>^2) / shots
  for (const auto& t : h.terms()) {
    const double p = qsim::ml::expectation(psi, qsim::ml::PauliTerm{1.0, t.x_mask, t.z_mask});
    variance += t.coeff * t.coeff * (1 - p * p) / static_cast<double>(shots);
  }
  int within = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed)
    within += std::abs(qsim::ml::sampled_expectation(psi, h, shots, seed) - exact) <= 3 * std::sqrt(variance);
  CHECK(within >= 18);  // 3 sigma: 99.7% each
  CHECK(qsim::ml::sampled_expectation(psi, h, shots, 5) == qsim::ml::sampled_expectation(psi, h, shots, 5));
  CHECK(qsim::ml::sampled_expectation(psi, h, shots, 5) != qsim::ml::sampled_expectation(psi, h, shots, 6));
  CHECK_THROWS_AS(qsim::ml::sampled_expectation(psi, h, 0, 1), qsim::invalid_argument);
}

TEST_CASE("pauli_rotation is exp(-i theta P / 2)", "[ml][templates]") {
  std::mt19937_64 rng(8);
  const int n = 4;
  for (const char* p : {"Y0 X1 X2 X3", "Z1", "X0 Z2", "Y3 Y1", "X0 Y1 Z2 X3"}) {
    qsim::Circuit c(n);
    qsim::ml::pauli_rotation(c, 0.77, p);
    const ref::Vec v = ref::random_state(n, rng);
    auto psi = ref::to_state<double>(v);
    qsim::Simulator<double>().apply(c, psi);
    const ref::Vec want = ref::pauli_rotation(dense({{1.0, p}}, n), 0.77) * v;
    INFO(p);
    CHECK(ref::max_diff(psi, want) <= 1e-12);
  }
  qsim::Circuit c(2);
  CHECK_THROWS_AS(qsim::ml::pauli_rotation(c, 0.1, "Z2"), qsim::invalid_argument);
  CHECK_THROWS_AS(qsim::ml::pauli_rotation(c, 0.1, "I"), qsim::invalid_argument);
}

TEST_CASE("templates follow PennyLane's layouts and weight shapes", "[ml][templates]") {
  std::vector<double> w(2 * 3 * 3), x{0.3, -0.4, 1.1};
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = 0.1 * static_cast<double>(i) - 0.5;
  const qsim::Binding b{w.data(), w.size(), x.data(), x.size()};
  qsim::Simulator<double> sim;
  SECTION("StronglyEntanglingLayers (2, 3, 3)") {
    qsim::Circuit c(3);
    CHECK(qsim::ml::strongly_entangling_layers(c, 2, 3) == 18);
    CHECK(c.num_weights() == 18);
    qsim::Circuit by_hand(3);  // Rot(phi, theta, omega) = RZ(omega) RY(theta) RZ(phi); ranges 1 then 2
    for (unsigned l = 0; l < 2; ++l) {
      for (unsigned q = 0; q < 3; ++q)
        by_hand.rz(w[(l * 3 + q) * 3], q).ry(w[(l * 3 + q) * 3 + 1], q).rz(w[(l * 3 + q) * 3 + 2], q);
      for (unsigned q = 0; q < 3; ++q) by_hand.cx(q, (q + l + 1) % 3);
    }
    const auto a = sim.statevector(c, 0, b), e = sim.statevector(by_hand);
    CHECK(std::abs(std::abs(a.inner(e)) - 1) < 1e-12);
  }
  SECTION("BasicEntanglerLayers (2, 3) after AngleEmbedding") {
    qsim::Circuit c(3);
    qsim::ml::angle_embedding(c, 3, qsim::ml::Rotation::z);
    CHECK(qsim::ml::basic_entangler_layers(c, 2, 3) == 6);
    CHECK(c.num_features() == 3);
    qsim::Circuit by_hand(3);
    for (unsigned q = 0; q < 3; ++q) by_hand.rz(x[q], q);
    for (unsigned l = 0; l < 2; ++l) {
      for (unsigned q = 0; q < 3; ++q) by_hand.rx(w[l * 3 + q], q);
      by_hand.cx(0, 1).cx(1, 2).cx(2, 0);
    }
    const auto a = sim.statevector(c, 0, b), e = sim.statevector(by_hand);
    CHECK(std::abs(std::abs(a.inner(e)) - 1) < 1e-12);
  }
  SECTION("hardware-efficient ansatz and argument checks") {
    qsim::Circuit c(4);
    CHECK(qsim::ml::hardware_efficient_ansatz(c, 5, 4) == 40);
    CHECK(c.size() == 5 * (4 + 4 + 3));
    CHECK_THROWS_AS(qsim::ml::strongly_entangling_layers(c, 1, 5), qsim::invalid_argument);
    CHECK_THROWS_AS(qsim::ml::basic_entangler_layers(c, 0, 2), qsim::invalid_argument);
    CHECK_THROWS_AS(qsim::ml::angle_embedding(c, 5), qsim::invalid_argument);
  }
}

TEST_CASE("AmplitudeEmbedding pads and normalises, or refuses clearly", "[ml][templates]") {
  const auto psi = qsim::ml::amplitude_embedding<double>({3.0, 4.0}, 2, true, true);
  CHECK(psi[0].real() == Approx(0.6));
  CHECK(psi[1].real() == Approx(0.8));
  CHECK(std::abs(psi[3]) == 0.0);
  const auto unit = qsim::ml::amplitude_embedding<float>({0.6, 0.0, 0.0, 0.8}, 2, false);
  CHECK(unit[3].real() == Approx(0.8f));
  CHECK_THROWS_WITH(qsim::ml::amplitude_embedding<double>({1, 2, 3}, 2), Catch::Contains("use_pad"));
  CHECK_THROWS_WITH(qsim::ml::amplitude_embedding<double>({1, 2, 3, 4, 5}, 2), Catch::Contains("at most 4"));
  CHECK_THROWS_WITH(qsim::ml::amplitude_embedding<double>({1, 1, 0, 0}, 2, false), Catch::Contains("norm"));
  CHECK_THROWS_AS(qsim::ml::amplitude_embedding<double>({0, 0}, 1), qsim::invalid_argument);
  CHECK_THROWS_AS(qsim::ml::amplitude_embedding<double>({std::nan(""), 1}, 1), qsim::invalid_argument);
}

TEST_CASE("line charts draw every series and refuse non-finite values", "[io]") {
  const std::string svg = qsim::io::line_chart_svg({{"loss", {1.0, 0.5, 0.25}}, {"acc", {0.2, 0.9}}}, "t", "x", "y");
  CHECK(svg.find("<svg") == 0);
  std::size_t lines = 0;
  for (std::size_t at = svg.find("<polyline"); at != std::string::npos; at = svg.find("<polyline", at + 1)) ++lines;
  CHECK(lines == 2);
  CHECK(svg.find(">loss<") != std::string::npos);
  CHECK_THROWS_AS(qsim::io::line_chart_svg({{"bad", {1.0, std::nan("")}}}, "t", "x", "y"), qsim::invalid_argument);
  CHECK_THROWS_AS(qsim::io::line_chart_svg({}, "t", "x", "y"), qsim::invalid_argument);
}
