#pragma once
// The parameter-shift rule as a plan: every trainable angle of a circuit
// becomes a feature of a copy, and the plan lists the rows of shifted
// angles to evaluate and how their expectation values combine into the
// gradient. Any evaluator serves: the training engine (noiseless), the
// density matrix or trajectories (noisy, ml/noisy.hpp).
#include <Eigen/Dense>
#include <cmath>
#include <memory>
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
  Circuit shifted;    // the circuit with angle k read from feature k (after the embedding's amplitudes)
  Eigen::MatrixXd x;  // row 0: the angles as bound; then 2 or 4 shifted rows per angle, then the embedding's
  /// An amplitude embedding at the start: its amplitudes become features
  /// 0..dim-1 of `shifted` (no padding), its values are turned
  /// on the unit sphere: E(cos t psi0 + sin t u_j) with u_j the unit vector
  /// along e_j - psi0_j psi0 has derivative 2 u_j^T Re(A) psi0 at t = 0, and is
  /// a + b cos 2t + c sin 2t, so E(pi/4) - E(-pi/4) gives it exactly
  /// (noise keeps E quadratic in psi0).
  struct Embedded {
    std::size_t amplitude;  // j
    Param param;
    double tangent_norm;  // |e_j - psi0_j psi0|
  };
  std::vector<Embedded> embedded;
  std::vector<double> psi0;
  double norm = 1;

  /// The plan for `c` at the binding `b` (checked as the adjoint method checks it).
  ShiftPlan(const Circuit& c, const Binding& b) : shifted(c.num_qubits()) {
    check_differentiable(c, b);
    std::size_t first_angle = 0;
    for (const auto& op : c.operations()) {
      Operation moved = op;
      if (op.embedding) {  // the first operation (checked)
        psi0 = op.embedded_amplitudes(b, &norm);
        first_angle = psi0.size();
        for (std::size_t j = 0; j < op.params.size(); ++j) {
          if (!op.params[j].is_trainable()) continue;
          // |e_j - psi0_j psi0|^2 = 1 - psi0_j^2, summed from the other amplitudes (no cancellation near e_j).
          double t2 = 0;
          for (std::size_t k = 0; k < psi0.size(); ++k) t2 += k == j ? 0.0 : psi0[k] * psi0[k];
          embedded.push_back({j, op.params[j], std::sqrt(t2)});
        }
        moved.params.clear();
        for (std::size_t j = 0; j < psi0.size(); ++j) moved.params.push_back(feature(j));
        // Normalised again: where u_j is 0 (psi0 = e_j) both rows are psi0 and the difference 0.
        moved.embedding = std::make_shared<const AmplitudeEmbedding>(AmplitudeEmbedding{true, {}});
      } else if (op.is_gate()) {
        for (auto& p : moved.params) {
          if (p.is_constant()) continue;
          angles.push_back({p, p.value(b), shift_rule(!op.controls.empty()) == ShiftRule::four_term});
          p = feature(first_angle + angles.size() - 1);
        }
      }
      shifted.append(std::move(moved));
    }
    const double pi = qsim::detail::pi;
    const double two[] = {pi / 2, -pi / 2}, four[] = {pi / 2, -pi / 2, 3 * pi / 2, -3 * pi / 2};
    Eigen::Index rows = 1 + 2 * static_cast<Eigen::Index>(embedded.size());
    for (const auto& a : angles) rows += a.four_term ? 4 : 2;
    const auto dim = static_cast<Eigen::Index>(first_angle);
    x.resize(rows, dim + static_cast<Eigen::Index>(angles.size()));
    for (Eigen::Index j = 0; j < dim; ++j) x.col(j).setConstant(psi0[static_cast<std::size_t>(j)]);
    for (Eigen::Index k = 0; k < static_cast<Eigen::Index>(angles.size()); ++k)
      x.col(dim + k).setConstant(angles[static_cast<std::size_t>(k)].value);
    Eigen::Index row = 1;
    for (std::size_t k = 0; k < angles.size(); ++k)
      for (int s = 0; s < (angles[k].four_term ? 4 : 2); ++s)
        x(row++, dim + static_cast<Eigen::Index>(k)) += angles[k].four_term ? four[s] : two[s];
    for (const auto& e : embedded) {
      // (psi0 +- u_j) / sqrt 2; u_j = 0 where psi0 is e_j itself (the tangent part of the gradient is 0 there).
      const double inv = e.tangent_norm > 1e-150 ? 1 / e.tangent_norm : 0;
      for (int sign : {1, -1}) {
        for (Eigen::Index j = 0; j < dim; ++j) {
          const auto jj = static_cast<std::size_t>(j);
          // Component j of e - psi0_e psi0: 1 - psi0_e^2 = tangent_norm^2 at e itself.
          const double u = (jj == e.amplitude ? e.tangent_norm * e.tangent_norm : -psi0[e.amplitude] * psi0[jj]) * inv;
          x(row, j) = (psi0[jj] + sign * u) / std::sqrt(2.0);
        }
        ++row;
      }
    }
  }

  /// The gradient from y (one expectation value per row of x), for the binding's sizes.
  Gradient combine(const Eigen::VectorXd& y, const Binding& b) const {
    Gradient g;
    g.value = y(0);
    g.weights.assign(b.num_weights, 0.0);
    g.features.assign(b.num_features, 0.0);
    const auto add = [&](const Param& p, double d) {
      p.for_each_partial(b, [&](Param::Source s, std::size_t index, double partial) {
        (s == Param::Source::weight ? g.weights : g.features)[index] += partial * d;
      });
    };
    const double c_plus = (std::sqrt(2.0) + 1) / (4 * std::sqrt(2.0)),
                 c_minus = (std::sqrt(2.0) - 1) / (4 * std::sqrt(2.0));
    Eigen::Index row = 1;
    for (const auto& a : angles) {
      const auto f = [&](int s) { return y(row + s); };
      add(a.param, a.four_term ? c_plus * (f(0) - f(1)) - c_minus * (f(2) - f(3)) : (f(0) - f(1)) / 2);
      row += a.four_term ? 4 : 2;
    }
    // dE/dv_j = (2/|v|) |e_j - psi0_j psi0| u_j^T Re(A) psi0 (psi0 = v/|v|).
    for (const auto& e : embedded) {
      add(e.param, e.tangent_norm * (y(row) - y(row + 1)) / norm);
      row += 2;
    }
    return g;
  }
};

}  // namespace detail
}  // namespace ml
QSIM_END_NAMESPACE
