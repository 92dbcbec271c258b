// Data-parallel training on 1, 2 and 4 ranks (ctest runs this under mpiexec)
// gives the weights of one-process training: a small quantum regression
// model (features as RY angles, trainable RY/RX layers, output <Z0>), the
// mean squared error over the whole batch, exact parameter-shift gradients,
// plain gradient descent from the same seeded start; and the ML layer's
// QuantumLayer with Adam, its batch split over the ranks.
#include <mpi.h>

#include <Eigen/Dense>
#include <catch2/catch.hpp>
#include <cmath>
#include <qsim/mpi.hpp>
#include <qsim/qsim.hpp>
#include <vector>

namespace {

constexpr unsigned num_qubits = 3;

qsim::Circuit model() {
  qsim::Circuit c(num_qubits);
  for (unsigned q = 0; q < num_qubits; ++q) c.ry(qsim::feature(q % 2), q);
  for (unsigned q = 0; q < num_qubits; ++q) c.ry(qsim::weight(q), q);
  c.cx(0, 1).cx(1, 2).cx(2, 0);
  for (unsigned q = 0; q < num_qubits; ++q) c.rx(qsim::weight(num_qubits + q), q);
  return c;
}

// <Z0> of the model at features x (a row) and weights w.
double output(const qsim::Circuit& c, const Eigen::VectorXd& w, const Eigen::RowVectorXd& x) {
  const Eigen::VectorXd xc = x.transpose();
  const qsim::Binding b{w.data(), static_cast<std::size_t>(w.size()), xc.data(), static_cast<std::size_t>(xc.size())};
  const auto p = qsim::Simulator<double>().probabilities(c, b);
  double z = 0;
  for (std::size_t i = 0; i < p.size(); ++i) z += (i & 1U) ? -p[i] : p[i];
  return z;
}

// d/dw of sum over `rows` of (f - y)^2 / batch: every weight enters one
// rotation with scale 1, so the parameter shift by pi/2 is exact.
Eigen::VectorXd gradient(const qsim::Circuit& c, const Eigen::VectorXd& w, const Eigen::MatrixXd& x,
                         const Eigen::VectorXd& y, Eigen::Index batch) {
  Eigen::VectorXd g = Eigen::VectorXd::Zero(w.size());
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double residual = output(c, w, x.row(i)) - y(i);
    for (Eigen::Index j = 0; j < w.size(); ++j) {
      Eigen::VectorXd plus = w, minus = w;
      plus(j) += qsim::detail::pi / 2;
      minus(j) -= qsim::detail::pi / 2;
      const double df = (output(c, plus, x.row(i)) - output(c, minus, x.row(i))) / 2;
      g(j) += 2 * residual * df / static_cast<double>(batch);
    }
  }
  return g;
}

struct Data {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
};

Data make_data(Eigen::Index rows) {
  qsim::Rng rng(2024);
  Data d{Eigen::MatrixXd(rows, 2), Eigen::VectorXd(rows)};
  for (Eigen::Index i = 0; i < rows; ++i) {
    d.x(i, 0) = 3 * rng.uniform() - 1.5;
    d.x(i, 1) = 3 * rng.uniform() - 1.5;
    d.y(i) = std::sin(d.x(i, 0)) * std::cos(d.x(i, 1));
  }
  return d;
}

Eigen::VectorXd initial_weights(std::uint64_t seed) {
  qsim::Rng rng(seed);
  Eigen::VectorXd w(2 * num_qubits);
  for (Eigen::Index j = 0; j < w.size(); ++j) w(j) = 2 * qsim::detail::pi * rng.uniform();
  return w;
}

}  // namespace

TEST_CASE("data-parallel gradient descent gives the one-process weights on every rank", "[mpi][data-parallel]") {
  const qsim::Circuit c = model();
  const double rate = 0.3;
  const int steps = 12;
  // 24 rows split evenly over 1, 2, 4 ranks; 7 rows leave some ranks a row short (or none).
  for (Eigen::Index rows : {Eigen::Index{24}, Eigen::Index{7}}) {
    const Data d = make_data(rows);
    Eigen::VectorXd w_one = initial_weights(5), w_dp = w_one;
    qsim::mpi::DataParallel dp;
    const auto [first, count] = dp.block(rows);
    const Eigen::MatrixXd x_mine = d.x.middleRows(first, count);
    const Eigen::VectorXd y_mine = d.y.segment(first, count);
    double first_loss = 0, last_loss = 0;
    for (int s = 0; s < steps; ++s) {
      w_one -= rate * gradient(c, w_one, d.x, d.y, rows);  // one process: the whole batch here
      Eigen::VectorXd g = gradient(c, w_dp, x_mine, y_mine, rows);
      dp.sum(g);
      w_dp -= rate * g;
      dp.check_identical(w_dp);
      double loss = 0;
      for (Eigen::Index i = 0; i < rows; ++i) loss += std::pow(output(c, w_dp, d.x.row(i)) - d.y(i), 2) / rows;
      (s == 0 ? first_loss : last_loss) = loss;
    }
    INFO(rows << " rows on " << dp.size() << " ranks");
    CHECK(last_loss < first_loss);  // it trains
    CHECK((w_dp - w_one).cwiseAbs().maxCoeff() < 1e-10);
  }
}

TEST_CASE("data-parallel blocks cover the batch once and misuse is refused", "[mpi][data-parallel]") {
  qsim::mpi::DataParallel dp;
  for (Eigen::Index rows : {0, 1, 3, 10, 17}) {
    const auto [first, count] = dp.block(rows);
    long long mine[2] = {first, count}, sums[2] = {0, 0};
    MPI_Allreduce(mine + 1, sums + 1, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    CHECK(sums[1] == rows);
    // Blocks are contiguous and in rank order: mine starts where the lower ranks' rows end.
    long long before = 0;
    MPI_Exscan(mine + 1, &before, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    if (dp.rank() == 0) before = 0;
    CHECK(first == before);
  }
  CHECK_THROWS_AS(dp.block(-1), qsim::invalid_argument);
  if (dp.size() >= 2) {
    CHECK_THROWS_WITH(dp.block(dp.rank() == 0 ? 10 : 11), Catch::Contains("disagree on the batch size"));
    Eigen::VectorXd g = Eigen::VectorXd::Zero(dp.rank() == 0 ? 3 : 4);
    CHECK_THROWS_WITH(dp.sum(g), Catch::Contains("disagree on the gradient size"));
    Eigen::VectorXd w = Eigen::VectorXd::Constant(3, dp.rank());
    CHECK_THROWS_WITH(dp.check_identical(w), Catch::Contains("differ between MPI ranks"));
  }
  // Any rank count works here (3 of 4 ranks, say): only the distributed state needs powers of two.
  if (dp.size() == 4) {
    MPI_Comm three;
    MPI_Comm_split(MPI_COMM_WORLD, dp.rank() < 3 ? 0 : 1, dp.rank(), &three);
    qsim::mpi::DataParallel sub(three);
    CHECK(sub.size() == (dp.rank() < 3 ? 3 : 1));
    Eigen::VectorXd ones = Eigen::VectorXd::Ones(2);
    sub.sum(ones);
    CHECK(ones(0) == sub.size());
    MPI_Comm_free(&three);
  }
}

TEST_CASE("a QuantumLayer trained data-parallel with Adam keeps the one-process weights", "[mpi][data-parallel][ml]") {
  qsim::Circuit c(3);
  qsim::ml::angle_embedding(c, 3, qsim::ml::Rotation::y);
  qsim::ml::strongly_entangling_layers(c, 2, 3);
  const std::vector<qsim::ml::PauliSum> observables = {{{1.0, "Z0"}}, {{0.5, "X1 Z2"}}};
  qsim::ml::LayerOptions options;
  options.seed = 3;
  options.threads = 1;
  qsim::ml::QuantumLayer<double> one(c, observables, options), dp_layer(c, observables, options);
  const Eigen::Index rows = 10;
  qsim::Rng rng(77);
  Eigen::MatrixXd x(rows, 3), y(rows, 2);
  for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = 2 * rng.uniform() - 1;
  for (Eigen::Index i = 0; i < y.size(); ++i) y(i) = rng.uniform() - 0.5;
  qsim::mpi::DataParallel dp;
  const auto [first, count] = dp.block(rows);
  const double share = static_cast<double>(count) / static_cast<double>(rows);
  qsim::ml::Adam adam_one(0.05), adam_dp(0.05);
  for (int step = 0; step < 8; ++step) {
    one.zero_grad();
    one.backward(qsim::ml::mse_loss(one.forward(x), y).grad);
    adam_one.step(0, one.weights(), one.weight_gradient());

    dp_layer.zero_grad();
    if (count > 0) {  // 10 rows leave no rank empty on up to 10 ranks
      const Eigen::MatrixXd x_mine = x.middleRows(first, count), y_mine = y.middleRows(first, count);
      dp_layer.backward(qsim::ml::mse_loss(dp_layer.forward(x_mine), y_mine).grad * share);
    }
    Eigen::MatrixXd g = dp_layer.weight_gradient();
    dp.sum(g);
    adam_dp.step(0, dp_layer.weights(), g);
    dp.check_identical(dp_layer.weights());
  }
  INFO(dp.size() << " ranks");
  CHECK((dp_layer.weights() - one.weights()).cwiseAbs().maxCoeff() < 1e-10);
  CHECK((dp_layer.weights() - qsim::ml::QuantumLayer<double>(c, observables, options).weights()).norm() > 1e-3);
}
