#pragma once
// Gate matrices as values: the Matrix type and what is computed from one.
#include <cmath>
#include <complex>
#include <string>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

QSIM_BEGIN_NAMESPACE

/// A dense 2^k x 2^k gate matrix, row-major. Row/column bit j refers to the
/// gate's j-th target qubit (Qiskit's little-endian convention: for a gate on
/// (q0, q1), index 0b10 means q1 = 1, q0 = 0).
using Matrix = std::vector<std::complex<double>>;

/// The most target qubits of a user matrix (a 2^10 x 2^10 matrix is 16 MiB).
inline constexpr unsigned max_unitary_qubits = 10;

namespace detail {
inline constexpr double pi = 3.14159265358979323846;
}

/// True when every off-diagonal entry of the dim x dim matrix `m` is exactly 0.
inline bool is_diagonal(const Matrix& m, std::size_t dim) {
  for (std::size_t r = 0; r < dim; ++r)
    for (std::size_t c = 0; c < dim; ++c)
      if (r != c && m[r * dim + c] != std::complex<double>(0.0)) return false;
  return true;
}

/**
 * A diagonal gate on k targets seen where some targets hold fixed values:
 * the 2^f x 2^f diagonal over the f free targets (matrix bits `free_bits`,
 * in order), whose entry a is m's entry for the index with a's bits at
 * `free_bits` and the bits of `fixed` elsewhere.
 */
inline Matrix restrict_diagonal(const Matrix& m, std::size_t k, const std::vector<std::size_t>& free_bits,
                                std::size_t fixed) {
  const std::size_t dim = std::size_t{1} << k, sub_dim = std::size_t{1} << free_bits.size();
  Matrix sub(sub_dim * sub_dim, 0.0);
  for (std::size_t a = 0; a < sub_dim; ++a) {
    std::size_t full = fixed;
    for (std::size_t b = 0; b < free_bits.size(); ++b) full |= ((a >> b) & 1U) << free_bits[b];
    sub[a * sub_dim + a] = m[full * dim + full];
  }
  return sub;
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

/// The product a b of two dim x dim matrices.
inline Matrix multiply(const Matrix& a, const Matrix& b, std::size_t dim) {
  Matrix out(dim * dim, 0.0);
  for (std::size_t r = 0; r < dim; ++r)
    for (std::size_t k = 0; k < dim; ++k)
      for (std::size_t c = 0; c < dim; ++c) out[r * dim + c] += a[r * dim + k] * b[k * dim + c];
  return out;
}

QSIM_END_NAMESPACE
