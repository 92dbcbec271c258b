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
    // dU/dt = R(pi) U(t) / 2 = -i G U(t) / 2: U(t + pi) / 2 in exact arithmetic,
    // but t + pi rounds to t for large t (1e17: doubles there are 16 apart).
    const std::size_t dim = std::size_t{1} << gate_info(id).num_targets;
    Matrix m = multiply(gate_matrix(id, {qsim::detail::pi}), gate_matrix(id, angles), dim);
    for (auto& v : m) v *= 0.5;
    return m;
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

/// The shift rule that gives an exact derivative for angle j of `op`:
/// two terms when the generator has eigenvalues {-1/2, 1/2} (or a global
/// phase); four terms when a control adds the eigenvalue 0 (frequencies
/// 1/2 and 1: crx, cry, crz, cp, cu).
enum class ShiftRule { two_term, four_term };

inline ShiftRule shift_rule(bool controlled) { return controlled ? ShiftRule::four_term : ShiftRule::two_term; }

}  // namespace ml
QSIM_END_NAMESPACE
