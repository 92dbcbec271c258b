// The QuantumLayer (forward, vector-Jacobian backward, Jacobian), thread-count
// independence, bad input, and the training pieces (losses, Dense, optimisers,
// weight files), each against finite differences or closed forms.
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <functional>
#include <random>

#include "support/dense_reference.hpp"

namespace {

// Float layers keep about 7 digits; their gradients are checked to 2e-4
// against double finite differences, double ones to 1e-7.
template <class T>
constexpr double layer_tolerance() {
  return std::is_same_v<T, float> ? 2e-4 : 1e-7;
}

qsim::Circuit layer_circuit() {
  qsim::Circuit c(3);
  qsim::ml::angle_embedding(c, 3, qsim::ml::Rotation::y);
  qsim::ml::strongly_entangling_layers(c, 2, 3);
  c.crz(qsim::feature(1, 0.5, 0.1), 0, 2);  // data re-uploading through a controlled gate
  qsim::ml::basic_entangler_layers(c, 1, 3, 18);
  return c;
}

std::vector<qsim::ml::PauliSum> layer_observables() {
  return {{{1.0, "Z0"}}, {{0.5, "X1 Y2"}, {0.2, "Z2"}}, {{1.0, "Y0 Z1"}}};
}

Eigen::MatrixXd random_matrix(Eigen::Index r, Eigen::Index c, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-1.5, 1.5);
  Eigen::MatrixXd m(r, c);
  for (Eigen::Index i = 0; i < m.size(); ++i) m(i) = u(rng);
  return m;
}

}  // namespace

TEMPLATE_TEST_CASE("QuantumLayer forward and backward against direct simulation and finite differences", "[ml][layer]",
                   float, double) {
  std::mt19937_64 rng(21);
  qsim::ml::LayerOptions opt;
  opt.seed = 4;
  qsim::ml::QuantumLayer<TestType> layer(layer_circuit(), layer_observables(), opt);
  REQUIRE(layer.num_weights() == 21);
  REQUIRE(layer.num_features() == 3);
  const Eigen::MatrixXd x = random_matrix(5, 3, rng), cot = random_matrix(5, 3, rng);
  const Eigen::MatrixXd y = layer.forward(x);
  REQUIRE(y.rows() == 5);
  REQUIRE(y.cols() == 3);
  // Forward: each entry is <H_o> of the circuit bound to that sample.
  qsim::Simulator<double> sim;
  const auto obs = layer_observables();
  const Eigen::VectorXd w = layer.weights();
  auto loss_at = [&](const Eigen::VectorXd& weights, const Eigen::MatrixXd& inputs) {
    double l = 0;
    for (Eigen::Index i = 0; i < inputs.rows(); ++i) {
      const Eigen::VectorXd xi = inputs.row(i).transpose();
      const qsim::Binding b{weights.data(), static_cast<std::size_t>(weights.size()), xi.data(), 3};
      const auto psi = sim.statevector(layer.circuit(), 0, b);
      for (std::size_t o = 0; o < obs.size(); ++o)
        l += cot(i, static_cast<Eigen::Index>(o)) * qsim::ml::expectation(psi, obs[o]);
    }
    return l;
  };
  double direct = 0;
  for (Eigen::Index i = 0; i < 5; ++i)
    for (Eigen::Index o = 0; o < 3; ++o) direct += cot(i, o) * y(i, o);
  CHECK(std::abs(direct - loss_at(w, x)) <= layer_tolerance<TestType>());
  // Backward: L = sum(cot .* Y), so dL/dY = cot.
  const Eigen::MatrixXd dx = layer.backward(cot);
  const Eigen::VectorXd dw = layer.weight_gradient();
  const double h = 1e-5;
  for (Eigen::Index k = 0; k < w.size(); ++k) {
    Eigen::VectorXd up = w, down = w;
    up[k] += h;
    down[k] -= h;
    INFO("weight " << k);
    CHECK(std::abs(dw[k] - (loss_at(up, x) - loss_at(down, x)) / (2 * h)) <= layer_tolerance<TestType>());
  }
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    for (Eigen::Index f = 0; f < x.cols(); ++f) {
      Eigen::MatrixXd up = x, down = x;
      up(i, f) += h;
      down(i, f) -= h;
      INFO("sample " << i << " feature " << f);
      CHECK(std::abs(dx(i, f) - (loss_at(w, up) - loss_at(w, down)) / (2 * h)) <= layer_tolerance<TestType>());
    }
  // Gradients accumulate until zero_grad().
  layer.forward(x);
  layer.backward(cot);
  CHECK((layer.weight_gradient() - 2 * dw).cwiseAbs().maxCoeff() <= 1e-12);
  layer.zero_grad();
  CHECK(layer.weight_gradient().cwiseAbs().maxCoeff() == 0.0);
}

TEST_CASE("QuantumLayer results do not depend on the thread count or the state cache", "[ml][layer][threads]") {
  std::mt19937_64 rng(5);
  const Eigen::MatrixXd x = random_matrix(33, 3, rng), cot = random_matrix(33, 3, rng);
  auto run = [&](unsigned threads, std::size_t cache_bytes) {
    qsim::ml::LayerOptions opt;
    opt.threads = threads;
    opt.seed = 9;
    opt.cache_bytes = cache_bytes;
    qsim::ml::QuantumLayer<double> layer(layer_circuit(), layer_observables(), opt);
    const Eigen::MatrixXd y = layer.forward(x);
    const Eigen::MatrixXd dx = layer.backward(cot);
    return std::make_tuple(y, dx, Eigen::VectorXd(layer.weight_gradient()));
  };
  const auto [y1, dx1, g1] = run(1, std::size_t{1} << 20);
  for (unsigned threads : {2U, 3U}) {
    const auto [y, dx, g] = run(threads, std::size_t{1} << 20);
    CHECK(y == y1);  // bit for bit
    CHECK(dx == dx1);
    CHECK(g == g1);
  }
  const auto [y0, dx0, g0] = run(2, 0);  // no cache: backward simulates again
  CHECK(y0 == y1);
  CHECK((dx0 - dx1).cwiseAbs().maxCoeff() == 0.0);
  CHECK((g0 - g1).cwiseAbs().maxCoeff() == 0.0);
}

TEST_CASE("the stateless forward/backward equals the stateful one and leaves the layer alone",
          "[ml][layer][stateless]") {
  std::mt19937_64 rng(21);
  const Eigen::MatrixXd x1 = random_matrix(7, 3, rng), x2 = random_matrix(5, 3, rng);
  const Eigen::MatrixXd c1 = random_matrix(7, 3, rng), c2 = random_matrix(5, 3, rng);
  for (std::size_t cache_bytes : {std::size_t{1} << 20, std::size_t{0}}) {
    qsim::ml::LayerOptions opt;
    opt.seed = 4;
    opt.cache_bytes = cache_bytes;
    qsim::ml::QuantumLayer<double> stateful(layer_circuit(), layer_observables(), opt);
    const qsim::ml::QuantumLayer<double> stateless(layer_circuit(), layer_observables(), opt);
    const Eigen::VectorXd w = stateful.weights();
    // Two forwards before their backwards, the first tape used twice (retain_graph).
    qsim::ml::QuantumLayer<double>::Tape t1, t2;
    const Eigen::MatrixXd y1 = stateless.forward(w, x1, t1), y2 = stateless.forward(w, x2, t2);
    const auto g2 = stateless.backward(t2, c2);
    const auto g1 = stateless.backward(t1, c1), g1_again = stateless.backward(t1, c1);
    CHECK(g1.weights == g1_again.weights);
    CHECK(g1.inputs == g1_again.inputs);
    for (const auto& [x, cot, y, g] : {std::tie(x1, c1, y1, g1), std::tie(x2, c2, y2, g2)}) {
      stateful.zero_grad();
      CHECK(stateful.forward(x) == y);
      CHECK(stateful.backward(cot) == g.inputs);
      CHECK(stateful.weight_gradient() == g.weights);
    }
    CHECK(stateless.weight_gradient().isZero());
  }
  const qsim::ml::QuantumLayer<double> layer(layer_circuit(), layer_observables());
  qsim::ml::QuantumLayer<double>::Tape tape;
  CHECK_THROWS_WITH(layer.forward(Eigen::VectorXd::Zero(20), Eigen::MatrixXd::Zero(2, 3), tape),
                    Catch::Contains("21 weights, got 20"));
  CHECK_THROWS_WITH(layer.backward(tape, Eigen::MatrixXd::Zero(2, 3)), Catch::Contains("expected 0 x 3"));
  layer.forward(layer.weights(), Eigen::MatrixXd::Zero(2, 3), tape);
  CHECK_THROWS_WITH(layer.backward(tape, Eigen::MatrixXd::Constant(2, 3, std::nan(""))), Catch::Contains("not finite"));
}

TEST_CASE("QuantumLayer Jacobian equals parameter-shift gradients per output", "[ml][layer]") {
  qsim::ml::QuantumLayer<double> layer(layer_circuit(), layer_observables());
  // Dynamic-size vectors: with fixed-size ones GCC 12 warns (falsely) about
  // Eigen's AVX-512 loads reading past them.
  const Eigen::VectorXd x = (Eigen::VectorXd(3) << 0.2, -0.7, 1.3).finished();
  Eigen::MatrixXd jx;
  const Eigen::MatrixXd jw = layer.jacobian(x, &jx);
  const qsim::Binding b{layer.weights().data(), layer.num_weights(), x.data(), 3};
  const auto obs = layer_observables();
  for (std::size_t o = 0; o < obs.size(); ++o) {
    const auto ps = qsim::ml::parameter_shift_gradient<double>(layer.circuit(), obs[o], b);
    for (std::size_t k = 0; k < ps.weights.size(); ++k)
      CHECK(std::abs(jw(static_cast<Eigen::Index>(o), static_cast<Eigen::Index>(k)) - ps.weights[k]) <= 1e-8);
    for (std::size_t f = 0; f < 3; ++f)
      CHECK(std::abs(jx(static_cast<Eigen::Index>(o), static_cast<Eigen::Index>(f)) - ps.features[f]) <= 1e-8);
  }
}

TEST_CASE("QuantumLayer refuses bad input with clear messages", "[ml][layer][errors]") {
  qsim::ml::QuantumLayer<double> layer(layer_circuit(), layer_observables());
  CHECK_THROWS_WITH(layer.forward(Eigen::MatrixXd::Zero(4, 2)), Catch::Contains("takes 3 features"));
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(4, 3);
  x(2, 1) = std::nan("");
  CHECK_THROWS_WITH(layer.forward(x), Catch::Contains("feature 1 of sample 2 is not finite"));
  CHECK_THROWS_WITH(layer.set_weights(Eigen::VectorXd::Zero(20)), Catch::Contains("21 weights, got 20"));
  CHECK_THROWS_WITH(layer.backward(Eigen::MatrixXd::Zero(4, 3)), Catch::Contains("before forward"));
  layer.forward(Eigen::MatrixXd::Zero(4, 3));
  CHECK_THROWS_WITH(layer.backward(Eigen::MatrixXd::Zero(4, 2)), Catch::Contains("expected 4 x 3"));
  CHECK_THROWS_AS(qsim::ml::QuantumLayer<double>(layer_circuit(), {}), qsim::invalid_argument);
  CHECK_THROWS_AS(qsim::ml::QuantumLayer<double>(layer_circuit(), {{{1.0, "Z7"}}}), qsim::invalid_argument);
}

TEST_CASE("a hybrid Dense -> QuantumLayer -> Dense model backpropagates the chain rule", "[ml][layer][hybrid]") {
  std::mt19937_64 rng(13);
  qsim::ml::Dense pre(2, 3, qsim::ml::Activation::tanh, 1);
  qsim::ml::QuantumLayer<double> q(layer_circuit(), layer_observables());
  qsim::ml::Dense post(3, 2, qsim::ml::Activation::identity, 2);
  const Eigen::MatrixXd x = random_matrix(4, 2, rng);
  const std::vector<int> labels{0, 1, 1, 0};
  auto loss = [&] { return qsim::ml::softmax_cross_entropy(post.forward(q.forward(pre.forward(x))), labels); };
  const qsim::ml::Loss l = loss();
  pre.backward(q.backward(post.backward(l.grad)));
  // Central differences of the whole model's loss for entries of one parameter block.
  auto check_block = [&](double* params, const double* grad, Eigen::Index size, Eigen::Index stride) {
    const double h = 1e-5;
    for (Eigen::Index k = 0; k < size; k += stride) {
      const double keep = params[k];
      params[k] = keep + h;
      const double up = loss().value;
      params[k] = keep - h;
      const double down = loss().value;
      params[k] = keep;
      CHECK(std::abs(grad[k] - (up - down) / (2 * h)) <= 1e-7);
    }
  };
  // The first layer's weights see the whole chain.
  check_block(pre.weights().data(), pre.weight_gradient().data(), pre.weights().size(), 1);
  check_block(q.weights().data(), q.weight_gradient().data(), q.weights().size(), 4);
}

TEST_CASE("losses and the Dense layer match finite differences", "[ml][training]") {
  std::mt19937_64 rng(2);
  const Eigen::MatrixXd z = random_matrix(4, 3, rng), t = random_matrix(4, 3, rng);
  Eigen::MatrixXd labels(4, 3);
  for (Eigen::Index i = 0; i < labels.size(); ++i) labels(i) = i % 2;
  const std::vector<int> classes{2, 0, 1, 2};
  const std::vector<std::function<qsim::ml::Loss(const Eigen::MatrixXd&)>> losses{
      [&](const Eigen::MatrixXd& p) { return qsim::ml::mse_loss(p, t); },
      [&](const Eigen::MatrixXd& p) { return qsim::ml::binary_cross_entropy_with_logits(p, labels); },
      [&](const Eigen::MatrixXd& p) { return qsim::ml::softmax_cross_entropy(p, classes); }};
  for (const auto& f : losses) {
    const auto l = f(z);
    for (Eigen::Index k = 0; k < z.size(); ++k) {
      Eigen::MatrixXd up = z, down = z;
      up(k) += 1e-6;
      down(k) -= 1e-6;
      CHECK(std::abs(l.grad(k) - (f(up).value - f(down).value) / 2e-6) <= 1e-8);
    }
  }
  CHECK(qsim::ml::mse_loss(t, t).value == 0.0);
  CHECK(qsim::ml::binary_cross_entropy_with_logits(Eigen::MatrixXd::Zero(1, 1), Eigen::MatrixXd::Ones(1, 1)).value ==
        Approx(std::log(2.0)));
  CHECK_THROWS_AS(qsim::ml::mse_loss(z, Eigen::MatrixXd::Zero(3, 3)), qsim::invalid_argument);
  CHECK_THROWS_AS(qsim::ml::softmax_cross_entropy(z, {0, 1, 5, 0}), qsim::invalid_argument);
  CHECK_THROWS_AS(qsim::ml::binary_cross_entropy_with_logits(z, t), qsim::invalid_argument);

  for (auto act : {qsim::ml::Activation::identity, qsim::ml::Activation::tanh, qsim::ml::Activation::sigmoid}) {
    qsim::ml::Dense d(3, 2, act, 3);
    d.bias() << 0.1, -0.2;
    const Eigen::MatrixXd x = random_matrix(4, 3, rng), c = random_matrix(4, 2, rng);
    auto value = [&](const Eigen::MatrixXd& in) { return d.forward(in).cwiseProduct(c).sum(); };
    value(x);
    const Eigen::MatrixXd dx = d.backward(c);
    for (Eigen::Index k = 0; k < x.size(); ++k) {
      Eigen::MatrixXd up = x, down = x;
      up(k) += 1e-6;
      down(k) -= 1e-6;
      CHECK(std::abs(dx(k) - (value(up) - value(down)) / 2e-6) <= 1e-8);
    }
    for (Eigen::Index k = 0; k < 2; ++k) {
      const double keep = d.bias()(k);
      d.bias()(k) = keep + 1e-6;
      const double up = value(x);
      d.bias()(k) = keep - 1e-6;
      const double down = value(x);
      d.bias()(k) = keep;
      CHECK(std::abs(d.bias_gradient()(k) - (up - down) / 2e-6) <= 1e-8);
    }
  }
  qsim::ml::Dense d(3, 2);
  CHECK_THROWS_AS(d.forward(Eigen::MatrixXd::Zero(1, 4)), qsim::invalid_argument);
}

TEST_CASE("SGD with momentum and Adam minimise a quadratic", "[ml][training]") {
  const Eigen::VectorXd target = (Eigen::VectorXd(3) << 1.0, -2.0, 0.5).finished();
  qsim::ml::SGD sgd(0.1, 0.5);
  qsim::ml::Adam adam(0.05);
  Eigen::VectorXd a = Eigen::VectorXd::Zero(3), b = Eigen::VectorXd::Zero(3);
  for (int it = 0; it < 500; ++it) {
    sgd.step(0, a, 2 * (a - target));
    adam.step(0, b, 2 * (b - target));
  }
  CHECK((a - target).norm() < 1e-6);
  CHECK((b - target).norm() < 1e-3);
  // One Adam step moves every coordinate by lr (bias-corrected m / sqrt(v) = sign(g)).
  qsim::ml::Adam fresh(0.01);
  Eigen::VectorXd c = Eigen::VectorXd::Zero(2);
  fresh.step(0, c, Eigen::Vector2d(3.0, -0.001));
  CHECK(c(0) == Approx(-0.01).epsilon(1e-4));
  CHECK(c(1) == Approx(0.01).epsilon(1e-3));
  CHECK_THROWS_AS(qsim::ml::SGD(-1.0), qsim::invalid_argument);
  CHECK_THROWS_AS(adam.step(0, b, Eigen::VectorXd::Zero(2)), qsim::invalid_argument);
}

TEST_CASE("weights survive a save/load round trip exactly; bad files are refused", "[ml][io]") {
  qsim::ml::QuantumLayer<double> layer(layer_circuit(), layer_observables());
  qsim::ml::Dense dense(3, 2, qsim::ml::Activation::tanh, 8);
  const std::string path = "test_ml_weights.txt";
  qsim::ml::save_weights(path, {{"quantum", layer.weights()}, {"dense.w", dense.weights()}});
  const auto loaded = qsim::ml::load_weights(path);
  REQUIRE(loaded.size() == 2);
  CHECK(loaded.at("quantum") == Eigen::MatrixXd(layer.weights()));
  CHECK(loaded.at("dense.w") == dense.weights());
  qsim::ml::QuantumLayer<double> other(layer_circuit(), layer_observables(), {0, 99, 0});
  CHECK(other.weights() != layer.weights());
  other.set_weights(loaded.at("quantum"));
  CHECK(other.weights() == layer.weights());
  for (const char* text : {"nonsense", "qsim-weights 1\nw 2 2\n1 2 3\n", "qsim-weights 1\nw -1 2\n",
                           "qsim-weights 1\nw 1 1\nnan\n", "qsim-weights 1\nw 1 1\n1\nw 1 1\n2\n"}) {
    std::ofstream(path) << text;
    INFO(text);
    CHECK_THROWS_AS(qsim::ml::load_weights(path), qsim::invalid_argument);
  }
  std::remove(path.c_str());
  CHECK_THROWS_AS(qsim::ml::load_weights("/nonexistent/dir/w.txt"), qsim::error);
  CHECK_THROWS_AS(qsim::ml::save_weights(path, {{"bad name", Eigen::MatrixXd::Zero(1, 1)}}), qsim::invalid_argument);
}
