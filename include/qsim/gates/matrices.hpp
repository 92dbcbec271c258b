#pragma once
#include <cmath>
#include <complex>
#include <string>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/gates/gate_id.hpp"

QSIM_BEGIN_NAMESPACE

/// A dense 2^k x 2^k gate matrix, row-major. Row/column bit j refers to the
/// gate's j-th target qubit (Qiskit's little-endian convention: for a gate on
/// (q0, q1), index 0b10 means q1 = 1, q0 = 0).
using Matrix = std::vector<std::complex<double>>;

namespace detail {
inline constexpr double pi = 3.14159265358979323846;
}

/**
 * The matrix of a base gate with Qiskit's definitions and signs:
 * RX(t) = exp(-i t X/2), RY(t) = exp(-i t Y/2), RZ(t) = exp(-i t Z/2)
 * = diag(e^{-it/2}, e^{it/2}), P(l) = diag(1, e^{il}),
 * U(t, p, l) = [[cos(t/2), -e^{il} sin(t/2)], [e^{ip} sin(t/2), e^{i(p+l)} cos(t/2)]]
 * times e^{ig} when a 4th angle g is given (Qiskit's CU global phase),
 * RXX(t) = exp(-i t XX/2), RYY(t) = exp(-i t YY/2), RZZ(t) = exp(-i t ZZ/2).
 */
inline Matrix gate_matrix(GateId id, const std::vector<double>& a = {}) {
  using c = std::complex<double>;
  const c I(0, 1);
  const double r2 = 1.0 / std::sqrt(2.0);
  auto need = [&](std::size_t k) {
    if (a.size() < k)
      throw invalid_argument("gate " + gate_name(id) + " needs " + std::to_string(k) + " angle(s), got " +
                             std::to_string(a.size()));
  };
  switch (id) {
    case GateId::i:
      return {1, 0, 0, 1};
    case GateId::x:
      return {0, 1, 1, 0};
    case GateId::y:
      return {0, -I, I, 0};
    case GateId::z:
      return {1, 0, 0, -1};
    case GateId::h:
      return {r2, r2, r2, -r2};
    case GateId::s:
      return {1, 0, 0, I};
    case GateId::sdg:
      return {1, 0, 0, -I};
    case GateId::t:
      return {1, 0, 0, std::polar(1.0, detail::pi / 4)};
    case GateId::tdg:
      return {1, 0, 0, std::polar(1.0, -detail::pi / 4)};
    case GateId::sx:
      return {c(0.5, 0.5), c(0.5, -0.5), c(0.5, -0.5), c(0.5, 0.5)};
    case GateId::sxdg:
      return {c(0.5, -0.5), c(0.5, 0.5), c(0.5, 0.5), c(0.5, -0.5)};
    case GateId::rx: {
      need(1);
      const double co = std::cos(a[0] / 2), si = std::sin(a[0] / 2);
      return {co, -I * si, -I * si, co};
    }
    case GateId::ry: {
      need(1);
      const double co = std::cos(a[0] / 2), si = std::sin(a[0] / 2);
      return {co, -si, si, co};
    }
    case GateId::rz:
      need(1);
      return {std::polar(1.0, -a[0] / 2), 0, 0, std::polar(1.0, a[0] / 2)};
    case GateId::p:
      need(1);
      return {1, 0, 0, std::polar(1.0, a[0])};
    case GateId::u: {
      need(3);
      const double co = std::cos(a[0] / 2), si = std::sin(a[0] / 2);
      const c g = a.size() > 3 ? std::polar(1.0, a[3]) : c(1.0);
      return {g * co, -g * std::polar(si, a[2]), g * std::polar(si, a[1]), g * std::polar(co, a[1] + a[2])};
    }
    case GateId::swap:
      return {1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1};
    case GateId::iswap:
      return {1, 0, 0, 0, 0, 0, I, 0, 0, I, 0, 0, 0, 0, 0, 1};
    case GateId::rxx: {
      need(1);
      const c co = std::cos(a[0] / 2), ms = -I * std::sin(a[0] / 2);
      return {co, 0, 0, ms, 0, co, ms, 0, 0, ms, co, 0, ms, 0, 0, co};
    }
    case GateId::ryy: {
      need(1);
      const c co = std::cos(a[0] / 2), ms = -I * std::sin(a[0] / 2);
      return {co, 0, 0, -ms, 0, co, ms, 0, 0, ms, co, 0, -ms, 0, 0, co};
    }
    case GateId::rzz: {
      need(1);
      const c e0 = std::polar(1.0, -a[0] / 2), e1 = std::polar(1.0, a[0] / 2);
      return {e0, 0, 0, 0, 0, e1, 0, 0, 0, 0, e1, 0, 0, 0, 0, e0};
    }
    case GateId::unitary:
      break;
  }
  throw invalid_argument("gate " + gate_name(id) + " has no fixed matrix");
}

/// Largest |(M^dagger M - I)_ij|; 0 for an exactly unitary matrix.
inline double unitarity_error(const Matrix& m, std::size_t dim) {
  double worst = 0;
  for (std::size_t r = 0; r < dim; ++r)
    for (std::size_t col = 0; col < dim; ++col) {
      std::complex<double> s = 0;
      for (std::size_t k = 0; k < dim; ++k) s += std::conj(m[k * dim + r]) * m[k * dim + col];
      if (r == col) s -= 1.0;
      worst = std::max(worst, std::abs(s));
    }
  return worst;
}

/// The conjugate transpose.
inline Matrix adjoint(const Matrix& m, std::size_t dim) {
  Matrix out(dim * dim);
  for (std::size_t r = 0; r < dim; ++r)
    for (std::size_t col = 0; col < dim; ++col) out[col * dim + r] = std::conj(m[r * dim + col]);
  return out;
}

QSIM_END_NAMESPACE
