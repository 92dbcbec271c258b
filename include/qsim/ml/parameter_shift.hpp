#pragma once
#include <cmath>
#include <vector>

#include "qsim/circuit/apply_gate.hpp"
#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/ml/adjoint.hpp"
#include "qsim/ml/expectation.hpp"
#include "qsim/ml/gate_derivative.hpp"
#include "qsim/ml/pauli_sum.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {

namespace detail {
// <H> after the circuit with angle j of operation i moved by `delta`.
template <class T>
double shifted_expectation(const Circuit& c, const PauliSum& h, const Binding& b, std::size_t i, std::size_t j,
                           double delta) {
  StateVector<T> psi(c.num_qubits());
  const auto& ops = c.operations();
  for (std::size_t k = 0; k < ops.size(); ++k) {
    if (!ops[k].is_gate()) continue;
    if (k != i) {
      kernels::apply_validated_gate(psi, ops[k], b);
      continue;
    }
    Operation moved = ops[k];
    moved.params[j] = Param(ops[k].params[j].value(b) + delta);
    kernels::apply_validated_gate(psi, moved, b);
  }
  return expectation(psi, h);
}
}  // namespace detail

/**
 * <H> and its gradient by the parameter-shift rule: for every angle that
 * depends on a weight or feature, two circuit runs at theta +- pi/2
 * (generators with eigenvalues +-1/2: rx ry rz p u rxx ryy rzz), or four runs
 * at +-pi/2 and +-3pi/2 for controlled rotations, whose generator adds the
 * eigenvalue 0 (crx cry crz cp cu, any gate with controls). Exact, like the
 * adjoint method, but 2-4 circuit runs per angle: use it to check, or where
 * only expectation values can be had (hardware).
 */
template <class T = double>
Gradient parameter_shift_gradient(const Circuit& c, const PauliSum& h, const Binding& b) {
  detail::check_differentiable(c, b);
  h.check_fits(c.num_qubits());
  Gradient g;
  {
    StateVector<T> psi(c.num_qubits());
    detail::run_gates(c, b, psi);
    g.value = expectation(psi, h);
  }
  g.weights.assign(b.num_weights, 0.0);
  g.features.assign(b.num_features, 0.0);
  const double pi = qsim::detail::pi;
  const double c_plus = (std::sqrt(2.0) + 1) / (4 * std::sqrt(2.0)),
               c_minus = (std::sqrt(2.0) - 1) / (4 * std::sqrt(2.0));
  const auto& ops = c.operations();
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (!ops[i].is_gate()) continue;
    for (std::size_t j = 0; j < ops[i].params.size(); ++j) {
      const Param& p = ops[i].params[j];
      if (p.is_constant()) continue;
      auto f = [&](double delta) { return detail::shifted_expectation<T>(c, h, b, i, j, delta); };
      double d = 0;
      if (shift_rule(!ops[i].controls.empty()) == ShiftRule::two_term)
        d = (f(pi / 2) - f(-pi / 2)) / 2;
      else
        d = c_plus * (f(pi / 2) - f(-pi / 2)) - c_minus * (f(3 * pi / 2) - f(-3 * pi / 2));
      (p.source == Param::Source::weight ? g.weights : g.features)[p.index] += p.scale * d;
    }
  }
  return g;
}

}  // namespace ml
QSIM_END_NAMESPACE
