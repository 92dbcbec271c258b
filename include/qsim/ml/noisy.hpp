#pragma once
// Expectation values and gradients of a circuit under a noise model: exact
// on the density matrix, or estimated from trajectories (seeded, with a
// standard error). Gradients by the parameter-shift rule, which holds for
// noisy expectation values too: the noise acts after each gate and does not
// depend on its angle. (The adjoint method needs a unitary circuit.)
#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <vector>

#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/measure/random.hpp"
#include "qsim/ml/adjoint.hpp"
#include "qsim/ml/expectation.hpp"
#include "qsim/ml/pauli_sum.hpp"
#include "qsim/ml/shift_rule.hpp"
#include "qsim/noise/density_matrix.hpp"
#include "qsim/noise/noise_model.hpp"
#include "qsim/noise/noisy_simulator.hpp"
#include "qsim/simulator/simulator.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {

/// How noisy expectation values are computed.
struct NoisyEvaluation {
  /// automatic: the density matrix up to max_density_qubits, trajectories above.
  NoiseMethod method = NoiseMethod::automatic;
  unsigned max_density_qubits = 10;
  /// Trajectories per expectation value, and the seed of the first.
  std::uint64_t trajectories = 1000;
  std::uint64_t seed = 0;
};

/// Noisy expectation values of several observables, with their standard errors (0 when exact).
struct NoisyExpectations {
  std::vector<double> values;
  std::vector<double> standard_errors;
};

/**
 * The observable whose exact expectation equals what readout errors make of
 * `h` when each Pauli factor is measured (after the usual basis change): a
 * factor P_q read through a qubit with flip rates p10 = P(1|0), p01 = P(0|1)
 * averages to alpha_q + beta_q P_q, with alpha = p01 - p10 and
 * beta = 1 - p10 - p01, and a string's factors multiply (independent errors).
 */
inline PauliSum readout_observable(const PauliSum& h, const NoiseModel& model) {
  PauliSum out;
  for (const auto& t : h.terms()) {
    std::vector<unsigned> noisy;  // qubits of the string with a readout error
    const index_t support = t.x_mask | t.z_mask;
    for (unsigned q = 0; q < 64; ++q)
      if (((support >> q) & 1U) && model.readout_error(q) && !model.readout_error(q)->is_ideal()) noisy.push_back(q);
    if (noisy.size() > 20)
      throw invalid_argument("readout errors on a Pauli string over " + std::to_string(noisy.size()) +
                             " noisy qubits: at most 20 are supported");
    // Every subset of the noisy qubits keeps its factors (beta) and drops the others (alpha).
    for (std::size_t subset = 0; subset < (std::size_t{1} << noisy.size()); ++subset) {
      PauliTerm part = t;
      for (std::size_t j = 0; j < noisy.size(); ++j) {
        const ReadoutError e = *model.readout_error(noisy[j]);
        const index_t bit = index_t{1} << noisy[j];
        if ((subset >> j) & 1U) {
          part.coeff *= 1 - e.p1_given_0 - e.p0_given_1;
        } else {
          part.coeff *= e.p0_given_1 - e.p1_given_0;
          part.x_mask &= ~bit;
          part.z_mask &= ~bit;
        }
      }
      if (part.coeff != 0) out.add(part);
    }
  }
  return out;
}

/// <O> for each observable after the noisy circuit (a model's apply(), or a circuit with channels).
template <class T = double>
NoisyExpectations noisy_expectations(const Circuit& noisy, const std::vector<PauliSum>& observables, const Binding& b,
                                     const NoisyEvaluation& how = {}) {
  for (const auto& o : observables) o.check_fits(noisy.num_qubits());
  const std::size_t no = observables.size();
  NoisyExpectations out{std::vector<double>(no, 0.0), std::vector<double>(no, 0.0)};
  const bool density = how.method == NoiseMethod::density_matrix ||
                       (how.method == NoiseMethod::automatic && noisy.num_qubits() <= how.max_density_qubits);
  if (density) {
    const DensityMatrix<T> rho = DensityMatrixSimulator<T>(SimulatorOptions{1}).density_matrix(noisy, b);
    for (std::size_t o = 0; o < no; ++o)
      for (const auto& t : observables[o].terms()) out.values[o] += t.coeff * rho.pauli_expectation(t.x_mask, t.z_mask);
    return out;
  }
  if (how.trajectories < 2) throw invalid_argument("noisy expectations by trajectories need at least 2 trajectories");
  // Each trajectory's exact <psi|O|psi>, averaged; its spread gives the standard error.
  const Simulator<T> sim(SimulatorOptions{1});
  std::vector<double> sum(no, 0.0), sum_sq(no, 0.0);
  for (std::uint64_t k = 0; k < how.trajectories; ++k) {
    const StateVector<T> psi = sim.statevector(noisy, Rng::substream(how.seed, k).bits(), b);
    for (std::size_t o = 0; o < no; ++o) {
      const double e = expectation(psi, observables[o]);
      sum[o] += e;
      sum_sq[o] += e * e;
    }
  }
  const auto m = static_cast<double>(how.trajectories);
  for (std::size_t o = 0; o < no; ++o) {
    out.values[o] = sum[o] / m;
    const double variance = std::max(0.0, (sum_sq[o] - m * out.values[o] * out.values[o]) / (m - 1));
    out.standard_errors[o] = std::sqrt(variance / m);
  }
  return out;
}

/**
 * <H> of `c` under `model` (readout errors included, see readout_observable) and its gradient with respect to every
 * weight and feature, by the parameter-shift rule on noisy expectation values (exact on the density matrix; on
 * trajectories each shifted run reuses the seeds, so the estimate's noise partly cancels in the differences).
 */
template <class T = double>
Gradient noisy_parameter_shift_gradient(const Circuit& c, const PauliSum& h, const Binding& b, const NoiseModel& model,
                                        const NoisyEvaluation& how = {}) {
  const detail::ShiftPlan plan(c, b);
  const Circuit noisy = model.apply(plan.shifted);
  const PauliSum read = readout_observable(h, model);
  Eigen::VectorXd y(plan.x.rows());
  for (Eigen::Index r = 0; r < plan.x.rows(); ++r) {
    const Eigen::VectorXd row = plan.x.row(r).transpose();
    const Binding shifted{nullptr, 0, row.data(), static_cast<std::size_t>(row.size())};
    y(r) = noisy_expectations<T>(noisy, {read}, shifted, how).values[0];
  }
  return plan.combine(y, b);
}

}  // namespace ml
QSIM_END_NAMESPACE
