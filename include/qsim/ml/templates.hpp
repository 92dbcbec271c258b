#pragma once
#include <cmath>
#include <complex>
#include <optional>
#include <string>
#include <vector>

#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/gates/state_preparation.hpp"
#include "qsim/ml/pauli_sum.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {

/// The rotation axis of an embedding or entangler layer.
enum class Rotation { x, y, z };

namespace detail {
inline void rotate(Circuit& c, Rotation r, const Param& p, qubit_t q) {
  if (r == Rotation::x)
    c.rx(p, q);
  else if (r == Rotation::y)
    c.ry(p, q);
  else
    c.rz(p, q);
}
inline void check_template(const Circuit& c, unsigned qubits, std::size_t layers, const char* name) {
  if (qubits == 0 || qubits > c.num_qubits())
    throw invalid_argument(std::string(name) + " on " + std::to_string(qubits) + " qubits does not fit a " +
                           std::to_string(c.num_qubits()) + "-qubit circuit");
  if (layers == 0) throw invalid_argument(std::string(name) + " needs at least 1 layer");
}
}  // namespace detail

/**
 * PennyLane's AngleEmbedding: feature i (times `scale`) is the angle of a
 * rotation about `rot` on qubit i, for i < num_features. Calling it again
 * later in the circuit re-uploads the same features.
 * @code
 *   qsim::Circuit c(2);
 *   qsim::ml::angle_embedding(c, 2, qsim::ml::Rotation::y);   // RY(x0) q0, RY(x1) q1
 * @endcode
 */
inline void angle_embedding(Circuit& c, std::size_t num_features, Rotation rot = Rotation::x, double scale = 1.0) {
  if (num_features == 0 || num_features > c.num_qubits())
    throw invalid_argument("AngleEmbedding of " + std::to_string(num_features) +
                           " features needs as many qubits; the circuit has " + std::to_string(c.num_qubits()));
  for (std::size_t i = 0; i < num_features; ++i) detail::rotate(c, rot, feature(i, scale), static_cast<qubit_t>(i));
}

/**
 * Qiskit's ZZFeatureMap (full entanglement): `reps` times H on every qubit,
 * P(2 x_i) on qubit i, and for each pair i < j (in Qiskit's order)
 * CX(i, j) P(2 (pi - x_i)(pi - x_j)) on j, CX(i, j). Features from
 * `first_feature`; the angles are expressions, differentiated by the chain rule.
 */
inline void zz_feature_map(Circuit& c, unsigned num_features, std::size_t reps = 2, std::size_t first_feature = 0) {
  detail::check_template(c, num_features, reps, "ZZFeatureMap");
  const auto x = [&](unsigned i) { return feature(first_feature + i); };
  for (std::size_t r = 0; r < reps; ++r) {
    for (unsigned i = 0; i < num_features; ++i) c.h(i);
    for (unsigned i = 0; i < num_features; ++i) c.p(2.0 * x(i), i);
    for (unsigned i = 0; i < num_features; ++i)
      for (unsigned j = i + 1; j < num_features; ++j) {
        c.cx(i, j);
        c.p(2.0 * ((qsim::detail::pi - x(i)) * (qsim::detail::pi - x(j))), j);
        c.cx(i, j);
      }
  }
}

/**
 * PennyLane's IQPEmbedding (default pattern): `n_repeats` times H on every
 * qubit, RZ(x_i) on qubit i, then MultiRZ(x_i x_j) = RZZ(x_i x_j) on each
 * pair i < j. Features from `first_feature`.
 */
inline void iqp_embedding(Circuit& c, unsigned num_features, std::size_t n_repeats = 1, std::size_t first_feature = 0) {
  detail::check_template(c, num_features, n_repeats, "IQPEmbedding");
  const auto x = [&](unsigned i) { return feature(first_feature + i); };
  for (std::size_t r = 0; r < n_repeats; ++r) {
    for (unsigned i = 0; i < num_features; ++i) c.h(i).rz(x(i), i);
    for (unsigned i = 0; i < num_features; ++i)
      for (unsigned j = i + 1; j < num_features; ++j) c.rzz(x(i) * x(j), i, j);
  }
}

/**
 * PennyLane's BasicEntanglerLayers, weights of shape (layers, qubits)
 * flattened row-major from `first_weight`: per layer a rotation on every
 * qubit, then a ring of CNOTs (one CNOT for 2 qubits, none for 1).
 * Returns the number of weights used (layers * qubits).
 */
inline std::size_t basic_entangler_layers(Circuit& c, std::size_t layers, unsigned qubits, std::size_t first_weight = 0,
                                          Rotation rot = Rotation::x) {
  detail::check_template(c, qubits, layers, "BasicEntanglerLayers");
  for (std::size_t l = 0; l < layers; ++l) {
    for (unsigned q = 0; q < qubits; ++q) detail::rotate(c, rot, weight(first_weight + l * qubits + q), q);
    if (qubits == 2) c.cx(0, 1);
    if (qubits > 2)
      for (unsigned q = 0; q < qubits; ++q) c.cx(q, (q + 1) % qubits);
  }
  return layers * qubits;
}

/**
 * PennyLane's StronglyEntanglingLayers, weights of shape (layers, qubits, 3):
 * per layer Rot(phi, theta, omega) = RZ(omega) RY(theta) RZ(phi) on every
 * qubit, then CNOT(i, (i + r) mod n) with range r = (l mod (n - 1)) + 1.
 * Returns the number of weights used.
 */
inline std::size_t strongly_entangling_layers(Circuit& c, std::size_t layers, unsigned qubits,
                                              std::size_t first_weight = 0) {
  detail::check_template(c, qubits, layers, "StronglyEntanglingLayers");
  for (std::size_t l = 0; l < layers; ++l) {
    for (unsigned q = 0; q < qubits; ++q) {
      const std::size_t w = first_weight + (l * qubits + q) * 3;
      c.rz(weight(w), q).ry(weight(w + 1), q).rz(weight(w + 2), q);
    }
    if (qubits > 1) {
      const unsigned r = static_cast<unsigned>(l % (qubits - 1)) + 1;
      for (unsigned q = 0; q < qubits; ++q) c.cx(q, (q + r) % qubits);
    }
  }
  return layers * qubits * 3;
}

/**
 * A hardware-efficient ansatz, weights of shape (layers, qubits, 2): per
 * layer RY then RZ on every qubit, then a CNOT chain 0->1->...->n-1 (the
 * workload of the gradient benchmark). Returns the number of weights used.
 */
inline std::size_t hardware_efficient_ansatz(Circuit& c, std::size_t layers, unsigned qubits,
                                             std::size_t first_weight = 0) {
  detail::check_template(c, qubits, layers, "hardware_efficient_ansatz");
  for (std::size_t l = 0; l < layers; ++l) {
    for (unsigned q = 0; q < qubits; ++q) c.ry(weight(first_weight + (l * qubits + q) * 2), q);
    for (unsigned q = 0; q < qubits; ++q) c.rz(weight(first_weight + (l * qubits + q) * 2 + 1), q);
    for (unsigned q = 0; q + 1 < qubits; ++q) c.cx(q, q + 1);
  }
  return layers * qubits * 2;
}

/**
 * exp(-i theta P / 2) for a Pauli string P (PennyLane's PauliRot): each
 * qubit is turned to its Z basis (H for X; S^dagger then H for Y), a CNOT
 * ladder gathers the parity on the last qubit, RZ(theta) acts there, and
 * everything is undone.
 * @code
 *   qsim::ml::pauli_rotation(c, qsim::weight(0), "Y0 X1 X2 X3");  // H2 double excitation
 * @endcode
 */
inline void pauli_rotation(Circuit& c, const Param& theta, const std::string& pauli) {
  const PauliTerm t = PauliSum::parse(1.0, pauli);
  PauliSum({{1.0, pauli}}).check_fits(c.num_qubits());
  std::vector<qubit_t> support;
  for (qubit_t q = 0; q < c.num_qubits(); ++q)
    if (((t.x_mask | t.z_mask) >> q) & 1U) support.push_back(q);
  if (support.empty()) throw invalid_argument("pauli_rotation of the identity is only a global phase");
  auto basis = [&](bool undo) {
    for (auto q : support) {
      const bool x = (t.x_mask >> q) & 1U, z = (t.z_mask >> q) & 1U;
      if (x && z) {
        if (undo)
          c.h(q).s(q);
        else
          c.sdg(q).h(q);
      } else if (x) {
        c.h(q);
      }
    }
  };
  basis(false);
  for (std::size_t k = 0; k + 1 < support.size(); ++k) c.cx(support[k], support[k + 1]);
  c.rz(theta, support.back());
  for (std::size_t k = support.size() - 1; k-- > 0;) c.cx(support[k], support[k + 1]);
  basis(true);
}

/**
 * PennyLane's AmplitudeEmbedding as a state: the features become the
 * amplitudes of an n-qubit state. Shorter inputs are padded with `pad` when
 * `use_pad` is set; with `normalize` the vector is divided by its norm,
 * otherwise its norm must already be 1. Anything else is refused with a
 * clear error. To start a QuantumLayer with it, use the circuit form below.
 */
template <class T = double>
StateVector<T> amplitude_embedding(const std::vector<double>& x, unsigned num_qubits, bool normalize = true,
                                   bool use_pad = false, double pad = 0.0) {
  const std::size_t dim = std::size_t{1} << num_qubits;
  if (x.size() > dim)
    throw invalid_argument("AmplitudeEmbedding of " + std::to_string(x.size()) + " features needs at most " +
                           std::to_string(dim) + " for " + std::to_string(num_qubits) + " qubits");
  if (x.size() < dim && !use_pad)
    throw invalid_argument("AmplitudeEmbedding got " + std::to_string(x.size()) + " features for " +
                           std::to_string(dim) + " amplitudes: pass use_pad to pad them");
  const std::vector<double> a =
      embedding_amplitudes(x, dim, AmplitudeEmbedding{normalize, use_pad ? std::optional<double>(pad) : std::nullopt});
  return StateVector<T>(std::vector<std::complex<T>>(a.begin(), a.end()), std::is_same_v<T, float> ? 1e-5 : 1e-10);
}

/**
 * PennyLane's AmplitudeEmbedding as the first operation of `c`: features
 * first_feature .. first_feature + num_features - 1 become the amplitudes of
 * all of c's qubits (feature first_feature + j is amplitude j, whose bit t is
 * qubit t: Qiskit's order; PennyLane's wire 0 is the highest bit, so pass
 * its wires reversed to compare). Fewer features than 2^n need `how.pad`.
 * @code
 *   qsim::Circuit c(3);
 *   qsim::ml::amplitude_embedding(c, 8);            // x[0..7], normalised
 *   qsim::ml::strongly_entangling_layers(c, 2, 3);
 *   qsim::ml::QuantumLayer<double> layer(c, {qsim::PauliSum{{1.0, "Z0"}}});
 * @endcode
 */
inline void amplitude_embedding(Circuit& c, std::size_t num_features, AmplitudeEmbedding how = {},
                                std::size_t first_feature = 0) {
  // Checked before the list is built: a huge count must not allocate first.
  if (c.num_qubits() < 1 || c.num_qubits() > max_unitary_qubits)
    throw invalid_argument("AmplitudeEmbedding on " + std::to_string(c.num_qubits()) + " qubits: 1.." +
                           std::to_string(max_unitary_qubits) + " are supported");
  if (num_features < 1 || num_features > (std::size_t{1} << c.num_qubits()))
    throw invalid_argument("AmplitudeEmbedding of " + std::to_string(num_features) + " features on " +
                           std::to_string(c.num_qubits()) + " qubit(s): 1.." +
                           std::to_string(std::size_t{1} << c.num_qubits()) + " are possible");
  std::vector<Param> values;
  for (std::size_t j = 0; j < num_features; ++j) values.push_back(feature(first_feature + j));
  std::vector<qubit_t> qubits;
  for (qubit_t q = 0; q < c.num_qubits(); ++q) qubits.push_back(q);
  c.amplitude_embedding(std::move(values), std::move(qubits), how);
}

}  // namespace ml
QSIM_END_NAMESPACE
