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
#include "qsim/ml/shift_rule.hpp"

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
  const detail::ShiftPlan plan(c, b);
  h.check_fits(c.num_qubits());
  const Eigen::MatrixXd y = expectation_values<T>(plan.shifted, {h}, Eigen::VectorXd(), plan.x);
  return plan.combine(y.col(0), b);
}

}  // namespace ml
QSIM_END_NAMESPACE
