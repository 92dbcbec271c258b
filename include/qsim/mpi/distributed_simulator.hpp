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
    run_ops(c, 0, psi, clbits, rng, b);
  }

  /// Marginal probabilities of `qubits` after the circuit's gates (measurements ignored).
  std::vector<double> probabilities(const Circuit& c, const std::vector<qubit_t>& qubits, const Binding& b = {}) const {
    return mpi::probabilities(unitary_part(c, b), qubits);
  }

  /// <P> after the circuit's gates for a Qiskit-ordered Pauli string.
  double expectation(const Circuit& c, const std::string& pauli, const Binding& b = {}) const {
    return mpi::expectation(unitary_part(c, b), pauli);
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
    return c.has_mid_circuit_operations() ? run_per_shot(c, shots, seed, b) : run_sampled(c, shots, seed, b);
  }

 private:
  void check(const Circuit& c, const State& psi) const {
    if (!comm_->same_group(psi.communicator()))
      throw invalid_argument("the state lives on a different communicator than the simulator");
    if (psi.num_qubits() != c.num_qubits())
      throw invalid_argument("a " + std::to_string(c.num_qubits()) + "-qubit circuit applied to a " +
                             std::to_string(psi.num_qubits()) + "-qubit distributed state");
    comm_->require_same(c.size(), "the number of operations in the circuit");
  }

  void run_ops(const Circuit& c, std::size_t first, State& psi, std::vector<bool>& clbits, Rng& rng,
               const Binding& b) const {
    const auto& ops = c.operations();
    for (std::size_t i = first; i < ops.size(); ++i) {
      const Operation& op = ops[i];
      if (!qsim::detail::condition_holds(op, clbits)) continue;
      if (op.kind == OpKind::gate) {
        detail::apply_validated_gate(psi, op, b, strategy_);
      } else if (op.kind == OpKind::measure) {
        for (std::size_t j = 0; j < op.targets.size(); ++j)
          clbits[op.clbits[j]] = measure(psi, op.targets[j], rng) == 1;
      } else if (op.kind == OpKind::reset && measure(psi, op.targets[0], rng) == 1) {
        detail::apply_validated_gate(psi, make_gate(GateId::x, {op.targets[0]}), {}, strategy_);
      }
    }
  }

  State unitary_part(const Circuit& c, const Binding& b) const {
    State psi(c.num_qubits(), comm_);
    check(c, psi);
    for (const auto& op : c.operations()) {
      if (op.kind == OpKind::reset || (op.is_gate() && op.condition))
        throw invalid_argument("probabilities/expectation of a circuit with resets or conditions: use run()");
      if (op.is_gate()) detail::apply_validated_gate(psi, op, b, strategy_);
    }
    return psi;
  }

  Counts run_sampled(const Circuit& c, std::uint64_t shots, std::uint64_t seed, const Binding& b) const {
    const qsim::detail::TerminalKeys key(c);
    Counts counts;
    for (const auto& [i, n] : sample_counts(unitary_part(c, b), shots, seed)) counts[key(i)] += n;
    return counts;
  }

  // The deterministic prefix once, then each shot from a copy with its own
  // random stream (the same streams as Simulator, so the same counts).
  Counts run_per_shot(const Circuit& c, std::uint64_t shots, std::uint64_t seed, const Binding& b) const {
    const auto& ops = c.operations();
    State start(c.num_qubits(), comm_);
    check(c, start);
    const std::size_t prefix = qsim::detail::deterministic_prefix(c);
    for (std::size_t i = 0; i < prefix; ++i)
      if (ops[i].is_gate()) detail::apply_validated_gate(start, ops[i], b, strategy_);
    Counts counts;
    std::vector<bool> clbits(c.num_clbits());
    for (std::uint64_t shot = 0; shot < shots; ++shot) {
      State psi = start;
      std::fill(clbits.begin(), clbits.end(), false);
      Rng rng = Rng::substream(seed, shot);
      run_ops(c, prefix, psi, clbits, rng, b);
      ++counts[format_key(clbits, c.cregs())];
    }
    return counts;
  }

  std::shared_ptr<const Communicator> comm_;
  GlobalGateStrategy strategy_;
};

}  // namespace mpi
QSIM_END_NAMESPACE
