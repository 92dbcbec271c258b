#pragma once
#include <cmath>
#include <complex>
#include <cstddef>
#include <string>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/gates/gate_id.hpp"
#include "qsim/gates/matrices.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {

/// -i G / 2 = R(pi) / 2 of a rotation gate R(t) = exp(-i t G / 2), so that
/// dR/dt = generator R(t). R(pi)'s diagonal holds cos(pi / 2) = 6e-17, rounded
/// off: the generator is exactly anti-Hermitian.
inline const Matrix& rotation_generator(GateId id) {
  static const std::vector<Matrix> table = [] {
    std::vector<Matrix> t(num_gate_ids);
    for (unsigned g = 0; g < num_gate_ids; ++g) {
      if (gate_info(static_cast<GateId>(g)).angles != AngleRule::rotation) continue;
      t[g] = gate_matrix(static_cast<GateId>(g), {qsim::detail::pi});
      for (auto& v : t[g])
        v = 0.5 * std::complex<double>(std::abs(v.real()) < 1e-12 ? 0.0 : v.real(),
                                       std::abs(v.imag()) < 1e-12 ? 0.0 : v.imag());
    }
    return t;
  }();
  if (gate_info(id).angles != AngleRule::rotation)
    throw invalid_argument("gate " + gate_name(id) + " is not a rotation exp(-i t G / 2)");
  return table[static_cast<std::size_t>(id)];
}

/**
 * dU/d(angle j) of a base gate's matrix (same layout as gate_matrix), exact.
 * By the gate table's AngleRule: rotations exp(-i t G / 2) satisfy
 * dU/dt = R(pi) U(t) / 2, U's theta is differentiated entry by entry; the phase angles of P and U (phi, lambda,
 * gamma) only multiply some entries by e^{i angle}, so their derivative is
 * those entries times i.
 */
inline Matrix gate_matrix_derivative(GateId id, const std::vector<double>& angles, std::size_t j) {
  const std::complex<double> I(0, 1);
  if (j >= angles.size())
    throw invalid_argument("gate " + gate_name(id) + " has no angle " + std::to_string(j) + " to differentiate");
  const AngleRule rule = gate_info(id).angles;
  if (rule == AngleRule::rotation) {
    // -i G U(t) / 2: U(t + pi) / 2 in exact arithmetic, but t + pi rounds to t
    // for large t (1e17: doubles there are 16 apart).
    const std::size_t dim = std::size_t{1} << gate_info(id).num_targets;
    return multiply(rotation_generator(id), gate_matrix(id, angles), dim);
  }
  if (rule == AngleRule::u && j == 0) {
    // d/dtheta of g [[c, -e^{il} s], [e^{ip} s, e^{ip} e^{il} c]], c = cos(theta/2), s = sin(theta/2),
    // written out (U(theta + pi) / 2 rounds as above).
    const double c = std::cos(angles[0] / 2) / 2, s = std::sin(angles[0] / 2) / 2;
    const std::complex<double> g = angles.size() > 3 ? std::polar(1.0, angles[3]) : 1.0;
    const std::complex<double> e_phi = std::polar(1.0, angles[1]), e_lambda = std::polar(1.0, angles[2]);
    return {-g * s, -g * c * e_lambda, g * c * e_phi, -g * s * (e_phi * e_lambda)};
  }
  if (rule == AngleRule::u) {
    Matrix m = gate_matrix(id, angles);
    // U = g [[c, -e^{il} s], [e^{ip} s, e^{i(p+l)} c]]: which entries carry phi (1), lambda (2), gamma (3).
    static const bool carries[4][4] = {
        {}, {false, false, true, true}, {false, true, false, true}, {true, true, true, true}};
    for (std::size_t e = 0; e < 4; ++e) m[e] = carries[j][e] ? I * m[e] : 0.0;
    return m;
  }
  if (rule == AngleRule::phase) {
    Matrix m = gate_matrix(id, angles);
    return {0, 0, 0, I * m[3]};
  }
  throw invalid_argument("gate " + gate_name(id) + " has no differentiable angle");
}

/**
 * dU/d(angle j) U^dagger of a base gate, U = gate_matrix(id, angles) given as
 * `u` (dim x dim): the matrix M whose 2 Re <lam|M|psi> is the gradient at the state after
 * the gate. Where it does not depend on the angle it is formed without it:
 * -i G / 2 for a rotation, diag(0, i) for a phase, P(phi) (-i Y / 2)
 * P(phi)^dagger for U's theta (U = g P(phi) RY(theta) P(lambda)).
 */
inline Matrix gate_derivative_times_adjoint(GateId id, const std::vector<double>& angles, std::size_t j,
                                            const Matrix& u, std::size_t dim) {
  const AngleRule rule = gate_info(id).angles;
  if (j < angles.size()) {
    if (rule == AngleRule::rotation) return rotation_generator(id);
    if (rule == AngleRule::phase) return {0.0, 0.0, 0.0, std::complex<double>(0, 1)};
    if (rule == AngleRule::u && j == 0) {
      const std::complex<double> e_phi = std::polar(1.0, angles[1]);
      return {0.0, -std::conj(e_phi) / 2.0, e_phi / 2.0, 0.0};
    }
  }
  return multiply(gate_matrix_derivative(id, angles, j), adjoint(u, dim), dim);
}

/// The shift rule that gives an exact derivative for angle j of `op`:
/// two terms when the generator has eigenvalues {-1/2, 1/2} (or a global
/// phase); four terms when a control adds the eigenvalue 0 (frequencies
/// 1/2 and 1: crx, cry, crz, cp, cu).
enum class ShiftRule { two_term, four_term };

inline ShiftRule shift_rule(bool controlled) { return controlled ? ShiftRule::four_term : ShiftRule::two_term; }

}  // namespace ml
QSIM_END_NAMESPACE
