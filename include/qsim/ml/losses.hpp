#pragma once
#include <Eigen/Dense>
#include <cmath>
#include <string>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {

/// A loss value (mean over the batch) and its gradient with respect to the prediction.
struct Loss {
  double value = 0;
  Eigen::MatrixXd grad;
};

namespace detail {
inline void check_same_shape(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, const char* what) {
  if (a.rows() != b.rows() || a.cols() != b.cols())
    throw invalid_argument(std::string(what) + ": prediction is " + std::to_string(a.rows()) + " x " +
                           std::to_string(a.cols()) + " but target is " + std::to_string(b.rows()) + " x " +
                           std::to_string(b.cols()));
}
}  // namespace detail

/// Mean squared error over all entries.
inline Loss mse_loss(const Eigen::MatrixXd& pred, const Eigen::MatrixXd& target) {
  detail::check_same_shape(pred, target, "mse_loss");
  const double count = static_cast<double>(pred.size());
  const Eigen::MatrixXd diff = pred - target;
  return {diff.squaredNorm() / count, 2.0 * diff / count};
}

/**
 * Binary cross-entropy on logits z (any shape) and labels y in {0, 1}:
 * mean of log(1 + e^z) - y z, computed stably; the gradient is
 * (sigmoid(z) - y) / count.
 */
inline Loss binary_cross_entropy_with_logits(const Eigen::MatrixXd& logits, const Eigen::MatrixXd& labels) {
  detail::check_same_shape(logits, labels, "binary_cross_entropy_with_logits");
  const double count = static_cast<double>(logits.size());
  Loss l;
  l.grad.resize(logits.rows(), logits.cols());
  for (Eigen::Index i = 0; i < logits.size(); ++i) {
    const double z = logits(i), y = labels(i);
    if (!(y == 0.0 || y == 1.0)) throw invalid_argument("binary label " + std::to_string(y) + " is not 0 or 1");
    l.value += std::max(z, 0.0) - y * z + std::log1p(std::exp(-std::abs(z)));
    l.grad(i) = (1.0 / (1.0 + std::exp(-z)) - y) / count;
  }
  l.value /= count;
  return l;
}

/// Softmax cross-entropy: logits batch x classes, one class index per row.
inline Loss softmax_cross_entropy(const Eigen::MatrixXd& logits, const std::vector<int>& labels) {
  if (static_cast<Eigen::Index>(labels.size()) != logits.rows())
    throw invalid_argument("softmax_cross_entropy: " + std::to_string(logits.rows()) + " rows but " +
                           std::to_string(labels.size()) + " labels");
  const double batch = static_cast<double>(logits.rows());
  Loss l;
  l.grad.resize(logits.rows(), logits.cols());
  for (Eigen::Index i = 0; i < logits.rows(); ++i) {
    const int y = labels[static_cast<std::size_t>(i)];
    if (y < 0 || y >= logits.cols())
      throw invalid_argument("class label " + std::to_string(y) + " out of range for " + std::to_string(logits.cols()) +
                             " classes");
    const double top = logits.row(i).maxCoeff();
    const Eigen::RowVectorXd e = (logits.row(i).array() - top).exp().matrix();
    const double sum = e.sum();
    l.value += std::log(sum) + top - logits(i, y);
    l.grad.row(i) = e / sum / batch;
    l.grad(i, y) -= 1.0 / batch;
  }
  l.value /= batch;
  return l;
}

}  // namespace ml
QSIM_END_NAMESPACE
