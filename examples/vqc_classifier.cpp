// A variational quantum classifier on the two-moons data set: 2 features,
// 300 points (noise 0.1, fixed seed), 200 for training and 100 for testing.
// Model: a 2-qubit data re-uploading circuit (the features enter as RY
// angles again before each of 4 StronglyEntanglingLayers blocks), the
// expectation values <Z0>, <Z1> as outputs, and a classical Dense(2 -> 1)
// readout giving a logit; binary cross-entropy, Adam, full-batch gradients
// from the adjoint method. Prints the progress and an energy report, writes
// vqc_training.svg (loss on the left axis, accuracies on the right) and
// vqc_energy.csv (one row per epoch: the energy columns, then loss,
// train_accuracy and test_accuracy), and ends with
// `test_accuracy: 0.xxx`.
// Built with MPI, `mpirun -np K vqc_classifier` trains data-parallel: each
// rank takes a block of the training rows, gradients are summed over the
// ranks (qsim::mpi::DataParallel), and the weights, the printed figures and
// the final accuracy are those of one process.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <locale>
#include <string>
#include <vector>

#include <qsim/qsim.hpp>

#include "cli_args.hpp"
#include "two_moons.hpp"
#ifdef QSIM_EXAMPLE_MPI
#include <mpi.h>

#include <qsim/mpi/data_parallel.hpp>
#endif

namespace {

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

// The energy CSV layout of qsim::energy::append_csv with three more columns
// per epoch: loss, train_accuracy, test_accuracy (this run's epochs only).
void write_epoch_csv(const std::string& path, const std::vector<qsim::energy::Report>& reports,
                     const std::vector<double>& loss, const std::vector<double>& train_acc,
                     const std::vector<double>& test_acc) {
  std::ofstream out(path);
  out.imbue(std::locale::classic());
  out.precision(10);
  out << qsim::energy::csv_header() << ",loss,train_accuracy,test_accuracy\n";
  for (std::size_t i = 0; i < reports.size(); ++i)
    out << qsim::energy::csv_row(reports[i]) << ',' << loss[i] << ',' << train_acc[i] << ',' << test_acc[i] << '\n';
  if (!out) throw qsim::error("could not write '" + path + "'");
}

}  // namespace

int run() {
  const auto start = std::chrono::steady_clock::now();
  const moons::Split data = moons::standard_split();
  const Eigen::MatrixXd &x_train = data.x_train, &y_train = data.y_train, &x_test = data.x_test, &y_test = data.y_test;
  const int train = static_cast<int>(x_train.rows());
  const qsim::Circuit c = moons::reuploading_circuit();
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
  // Progress on stderr (root only): an updating line on a terminal, a few plain lines otherwise.
  qsim::io::Progress progress("epoch", epochs,
                              shards.root() ? qsim::io::Progress::Mode::automatic : qsim::io::Progress::Mode::off);
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
    const double test = moons::accuracy(readout.forward(quantum.forward(x_test)), y_test);
    losses.push_back(shards.sum(loss.value * share));
    train_acc.push_back(shards.sum(moons::accuracy(logits, y_mine) * share));
    test_acc.push_back(test);
    epoch_energy.push_back(qsim::energy::make_report(scope.stop(), {0, static_cast<double>(count), 0}));
    if (shards.root() && (epoch % 10 == 0 || epoch == 1)) {
      progress.clear();
      std::printf("epoch %3d  loss %.4f  train accuracy %.3f  test accuracy %.3f\n", epoch, losses.back(),
                  train_acc.back(), test);
      std::fflush(stdout);
    }
    char metrics[64];
    std::snprintf(metrics, sizeof metrics, "loss %.4f  test accuracy %.3f", losses.back(), test);
    progress.step(static_cast<std::size_t>(epoch), metrics);
  }
  if (!shards.root()) return test_acc.back() >= 0.9 ? 0 : 1;
  // Loss (left axis) and accuracies (right axis) against the epoch.
  qsim::io::LineChartOptions chart;
  for (int epoch = 1; epoch <= epochs; ++epoch) chart.x.push_back(epoch);
  chart.y2_label = "accuracy";
  qsim::io::write_line_chart_svg("vqc_training.svg",
                                 {{"train loss", losses},
                                  {"train accuracy", train_acc, qsim::io::YAxis::right},
                                  {"test accuracy", test_acc, qsim::io::YAxis::right}},
                                 "Variational classifier on two moons", "epoch", "binary cross-entropy loss", chart);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu quantum weights, %d epochs in %.2f s; wrote vqc_training.svg\n", quantum.num_weights(), epochs,
              seconds);
  write_epoch_csv("vqc_energy.csv", epoch_energy, losses, train_acc, test_acc);
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
