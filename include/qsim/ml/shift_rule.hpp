#pragma once
// The parameter-shift rule as a plan: every trainable angle of a circuit
// becomes a feature of a copy, and the plan lists the rows of shifted
// angles to evaluate and how their expectation values combine into the
// gradient. Any evaluator serves: the training engine (noiseless), the
// density matrix or trajectories (noisy, ml/noisy.hpp).
#include <Eigen/Dense>
#include <cmath>
#include <vector>

#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/gates/param.hpp"
#include "qsim/ml/adjoint.hpp"
#include "qsim/ml/gate_derivative.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {
namespace detail {

struct ShiftPlan {
  struct Angle {
    Param param;  // where its gradient goes
    double value;
    bool four_term;
  };
  std::vector<Angle> angles;
  Circuit shifted;    // the circuit with angle k read from feature k
  Eigen::MatrixXd x;  // row 0: the angles as bound; then 2 or 4 shifted rows per angle

  /// The plan for `c` at the binding `b` (checked as the adjoint method checks it).
  ShiftPlan(const Circuit& c, const Binding& b) : shifted(c.num_qubits()) {
    check_differentiable(c, b);
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
    x.resize(rows, static_cast<Eigen::Index>(angles.size()));
    for (Eigen::Index k = 0; k < x.cols(); ++k) x.col(k).setConstant(angles[static_cast<std::size_t>(k)].value);
    Eigen::Index row = 1;
    for (std::size_t k = 0; k < angles.size(); ++k)
      for (int s = 0; s < (angles[k].four_term ? 4 : 2); ++s)
        x(row++, static_cast<Eigen::Index>(k)) += angles[k].four_term ? four[s] : two[s];
  }

  /// The gradient from y (one expectation value per row of x), for the binding's sizes.
  Gradient combine(const Eigen::VectorXd& y, const Binding& b) const {
    Gradient g;
    g.value = y(0);
    g.weights.assign(b.num_weights, 0.0);
    g.features.assign(b.num_features, 0.0);
    const double c_plus = (std::sqrt(2.0) + 1) / (4 * std::sqrt(2.0)),
                 c_minus = (std::sqrt(2.0) - 1) / (4 * std::sqrt(2.0));
    Eigen::Index row = 1;
    for (const auto& a : angles) {
      const auto f = [&](int s) { return y(row + s); };
      const double d = a.four_term ? c_plus * (f(0) - f(1)) - c_minus * (f(2) - f(3)) : (f(0) - f(1)) / 2;
      row += a.four_term ? 4 : 2;
      a.param.for_each_partial(b, [&](Param::Source s, std::size_t index, double partial) {
        (s == Param::Source::weight ? g.weights : g.features)[index] += partial * d;
      });
    }
    return g;
  }
};

}  // namespace detail
}  // namespace ml
QSIM_END_NAMESPACE
