// AmplitudeEmbedding as the first operation of a circuit: its state against
// amplitudes placed by hand, its gradients (adjoint, parameter shift, noisy
// parameter shift, both training engines) against central differences of
// the plain simulator, and its errors.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <qsim/qsim.hpp>

#include "support/finite_differences.hpp"

namespace {

using gradcheck::Inputs;

// Values 0..5 on qubits (2, 0, 1): features, an affine feature, a weight and a
// constant, padded to 8 with 0.3; then trainable layers and a feature angle
// that reads feature 1 again (its gradient has both parts).
qsim::Circuit embedded_circuit() {
  qsim::Circuit c(3);
  c.amplitude_embedding(
      {qsim::feature(0), qsim::feature(1), qsim::feature(2, 2.0, 0.1), qsim::weight(9), 0.4, qsim::feature(3)},
      {2, 0, 1}, qsim::AmplitudeEmbedding{true, 0.3});
  qsim::ml::strongly_entangling_layers(c, 1, 3);
  c.ry(qsim::feature(1), 2).crz(qsim::weight(10), 0, 1);
  return c;
}

Inputs embedded_inputs() {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-1.2, 1.2);
  Inputs in{std::vector<double>(11), std::vector<double>(4)};
  for (auto& v : in.w) v = u(rng);
  for (auto& v : in.x) v = u(rng);
  return in;
}

}  // namespace

TEST_CASE("an amplitude embedding prepares its values, padded and normalised, on its qubits", "[ml][embedding]") {
  const qsim::Circuit c = embedded_circuit();
  REQUIRE(c.num_features() == 4);
  REQUIRE(c.num_weights() == 11);
  const Inputs in = embedded_inputs();
  qsim::Circuit first(3);
  first.append(c.operations()[0]);
  const auto psi = qsim::Simulator<double>().statevector(first, 0, in.binding());
  // Value j lands at the index whose bit t is qubit targets[t] = (2, 0, 1)[t].
  const std::vector<double> v{in.x[0], in.x[1], 2 * in.x[2] + 0.1, in.w[9], 0.4, in.x[3], 0.3, 0.3};
  double norm2 = 0;
  for (double a : v) norm2 += a * a;
  const unsigned targets[] = {2, 0, 1};
  for (std::size_t j = 0; j < 8; ++j) {
    std::size_t index = 0;
    for (unsigned t = 0; t < 3; ++t)
      if ((j >> t) & 1U) index |= std::size_t{1} << targets[t];
    INFO("amplitude " << j << " at index " << index);
    CHECK(std::abs(psi[index] - std::complex<double>(v[j] / std::sqrt(norm2))) < 1e-12);
  }
  // On all qubits in order it is ml::amplitude_embedding's state.
  qsim::Circuit all(2);
  qsim::ml::amplitude_embedding(all, 3, qsim::AmplitudeEmbedding{true, 0.0});
  const std::vector<double> x{3.0, -1.0, 2.0};
  const auto via_circuit = qsim::Simulator<double>().statevector(all, 0, qsim::Binding{nullptr, 0, x.data(), 3});
  const auto direct = qsim::ml::amplitude_embedding<double>(x, 2, true, true);
  for (std::size_t i = 0; i < 4; ++i) CHECK(std::abs(via_circuit[i] - direct[i]) < 1e-12);
}

TEST_CASE("the gradient through an amplitude embedding matches central differences", "[ml][embedding][grad]") {
  const qsim::Circuit c = embedded_circuit();
  const Inputs in = embedded_inputs();
  const qsim::PauliSum h{{1.0, "Z0"}, {0.5, "X1 Y2"}, {-0.3, "Z1 Z2"}};
  const auto fd = gradcheck::finite_differences(c, h, in);
  SECTION("adjoint") {
    const auto g = qsim::ml::adjoint_gradient<double>(c, h, in.binding());
    gradcheck::require_close(g.weights, fd.weights, 1e-8);
    gradcheck::require_close(g.features, fd.features, 1e-8);
  }
  SECTION("parameter shift") {
    const auto g = qsim::ml::parameter_shift_gradient<double>(c, h, in.binding());
    gradcheck::require_close(g.weights, fd.weights, 1e-8);
    gradcheck::require_close(g.features, fd.features, 1e-8);
  }
  SECTION("without normalising, on values of norm 1") {
    qsim::Circuit unit(2);
    qsim::ml::amplitude_embedding(unit, 4, qsim::AmplitudeEmbedding{false, {}});
    unit.ry(qsim::weight(0), 0).cx(0, 1).rx(qsim::feature(2), 1);
    Inputs at{{0.7}, {0.5, -0.5, 0.5, 0.5}};
    const qsim::PauliSum hx{{1.0, "X0 Z1"}};
    const auto ref = gradcheck::finite_differences(unit, hx, at, 1e-7);
    const auto g = qsim::ml::adjoint_gradient<double>(unit, hx, at.binding());
    gradcheck::require_close(g.features, ref.features, 1e-6);
    gradcheck::require_close(g.weights, ref.weights, 1e-6);
  }
}

TEMPLATE_TEST_CASE("both training engines start from the embedded state and agree with the reference",
                   "[ml][embedding][engine]", float, double) {
  const std::vector<qsim::ml::PauliSum> obs{{{1.0, "Z0"}}, {{0.5, "X0 Y1"}, {-0.25, "Z1"}}};
  for (unsigned n : {1U, 2U, 5U})
    for (Eigen::Index batch : {1, 3, 17}) {
      qsim::Circuit c(n);
      std::size_t nf = std::min<std::size_t>((std::size_t{1} << n), n + 2);
      if (n == 5) {  // on a strict subset of the qubits, out of order: 3 values on qubits 3 and 1
        nf = 3;
        c.amplitude_embedding({qsim::feature(0), qsim::feature(1), qsim::feature(2)}, {3, 1},
                              qsim::AmplitudeEmbedding{true, 0.25});
      } else {
        qsim::ml::amplitude_embedding(c, nf, qsim::AmplitudeEmbedding{true, 0.25});
      }
      c.rx(qsim::feature(0), 0).ry(qsim::weight(0), n - 1).rz(qsim::weight(1), 0);
      if (n > 1) c.cx(0, 1).cry(qsim::weight(2), 1, 0);
      const std::vector<qsim::ml::PauliSum> o(obs.begin(), obs.begin() + (n > 1 ? 2 : 1));
      std::mt19937_64 rng(n * 100 + static_cast<unsigned>(batch));
      std::uniform_real_distribution<double> u(-1.5, 1.5);
      Eigen::MatrixXd x(batch, static_cast<Eigen::Index>(nf)), dy(batch, static_cast<Eigen::Index>(o.size()));
      for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = u(rng);
      for (Eigen::Index i = 0; i < dy.size(); ++i) dy(i) = u(rng);
      const auto run = [&](qsim::ml::Engine engine, unsigned threads) {
        qsim::ml::LayerOptions options;
        options.engine = engine;
        options.threads = threads;
        options.seed = 3;
        qsim::ml::QuantumLayer<TestType> layer(c, o, options);
        const Eigen::MatrixXd y = layer.forward(x);
        const Eigen::MatrixXd dx = layer.backward(dy);
        return std::make_tuple(y, dx, Eigen::VectorXd(layer.weight_gradient()));
      };
      const auto [y0, dx0, dw0] = run(qsim::ml::Engine::reference, 1);
      const double tol = std::is_same_v<TestType, float> ? 1e-4 * static_cast<double>(batch + 4) : 1e-12 * 20;
      for (auto engine : {qsim::ml::Engine::batched, qsim::ml::Engine::per_sample})
        for (unsigned threads : {1U, 2U}) {
          const auto [y, dx, dw] = run(engine, threads);
          INFO("n " << n << ", batch " << batch << ", " << qsim::ml::engine_name(engine) << ", threads " << threads);
          CHECK((y - y0).cwiseAbs().maxCoeff() <= tol);
          CHECK((dx - dx0).cwiseAbs().maxCoeff() <= tol);
          CHECK((dw - dw0).cwiseAbs().maxCoeff() <= tol);
        }
      // And the reference layer's dL/dX is the cotangent-weighted finite difference.
      if (std::is_same_v<TestType, double> && batch == 3) {
        qsim::ml::LayerOptions options;
        options.engine = qsim::ml::Engine::reference;
        options.seed = 3;
        qsim::ml::QuantumLayer<double> layer(c, o, options);
        const double step = 1e-6;
        for (Eigen::Index f = 0; f < x.cols(); ++f) {
          Eigen::MatrixXd up = x, down = x;
          up.col(f).array() += step;
          down.col(f).array() -= step;
          const Eigen::MatrixXd d = (layer.expectation_values(up) - layer.expectation_values(down)) / (2 * step);
          for (Eigen::Index i = 0; i < batch; ++i) {
            INFO("n " << n << ", feature " << f << ", sample " << i);
            CHECK(std::abs(d.row(i).dot(dy.row(i)) - dx0(i, f)) < 1e-7);
          }
        }
      }
    }
}

TEST_CASE("parameter shift through the embedding on one-hot, near one-hot and extreme values",
          "[ml][embedding][grad]") {
  qsim::Circuit c(2);
  qsim::ml::amplitude_embedding(c, 4);
  c.ry(qsim::weight(0), 0).cx(0, 1).rx(qsim::weight(1), 1);
  const qsim::PauliSum h{{1.0, "X0 Z1"}, {0.5, "Y1"}, {0.25, "X0 X1"}};
  qsim::NoiseModel model;
  model.add_all_qubit_error(qsim::channels::depolarizing(0.02), {"ry", "rx"});
  for (const std::vector<double>& x : {std::vector<double>{2, 0, 0, 0},
                                       {0, 0, -3, 0},
                                       {1, 1e-7, 0, 0},
                                       {1e200, -2e200, 3e200, 1e199},
                                       {1e-200, 2e-200, 0, -1e-201}}) {
    INFO("x = " << x[0] << " " << x[1] << " " << x[2] << " " << x[3]);
    Inputs in{{0.3, -0.8}, x};
    const auto adjoint = qsim::ml::adjoint_gradient<double>(c, h, in.binding());
    const auto shift = qsim::ml::parameter_shift_gradient<double>(c, h, in.binding());
    // The noisy path with an empty model evaluates the same function on the density matrix.
    const auto noiseless = qsim::ml::noisy_parameter_shift_gradient<double>(c, h, in.binding(), qsim::NoiseModel());
    const double scale = std::max({std::abs(x[0]), std::abs(x[1]), std::abs(x[2]), std::abs(x[3])});
    for (std::size_t j = 0; j < 4; ++j) {
      INFO("feature " << j);
      CHECK(std::isfinite(adjoint.features[j]));
      CHECK(std::abs(shift.features[j] - adjoint.features[j]) * scale < 1e-9);
      CHECK(std::abs(noiseless.features[j] - adjoint.features[j]) * scale < 1e-9);
    }
    gradcheck::require_close(shift.weights, adjoint.weights, 1e-10);
    CHECK_NOTHROW(qsim::ml::noisy_parameter_shift_gradient<double>(c, h, in.binding(), model));
  }
  // One-hot: only the state's tangent directions move it; checked by differences.
  Inputs one_hot{{0.3, -0.8}, {2, 0, 0, 0}};
  const auto fd = gradcheck::finite_differences(c, h, one_hot, 1e-6);
  gradcheck::require_close(qsim::ml::parameter_shift_gradient<double>(c, h, one_hot.binding()).features, fd.features,
                           1e-7);
}

TEST_CASE("a noisy layer differentiates through the embedding exactly on the density matrix",
          "[ml][embedding][noise]") {
  qsim::Circuit c(2);
  qsim::ml::amplitude_embedding(c, 3, qsim::AmplitudeEmbedding{true, 0.5});
  c.ry(qsim::weight(0), 0).cx(0, 1).rz(qsim::feature(1), 1).rx(qsim::weight(1), 1);
  qsim::NoiseModel model;
  model.add_all_qubit_error(qsim::channels::depolarizing(0.05), {"ry", "rx", "cx", "rz"});
  const qsim::PauliSum h{{1.0, "Z0 Z1"}, {0.4, "X1"}};
  Inputs in{{0.4, -1.1}, {0.9, -0.3, 1.7}};
  const auto g = qsim::ml::noisy_parameter_shift_gradient<double>(c, h, in.binding(), model);
  const qsim::Circuit noisy = model.apply(c);
  const auto value = [&](const Inputs& at) {
    return qsim::ml::noisy_expectations<double>(noisy, {h}, at.binding()).values[0];
  };
  const double step = 1e-6;
  for (int which = 0; which < 2; ++which) {
    auto& v = which == 0 ? in.w : in.x;
    const auto& got = which == 0 ? g.weights : g.features;
    for (std::size_t k = 0; k < v.size(); ++k) {
      const double keep = v[k];
      v[k] = keep + step;
      const double up = value(in);
      v[k] = keep - step;
      const double down = value(in);
      v[k] = keep;
      INFO((which == 0 ? "weight " : "feature ") << k);
      CHECK(std::abs(got[k] - (up - down) / (2 * step)) < 1e-7);
    }
  }
}

TEST_CASE("amplitude embeddings refuse what they cannot do, naming it", "[ml][embedding][errors]") {
  qsim::Circuit late(2);
  late.h(0);
  CHECK_THROWS_WITH(qsim::ml::amplitude_embedding(late, 4), Catch::Contains("first operation"));
  qsim::Circuit c(2);
  CHECK_THROWS_WITH(qsim::ml::amplitude_embedding(c, 3), Catch::Contains("pad"));
  CHECK_THROWS_WITH(qsim::ml::amplitude_embedding(c, 5), Catch::Contains("1..4"));
  CHECK_THROWS_WITH(qsim::ml::amplitude_embedding(c, 3, qsim::AmplitudeEmbedding{true, std::nan("")}),
                    Catch::Contains("pad value is not finite"));
  CHECK_THROWS_WITH(qsim::ml::amplitude_embedding(c, std::size_t{1} << 40), Catch::Contains("1..4 are possible"));
  qsim::Circuit wide(11);
  CHECK_THROWS_WITH(qsim::ml::amplitude_embedding(wide, 4), Catch::Contains("1..10 are supported"));
  REQUIRE(c.size() == 0);
  qsim::ml::amplitude_embedding(c, 4);
  c.ry(qsim::weight(0), 1);
  // Nothing puts it behind another operation, where its matrix would not prepare its state.
  qsim::Circuit front(2);
  front.h(0);
  CHECK_THROWS_WITH(front.compose(c), Catch::Contains("operation 1"));
  CHECK_THROWS_WITH(c.compose(front, {}, {}, true), Catch::Contains("operation 1"));
  CHECK(front.compose(c, {}, {}, true).operations()[0].embedding != nullptr);
  CHECK_THROWS_WITH(front.append(c.operations()[0]), Catch::Contains("first operation"));
  // Per sample: a zero vector, a non-finite value, a wrong norm without normalising.
  qsim::ml::QuantumLayer<double> layer(c, {{{1.0, "Z0"}}});
  Eigen::MatrixXd x(2, 4);
  x << 1, 2, 3, 4, 0, 0, 0, 0;
  CHECK_THROWS_WITH(layer.forward(x), Catch::Contains("sample 1") && Catch::Contains("norm 0"));
  qsim::Circuit strict(2);
  qsim::ml::amplitude_embedding(strict, 4, qsim::AmplitudeEmbedding{false, {}});
  qsim::ml::QuantumLayer<double> unit(strict, {{{1.0, "Z0"}}});
  Eigen::MatrixXd y(1, 4);
  y << 1, 1, 0, 0;
  CHECK_THROWS_WITH(unit.forward(y), Catch::Contains("norm 1.41"));
  // No inverse, no OpenQASM, no unbound simulation.
  CHECK_THROWS_WITH(c.inverse(), Catch::Contains("amplitude_embedding"));
  CHECK_THROWS_AS(qsim::qasm::to_qasm(c), qsim::invalid_argument);
  CHECK_THROWS_AS(qsim::Simulator<double>().statevector(c), qsim::error);
  // What it draws.
  CHECK(qsim::draw(c).find("amplitude_embedding(x[0]..x[3])") != std::string::npos);
}
