#pragma once
#include <Eigen/Dense>
#include <cmath>
#include <vector>

#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/ml/adjoint.hpp"
#include "qsim/ml/gate_derivative.hpp"
#include "qsim/ml/layer.hpp"
#include "qsim/ml/pauli_sum.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {

/**
 * <H> and its gradient by the parameter-shift rule: for every angle that
 * depends on a weight or feature, two circuit runs at theta +- pi/2
 * (generators with eigenvalues +-1/2: rx ry rz p u rxx ryy rzz), or four runs
 * at +-pi/2 and +-3pi/2 for controlled rotations, whose generator adds the
 * eigenvalue 0 (crx cry crz cp cu, any gate with controls). Exact, like the
 * adjoint method, but 2-4 circuit runs per angle: use it to check, or where
 * only expectation values can be had (hardware).
 *
 * The shifted runs are one batch on the training engine (ml/batch_engine.hpp):
 * every trainable angle becomes a feature of a copy of the circuit, and each
 * row of the batch holds the angles with one of them shifted.
 */
template <class T = double>
Gradient parameter_shift_gradient(const Circuit& c, const PauliSum& h, const Binding& b) {
  detail::check_differentiable(c, b);
  h.check_fits(c.num_qubits());
  struct Angle {
    Param param;  // where its gradient goes
    double value;
    bool four_term;
  };
  std::vector<Angle> angles;
  Circuit shifted(c.num_qubits());
  for (const auto& op : c.operations()) {
    Operation moved = op;
    if (op.is_gate())
      for (auto& p : moved.params) {
        if (p.is_constant()) continue;
        angles.push_back({p, p.value(b), shift_rule(!op.controls.empty()) == ShiftRule::four_term});
        p = feature(angles.size() - 1);
      }
    shifted.append(std::move(moved));
  }
  const double pi = qsim::detail::pi;
  const double two[] = {pi / 2, -pi / 2}, four[] = {pi / 2, -pi / 2, 3 * pi / 2, -3 * pi / 2};
  Eigen::Index rows = 1;
  for (const auto& a : angles) rows += a.four_term ? 4 : 2;
  Eigen::MatrixXd x(rows, static_cast<Eigen::Index>(angles.size()));
  for (Eigen::Index k = 0; k < x.cols(); ++k) x.col(k).setConstant(angles[static_cast<std::size_t>(k)].value);
  Eigen::Index row = 1;
  for (std::size_t k = 0; k < angles.size(); ++k)
    for (int s = 0; s < (angles[k].four_term ? 4 : 2); ++s)
      x(row++, static_cast<Eigen::Index>(k)) += angles[k].four_term ? four[s] : two[s];

  const Eigen::MatrixXd y = expectation_values<T>(shifted, {h}, Eigen::VectorXd(), x);
  Gradient g;
  g.value = y(0, 0);
  g.weights.assign(b.num_weights, 0.0);
  g.features.assign(b.num_features, 0.0);
  const double c_plus = (std::sqrt(2.0) + 1) / (4 * std::sqrt(2.0)),
               c_minus = (std::sqrt(2.0) - 1) / (4 * std::sqrt(2.0));
  row = 1;
  for (const auto& a : angles) {
    const auto f = [&](int s) { return y(row + s, 0); };
    const double d = a.four_term ? c_plus * (f(0) - f(1)) - c_minus * (f(2) - f(3)) : (f(0) - f(1)) / 2;
    row += a.four_term ? 4 : 2;
    (a.param.source == Param::Source::weight ? g.weights : g.features)[a.param.index] += a.param.scale * d;
  }
  return g;
}

}  // namespace ml
QSIM_END_NAMESPACE
