// The training engines (batched and compiled per sample) against the
// gate-by-gate reference layer: every gate type, random angles, n = 1..12,
// batch sizes 1, 3, 17, 256, float and double, 1 and 2 threads.
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "qsim/qsim.hpp"

namespace {

// Every gate class: the fused Rot runs, feature rotations, controlled and
// two-target parameterised gates, u with a feature angle, fixed gates.
qsim::Circuit engine_circuit(unsigned n) {
  qsim::Circuit c(n);
  qsim::ml::angle_embedding(c, n, qsim::ml::Rotation::y);
  std::size_t w = 8;
  if (n >= 2)
    w = qsim::ml::strongly_entangling_layers(c, 2, n, 0);
  else
    for (std::size_t k = 0; k < w; ++k) k % 2 ? c.ry(qsim::weight(k), 0) : c.rz(qsim::weight(k), 0);
  const unsigned last = n - 1;
  c.rx(qsim::feature(0, 0.7, 0.2), 0).rz(qsim::feature(n - 1), last).p(qsim::weight(w), 0);
  c.p(qsim::feature(n - 1, -0.4, 0.3), last);
  c.h(0).s(last).sx(0).t(last).y(0).sdg(0).tdg(last).sxdg(0);
  if (n >= 2) {
    c.crx(qsim::weight(1), 0, last).cry(qsim::feature(0), last, 0).cp(qsim::weight(2), 0, last);
    c.rzz(qsim::feature(0, 0.5, 0.1), 0, last).rxx(qsim::weight(3), last, 0).ryy(qsim::weight(4, -1.0), 0, last);
    c.cz(0, last).swap(0, last).iswap(0, last).cu(qsim::weight(5), 0.2, qsim::feature(0), 0.1, 0, last);
    c.crx(qsim::feature(n - 1, 0.9), 0, last).cp(qsim::feature(0, -1.1, 0.4), last, 0);
  }
  c.u(qsim::weight(6), qsim::feature(0), 0.3, 0);
  if (n >= 3) c.ccx(0, last, 1).crz(qsim::weight(7), 1, 2);
  return c;
}

std::vector<qsim::ml::PauliSum> engine_observables(unsigned n) {
  std::vector<qsim::ml::PauliSum> obs;
  for (unsigned q = 0; q < n; ++q) obs.push_back({{1.0, "Z" + std::to_string(q)}});
  if (n >= 2) obs.push_back({{0.5, "X0 Y" + std::to_string(n - 1)}, {-0.25, "Z0 Z" + std::to_string(n - 1)}});
  return obs;
}

// A rows x cols matrix of uniform values in [-1.5, 1.5), filled in storage order.
Eigen::MatrixXd random_matrix(std::mt19937_64& rng, Eigen::Index rows, Eigen::Index cols) {
  std::uniform_real_distribution<double> u(-1.5, 1.5);
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m(i) = u(rng);
  return m;
}

// A layer's forward and backward results for one batch.
struct Results {
  Eigen::MatrixXd y, dx;
  Eigen::VectorXd dw;
};

template <class T>
Results run_layer(const qsim::Circuit& c, const std::vector<qsim::ml::PauliSum>& obs, unsigned n,
                  qsim::ml::Engine engine, unsigned threads, const Eigen::MatrixXd& x, const Eigen::MatrixXd& dy) {
  qsim::ml::LayerOptions o;
  o.engine = engine;
  o.threads = threads;
  o.seed = n;
  qsim::ml::QuantumLayer<T> layer(c, obs, o);
  CHECK(layer.engine() == engine);
  Results r;
  r.y = layer.forward(x);
  r.dx = layer.backward(dy);
  r.dw = layer.weight_gradient();
  return r;
}

// Both engines on 1 and 2 threads against one reference run (the reference
// is the slow part, above all under the sanitizers).
template <class T>
void check_engines(unsigned n, Eigen::Index batch) {
  const qsim::Circuit c = engine_circuit(n);
  const auto obs = engine_observables(n);
  std::mt19937_64 rng(n * 1000 + static_cast<unsigned>(batch));
  const Eigen::MatrixXd x = random_matrix(rng, batch, static_cast<Eigen::Index>(c.num_features()));
  const Eigen::MatrixXd dy = random_matrix(rng, batch, static_cast<Eigen::Index>(obs.size()));
  const Results ref = run_layer<T>(c, obs, n, qsim::ml::Engine::reference, 1, x, dy);
  const double tol =
      std::is_same_v<T, float> ? 2e-4 * static_cast<double>(batch + 4) : 1e-12 * static_cast<double>(batch + 4);
  for (auto engine : {qsim::ml::Engine::batched, qsim::ml::Engine::per_sample})
    for (unsigned threads : {1U, 2U}) {
      const Results r = run_layer<T>(c, obs, n, engine, threads, x, dy);
      INFO("n " << n << ", batch " << batch << ", " << qsim::ml::engine_name(engine) << ", threads " << threads);
      CHECK((ref.y - r.y).cwiseAbs().maxCoeff() <= tol);
      CHECK((ref.dx - r.dx).cwiseAbs().maxCoeff() <= tol);
      CHECK((ref.dw - r.dw).cwiseAbs().maxCoeff() <= tol);
    }
}

}  // namespace

TEMPLATE_TEST_CASE("the batched and per-sample engines equal the reference layer", "[ml][engine]", float, double) {
  for (unsigned n = 1; n <= 12; ++n)
    for (Eigen::Index batch : {1, 3, 17, 256}) {
      if (n > 8 && batch == 256) continue;  // keeps the reference path's time small
      check_engines<TestType>(n, batch);
    }
}

TEST_CASE("the batched engine gives the same bits on 1 and 2 threads, cached or not", "[ml][engine][threads]") {
  const unsigned n = 4;
  const qsim::Circuit c = engine_circuit(n);
  const auto obs = engine_observables(n);
  std::mt19937_64 rng(5);
  // batch x 2^n x steps well above the one-thread limit (QuantumLayer::batch_threads), so 2 threads run
  const Eigen::MatrixXd x = random_matrix(rng, 400, static_cast<Eigen::Index>(c.num_features()));
  const Eigen::MatrixXd dy = random_matrix(rng, 400, static_cast<Eigen::Index>(obs.size()));
  Eigen::MatrixXd y[3], dx[3];
  Eigen::VectorXd dw[3];
  for (int k = 0; k < 3; ++k) {
    qsim::ml::LayerOptions o;
    o.engine = qsim::ml::Engine::batched;
    o.threads = k == 0 ? 1 : 2;
    if (k == 2) o.cache_bytes = 0;  // backward simulates again
    qsim::ml::QuantumLayer<double> l(c, obs, o);
    y[k] = l.forward(x);
    dx[k] = l.backward(dy);
    dw[k] = l.weight_gradient();
  }
  for (int k = 1; k < 3; ++k) {
    CHECK(y[k] == y[0]);
    CHECK(dx[k] == dx[0]);
    CHECK(dw[k] == dw[0]);
  }
}

TEST_CASE("the program fuses runs of one-qubit weight gates and keeps feature gates apart", "[ml][engine]") {
  qsim::Circuit c(2);
  c.ry(qsim::feature(0), 0).rz(qsim::weight(0), 0).ry(qsim::weight(1), 0).rz(qsim::weight(2), 0).cx(0, 1);
  c.rz(qsim::weight(3), 1).h(1);
  const qsim::ml::Program p(c);
  REQUIRE(p.steps().size() == 4);  // ry(x); rz ry rz; cx; rz h
  CHECK(p.steps()[0].per_sample);
  CHECK(p.steps()[1].factors.size() == 3);
  CHECK(p.steps()[1].slots.size() == 3);
  CHECK(p.steps()[2].kind == qsim::kernels::MatrixKind::permutation);
  CHECK(p.steps()[3].factors.size() == 2);
}

TEST_CASE("a layer's reused buffers give the results of a fresh layer", "[ml][engine]") {
  const unsigned n = 3;
  const qsim::Circuit c = engine_circuit(n);
  const auto obs = engine_observables(n);
  std::mt19937_64 rng(9);
  const auto random = [&](Eigen::Index rows, Eigen::Index cols) { return random_matrix(rng, rows, cols); };
  const auto nf = static_cast<Eigen::Index>(c.num_features()), no = static_cast<Eigen::Index>(obs.size());
  const Eigen::MatrixXd xa = random(40, nf), dya = random(40, no), xb = random(23, nf), dyb = random(23, no);
  qsim::ml::LayerOptions o;
  o.engine = qsim::ml::Engine::batched;
  o.threads = 1;
  qsim::ml::QuantumLayer<double> used(c, obs, o), fresh(c, obs, o);
  used.forward(xa);
  used.backward(dya);
  used.zero_grad();
  (void)used.expectation_values(xa);  // a forward whose blocks go straight back
  const Eigen::MatrixXd y = used.forward(xb), dx = used.backward(dyb);
  CHECK(y == fresh.forward(xb));
  CHECK(dx == fresh.backward(dyb));
  CHECK(used.weight_gradient() == fresh.weight_gradient());
}

TEST_CASE("expectation_values over a batch equals one simulation per row", "[ml][engine]") {
  const unsigned n = 5;
  const qsim::Circuit c = engine_circuit(n);
  const auto obs = engine_observables(n);
  std::mt19937_64 rng(11);
  const Eigen::VectorXd w = random_matrix(rng, static_cast<Eigen::Index>(c.num_weights()), 1);
  const Eigen::MatrixXd x = random_matrix(rng, 9, static_cast<Eigen::Index>(c.num_features()));
  const Eigen::MatrixXd y = qsim::ml::expectation_values(c, obs, w, x);
  REQUIRE(y.rows() == x.rows());
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    const Eigen::VectorXd xr = x.row(r).transpose();
    const qsim::Binding b{w.data(), static_cast<std::size_t>(w.size()), xr.data(), static_cast<std::size_t>(xr.size())};
    qsim::StateVector<double> psi(n);
    qsim::ml::detail::run_gates(c, b, psi);
    for (std::size_t o = 0; o < obs.size(); ++o)
      CHECK(std::abs(y(r, static_cast<Eigen::Index>(o)) - qsim::ml::expectation(psi, obs[o])) < 1e-12);
  }
}

TEST_CASE("the engines' gradients hold at angles where t + pi rounds to t", "[ml][engine]") {
  // d/dt <Z> after RX(t) |0> is -sin t, and after RZ(s) RX(t) RZ(u) (a fused
  // Rot step) as well, and after U(t, phi, lambda) |0> too. A derivative
  // formed as U(t + pi) / 2 loses pi at t = 1e17 (doubles there are 16 apart).
  const double t = 1e17;
  const std::vector<qsim::ml::PauliSum> z{{{1.0, "Z0"}}};
  const auto near = [](double a, double b) { return std::abs(a - b) < 1e-11; };
  for (int gate = 0; gate < 2; ++gate) {
    qsim::Circuit c(1);
    if (gate == 0)
      c.rz(qsim::weight(1), 0).rx(qsim::weight(0), 0).rz(qsim::weight(2), 0).ry(qsim::feature(0), 0);
    else
      c.u(qsim::weight(0), qsim::weight(1), qsim::weight(2), 0).ry(qsim::feature(0), 0);
    for (auto engine : {qsim::ml::Engine::batched, qsim::ml::Engine::per_sample, qsim::ml::Engine::reference}) {
      qsim::ml::LayerOptions o;
      o.engine = engine;
      qsim::ml::QuantumLayer<double> layer(c, z, o);
      layer.set_weights(Eigen::Vector3d(t, 0.4, -0.3));
      const Eigen::MatrixXd x = Eigen::MatrixXd::Zero(3, 1);  // RY(0) last: <Z> = cos t
      INFO("circuit " << gate << ", engine " << static_cast<int>(engine));
      const Eigen::MatrixXd y = layer.forward(x);
      CHECK(near(y(0, 0), std::cos(t)));
      layer.backward(Eigen::MatrixXd::Ones(3, 1));
      CHECK(near(layer.weight_gradient()(0), -3 * std::sin(t)));
      CHECK(std::abs(layer.weight_gradient()(1)) < 1e-12);  // phases before or after a Z readout: no effect
      CHECK(std::abs(layer.weight_gradient()(2)) < 1e-12);
    }
  }
}

TEST_CASE("the batched engine names the sample whose feature angle overflows", "[ml][engine]") {
  qsim::Circuit c(1);
  c.ry(qsim::feature(0, 1e308), 0);
  qsim::ml::LayerOptions o;
  o.engine = qsim::ml::Engine::batched;
  qsim::ml::QuantumLayer<double> layer(c, {{{1.0, "Z0"}}}, o);
  Eigen::MatrixXd x(3, 1);
  x << 0.1, 0.2, 10.0;  // 1e309 is not a double
  CHECK_THROWS_WITH(layer.forward(x), Catch::Contains("gate angle is not finite") && Catch::Contains("sample 2"));
  x(2, 0) = -0.5;
  CHECK(layer.forward(x).allFinite());
}
