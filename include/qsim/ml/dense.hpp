#pragma once
#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <string>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/measure/random.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {

enum class Activation { identity, tanh, relu, sigmoid };

/**
 * A fully connected classical layer y = act(x W^T + b) on Eigen matrices
 * (batch x in -> batch x out), for hybrid classical -> quantum -> classical
 * models. Weights are Glorot-uniform from `seed`, biases zero.
 * @code
 *   qsim::ml::Dense pre(2, 4, qsim::ml::Activation::tanh, 7);
 *   Eigen::MatrixXd h = pre.forward(x);
 *   Eigen::MatrixXd dx = pre.backward(dh);   // accumulates weight/bias gradients
 * @endcode
 */
class Dense {
 public:
  Dense(Eigen::Index in, Eigen::Index out, Activation act = Activation::identity, std::uint64_t seed = 0) : act_(act) {
    if (in <= 0 || out <= 0)
      throw invalid_argument("Dense layer needs positive sizes, got " + std::to_string(in) + " -> " +
                             std::to_string(out));
    w_.resize(out, in);
    Rng rng(seed);
    const double limit = std::sqrt(6.0 / static_cast<double>(in + out));
    for (Eigen::Index i = 0; i < w_.size(); ++i) w_(i) = limit * (2 * rng.uniform() - 1);
    b_ = Eigen::VectorXd::Zero(out);
    zero_grad();
  }

  Eigen::MatrixXd& weights() noexcept { return w_; }
  Eigen::VectorXd& bias() noexcept { return b_; }
  const Eigen::MatrixXd& weights() const noexcept { return w_; }
  const Eigen::VectorXd& bias() const noexcept { return b_; }
  const Eigen::MatrixXd& weight_gradient() const noexcept { return dw_; }
  const Eigen::VectorXd& bias_gradient() const noexcept { return db_; }
  void zero_grad() {
    dw_ = Eigen::MatrixXd::Zero(w_.rows(), w_.cols());
    db_ = Eigen::VectorXd::Zero(b_.size());
  }

  Eigen::MatrixXd forward(const Eigen::MatrixXd& x) {
    if (x.cols() != w_.cols())
      throw invalid_argument("Dense layer takes " + std::to_string(w_.cols()) + " inputs, got " +
                             std::to_string(x.cols()));
    x_ = x;
    Eigen::MatrixXd z = (x * w_.transpose()).rowwise() + b_.transpose();
    switch (act_) {
      case Activation::tanh:
        z = z.array().tanh();
        break;
      case Activation::relu:
        z = z.array().max(0.0);
        break;
      case Activation::sigmoid:
        z = (1.0 + (-z.array()).exp()).inverse();
        break;
      case Activation::identity:
        break;
    }
    y_ = z;
    return z;
  }

  /// dL/dY -> dL/dX; adds dL/dW and dL/db to the gradients.
  Eigen::MatrixXd backward(const Eigen::MatrixXd& dy) {
    if (dy.rows() != y_.rows() || dy.cols() != y_.cols())
      throw invalid_argument("Dense::backward: dL/dY is " + std::to_string(dy.rows()) + " x " +
                             std::to_string(dy.cols()) + ", expected " + std::to_string(y_.rows()) + " x " +
                             std::to_string(y_.cols()));
    Eigen::MatrixXd dz = dy;
    switch (act_) {
      case Activation::tanh:
        dz = dy.array() * (1.0 - y_.array().square());
        break;
      case Activation::relu:
        dz = dy.array() * (y_.array() > 0).cast<double>();
        break;
      case Activation::sigmoid:
        dz = dy.array() * y_.array() * (1.0 - y_.array());
        break;
      case Activation::identity:
        break;
    }
    dw_ += dz.transpose() * x_;
    db_ += dz.colwise().sum().transpose();
    return dz * w_;
  }

 private:
  Activation act_;
  Eigen::MatrixXd w_, dw_, x_, y_;
  Eigen::VectorXd b_, db_;
};

}  // namespace ml
QSIM_END_NAMESPACE
