// A variational quantum classifier on the two-moons data set: 2 features,
// 300 points (noise 0.1, fixed seed), 200 for training and 100 for testing.
// Model: a 2-qubit data re-uploading circuit (the features enter as RY
// angles again before each of 4 StronglyEntanglingLayers blocks), the
// expectation values <Z0>, <Z1> as outputs, and a classical Dense(2 -> 1)
// readout giving a logit; binary cross-entropy, Adam, full-batch gradients
// from the adjoint method. Prints the progress and an energy report, writes
// vqc_training.svg and vqc_energy.csv (one row per epoch), and ends with
// `test_accuracy: 0.xxx`.
// Built with MPI, `mpirun -np K vqc_classifier` trains data-parallel: each
// rank takes a block of the training rows, gradients are summed over the
// ranks (qsim::mpi::DataParallel), and the weights, the printed figures and
// the final accuracy are those of one process.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <qsim/qsim.hpp>

#include "cli_args.hpp"
#ifdef QSIM_EXAMPLE_MPI
#include <mpi.h>

#include <qsim/mpi/data_parallel.hpp>
#endif

namespace {

struct Data {
  Eigen::MatrixXd x;  // samples x 2
  Eigen::MatrixXd y;  // samples x 1, labels 0 / 1
};

// scikit-learn's make_moons with random positions along each arc.
Data two_moons(int samples, double noise, std::uint64_t seed) {
  qsim::Rng rng(seed);
  auto normal = [&] {  // Box-Muller
    return std::sqrt(-2 * std::log(rng.uniform_open_zero())) * std::cos(2 * qsim::detail::pi * rng.uniform());
  };
  Data d{Eigen::MatrixXd(samples, 2), Eigen::MatrixXd(samples, 1)};
  for (int i = 0; i < samples; ++i) {
    const double t = qsim::detail::pi * rng.uniform();
    const bool upper = i % 2 == 0;
    d.x(i, 0) = (upper ? std::cos(t) : 1 - std::cos(t)) + noise * normal();
    d.x(i, 1) = (upper ? std::sin(t) : 0.5 - std::sin(t)) + noise * normal();
    d.y(i, 0) = upper ? 0 : 1;
  }
  return d;
}

double accuracy(const Eigen::MatrixXd& logits, const Eigen::MatrixXd& y) {
  int right = 0;
  for (Eigen::Index i = 0; i < y.rows(); ++i) right += (logits(i, 0) > 0) == (y(i, 0) > 0.5);
  return static_cast<double>(right) / static_cast<double>(y.rows());
}

// The training rows of this process and the sums over all processes: the
// whole batch without MPI, a block of it per rank with MPI.
struct Shards {
#ifdef QSIM_EXAMPLE_MPI
  qsim::mpi::DataParallel dp;
  bool root() const { return dp.rank() == 0; }
  std::pair<Eigen::Index, Eigen::Index> block(Eigen::Index rows) const { return dp.block(rows); }
  void sum(Eigen::Ref<Eigen::MatrixXd> g) const { dp.sum(g); }
  double sum(double v) const { return dp.sum(v); }
#else
  bool root() const { return true; }
  std::pair<Eigen::Index, Eigen::Index> block(Eigen::Index rows) const { return {0, rows}; }
  void sum(Eigen::Ref<Eigen::MatrixXd>) const {}
  double sum(double v) const { return v; }
#endif
};

}  // namespace

int run() {
  const auto start = std::chrono::steady_clock::now();
  const Data all = two_moons(300, 0.1, 7);
  const int train = 200;
  // Centre and scale with the training statistics so angles span about [-pi/2, pi/2].
  const Eigen::RowVectorXd mean = all.x.topRows(train).colwise().mean();
  Eigen::MatrixXd x = all.x.rowwise() - mean;
  const Eigen::RowVectorXd scale = x.topRows(train).cwiseAbs().colwise().maxCoeff();
  for (Eigen::Index j = 0; j < 2; ++j) x.col(j) *= (qsim::detail::pi / 2) / scale(j);
  const Eigen::MatrixXd x_train = x.topRows(train), y_train = all.y.topRows(train);
  const Eigen::MatrixXd x_test = x.bottomRows(300 - train), y_test = all.y.bottomRows(300 - train);

  const unsigned qubits = 2;
  const std::size_t blocks = 4;
  qsim::Circuit c(qubits);
  std::size_t w = 0;
  for (std::size_t l = 0; l < blocks; ++l) {
    qsim::ml::angle_embedding(c, 2, qsim::ml::Rotation::y);  // re-upload the features
    w += qsim::ml::strongly_entangling_layers(c, 1, qubits, w);
  }
  qsim::ml::LayerOptions options;
  options.seed = 11;
  options.threads = 1;  // 2-qubit states: too little work per sample for threads to pay
  qsim::ml::QuantumLayer<double> quantum(c, {{{1.0, "Z0"}}, {{1.0, "Z1"}}}, options);
  qsim::ml::Dense readout(2, 1, qsim::ml::Activation::identity, 5);
  qsim::ml::Adam adam(0.05);

  const Shards shards;
  const auto [first, count] = shards.block(train);
  const Eigen::MatrixXd x_mine = x_train.middleRows(first, count), y_mine = y_train.middleRows(first, count);
  // The loss is the mean over all training rows: a block's share is count / train.
  const double share = static_cast<double>(count) / train;

  std::vector<double> losses, train_acc, test_acc;
  const int epochs = 150;
  const qsim::energy::Meter& meter = qsim::energy::default_meter();
  qsim::energy::Scope training(meter, "training, " + std::to_string(epochs) + " epochs");
  std::vector<qsim::energy::Report> epoch_energy;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    qsim::energy::Scope scope(meter, "epoch " + std::to_string(epoch));
    quantum.zero_grad();
    readout.zero_grad();
    const Eigen::MatrixXd logits = readout.forward(quantum.forward(x_mine));
    const qsim::ml::Loss loss = qsim::ml::binary_cross_entropy_with_logits(logits, y_mine);
    quantum.backward(readout.backward(loss.grad * share));
    Eigen::MatrixXd g_quantum = quantum.weight_gradient(), g_weights = readout.weight_gradient(),
                    g_bias = readout.bias_gradient();
    shards.sum(g_quantum);
    shards.sum(g_weights);
    shards.sum(g_bias);
    adam.step(0, quantum.weights(), g_quantum);
    adam.step(1, readout.weights(), g_weights);
    adam.step(2, readout.bias(), g_bias);
    const double test = accuracy(readout.forward(quantum.forward(x_test)), y_test);
    losses.push_back(shards.sum(loss.value * share));
    train_acc.push_back(shards.sum(accuracy(logits, y_mine) * share));
    test_acc.push_back(test);
    epoch_energy.push_back(qsim::energy::make_report(scope.stop(), {0, static_cast<double>(count), 0}));
    if (shards.root() && (epoch % 10 == 0 || epoch == 1))
      std::printf("epoch %3d  loss %.4f  train accuracy %.3f  test accuracy %.3f\n", epoch, losses.back(),
                  train_acc.back(), test);
  }
  if (!shards.root()) return test_acc.back() >= 0.9 ? 0 : 1;
  qsim::io::write_line_chart_svg("vqc_training.svg",
                                 {{"train loss", losses}, {"train accuracy", train_acc}, {"test accuracy", test_acc}},
                                 "Variational classifier on two moons", "epoch", "loss / accuracy");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu quantum weights, %d epochs in %.2f s; wrote vqc_training.svg\n", quantum.num_weights(), epochs,
              seconds);
  std::remove("vqc_energy.csv");  // this run's epochs only
  qsim::energy::append_csv("vqc_energy.csv", epoch_energy);
  std::fflush(stdout);
  qsim::energy::print_table(std::cout,
                            {qsim::energy::make_report(training.stop(), {0, static_cast<double>(train) * epochs, 0})});
  std::cout << "wrote vqc_energy.csv (one row per epoch)" << std::endl;
  std::printf("test_accuracy: %.3f\n", test_acc.back());
  return test_acc.back() >= 0.9 ? 0 : 1;
}

int main(int argc, char** argv) {
  const char* const usage =
      "usage: vqc_classifier (no arguments; under mpirun -np K it trains data-parallel)\n"
      "Trains the 2-qubit two-moons classifier and writes vqc_training.svg and vqc_energy.csv.\n";
  return cli::run_main("vqc_classifier", usage, argc, argv, [&] {
    cli::Positional(argc, argv, 0);
#ifdef QSIM_EXAMPLE_MPI
    MPI_Init(&argc, &argv);
    const int code = run();
    MPI_Finalize();
    return code;
#else
    return run();
#endif
  });
}
