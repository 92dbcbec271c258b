#pragma once
// Noise channels as values. A channel on k qubits is a set of Kraus matrices
// K_i with sum K_i^dagger K_i = I: rho -> sum K_i rho K_i^dagger. A unitary
// mixture (bit flip, depolarising, Pauli channels) also keeps its
// probabilities and unitaries, so a trajectory draws its branch without
// computing a norm. Conventions are PennyLane's and Cirq's; docs/noise.md
// lists each channel's Kraus matrices.
#include <algorithm>
#include <cmath>
#include <complex>
#include <sstream>
#include <string>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/gates/matrix.hpp"

QSIM_BEGIN_NAMESPACE

/// Most qubits a channel acts on: its superoperator on the density matrix
/// is a dense gate on twice as many qubits, and the kernels take up to 5.
inline constexpr unsigned max_channel_qubits = 2;

/// A completely positive, trace-preserving map on `num_qubits` qubits.
struct Channel {
  std::string name;  // "depolarizing", "kraus", ...
  unsigned num_qubits = 1;
  std::vector<double> params;  // the arguments it was made from, for display
  /// Kraus matrices, 2^k x 2^k row-major; bit j of an index is the j-th target.
  std::vector<Matrix> kraus;
  /// Unitary mixture: kraus[i] = sqrt(probabilities[i]) unitaries[i]. Empty for a general map.
  std::vector<double> probabilities;
  std::vector<Matrix> unitaries;

  bool is_unitary_mixture() const noexcept { return !probabilities.empty(); }
  std::size_t dim() const noexcept { return std::size_t{1} << num_qubits; }
};

/// A measurement's classical record flips with these probabilities (Qiskit's
/// ReadoutError [[1 - p1_given_0, p1_given_0], [p0_given_1, 1 - p0_given_1]]).
struct ReadoutError {
  double p1_given_0 = 0;  // a qubit in |0> read as 1
  double p0_given_1 = 0;  // a qubit in |1> read as 0

  /// The recorded bit for a true outcome and a uniform number r in [0, 1).
  bool record(bool outcome, double r) const noexcept { return outcome ? !(r < p0_given_1) : r < p1_given_0; }
  bool is_ideal() const noexcept { return p1_given_0 == 0 && p0_given_1 == 0; }
};

namespace detail {

/// A number as a person writes it (0.1, 2e-05, 1), for messages.
inline std::string number_text(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

inline void check_probability(double p, const char* what, const std::string& channel, double max = 1.0) {
  if (!(p >= 0.0 && p <= max))  // also refuses NaN
    throw invalid_argument(channel + ": " + what + " must be in [0, " + detail::number_text(max) + "], got " +
                           detail::number_text(p));
}

inline Matrix pauli_matrix(unsigned which) {  // 0 I, 1 X, 2 Y, 3 Z
  using c = std::complex<double>;
  switch (which) {
    case 1:
      return {0, 1, 1, 0};
    case 2:
      return {0, c(0, -1), c(0, 1), 0};
    case 3:
      return {1, 0, 0, -1};
    default:
      return {1, 0, 0, 1};
  }
}

/// The Kronecker product a (x) b where b acts on the low bits (bit 0 = first target).
inline Matrix kron(const Matrix& high, const Matrix& low, std::size_t dim_high, std::size_t dim_low) {
  const std::size_t dim = dim_high * dim_low;
  Matrix out(dim * dim);
  for (std::size_t r = 0; r < dim; ++r)
    for (std::size_t c = 0; c < dim; ++c)
      out[r * dim + c] = high[(r / dim_low) * dim_high + c / dim_low] * low[(r % dim_low) * dim_low + c % dim_low];
  return out;
}

/// Largest |(sum K^dagger K - I)_ij|.
inline double completeness_error(const std::vector<Matrix>& kraus, std::size_t dim) {
  Matrix sum(dim * dim, 0.0);
  for (const auto& k : kraus) {
    const Matrix p = multiply(adjoint(k, dim), k, dim);
    for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += p[i];
  }
  double worst = 0;
  for (std::size_t r = 0; r < dim; ++r)
    for (std::size_t c = 0; c < dim; ++c) worst = std::max(worst, std::abs(sum[r * dim + c] - (r == c ? 1.0 : 0.0)));
  return worst;
}

inline Matrix scaled(Matrix m, double factor) {
  for (auto& x : m) x *= factor;
  return m;
}

/// A mixture of unitaries with the given probabilities (zero ones dropped).
inline Channel unitary_mixture(std::string name, unsigned k, std::vector<double> params,
                               const std::vector<double>& probs, const std::vector<Matrix>& unitaries) {
  Channel ch;
  ch.name = std::move(name);
  ch.num_qubits = k;
  ch.params = std::move(params);
  for (std::size_t i = 0; i < probs.size(); ++i) {
    if (probs[i] == 0.0) continue;
    ch.probabilities.push_back(probs[i]);
    ch.unitaries.push_back(unitaries[i]);
    ch.kraus.push_back(scaled(unitaries[i], std::sqrt(probs[i])));
  }
  return ch;
}

/// A general channel from Kraus matrices (all-zero ones dropped).
inline Channel kraus_channel(std::string name, unsigned k, std::vector<double> params, const std::vector<Matrix>& ops) {
  Channel ch;
  ch.name = std::move(name);
  ch.num_qubits = k;
  ch.params = std::move(params);
  for (const auto& m : ops)
    if (std::any_of(m.begin(), m.end(), [](std::complex<double> x) { return x != 0.0; })) ch.kraus.push_back(m);
  return ch;
}

/// The k-qubit depolarising channel: each non-identity Pauli string with probability p / (4^k - 1).
inline Channel pauli_strings_channel(const std::string& name, unsigned k, double p) {
  const std::size_t strings = std::size_t{1} << (2 * k);
  std::vector<double> probs(strings, p / static_cast<double>(strings - 1));
  probs[0] = 1.0 - p;
  std::vector<Matrix> paulis;
  for (std::size_t s = 0; s < strings; ++s)
    paulis.push_back(k == 1 ? pauli_matrix(static_cast<unsigned>(s))
                            : kron(pauli_matrix(static_cast<unsigned>(s >> 2)), pauli_matrix(s & 3U), 2, 2));
  return unitary_mixture(name, k, {p}, probs, paulis);
}

}  // namespace detail

namespace channels {

/// X with probability p.
inline Channel bit_flip(double p) {
  detail::check_probability(p, "p", "bit_flip");
  return detail::unitary_mixture("bit_flip", 1, {p}, {1 - p, p}, {detail::pauli_matrix(0), detail::pauli_matrix(1)});
}

/// Z with probability p.
inline Channel phase_flip(double p) {
  detail::check_probability(p, "p", "phase_flip");
  return detail::unitary_mixture("phase_flip", 1, {p}, {1 - p, p}, {detail::pauli_matrix(0), detail::pauli_matrix(3)});
}

/// X, Y, Z with probabilities px, py, pz (and I with the rest).
inline Channel pauli_channel(double px, double py, double pz) {
  for (double p : {px, py, pz}) detail::check_probability(p, "each probability", "pauli_channel");
  detail::check_probability(px + py + pz, "px + py + pz", "pauli_channel");
  std::vector<Matrix> paulis;
  for (unsigned s = 0; s < 4; ++s) paulis.push_back(detail::pauli_matrix(s));
  return detail::unitary_mixture("pauli_channel", 1, {px, py, pz}, {1 - px - py - pz, px, py, pz}, paulis);
}

/// One-qubit depolarising: X, Y and Z each with probability p / 3 (PennyLane's
/// and Cirq's convention: the Bloch vector shrinks by 1 - 4p/3).
inline Channel depolarizing(double p) {
  detail::check_probability(p, "p", "depolarizing");
  return detail::pauli_strings_channel("depolarizing", 1, p);
}

/// Two-qubit depolarising: each of the 15 non-identity Pauli pairs with probability p / 15 (Cirq's convention).
inline Channel depolarizing2(double p) {
  detail::check_probability(p, "p", "depolarizing2");
  return detail::pauli_strings_channel("depolarizing2", 2, p);
}

/// Qiskit Aer's depolarizing_error(lambda, k): rho -> (1 - lambda) rho + lambda I / 2^k,
/// that is each non-identity Pauli string with probability lambda / 4^k.
inline Channel aer_depolarizing(double lambda, unsigned k) {
  if (k < 1 || k > max_channel_qubits)
    throw invalid_argument("aer_depolarizing on " + std::to_string(k) + " qubits: 1.." +
                           std::to_string(max_channel_qubits) + " are supported");
  const double strings = std::ldexp(1.0, static_cast<int>(2 * k));
  detail::check_probability(lambda, "lambda", "aer_depolarizing", strings / (strings - 1));
  return detail::pauli_strings_channel(k == 1 ? "depolarizing" : "depolarizing2", k,
                                       std::min(1.0, lambda * (strings - 1) / strings));
}

/// Energy loss to a zero-temperature bath: |1> decays to |0> with probability gamma.
inline Channel amplitude_damping(double gamma) {
  detail::check_probability(gamma, "gamma", "amplitude_damping");
  return detail::kraus_channel("amplitude_damping", 1, {gamma},
                               {{1, 0, 0, std::sqrt(1 - gamma)}, {0, std::sqrt(gamma), 0, 0}});
}

/// Amplitude damping towards a bath that holds |0> with probability p
/// (PennyLane's GeneralizedAmplitudeDamping(gamma, p); p = 1 is amplitude_damping).
inline Channel generalized_amplitude_damping(double gamma, double p) {
  detail::check_probability(gamma, "gamma", "generalized_amplitude_damping");
  detail::check_probability(p, "p", "generalized_amplitude_damping");
  const double a = std::sqrt(p), b = std::sqrt(1 - p), g = std::sqrt(gamma), r = std::sqrt(1 - gamma);
  return detail::kraus_channel("generalized_amplitude_damping", 1, {gamma, p},
                               {{a, 0, 0, a * r}, {0, a * g, 0, 0}, {b * r, 0, 0, b}, {0, 0, b * g, 0}});
}

/// Loss of phase without energy loss: coherences shrink by sqrt(1 - gamma).
inline Channel phase_damping(double gamma) {
  detail::check_probability(gamma, "gamma", "phase_damping");
  return detail::kraus_channel("phase_damping", 1, {gamma},
                               {{1, 0, 0, std::sqrt(1 - gamma)}, {0, 0, 0, std::sqrt(gamma)}});
}

/**
 * Thermal relaxation for `time` with relaxation time t1 and dephasing time
 * t2 <= 2 t1 (Qiskit's thermal_relaxation_error): populations relax towards
 * (1 - excited_population, excited_population) by 1 - exp(-time / t1), and
 * coherences shrink by exp(-time / t2). Built as generalized amplitude
 * damping followed by the phase damping that makes up the rest of the dephasing.
 */
inline Channel thermal_relaxation(double t1, double t2, double time, double excited_population = 0) {
  const std::string name = "thermal_relaxation";
  if (!(t1 > 0) || !(t2 > 0) || !std::isfinite(t1) || !std::isfinite(t2))
    throw invalid_argument(name + ": t1 and t2 must be positive and finite, got t1 = " + detail::number_text(t1) +
                           ", t2 = " + detail::number_text(t2));
  if (t2 > 2 * t1)
    throw invalid_argument(name + ": t2 = " + detail::number_text(t2) +
                           " exceeds 2 t1 = " + detail::number_text(2 * t1));
  if (!(time >= 0) || !std::isfinite(time))
    throw invalid_argument(name + ": time must be >= 0 and finite, got " + detail::number_text(time));
  detail::check_probability(excited_population, "excited_population", name);
  const double gamma = 1 - std::exp(-time / t1);
  // Amplitude damping alone leaves coherence exp(-time / (2 t1)); phase damping supplies the rest.
  const double rest = std::exp(-time / t2 + time / (2 * t1));
  const Channel relax = generalized_amplitude_damping(gamma, 1 - excited_population);
  const Channel dephase = phase_damping(std::clamp(1 - rest * rest, 0.0, 1.0));
  std::vector<Matrix> ops;
  for (const auto& d : dephase.kraus)
    for (const auto& r : relax.kraus) ops.push_back(multiply(d, r, 2));
  return detail::kraus_channel(name, 1, {t1, t2, time, excited_population}, ops);
}

/// Any channel from Kraus matrices on 1..max_channel_qubits qubits, checked:
/// sum K^dagger K = I within `tolerance`.
inline Channel kraus(const std::vector<Matrix>& ops, double tolerance = 1e-8, const std::string& name = "kraus") {
  if (ops.empty()) throw invalid_argument(name + ": no Kraus matrices");
  unsigned k = 0;
  while (k <= max_channel_qubits && (std::size_t{1} << (2 * k)) != ops[0].size()) ++k;
  if (k == 0 || k > max_channel_qubits)
    throw invalid_argument(name + ": a Kraus matrix of " + std::to_string(ops[0].size()) +
                           " entries is not 2^k x 2^k for k in 1.." + std::to_string(max_channel_qubits));
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].size() != ops[0].size())
      throw invalid_argument(name + ": Kraus matrix " + std::to_string(i) + " has " + std::to_string(ops[i].size()) +
                             " entries, matrix 0 has " + std::to_string(ops[0].size()));
    for (auto x : ops[i])
      if (!std::isfinite(x.real()) || !std::isfinite(x.imag()))
        throw invalid_argument(name + ": Kraus matrix " + std::to_string(i) + " has a non-finite entry");
  }
  const double err = detail::completeness_error(ops, std::size_t{1} << k);
  if (!(err <= tolerance))
    throw invalid_argument(name + ": sum of K^dagger K differs from the identity by " + detail::number_text(err) +
                           " (tolerance " + detail::number_text(tolerance) + "): not trace preserving");
  return detail::kraus_channel(name, k, {}, ops);
}

/**
 * A named channel from its parameters, as in docs/noise.md: "bit_flip" [p],
 * "phase_flip" [p], "pauli_channel" [px, py, pz], "depolarizing" [p],
 * "depolarizing2" [p], "aer_depolarizing" [lambda, k], "amplitude_damping"
 * [gamma], "generalized_amplitude_damping" [gamma, p], "phase_damping"
 * [gamma], "thermal_relaxation" [t1, t2, time] or [t1, t2, time, pe].
 */
inline Channel by_name(const std::string& name, const std::vector<double>& p) {
  const auto want = [&](std::size_t lo, std::size_t hi) {
    if (p.size() < lo || p.size() > hi)
      throw invalid_argument("channel " + name + " takes " + std::to_string(lo) +
                             (hi != lo ? " to " + std::to_string(hi) : std::string()) + " parameter(s), got " +
                             std::to_string(p.size()));
  };
  if (name == "bit_flip" || name == "phase_flip" || name == "depolarizing" || name == "depolarizing2") {
    want(1, 1);
    return name == "bit_flip"       ? bit_flip(p[0])
           : name == "phase_flip"   ? phase_flip(p[0])
           : name == "depolarizing" ? depolarizing(p[0])
                                    : depolarizing2(p[0]);
  }
  if (name == "amplitude_damping" || name == "phase_damping") {
    want(1, 1);
    return name == "amplitude_damping" ? amplitude_damping(p[0]) : phase_damping(p[0]);
  }
  if (name == "pauli_channel") {
    want(3, 3);
    return pauli_channel(p[0], p[1], p[2]);
  }
  if (name == "generalized_amplitude_damping") {
    want(2, 2);
    return generalized_amplitude_damping(p[0], p[1]);
  }
  if (name == "aer_depolarizing") {
    want(2, 2);
    if (p[1] != 1 && p[1] != 2) throw invalid_argument("aer_depolarizing: the number of qubits must be 1 or 2");
    return aer_depolarizing(p[0], static_cast<unsigned>(p[1]));
  }
  if (name == "thermal_relaxation") {
    want(3, 4);
    return thermal_relaxation(p[0], p[1], p[2], p.size() == 4 ? p[3] : 0.0);
  }
  throw invalid_argument("unknown channel '" + name +
                         "' (bit_flip, phase_flip, pauli_channel, depolarizing, depolarizing2, aer_depolarizing, "
                         "amplitude_damping, generalized_amplitude_damping, phase_damping, thermal_relaxation)");
}

/// The branch that a uniform number r in [0, 1) selects from probabilities p
/// (zeros skipped); the last branch of positive probability takes any
/// rounding remainder. p.size() when no branch has positive probability.
inline std::size_t pick_branch(const std::vector<double>& p, double r) {
  std::size_t chosen = p.size();
  double cumulative = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] <= 0) continue;
    cumulative += p[i];
    chosen = i;
    if (r < cumulative) break;
  }
  return chosen;
}

/// The branch of a unitary mixture that a uniform number r in [0, 1) selects.
inline std::size_t draw_mixture_branch(const Channel& ch, double r) { return pick_branch(ch.probabilities, r); }

/// True when branch k of a unitary mixture is exactly the identity (a trajectory skips it).
inline bool is_identity_branch(const Channel& ch, std::size_t k) {
  const std::size_t d = ch.dim();
  const Matrix& m = ch.unitaries[k];
  for (std::size_t r = 0; r < d; ++r)
    for (std::size_t c = 0; c < d; ++c)
      if (m[r * d + c] != std::complex<double>(r == c ? 1.0 : 0.0)) return false;
  return true;
}

/**
 * The channel's action on a vectorised density matrix, as a dense matrix on
 * 2k qubits: bits 0..k-1 of an index are the row targets, bits k..2k-1 the
 * column targets, and S = sum_i K_i (x) conj(K_i).
 */
inline Matrix superoperator(const Channel& ch) {
  const std::size_t d = ch.dim(), dim = d * d;
  Matrix s(dim * dim, 0.0);
  for (const auto& k : ch.kraus)
    for (std::size_t r = 0; r < d; ++r)
      for (std::size_t c = 0; c < d; ++c)
        for (std::size_t r2 = 0; r2 < d; ++r2)
          for (std::size_t c2 = 0; c2 < d; ++c2)
            s[(r | c * d) * dim + (r2 | c2 * d)] += k[r * d + r2] * std::conj(k[c * d + c2]);
  return s;
}

}  // namespace channels
QSIM_END_NAMESPACE
