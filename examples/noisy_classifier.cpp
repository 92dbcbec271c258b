// The two-moons classifier of vqc_classifier under noise: trained without
// noise (adjoint gradients), then evaluated with depolarising noise after
// every gate (rate p on one-qubit gates, 2p on CNOTs) and readout errors of
// rate p, for p from 0 to 0.1; at each p the model is then fine-tuned under the
// noise for a few epochs (exact parameter-shift gradients on the density
// matrix). Prints test accuracy against the noise rate, writes
// noisy_classifier.svg, and ends with `noisy_accuracy: <p> <before> <after>`
// for the largest rate.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <qsim/qsim.hpp>

#include "cli_args.hpp"
#include "two_moons.hpp"

namespace {

struct Model {
  qsim::ml::QuantumLayer<double> quantum;
  qsim::ml::Dense readout;
};

// One full-batch epoch of binary cross-entropy with Adam; returns the loss.
double train_epoch(Model& m, qsim::ml::Adam& adam, const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
  m.quantum.zero_grad();
  m.readout.zero_grad();
  const Eigen::MatrixXd logits = m.readout.forward(m.quantum.forward(x));
  const qsim::ml::Loss loss = qsim::ml::binary_cross_entropy_with_logits(logits, y);
  m.quantum.backward(m.readout.backward(loss.grad));
  adam.step(0, m.quantum.weights(), m.quantum.weight_gradient());
  adam.step(1, m.readout.weights(), m.readout.weight_gradient());
  adam.step(2, m.readout.bias(), m.readout.bias_gradient());
  return loss.value;
}

double test_accuracy(Model& m, const moons::Split& d) {
  return moons::accuracy(m.readout.forward(m.quantum.expectation_values(d.x_test)), d.y_test);
}

std::shared_ptr<const qsim::NoiseModel> noise_at(double p) {
  auto model = std::make_shared<qsim::NoiseModel>();
  model->add_all_qubit_error(qsim::channels::depolarizing(p), {"rx", "ry", "rz"});
  model->add_all_qubit_error(qsim::channels::depolarizing2(std::min(1.0, 2 * p)), {"cx"});
  model->add_all_qubit_readout_error({p, p});
  return model;
}

int run(int fine_tune_epochs) {
  const auto start = std::chrono::steady_clock::now();
  const moons::Split data = moons::standard_split();
  const qsim::Circuit c = moons::reuploading_circuit();
  const std::vector<qsim::ml::PauliSum> outputs = {{{1.0, "Z0"}}, {{1.0, "Z1"}}};
  qsim::ml::LayerOptions options;
  options.seed = 11;
  options.threads = 1;
  Model clean{qsim::ml::QuantumLayer<double>(c, outputs, options),
              qsim::ml::Dense(2, 1, qsim::ml::Activation::identity, 5)};
  qsim::ml::Adam adam(0.05);
  {
    qsim::io::Progress progress("epoch", 150);  // stderr: an updating line on a terminal
    for (int epoch = 0; epoch < 150; ++epoch) {
      const double loss = train_epoch(clean, adam, data.x_train, data.y_train);
      progress.step(static_cast<std::size_t>(epoch + 1), "loss " + std::to_string(loss));
    }
  }
  std::printf("trained without noise: test accuracy %.3f\n\n", test_accuracy(clean, data));

  const std::vector<double> rates = {0.0, 0.01, 0.02, 0.03, 0.05, 0.1};
  std::vector<double> before, after;
  std::printf("  noise p   test accuracy   after %d fine-tuning epochs under the noise\n", fine_tune_epochs);
  for (double p : rates) {
    qsim::ml::LayerOptions noisy_options = options;
    noisy_options.noise = noise_at(p);
    noisy_options.threads = 0;  // parameter shift on the density matrix: enough work per sample for threads
    Model noisy{qsim::ml::QuantumLayer<double>(c, outputs, noisy_options), clean.readout};
    noisy.quantum.set_weights(clean.quantum.weights());
    before.push_back(test_accuracy(noisy, data));
    qsim::ml::Adam tune(0.02);
    if (fine_tune_epochs > 0) {
      qsim::io::Progress progress("fine-tuning epoch", static_cast<std::size_t>(fine_tune_epochs));
      for (int epoch = 0; epoch < fine_tune_epochs; ++epoch) {
        const double loss = train_epoch(noisy, tune, data.x_train, data.y_train);
        progress.step(static_cast<std::size_t>(epoch + 1),
                      "noise " + std::to_string(p) + "  loss " + std::to_string(loss));
      }
    }
    after.push_back(test_accuracy(noisy, data));
    std::printf("  %7.3f   %13.3f   %.3f\n", p, before.back(), after.back());
    std::fflush(stdout);
  }
  // Accuracy against the noise rate itself (the rates are not evenly spaced).
  qsim::io::LineChartOptions chart;
  chart.x = rates;
  std::vector<qsim::io::Series> curves = {{"trained without noise", before}};
  if (fine_tune_epochs > 0)
    curves.push_back({"fine-tuned under noise, " + std::to_string(fine_tune_epochs) + " epochs", after});
  qsim::io::write_line_chart_svg("noisy_classifier.svg", curves, "Two moons classifier under noise",
                                 "noise rate p (depolarising 2p on CNOTs, readout p)", "test accuracy", chart);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("\n%.1f s in all; wrote noisy_classifier.svg\n", seconds);
  std::printf("noisy_accuracy: %.3f %.3f %.3f\n", rates.back(), before.back(), after.back());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* const usage =
      "usage: noisy_classifier [FINE_TUNE_EPOCHS]\n"
      "Trains the two-moons classifier without noise, then evaluates and fine-tunes it (default 10 epochs)\n"
      "under depolarising and readout noise of growing rate; writes noisy_classifier.svg.\n";
  return cli::run_main("noisy_classifier", usage, argc, argv, [&] {
    const cli::Positional args(argc, argv, 1);
    return run(args.number<int>(0, "FINE_TUNE_EPOCHS", 10, 0, 1000));
  });
}
