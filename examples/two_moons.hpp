#pragma once
// The two-moons task of the classifier examples (vqc_classifier,
// noisy_classifier): scikit-learn's make_moons data, scaled to rotation
// angles, and the 2-qubit data re-uploading circuit that classifies it.
#include <cmath>
#include <cstdint>

#include <qsim/qsim.hpp>

namespace moons {

struct Data {
  Eigen::MatrixXd x;  // samples x 2
  Eigen::MatrixXd y;  // samples x 1, labels 0 / 1
};

// scikit-learn's make_moons with random positions along each arc.
inline Data two_moons(int samples, double noise, std::uint64_t seed) {
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

// 300 points (noise 0.1, seed 7): 200 for training, 100 for testing, centred
// and scaled with the training statistics so angles span about [-pi/2, pi/2].
struct Split {
  Eigen::MatrixXd x_train, y_train, x_test, y_test;
};
inline Split standard_split() {
  const Data all = two_moons(300, 0.1, 7);
  const int train = 200;
  const Eigen::RowVectorXd mean = all.x.topRows(train).colwise().mean();
  Eigen::MatrixXd x = all.x.rowwise() - mean;
  const Eigen::RowVectorXd scale = x.topRows(train).cwiseAbs().colwise().maxCoeff();
  for (Eigen::Index j = 0; j < 2; ++j) x.col(j) *= (qsim::detail::pi / 2) / scale(j);
  return {x.topRows(train), all.y.topRows(train), x.bottomRows(300 - train), all.y.bottomRows(300 - train)};
}

// The features enter as RY angles again before each of 4 StronglyEntanglingLayers blocks.
inline qsim::Circuit reuploading_circuit() {
  const unsigned qubits = 2;
  qsim::Circuit c(qubits);
  std::size_t w = 0;
  for (std::size_t l = 0; l < 4; ++l) {
    qsim::ml::angle_embedding(c, 2, qsim::ml::Rotation::y);
    w += qsim::ml::strongly_entangling_layers(c, 1, qubits, w);
  }
  return c;
}

inline double accuracy(const Eigen::MatrixXd& logits, const Eigen::MatrixXd& y) {
  int right = 0;
  for (Eigen::Index i = 0; i < y.rows(); ++i) right += (logits(i, 0) > 0) == (y(i, 0) > 0.5);
  return static_cast<double>(right) / static_cast<double>(y.rows());
}

}  // namespace moons
