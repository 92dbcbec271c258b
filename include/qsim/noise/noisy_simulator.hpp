#pragma once
// Runs circuits under a noise model by one of two methods: trajectories on
// the state vector (the memory of one state, one Kraus branch drawn per
// shot) or the density matrix (exact, 4^n entries). The automatic choice
// takes the density matrix where it is the cheaper of the two.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/measure/counts.hpp"
#include "qsim/noise/density_matrix.hpp"
#include "qsim/noise/noise_model.hpp"
#include "qsim/simulator/simulator.hpp"

QSIM_BEGIN_NAMESPACE

enum class NoiseMethod {
  /// The density matrix when the circuit has channels, n <= max_density_qubits
  /// and 2^n <= shots (a shot of trajectories costs 2^n per gate, the
  /// density matrix 4^n once); trajectories otherwise.
  automatic,
  trajectories,
  density_matrix,
};

struct NoisySimulatorOptions {
  NoiseMethod method = NoiseMethod::automatic;
  /// The automatic choice never takes a density matrix above this width (12: 256 MiB in double).
  unsigned max_density_qubits = 12;
  /// Threads, fusion, blocking and limits of the simulator underneath.
  SimulatorOptions simulator;
};

/**
 * @code
 *   qsim::NoiseModel noise;
 *   noise.add_all_qubit_error(qsim::channels::depolarizing(0.01), {"h"});
 *   noise.add_all_qubit_error(qsim::channels::depolarizing2(0.02), {"cx"});
 *   noise.add_all_qubit_readout_error({0.02, 0.05});
 *   qsim::NoisySimulator<double> sim(noise);
 *   qsim::Counts counts = sim.run(ghz, 1000, 42);
 * @endcode
 */
template <class T>
class NoisySimulator {
 public:
  explicit NoisySimulator(NoiseModel model, NoisySimulatorOptions options = {})
      : model_(std::move(model)), options_(options) {}

  const NoiseModel& noise_model() const noexcept { return model_; }
  const NoisySimulatorOptions& options() const noexcept { return options_; }

  /// The method run() takes for `c` and `shots` (never automatic).
  NoiseMethod method_for(const Circuit& c, std::uint64_t shots) const {
    return method_for_noisy(model_.apply(c), shots);
  }

  /// Counts of `shots` runs of `c` under the model; the same seed gives the same counts.
  Counts run(const Circuit& c, std::uint64_t shots, std::uint64_t seed = 0, const Binding& b = {}) const {
    const Circuit noisy = model_.apply(c);
    if (method_for_noisy(noisy, shots) == NoiseMethod::density_matrix)
      return DensityMatrixSimulator<T>(options_.simulator).run(noisy, shots, seed, b);
    return Simulator<T>(options_.simulator).run(noisy, shots, seed, b);
  }

  /// Exact probabilities of each basis state under the model (density matrix; measurements dephase).
  std::vector<double> probabilities(const Circuit& c, const Binding& b = {}) const {
    return density_matrix(c, b).probabilities();
  }

  /// The exact expectation value of `h` under the model (density matrix).
  double expectation(const Circuit& c, const PauliSum& h, const Binding& b = {}) const {
    h.check_fits(c.num_qubits());
    return density_matrix(c, b).expectation(h);
  }

  /// The exact noisy state (refused when 4^n entries do not fit in memory).
  DensityMatrix<T> density_matrix(const Circuit& c, const Binding& b = {}) const {
    if (options_.method == NoiseMethod::trajectories)
      throw invalid_argument(
          "density_matrix/probabilities need the density-matrix method, but this simulator is "
          "set to trajectories");
    return DensityMatrixSimulator<T>(options_.simulator).density_matrix(model_.apply(c), b);
  }

 private:
  NoiseMethod method_for_noisy(const Circuit& noisy, std::uint64_t shots) const {
    if (options_.method != NoiseMethod::automatic) return options_.method;
    const Circuit& c = noisy;
    const bool small = c.num_qubits() <= options_.max_density_qubits &&
                       std::ldexp(1.0, static_cast<int>(c.num_qubits())) <= static_cast<double>(shots);
    return noisy.has_channels() && small ? NoiseMethod::density_matrix : NoiseMethod::trajectories;
  }

  NoiseModel model_;
  NoisySimulatorOptions options_;
};

QSIM_END_NAMESPACE
