// Angle expressions over weights and features: folding, values, text, and
// gradients by the chain rule (adjoint, parameter shift, both layer engines)
// against central finite differences; shaped weight groups; ZZFeatureMap and
// IQPEmbedding against analytic diagonal-phase states.
#include <catch2/catch.hpp>
#include <random>

#include "support/dense_reference.hpp"
#include "support/finite_differences.hpp"

namespace {

using qsim::feature;
using qsim::weight;
constexpr double kPi = 3.14159265358979323846;

using gradcheck::finite_differences;
using gradcheck::Inputs;
using gradcheck::require_close;

double value_of(const qsim::Circuit& c, const qsim::PauliSum& h, const Inputs& in) {
  return gradcheck::plain_expectation(c, h, in);
}

// Every gate kind with expression angles; some read one variable twice.
qsim::Circuit expression_circuit() {
  const auto w = [](std::size_t i) { return weight(i); };
  const auto x = [](std::size_t i) { return feature(i); };
  qsim::Circuit c(3);
  c.h(0).h(1).h(2);
  c.rx(w(0) * x(0), 0);
  c.ry(qsim::sin(w(1)) + x(1) / (1.5 + qsim::cos(w(2))), 1);
  c.rz((kPi - x(0)) * (kPi - x(1)), 2);
  c.p(w(0) * w(0) - 0.3, 0);
  c.cx(0, 1).cx(1, 2);
  c.crx(w(3) / x(2), 2, 0);
  c.u(w(1) * x(2), qsim::cos(x(0)), -w(4), 1);
  c.rzz(2.0 * (w(2) - x(1)), 0, 2);
  c.ryy(w(3) * w(4) * x(0), 1, 2);
  c.rx(weight(4, 0.5, 0.1), 0);  // an affine one among them
  return c;
}

}  // namespace

TEST_CASE("angle arithmetic folds affine results and builds expressions", "[param]") {
  const qsim::Param a = 2.0 * weight(3) + 0.5;
  CHECK(a.source == qsim::Param::Source::weight);
  CHECK(a.index == 3);
  CHECK(a.scale == 2.0);
  CHECK(a.offset == 0.5);
  const qsim::Param b = (weight(1) - 1.0) / 4.0;
  CHECK(b.source == qsim::Param::Source::weight);
  CHECK(b.scale == 0.25);
  CHECK(b.offset == -0.25);
  CHECK((weight(2) + weight(2, 3.0)).scale == 4.0);
  CHECK((3.0 - feature(0)).scale == -1.0);
  CHECK(qsim::sin(qsim::Param(0.5)).is_constant());

  const qsim::Param e = (kPi - feature(0)) * (kPi - feature(1));
  REQUIRE(e.is_expression());
  CHECK(e.reads(qsim::Param::Source::feature));
  CHECK_FALSE(e.reads(qsim::Param::Source::weight));
  const std::vector<double> w{0.7, -1.2}, x{0.4, 2.5};
  const qsim::Binding bind{w.data(), w.size(), x.data(), x.size()};
  CHECK(e.value(bind) == Approx((kPi - 0.4) * (kPi - 2.5)));
  CHECK(e.expr->text() == "(-x[0] + 3.14159)*(-x[1] + 3.14159)");
  const qsim::Param f = qsim::cos(weight(0) * feature(1)) / (weight(1) - 2.0);
  CHECK(f.value(bind) == Approx(std::cos(0.7 * 2.5) / (-1.2 - 2.0)));
  CHECK(f.describe() == "expression cos(w[0]*x[1])/(w[1] - 2)");
  // Partials by the chain rule, against the closed form.
  std::vector<double> dw(2, 0), dx(2, 0);
  f.for_each_partial(bind, [&](qsim::Param::Source s, std::size_t i, double d) {
    (s == qsim::Param::Source::weight ? dw : dx)[i] += d;
  });
  const double den = -1.2 - 2.0, s = std::sin(0.7 * 2.5), co = std::cos(0.7 * 2.5);
  CHECK(dw[0] == Approx(-s * 2.5 / den));
  CHECK(dw[1] == Approx(-co / (den * den)));
  CHECK(dx[1] == Approx(-s * 0.7 / den));
  CHECK(dx[0] == 0);

  // Circuits count what their expressions read; bad values are refused clearly.
  qsim::Circuit c(1);
  c.rx(weight(5) * feature(2), 0);
  CHECK(c.num_weights() == 6);
  CHECK(c.num_features() == 3);
  CHECK(c.num_parameters() == 2);
  CHECK_THROWS_WITH(weight(0) / 0.0, Catch::Contains("divided by the constant 0"));
  const std::vector<double> zero{0.0};
  qsim::Circuit d(1);
  d.rx(1.0 / feature(0), 0);
  CHECK_THROWS_WITH(qsim::Simulator<double>().statevector(d, 0, {nullptr, 0, zero.data(), 1}),
                    Catch::Contains("gate angle is not finite") && Catch::Contains("expression 1/x[0]"));
  CHECK_THROWS_WITH(qsim::Simulator<double>().statevector(d), Catch::Contains("feature 0 is not bound"));
  CHECK_THROWS_WITH(d.append(qsim::make_gate(qsim::GateId::rx, {0}, {qsim::sin(weight(0)) * std::nan("")})),
                    Catch::Contains("not finite"));
  // Constants fold to constants; bounded trees; no expression without a tree.
  const qsim::Param folded = qsim::Param(3.0) * qsim::Param(1e300) / qsim::Param(1e-300);
  CHECK(folded.is_constant());
  CHECK_FALSE(folded.is_finite());  // 3e600 overflows: refused when used, as any infinite angle
  CHECK((qsim::Param(3.0) * 2.0).is_finite());
  CHECK_THROWS_WITH(qsim::Param(qsim::Param::Source::expression, 0, 1, 0), Catch::Contains("built from its tree"));
  qsim::Param deep = feature(0);
  CHECK_THROWS_WITH(
      [&] {
        for (int i = 0; i < 1000; ++i) deep = deep * feature(1) + 0.5;
      }(),
      Catch::Contains("angle expression too large"));
  qsim::Param doubling = qsim::sin(weight(0));
  CHECK_THROWS_WITH(
      [&] {
        for (int i = 0; i < 70; ++i) doubling = doubling * doubling;
      }(),
      Catch::Contains("nodes; at most"));
  // The inverse negates an expression.
  qsim::Circuit g(1);
  g.rx(qsim::sin(weight(0)) * feature(0), 0);
  CHECK(g.inverse().operations()[0].params[0].value(bind) == Approx(-std::sin(0.7) * 0.4));
}

TEST_CASE("gradients through angle expressions match finite differences", "[param][grad]") {
  const qsim::Circuit c = expression_circuit();
  const qsim::PauliSum h{{0.7, "Z0 Z1"}, {-0.4, "X2"}, {0.3, "Y0 Z2"}};
  const Inputs in{{0.3, -0.8, 1.1, 0.6, -1.4}, {0.9, -0.35, 1.7}};
  const auto fd = finite_differences(c, h, in);
  const auto adj = qsim::ml::adjoint_gradient<double>(c, h, in.binding());
  CHECK(adj.value == Approx(value_of(c, h, in)).epsilon(0).margin(1e-12));
  require_close(adj.weights, fd.weights, 1e-8);
  require_close(adj.features, fd.features, 1e-8);
  const auto ps = qsim::ml::parameter_shift_gradient<double>(c, h, in.binding());
  require_close(ps.weights, fd.weights, 1e-8);
  require_close(ps.features, fd.features, 1e-8);

  // The layer, batched and per sample, forward and backward, on a small batch.
  Eigen::MatrixXd x(3, 3);
  x << 0.9, -0.35, 1.7, 0.2, 0.8, -1.1, -0.6, 1.3, 0.45;
  Eigen::VectorXd w(5);
  w << 0.3, -0.8, 1.1, 0.6, -1.4;
  for (auto engine : {qsim::ml::Engine::batched, qsim::ml::Engine::per_sample}) {
    qsim::ml::LayerOptions options;
    options.engine = engine;
    qsim::ml::QuantumLayer<double> layer(c, {h}, options);
    layer.set_weights(w);
    const Eigen::MatrixXd y = layer.forward(x);
    const Eigen::MatrixXd dy = Eigen::MatrixXd::Ones(3, 1);
    const Eigen::MatrixXd dx = layer.backward(dy);
    Eigen::VectorXd dw_sum = Eigen::VectorXd::Zero(5);
    for (Eigen::Index r = 0; r < 3; ++r) {
      Inputs row{{w.data(), w.data() + 5}, {x(r, 0), x(r, 1), x(r, 2)}};
      const auto g = finite_differences(c, h, row);
      CHECK(y(r, 0) == Approx(value_of(c, h, row)).epsilon(0).margin(1e-12));
      for (Eigen::Index k = 0; k < 3; ++k)
        CHECK(dx(r, k) == Approx(g.features[static_cast<std::size_t>(k)]).epsilon(0).margin(1e-8));
      for (Eigen::Index k = 0; k < 5; ++k) dw_sum(k) += g.weights[static_cast<std::size_t>(k)];
    }
    for (Eigen::Index k = 0; k < 5; ++k) CHECK(layer.weight_gradient()(k) == Approx(dw_sum(k)).epsilon(0).margin(1e-8));
  }
}

TEST_CASE("weight groups address shaped weights row-major", "[param]") {
  const qsim::WeightGroup rot({2, 3, 3});
  const qsim::WeightGroup out({3}, rot.end());
  CHECK(rot.size() == 18);
  CHECK(rot(1, 2, 0).index == 1 * 9 + 2 * 3 + 0);
  CHECK(out.first() == 18);
  CHECK(out(2).index == 20);
  // The same circuit as strongly_entangling_layers with flat offsets.
  qsim::Circuit a(3), b(3);
  qsim::ml::strongly_entangling_layers(a, 2, 3);
  for (std::size_t l = 0; l < 2; ++l) {
    for (qsim::qubit_t q = 0; q < 3; ++q) b.rz(rot(l, q, 0), q).ry(rot(l, q, 1), q).rz(rot(l, q, 2), q);
    const unsigned r = static_cast<unsigned>(l % 2) + 1;
    for (qsim::qubit_t q = 0; q < 3; ++q) b.cx(q, (q + r) % 3);
  }
  std::vector<double> w(18);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = 0.1 * static_cast<double>(i) - 0.7;
  const qsim::Binding bind{w.data(), w.size(), nullptr, 0};
  const auto sa = qsim::Simulator<double>().statevector(a, 0, bind),
             sb = qsim::Simulator<double>().statevector(b, 0, bind);
  for (qsim::index_t i = 0; i < sa.size(); ++i)
    CHECK(std::abs(std::complex<double>(sa[i]) - std::complex<double>(sb[i])) < 1e-12);
  CHECK_THROWS_WITH(rot(1, 2), Catch::Contains("2 indices for a weight group of shape (2, 3, 3)"));
  CHECK_THROWS_WITH(rot(2, 0, 0), Catch::Contains("index 2 out of range for dimension 0"));
  CHECK_THROWS_WITH(qsim::WeightGroup({}), Catch::Contains("at least one dimension"));
  CHECK_THROWS_WITH(qsim::WeightGroup({3, 0}), Catch::Contains("must be positive, got (3, 0)"));
}

TEST_CASE("ZZFeatureMap and IQPEmbedding give their analytic states", "[param][templates]") {
  // Both are H on every qubit followed by diagonal phases: amplitude k is
  // e^{i phase(k)} / 2^{n/2} after one repetition, with bits b_i of k.
  const int n = 3;
  const std::vector<double> x{0.4, -1.3, 2.2};
  const qsim::Binding bind{nullptr, 0, x.data(), x.size()};
  const auto bit = [](qsim::index_t k, int i) { return static_cast<double>((k >> i) & 1U); };
  const double norm = std::pow(2.0, -n / 2.0);

  // ZZFeatureMap, reps = 1: P(2 x_i) adds 2 x_i b_i; CX P(2 phi) CX adds 2 phi (b_i xor b_j).
  qsim::Circuit zz(n);
  qsim::ml::zz_feature_map(zz, n, 1);
  const auto psi = qsim::Simulator<double>().statevector(zz, 0, bind);
  for (qsim::index_t k = 0; k < psi.size(); ++k) {
    double phase = 0;
    for (int i = 0; i < n; ++i) phase += 2 * x[static_cast<std::size_t>(i)] * bit(k, i);
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j < n; ++j)
        phase += 2 * (kPi - x[static_cast<std::size_t>(i)]) * (kPi - x[static_cast<std::size_t>(j)]) *
                 static_cast<double>(((k >> i) ^ (k >> j)) & 1U);
    CHECK(std::abs(std::complex<double>(psi[k]) - std::polar(norm, phase)) < 1e-12);
  }
  // Two repetitions against the dense product: (D H^n)^2 |0>, D the diagonal above.
  ref::Mat hn = ref::kron_all(std::vector<ref::Mat>(n, ref::H()));
  ref::Mat diag = ref::Mat::Zero(1 << n, 1 << n);
  for (qsim::index_t k = 0; k < psi.size(); ++k)
    diag(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k)) =
        std::complex<double>(psi[k]) / norm;  // e^{i phase(k)}, checked above
  qsim::Circuit zz2(n);
  qsim::ml::zz_feature_map(zz2, n);
  ref::Vec zero = ref::Vec::Zero(1 << n);
  zero(0) = 1;
  const ref::Vec want = diag * hn * diag * hn * zero;
  CHECK(ref::max_diff(qsim::Simulator<double>().statevector(zz2, 0, bind), want) < 1e-12);

  // IQPEmbedding: RZ(x_i) gives x_i (b_i - 1/2); RZZ(x_i x_j) gives -x_i x_j / 2 (-1)^{b_i xor b_j}.
  qsim::Circuit iqp(n);
  qsim::ml::iqp_embedding(iqp, n);
  const auto phi = qsim::Simulator<double>().statevector(iqp, 0, bind);
  for (qsim::index_t k = 0; k < phi.size(); ++k) {
    double phase = 0;
    for (int i = 0; i < n; ++i) phase += x[static_cast<std::size_t>(i)] * (bit(k, i) - 0.5);
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j < n; ++j)
        phase += -0.5 * x[static_cast<std::size_t>(i)] * x[static_cast<std::size_t>(j)] *
                 ((((k >> i) ^ (k >> j)) & 1U) ? -1.0 : 1.0);
    CHECK(std::abs(std::complex<double>(phi[k]) - std::polar(norm, phase)) < 1e-12);
  }
  CHECK_THROWS_WITH(qsim::ml::zz_feature_map(zz, 4), Catch::Contains("ZZFeatureMap on 4 qubits does not fit"));
}

TEST_CASE("drawings show angle expressions with pi as the drawer writes it", "[param][draw]") {
  qsim::Circuit c(2);
  qsim::ml::zz_feature_map(c, 2, 1);
  CHECK_THAT(qsim::draw(c, 0), Catch::Contains("P(2*(-x[0] + π)*(-x[1] + π))"));
  qsim::Circuit s(1);
  s.ry(qsim::sin(weight(0)) / 2.0, 0);
  CHECK_THAT(qsim::draw(s), Catch::Contains("Ry(sin(w[0])/2)"));
}
