#pragma once
// How a circuit is run, written once for every simulator: gate runs
// between measurements, collapse with seeded outcomes, terminal sampling,
// shot-by-shot runs after a deterministic prefix. A simulator supplies its
// state and the operations on it as an Engine (Simulator for one process,
// mpi::DistributedSimulator for a state split over ranks):
//   State new_state(unsigned num_qubits) const;
//   void apply_gates(const Operation* first, const Operation* last, State&, const Binding&) const;
//       (unconditioned gates; the engine may fuse them)
//   void apply_gate(const Operation&, State&, const Binding&) const;
//   int measure(State&, qubit_t, Rng&) const;           (outcome, with collapse)
//   void reset(State&, qubit_t, Rng&) const;
//   void apply_channel(const Operation&, State&, Rng&) const;  (a noise channel)
//   static constexpr bool exact_channels;  (channels and resets are deterministic:
//       a density matrix applies them whole, a state vector draws a branch;
//       an exact engine also has void dephase(State&, qubit_t) const)
//   void sample(const State&, std::uint64_t shots, std::uint64_t seed, Emit emit) const;
//       (emit(basis index, count), ascending)
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "qsim/channels/channel.hpp"
#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/measure/classical_bits.hpp"
#include "qsim/measure/counts.hpp"
#include "qsim/measure/random.hpp"

QSIM_BEGIN_NAMESPACE
namespace detail {

template <class Engine>
class CircuitRunner {
 public:
  using State = typename Engine::State;

  explicit CircuitRunner(Engine engine) : engine_(std::move(engine)) {}

  /// Runs operations [first, end) of c on psi, updating the classical bits.
  void run_ops(const Circuit& c, std::size_t first, State& psi, std::vector<bool>& clbits, Rng& rng,
               const Binding& b) const {
    const auto& ops = c.operations();
    std::vector<Operation> drawn;
    for (std::size_t i = first; i < ops.size(); ++i) {
      const Operation& op = ops[i];
      if constexpr (!Engine::exact_channels) {
        // A trajectory draws each unitary-mixture channel's branch up front, so
        // the gates and the drawn unitaries run (and fuse) as one run of gates.
        const std::size_t end = mixture_run_end(ops, i);
        if (end > gate_run_end(ops, i)) {
          draw_branches(ops, i, end, rng, drawn);
          engine_.apply_gates(drawn.data(), drawn.data() + drawn.size(), psi, b);
          i = end - 1;
          continue;
        }
      }
      if (op.is_gate() && !op.condition) {
        const std::size_t end = gate_run_end(ops, i);
        engine_.apply_gates(&ops[i], ops.data() + end, psi, b);
        i = end - 1;
        continue;
      }
      if (!condition_holds(op, clbits)) continue;
      switch (op.kind) {
        case OpKind::gate:
          engine_.apply_gate(op, psi, b);
          break;
        case OpKind::measure:
          for (std::size_t j = 0; j < op.targets.size(); ++j) {
            const bool outcome = engine_.measure(psi, op.targets[j], rng) == 1;
            // A readout error changes the record, not the collapsed state.
            clbits[op.clbits[j]] = op.readout ? (*op.readout)[j].record(outcome, rng.uniform()) : outcome;
          }
          break;
        case OpKind::reset:
          engine_.reset(psi, op.targets[0], rng);
          break;
        case OpKind::channel:
          engine_.apply_channel(op, psi, rng);
          break;
        case OpKind::barrier:
          break;
      }
    }
  }

  /// The state after all gates, measurements and barriers skipped (an exact
  /// engine applies channels and resets, and dephases measured qubits); `what`
  /// names the caller in the refusal of resets and conditions.
  State unitary_part(const Circuit& c, const Binding& b, const std::string& what) const {
    const auto& ops = c.operations();
    for (const auto& op : ops) {
      if (op.condition && op.kind != OpKind::measure)
        throw invalid_argument(what + " of a circuit with classically conditioned operations: use run()");
      if (Engine::exact_channels) continue;
      if (op.kind == OpKind::reset) throw invalid_argument(what + " of a circuit with reset: use run()");
      if (op.kind == OpKind::channel)
        throw invalid_argument(what +
                               " of a circuit with noise channels: use run() (one trajectory per shot) or "
                               "DensityMatrixSimulator (exact)");
    }
    State psi = engine_.new_state(c.num_qubits());
    Rng unused(0);  // exact channels and resets draw nothing
    // Gate runs are fused between measurements and barriers, never across them.
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if constexpr (Engine::exact_channels) {
        // The ensemble: channels and resets whole, measurements as loss of coherence.
        if (ops[i].kind == OpKind::channel) engine_.apply_channel(ops[i], psi, unused);
        if (ops[i].kind == OpKind::reset) engine_.reset(psi, ops[i].targets[0], unused);
        if (ops[i].kind == OpKind::measure)
          for (auto q : ops[i].targets) engine_.dephase(psi, q);
      }
      if (!ops[i].is_gate()) continue;
      const std::size_t end = gate_run_end(ops, i);
      engine_.apply_gates(&ops[i], ops.data() + end, psi, b);
      i = end - 1;
    }
    return psi;
  }

  /// Terminal measurements only: one simulation, then O(2^n + shots) sampling.
  Counts run_sampled(const Circuit& c, std::uint64_t shots, std::uint64_t seed, const Binding& b,
                     const std::string& what) const {
    const TerminalKeys key(c);
    std::map<index_t, std::uint64_t> by_index;
    engine_.sample(unitary_part(c, b, what), shots, seed, [&](index_t i, std::uint64_t n) { by_index[i] += n; });
    Counts counts;
    if (!c.has_readout_errors()) {
      for (const auto& [i, n] : by_index) counts[key(i)] += n;
      return counts;
    }
    // Readout errors flip each shot's record: one draw per shot and bit, in
    // index order from a stream of its own, so the counts depend on the seed only.
    const auto errors = terminal_readout(c);
    Rng rng = Rng::substream(seed, ~std::uint64_t{0});
    for (const auto& [i, n] : by_index)
      for (std::uint64_t shot = 0; shot < n; ++shot) ++counts[key(i, errors, rng)];
    return counts;
  }

  /// Mid-circuit measurement, reset or conditions: the deterministic prefix
  /// once, then the rest shot by shot, each shot with its own random stream.
  Counts run_per_shot(const Circuit& c, std::uint64_t shots, std::uint64_t seed, const Binding& b) const {
    const auto& ops = c.operations();
    const std::size_t prefix = deterministic_prefix(c);
    State start = engine_.new_state(c.num_qubits());
    for (std::size_t i = 0; i < prefix; ++i) {
      if (!ops[i].is_gate()) continue;
      const std::size_t end = std::min(gate_run_end(ops, i), prefix);
      engine_.apply_gates(&ops[i], ops.data() + end, start, b);
      i = end - 1;
    }
    Counts counts;
    State psi = start;
    std::vector<bool> clbits(c.num_clbits());
    for (std::uint64_t shot = 0; shot < shots; ++shot) {
      if (shot > 0) psi = start;
      std::fill(clbits.begin(), clbits.end(), false);
      Rng rng = Rng::substream(seed, shot);
      run_ops(c, prefix, psi, clbits, rng, b);
      ++counts[format_key(clbits, c.cregs())];
    }
    return counts;
  }

  /// End of the run of unconditioned gates starting at `i`.
  static std::size_t gate_run_end(const std::vector<Operation>& ops, std::size_t i) {
    while (i < ops.size() && ops[i].is_gate() && !ops[i].condition) ++i;
    return i;
  }

  /// End of the run of unconditioned gates and unitary-mixture channels starting at `i`.
  static std::size_t mixture_run_end(const std::vector<Operation>& ops, std::size_t i) {
    while (i < ops.size() && !ops[i].condition &&
           (ops[i].is_gate() || (ops[i].kind == OpKind::channel && ops[i].channel->is_unitary_mixture())))
      ++i;
    return i;
  }

  /// ops[first, end) with one branch drawn for each channel (one uniform
  /// number per channel, in order); identity branches are left out.
  static void draw_branches(const std::vector<Operation>& ops, std::size_t first, std::size_t end, Rng& rng,
                            std::vector<Operation>& out) {
    out.clear();
    for (std::size_t i = first; i < end; ++i) {
      if (ops[i].is_gate()) {
        out.push_back(ops[i]);
        continue;
      }
      const Channel& ch = *ops[i].channel;
      const std::size_t k = channels::draw_mixture_branch(ch, rng.uniform());
      if (!channels::is_identity_branch(ch, k)) out.push_back(make_unitary(ch.unitaries[k], ops[i].targets, ch.name));
    }
  }

 private:
  Engine engine_;
};

}  // namespace detail
QSIM_END_NAMESPACE
