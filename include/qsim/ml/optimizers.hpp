#pragma once
#include <Eigen/Dense>
#include <cmath>
#include <map>
#include <string>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {

namespace detail {
inline void check_step(const Eigen::Ref<const Eigen::MatrixXd>& p, const Eigen::Ref<const Eigen::MatrixXd>& g) {
  if (p.rows() != g.rows() || p.cols() != g.cols())
    throw invalid_argument("optimizer: parameters are " + std::to_string(p.rows()) + " x " + std::to_string(p.cols()) +
                           " but the gradient is " + std::to_string(g.rows()) + " x " + std::to_string(g.cols()));
  if (!g.allFinite()) throw invalid_argument("optimizer: the gradient has a non-finite entry");
}
}  // namespace detail

/**
 * Gradient descent with (optional, heavy-ball) momentum:
 * v <- momentum * v + g; p <- p - lr * v. Each parameter block has its own
 * slot number for its velocity.
 * @code
 *   qsim::ml::SGD sgd(0.1, 0.9);
 *   sgd.step(0, layer.weights(), layer.weight_gradient());
 * @endcode
 */
class SGD {
 public:
  explicit SGD(double lr, double momentum = 0.0) : lr_(lr), momentum_(momentum) {
    if (!(lr > 0) || !(momentum >= 0 && momentum < 1))
      throw invalid_argument("SGD needs lr > 0 and 0 <= momentum < 1, got lr " + std::to_string(lr) + ", momentum " +
                             std::to_string(momentum));
  }
  void step(int slot, Eigen::Ref<Eigen::MatrixXd> p, const Eigen::Ref<const Eigen::MatrixXd>& g) {
    detail::check_step(p, g);
    Eigen::MatrixXd& v = velocity_[slot];
    if (v.rows() != g.rows() || v.cols() != g.cols()) v = Eigen::MatrixXd::Zero(g.rows(), g.cols());
    v = momentum_ * v + g;
    p -= lr_ * v;
  }

 private:
  double lr_, momentum_;
  std::map<int, Eigen::MatrixXd> velocity_;
};

/**
 * Adam (Kingma & Ba) with bias correction; one step counter per slot.
 * @code
 *   qsim::ml::Adam adam(0.05);
 *   adam.step(0, layer.weights(), layer.weight_gradient());
 *   adam.step(1, dense.weights(), dense.weight_gradient());
 * @endcode
 */
class Adam {
 public:
  explicit Adam(double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
      : lr_(lr), b1_(beta1), b2_(beta2), eps_(eps) {
    if (!(lr > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0))
      throw invalid_argument("Adam needs lr > 0, 0 <= beta1, beta2 < 1 and eps > 0, got lr " + std::to_string(lr));
  }
  void step(int slot, Eigen::Ref<Eigen::MatrixXd> p, const Eigen::Ref<const Eigen::MatrixXd>& g) {
    detail::check_step(p, g);
    State& s = state_[slot];
    if (s.m.rows() != g.rows() || s.m.cols() != g.cols()) {
      s.m = Eigen::MatrixXd::Zero(g.rows(), g.cols());
      s.v = s.m;
      s.t = 0;
    }
    ++s.t;
    s.m = b1_ * s.m + (1 - b1_) * g;
    s.v = b2_ * s.v + (1 - b2_) * g.cwiseProduct(g);
    const double c1 = 1 - std::pow(b1_, s.t), c2 = 1 - std::pow(b2_, s.t);
    p.array() -= lr_ * (s.m.array() / c1) / ((s.v.array() / c2).sqrt() + eps_);
  }

 private:
  struct State {
    Eigen::MatrixXd m, v;
    int t = 0;
  };
  double lr_, b1_, b2_, eps_;
  std::map<int, State> state_;
};

}  // namespace ml
QSIM_END_NAMESPACE
