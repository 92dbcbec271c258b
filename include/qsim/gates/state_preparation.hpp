#pragma once
// State preparation as a matrix: the unitary that maps |0...0> to given
// amplitudes (Circuit::prepare_state), and the amplitudes of an amplitude
// embedding (PennyLane's AmplitudeEmbedding) from values that may need
// padding and normalising.
#include <algorithm>
#include <cmath>
#include <complex>
#include <optional>
#include <string>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/gates/matrix.hpp"

QSIM_BEGIN_NAMESPACE

/**
 * A unitary on k qubits whose first column is `amplitudes`: it maps |0...0>
 * to the state (bit j of an amplitude's index is qubit j of the targets).
 * A Householder reflection, times the phase of amplitude 0, so one dense
 * matrix and no decomposition. `amplitudes` must have norm 1 within `tolerance`.
 */
inline Matrix state_preparation_matrix(const std::vector<std::complex<double>>& amplitudes, double tolerance = 1e-8) {
  const std::size_t dim = amplitudes.size();
  if (dim < 2 || (dim & (dim - 1)) != 0)
    throw invalid_argument("state preparation needs 2^k amplitudes (k >= 1), got " + std::to_string(dim));
  if (dim > (std::size_t{1} << max_unitary_qubits))
    throw invalid_argument("state preparation of " + std::to_string(dim) + " amplitudes: at most 2^" +
                           std::to_string(max_unitary_qubits) + " are supported");
  double norm2 = 0;
  for (const auto& a : amplitudes) {
    if (!std::isfinite(a.real()) || !std::isfinite(a.imag()))
      throw invalid_argument("state preparation: an amplitude is not finite");
    norm2 += std::norm(a);
  }
  if (!(std::abs(std::sqrt(norm2) - 1) <= tolerance))
    throw invalid_argument("state preparation: the amplitudes have norm " + std::to_string(std::sqrt(norm2)) +
                           ", not 1 (normalise them first)");
  // Normalised first: the reflection maps e0 exactly onto a unit vector only
  // (a norm within the tolerance but off 1 would drop amplitudes near that size).
  const double norm = std::sqrt(norm2);
  const std::complex<double> phase = std::polar(1.0, std::arg(amplitudes[0]));
  // H = I - 2 w w^dagger / |w|^2 with w = -phase e0 - psi maps -phase e0 to
  // psi, so U = -phase H maps e0 to psi. The sign keeps |w_0| >= 1: the other
  // choice, phase e0 - psi, cancels when psi is close to e0.
  std::vector<std::complex<double>> w(dim);
  for (std::size_t i = 0; i < dim; ++i) w[i] = -amplitudes[i] / norm;
  w[0] -= phase;
  double w2 = 0;
  for (const auto& x : w) w2 += std::norm(x);
  Matrix u(dim * dim, 0.0);
  for (std::size_t r = 0; r < dim; ++r) {
    for (std::size_t c = 0; c < dim; ++c) {
      const std::complex<double> h = (r == c ? 1.0 : 0.0) - 2.0 * w[r] * std::conj(w[c]) / w2;
      u[r * dim + c] = -phase * h;
    }
  }
  return u;
}

/// How an amplitude embedding turns its values into amplitudes: values
/// beyond the given ones are `pad` (refused when unset, as PennyLane's
/// pad_with), and the vector is divided by its norm when `normalize`;
/// otherwise its norm must be 1 within 1e-6.
struct AmplitudeEmbedding {
  bool normalize = true;
  std::optional<double> pad;
};

/// The `dim` real amplitudes of an embedding of `values`, checked, with the
/// norm of the padded values in `*norm` (the amplitudes have norm 1).
inline std::vector<double> embedding_amplitudes(const std::vector<double>& values, std::size_t dim,
                                                const AmplitudeEmbedding& how, double* norm = nullptr) {
  if (values.size() > dim)
    throw invalid_argument("AmplitudeEmbedding of " + std::to_string(values.size()) + " values needs at most " +
                           std::to_string(dim) + " amplitudes");
  if (values.size() < dim && !how.pad)
    throw invalid_argument("AmplitudeEmbedding got " + std::to_string(values.size()) + " values for " +
                           std::to_string(dim) + " amplitudes: give a pad value");
  std::vector<double> a(dim, how.pad.value_or(0.0));
  double largest = 0;
  for (std::size_t i = 0; i < dim; ++i) {
    if (i < values.size()) a[i] = values[i];
    if (!std::isfinite(a[i]))
      throw invalid_argument("AmplitudeEmbedding: " + std::string(i < values.size() ? "value " : "pad of amplitude ") +
                             std::to_string(i) + " is not finite");
    largest = std::max(largest, std::abs(a[i]));
  }
  if (!(largest > 0)) throw invalid_argument("AmplitudeEmbedding: the values have norm 0");
  // Scaled by the largest value first, so that squaring neither overflows nor underflows.
  double scaled2 = 0;
  for (auto& v : a) {
    v /= largest;
    scaled2 += v * v;
  }
  const double scaled = std::sqrt(scaled2), n = largest * scaled;
  if (!std::isfinite(n)) throw invalid_argument("AmplitudeEmbedding: the norm of the values overflows a double");
  if (!how.normalize && std::abs(n - 1.0) > 1e-6)
    throw invalid_argument("AmplitudeEmbedding: the values have norm " + std::to_string(n) +
                           " (expected 1, or normalise them)");
  for (auto& v : a) v /= scaled;  // exactly unit: the preparation matrix needs it
  if (norm) *norm = n;
  return a;
}

QSIM_END_NAMESPACE
