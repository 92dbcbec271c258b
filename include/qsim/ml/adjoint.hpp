#pragma once
#include <complex>
#include <string>
#include <vector>

#include "qsim/circuit/apply_gate.hpp"
#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/kernels/dispatch.hpp"
#include "qsim/ml/expectation.hpp"
#include "qsim/ml/gate_derivative.hpp"
#include "qsim/ml/pauli_sum.hpp"
#include "qsim/ml/program.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {

/// A scalar and its gradient with respect to every weight and every input
/// feature of the binding it was computed for.
struct Gradient {
  double value = 0;
  std::vector<double> weights;
  std::vector<double> features;
};

namespace detail {

/// Refuses what the adjoint method cannot differentiate (it needs a unitary
/// circuit) and a binding that leaves a weight or feature unbound.
inline void check_differentiable(const Circuit& c, const Binding& b) {
  if (c.num_weights() > b.num_weights)
    throw invalid_argument("the circuit uses " + std::to_string(c.num_weights()) + " weights, " +
                           std::to_string(b.num_weights) + " given");
  if (c.num_features() > b.num_features)
    throw invalid_argument("the circuit uses " + std::to_string(c.num_features()) + " features, " +
                           std::to_string(b.num_features) + " given");
  for (const auto& op : c.operations()) {
    if (op.kind == OpKind::measure || op.kind == OpKind::reset)
      throw invalid_argument("cannot differentiate through a " +
                             std::string(op.kind == OpKind::reset ? "reset" : "measure") +
                             ": the circuit must be unitary (measure with a PauliSum instead)");
    if (op.condition) throw invalid_argument("cannot differentiate a classically conditioned " + op.name());
    refuse_channel(op);
  }
}

/// True for the gates the kernels' adjoint_rotation_pair takes: an uncontrolled RY or RZ.
inline bool is_plain_rotation(GateId g, std::size_t num_controls) {
  return num_controls == 0 && (g == GateId::ry || g == GateId::rz);
}

/// psi <- (gates of c) psi, through the library's single gate entry point.
template <class T>
void run_gates(const Circuit& c, const Binding& b, StateVector<T>& psi) {
  if (psi.num_qubits() != c.num_qubits())
    throw invalid_argument("a " + std::to_string(c.num_qubits()) + "-qubit circuit applied to a " +
                           std::to_string(psi.num_qubits()) + "-qubit state");
  for (const auto& op : c.operations()) {
    detail::refuse_channel(op);
    if (op.is_gate()) kernels::apply_validated_gate(psi, op, b);
  }
}

// Re <lam| D_c |psi>, D_c = D on the targets where every control is 1 and 0
// elsewhere, from the seam's primitives: a matrix with controls acts as the
// identity where a control is 0, so <lam|D_c psi> = <lam|[D] psi> - <lam|[0] psi>,
// the second term only when there are controls. `scratch` is reused.
template <class T>
double masked_expectation(const StateVector<T>& lam, const StateVector<T>& psi, const Operation& op, const Matrix& d,
                          StateVector<T>& scratch, const kernels::ParallelFor& par = {}) {
  const auto& ks = kernels::active_kernels<T>();
  const auto term = [&](const Matrix& m) {
    scratch = psi;
    ks.apply_matrix(scratch, op.targets, op.controls, m, par, kernels::MatrixKind::unknown);
    return ks.inner_product(lam, scratch, par).real();
  };
  double s = term(d);
  if (!op.controls.empty()) s -= term(Matrix(d.size(), 0.0));
  return s;
}

}  // namespace detail

/**
 * The backward sweep of the adjoint method. On entry `psi` is the final
 * state U|psi0> and `lam` is H U|psi0> for the (possibly folded) observable
 * H; on exit both are swept back through the circuit (psi = |psi0>). For
 * every gate, from the last to the first, the gradient of <H> with respect
 * to each of its angles is 2 Re <lam| (dU/dtheta) U^dagger |psi>, taken before
 * U^dagger is applied to both vectors, and is added (times the Param's
 * scale) to dw[weight] or dx[feature]. Gates on one target qubit (with any
 * controls) use one fused pass over both vectors; two trainable RY/RZ on
 * the same qubit with only other qubits' gates between them share one pass;
 * other gates fall back to dense matrices.
 */
template <class T>
void adjoint_sweep(const Circuit& c, const Binding& b, StateVector<T>& psi, StateVector<T>& lam, double* dw,
                   double* dx) {
  detail::check_differentiable(c, b);
  if (psi.num_qubits() != c.num_qubits() || lam.num_qubits() != c.num_qubits())
    throw invalid_argument("adjoint_sweep: states do not match the " + std::to_string(c.num_qubits()) +
                           "-qubit circuit");
  const auto& ops = c.operations();
  std::vector<double> angles;
  std::vector<Matrix> derivs;
  std::vector<const Param*> slots;
  std::vector<bool> done(ops.size(), false);
  StateVector<T> scratch(0);  // for gates on several targets; allocated by the first one
  const auto add_gradient = [&](const Param& p, double re_term) {
    p.for_each_partial(b, [&](Param::Source s, std::size_t index, double d) {
      double* out = s == Param::Source::weight ? dw : dx;
      if (out) out[index] += 2.0 * re_term * d;
    });
  };
  // An uncontrolled RY/RZ whose one angle is trainable: these pair up.
  const auto pairable = [&](const Operation& op) {
    return op.is_gate() && detail::is_plain_rotation(op.gate, op.controls.size()) && op.params[0].is_trainable();
  };
  for (std::size_t i = ops.size(); i-- > 0;) {
    const Operation& op = ops[i];
    if (!op.is_gate() || done[i]) continue;
    if (pairable(op)) {
      // The next gate (going backwards) on the same qubit, if only gates on
      // other qubits lie between: both are swept in one pass.
      const qubit_t q = op.targets[0];
      std::size_t k = i, looked = 0;
      bool found = false;
      while (k-- > 0 && ++looked <= 256) {  // bounded: keeps long circuits linear
        const Operation& other = ops[k];
        if (!other.is_gate() || done[k]) continue;
        bool touches = false;
        for (auto oq : other.qubits()) touches = touches || oq == q;
        if (touches) {
          found = pairable(other) && other.targets[0] == q;
          break;
        }
      }
      if (found) {
        const Operation& other = ops[k];
        double acc[2] = {0, 0};
        kernels::active_kernels<T>().adjoint_rotation_pair(psi, lam, q, op.gate, adjoint(op.bound_matrix(b), 2),
                                                           other.gate, adjoint(other.bound_matrix(b), 2), acc);
        add_gradient(op.params[0], acc[0]);
        add_gradient(other.params[0], acc[1]);
        done[k] = true;
        continue;
      }
    }
    const Matrix u = op.bound_matrix(b);
    const std::size_t dim = std::size_t{1} << op.targets.size();
    const Matrix u_dag = adjoint(u, dim);
    angles.clear();
    derivs.clear();
    slots.clear();
    if (op.embedding)  // the first operation (Circuit keeps it there): psi is its state
      detail::embedding_gradient(
          op, detail::embedding_indices(op), b, [&](index_t k) { return static_cast<double>(lam[k].real()); },
          [&](const Param& p, double g) { add_gradient(p, g / 2); });
    for (const auto& p : op.params) angles.push_back(p.value(b));
    for (std::size_t j = 0; j < op.params.size() && !op.embedding; ++j) {
      if (!op.params[j].is_trainable()) continue;
      derivs.push_back(gate_derivative_times_adjoint(op.gate, angles, j, u, dim));
      slots.push_back(&op.params[j]);
    }
    double acc[4] = {0, 0, 0, 0};
    if (op.targets.size() == 1 && derivs.size() <= 4) {
      index_t cmask = 0;
      for (auto q : op.controls) cmask |= index_t{1} << q;
      kernels::active_kernels<T>().adjoint_one_target(psi, &lam, op.targets[0], cmask, u_dag, derivs, acc, op.gate);
    } else {
      for (std::size_t k = 0; k < derivs.size(); ++k)
        acc[k] = detail::masked_expectation(lam, psi, op, derivs[k], scratch);
      Operation inverse = make_unitary(u_dag, op.targets, "adjoint");
      inverse.controls = op.controls;
      kernels::apply_validated_gate(psi, inverse);
      kernels::apply_validated_gate(lam, inverse);
    }
    for (std::size_t k = 0; k < slots.size(); ++k) add_gradient(*slots[k], acc[k]);
  }
}

/**
 * Forward and adjoint backward pass for `sum_o cotangents[o] * <H_o>`: the
 * cotangents are folded into one observable first, so the cost is one
 * forward pass, one H|psi> and one backward sweep whatever the number of
 * outputs. Memory: two state vectors. `value` is the folded scalar.
 * @code
 *   qsim::ml::Gradient g = qsim::ml::adjoint_vjp<double>(circuit, {h0, h1}, {1.0, -0.5}, binding);
 * @endcode
 */
template <class T = double>
Gradient adjoint_vjp(const Circuit& c, const std::vector<PauliSum>& observables, const std::vector<double>& cotangents,
                     const Binding& b) {
  if (observables.size() != cotangents.size())
    throw invalid_argument(std::to_string(observables.size()) + " observables but " +
                           std::to_string(cotangents.size()) + " cotangents");
  PauliSum folded;
  for (std::size_t o = 0; o < observables.size(); ++o) {
    observables[o].check_fits(c.num_qubits());
    folded.add(observables[o], cotangents[o]);
  }
  detail::check_differentiable(c, b);
  StateVector<T> psi(c.num_qubits()), lam(c.num_qubits());
  detail::run_gates(c, b, psi);
  apply_pauli_sum(folded, psi, lam);
  Gradient g;
  g.value = expectation(psi, folded);
  g.weights.assign(b.num_weights, 0.0);
  g.features.assign(b.num_features, 0.0);
  adjoint_sweep(c, b, psi, lam, g.weights.data(), g.features.data());
  return g;
}

/**
 * <H> and its exact gradient with respect to every weight and feature of
 * `b`, by the adjoint method (PennyLane's diff_method="adjoint").
 * @code
 *   qsim::Circuit c(2);
 *   c.ry(qsim::weight(0), 0).cx(0, 1).rz(qsim::feature(0), 1);
 *   std::vector<double> w{0.3}, x{1.2};
 *   qsim::Binding b{w.data(), w.size(), x.data(), x.size()};
 *   auto g = qsim::ml::adjoint_gradient<double>(c, qsim::ml::PauliSum{{1.0, "Z1"}}, b);
 * @endcode
 */
template <class T = double>
Gradient adjoint_gradient(const Circuit& c, const PauliSum& h, const Binding& b) {
  return adjoint_vjp<T>(c, {h}, {1.0}, b);
}

}  // namespace ml
QSIM_END_NAMESPACE
