#pragma once
#include <mpi.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/measure/classical_bits.hpp"
#include "qsim/measure/counts.hpp"
#include "qsim/measure/random.hpp"
#include "qsim/mpi/communicator.hpp"
#include "qsim/mpi/distributed_gates.hpp"
#include "qsim/mpi/distributed_measure.hpp"
#include "qsim/mpi/distributed_state_vector.hpp"
#include "qsim/simulator/circuit_runner.hpp"
#include "qsim/simulator/simulator.hpp"

QSIM_BEGIN_NAMESPACE
namespace mpi {

/**
 * `qsim::Simulator`'s API on a state split over the ranks of a communicator.
 * Every call is collective: all ranks pass the same circuit, shots and seed
 * (checked) and get the same result; the same seed gives the same counts as
 * `Simulator<T>` in one process.
 * @code
 *   qsim::Circuit c(30);
 *   c.h(0);
 *   for (unsigned q = 1; q < 30; ++q) c.cx(q - 1, q);
 *   c.measure_all();
 *   qsim::mpi::DistributedSimulator<double> sim;          // MPI_COMM_WORLD
 *   qsim::Counts counts = sim.run(c, 1000, 42);            // on every rank
 * @endcode
 */
template <class T>
class DistributedSimulator {
 public:
  using State = DistributedStateVector<T>;

  explicit DistributedSimulator(MPI_Comm comm = MPI_COMM_WORLD,
                                GlobalGateStrategy strategy = GlobalGateStrategy::automatic)
      : comm_(std::make_shared<const Communicator>(comm)), strategy_(strategy) {}

  const Communicator& communicator() const noexcept { return *comm_; }

  /// The distributed state after every operation of `c` from |0...0>
  /// (measurements collapse with outcomes drawn from `seed`).
  State statevector(const Circuit& c, std::uint64_t seed = 0, const Binding& b = {}) const {
    State psi(c.num_qubits(), comm_);
    apply(c, psi, seed, b);
    return psi;
  }

  /// Applies `c` to `psi` in place.
  void apply(const Circuit& c, State& psi, std::uint64_t seed = 0, const Binding& b = {}) const {
    check(c, psi);
    comm_->require_same(seed, "the seed");
    std::vector<bool> clbits(c.num_clbits(), false);
    Rng rng(seed);
    runner().run_ops(c, 0, psi, clbits, rng, b);
  }

  /// Marginal probabilities of `qubits` after the circuit's gates (measurements ignored).
  std::vector<double> probabilities(const Circuit& c, const std::vector<qubit_t>& qubits, const Binding& b = {}) const {
    check_circuit(c);
    return mpi::probabilities(runner().unitary_part(c, b, "probabilities/expectation"), qubits);
  }

  /// <H> after the circuit's gates, as Simulator::expectation.
  double expectation(const Circuit& c, const PauliSum& h, const Binding& b = {}) const {
    check_circuit(c);
    h.check_fits(c.num_qubits());
    return mpi::expectation(runner().unitary_part(c, b, "probabilities/expectation"), h);
  }
  /// <P> for a Pauli string in Qiskit's label order ("XIZ": Z on qubit 0), as PauliSum::from_label.
  double expectation(const Circuit& c, const std::string& label, const Binding& b = {}) const {
    if (label.size() != c.num_qubits())
      throw invalid_argument("Pauli string \"" + label + "\" has " + std::to_string(label.size()) + " letters for a " +
                             std::to_string(c.num_qubits()) + "-qubit circuit");
    return expectation(c, PauliSum::from_label(label), b);
  }

  /// Counts keyed as in Qiskit, identical on every rank (see Simulator::run).
  Counts run(const Circuit& c, std::uint64_t shots, std::uint64_t seed = 0, const Binding& b = {}) const {
    if (c.num_clbits() == 0)
      throw invalid_argument(
          "the circuit has no classical bits to count: add measure_all() or measure(), or use probabilities()");
    comm_->require_same(shots, "the number of shots");
    comm_->require_same(seed, "the seed");
    const std::uint64_t max_shots = SimulatorOptions{}.max_shots;  // the single-process default
    if (shots > max_shots)
      throw invalid_argument(std::to_string(shots) + " shots exceed the limit of " + std::to_string(max_shots));
    check_circuit(c);
    return c.has_mid_circuit_operations() ? runner().run_per_shot(c, shots, seed, b)
                                          : runner().run_sampled(c, shots, seed, b, "probabilities/expectation");
  }

 private:
  void check(const Circuit& c, const State& psi) const {
    if (!comm_->same_group(psi.communicator()))
      throw invalid_argument("the state lives on a different communicator than the simulator");
    if (psi.num_qubits() != c.num_qubits())
      throw invalid_argument("a " + std::to_string(c.num_qubits()) + "-qubit circuit applied to a " +
                             std::to_string(psi.num_qubits()) + "-qubit distributed state");
    check_circuit(c);
  }

  void check_circuit(const Circuit& c) const {
    comm_->require_same(c.size(), "the number of operations in the circuit");
    if (c.has_channels())
      throw invalid_argument(
          "the distributed simulator does not run noise channels yet: use Simulator or DensityMatrixSimulator");
  }

  // What the shared control flow (qsim::detail::CircuitRunner) needs: gates
  // one by one (a global qubit may need an exchange), collective measurement.
  struct Engine {
    using State = DistributedStateVector<T>;
    const DistributedSimulator& sim;
    State new_state(unsigned num_qubits) const { return State(num_qubits, sim.comm_); }
    void apply_gates(const Operation* first, const Operation* last, State& psi, const Binding& b) const {
      for (const Operation* op = first; op != last; ++op) apply_gate(*op, psi, b);
    }
    void apply_gate(const Operation& op, State& psi, const Binding& b) const {
      detail::apply_validated_gate(psi, op, b, sim.strategy_);
    }
    int measure(State& psi, qubit_t q, Rng& rng) const { return mpi::measure(psi, q, rng); }
    void reset(State& psi, qubit_t q, Rng& rng) const {
      if (measure(psi, q, rng) == 1) apply_gate(make_gate(GateId::x, {q}), psi, {});
    }
    static constexpr bool exact_channels = false;
    unsigned shot_threads(const State&) const { return 1; }        // every shot is collective
    void apply_channel(const Operation& op, State&, Rng&) const {  // check_circuit refused it already
      throw invalid_argument("the distributed simulator does not run noise channels yet (" + op.name() + ")");
    }
    template <class Emit>
    void sample(const State& psi, std::uint64_t shots, std::uint64_t seed, Emit&& emit) const {
      for (const auto& [i, n] : sample_counts(psi, shots, seed)) emit(i, n);
    }
  };
  qsim::detail::CircuitRunner<Engine> runner() const { return qsim::detail::CircuitRunner<Engine>(Engine{*this}); }

  std::shared_ptr<const Communicator> comm_;
  GlobalGateStrategy strategy_;
};

}  // namespace mpi
QSIM_END_NAMESPACE
