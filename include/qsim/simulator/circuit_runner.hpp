#pragma once
// How a circuit is run, written once for every simulator: gate runs
// between measurements, collapse with seeded outcomes, terminal sampling,
// shot-by-shot runs after a deterministic prefix. A simulator supplies its
// state and the operations on it as an Engine (Simulator for one process,
// mpi::DistributedSimulator for a state split over ranks):
//   State new_state(unsigned num_qubits) const;
//   void apply_gates(const Operation* first, const Operation* last, State&, const Binding&) const;
//       (unconditioned gates, the engine may fuse them; for an exact engine
//       also unconditioned channels and resets, which it may fuse with them)
//   void apply_gate(const Operation&, State&, const Binding&) const;
//   int measure(State&, qubit_t, Rng&) const;           (outcome, with collapse)
//   void reset(State&, qubit_t, Rng&) const;
//   void apply_channel(const Operation&, State&, Rng&) const;  (a noise channel;
//       an exact engine gets only conditioned channels and resets here)
//   static constexpr bool exact_channels;  (channels and resets are deterministic:
//       a density matrix applies them whole, a state vector draws a branch;
//       an exact engine also has void dephase(State&, qubit_t) const)
//   void sample(const State&, std::uint64_t shots, std::uint64_t seed, Emit emit) const;
//       (emit(basis index, count), ascending)
//   unsigned shot_threads(const State&) const;  (threads over the shots of a per-shot run)
// and, for run_branched() (shot branching), also
//   double probability_one(const State&, qubit_t) const;
//   void collapse(State&, qubit_t, int outcome, double probability) const;
//   std::vector<double> branch_probabilities(const Operation& channel, const State&) const;
//   void apply_branch(const Operation& channel, State&, std::size_t branch, double probability) const;
#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "qsim/channels/channel.hpp"
#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/kernels/parallel.hpp"
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
        if (end > run_end(ops, i)) {
          draw_branches(ops, i, end, rng, drawn);
          engine_.apply_gates(drawn.data(), drawn.data() + drawn.size(), psi, b);
          i = end - 1;
          continue;
        }
      }
      if (joins_run(op)) {
        const std::size_t end = run_end(ops, i);
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
    // Gate runs are fused between measurements and barriers, never across them.
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (joins_run(ops[i])) {
        // An exact engine takes channels and resets in the run: the ensemble's maps, fused with the gates.
        const std::size_t end = run_end(ops, i);
        engine_.apply_gates(&ops[i], ops.data() + end, psi, b);
        i = end - 1;
        continue;
      }
      if constexpr (Engine::exact_channels) {
        // Measurements as loss of coherence.
        if (ops[i].kind == OpKind::measure)
          for (auto q : ops[i].targets) engine_.dephase(psi, q);
      }
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
    if (!key.has_readout_errors()) {
      for (const auto& [i, n] : by_index) counts[key(i)] += n;
      return counts;
    }
    // Readout errors flip each shot's record: one draw per shot and bit, in
    // index order from a stream of its own, so the counts depend on the seed only.
    Rng rng = Rng::substream(seed, ~std::uint64_t{0});
    for (const auto& [i, n] : by_index)
      for (std::uint64_t shot = 0; shot < n; ++shot) ++counts[key(i, rng)];
    return counts;
  }

  /// Mid-circuit measurement, reset or conditions: the deterministic prefix
  /// once, then the rest shot by shot, each shot with its own random stream.
  Counts run_per_shot(const Circuit& c, std::uint64_t shots, std::uint64_t seed, const Binding& b) const {
    const auto& ops = c.operations();
    const std::size_t prefix = deterministic_prefix(ops);
    State start = engine_.new_state(c.num_qubits());
    for (std::size_t i = 0; i < prefix; ++i) {
      if (!joins_run(ops[i])) continue;  // a barrier
      const std::size_t end = std::min(run_end(ops, i), prefix);
      engine_.apply_gates(&ops[i], ops.data() + end, start, b);
      i = end - 1;
    }
    Counts counts;
    const std::vector<bool> zeros(c.num_clbits());
    run_shots(c, prefix, {{&start, &zeros, 0, shots}}, seed, b, counts);
    return counts;
  }

  /**
   * Shot branching (as Qiskit Aer's): all shots advance together on one
   * state; at a measurement, reset or noise channel whose outcome is not
   * certain, each group of shots splits by multinomial draws and every
   * outcome drawn continues as a state of its own. A circuit with few
   * distinct branches costs a few simulations whatever the number of shots.
   * Once more than `max_branches` states would be live, each group finishes
   * shot by shot. Draws come from one stream in a fixed order, so counts
   * depend on the seed only, not on the thread count. The engine also
   * supplies probability_one(psi, q), collapse(psi, q, outcome, p),
   * branch_probabilities(op, psi) and apply_branch(op, psi, i, p).
   */
  Counts run_branched(const Circuit& c, std::uint64_t shots, std::uint64_t seed, const Binding& b,
                      std::size_t max_branches) const {
    const auto& ops = c.operations();
    const std::size_t tail = terminal_tail(c);
    Rng rng = Rng::substream(seed, ~std::uint64_t{0} - 1);
    std::vector<Branch> live;
    live.push_back({engine_.new_state(c.num_qubits()), std::vector<bool>(c.num_clbits(), false), shots, 0});
    for (std::size_t i = 0; i < tail; ++i) {
      const Operation& op = ops[i];
      if (joins_run(op)) {
        const std::size_t end = std::min(run_end(ops, i), tail);
        for (auto& br : live) engine_.apply_gates(&ops[i], ops.data() + end, br.psi, b);
        i = end - 1;
        continue;
      }
      std::vector<Branch> next;
      for (auto& br : live) {
        if (!condition_holds(op, br.clbits)) {
          next.push_back(std::move(br));
          continue;
        }
        split(op, std::move(br), rng, b, next);
      }
      live = std::move(next);
      if (live.size() > max_branches) return finish_per_shot(c, i + 1, std::move(live), seed, b);
    }
    // The terminal measurements: each branch's shots sampled from its state.
    const TerminalKeys key(c, tail);
    const bool noisy_read = key.has_readout_errors();
    Counts counts;
    for (std::size_t k = 0; k < live.size(); ++k) {
      const Branch& br = live[k];
      engine_.sample(br.psi, br.shots, Rng::substream(seed, k).bits(), [&](index_t index, std::uint64_t n) {
        if (!noisy_read) {
          counts[key(index, br.clbits)] += n;
          return;
        }
        for (std::uint64_t s = 0; s < n; ++s) ++counts[key(index, rng, br.clbits)];
      });
    }
    return counts;
  }

  /// Whether `op` belongs in a run given to Engine::apply_gates: an
  /// unconditioned gate, or for an exact engine an unconditioned channel or
  /// reset (deterministic maps of its state).
  static bool joins_run(const Operation& op) {
    if (op.condition) return false;
    return op.is_gate() || (Engine::exact_channels && (op.kind == OpKind::channel || op.kind == OpKind::reset));
  }

  /// How many leading operations every shot runs alike: runs and barriers
  /// without conditions (for an exact engine, channels and resets included).
  static std::size_t deterministic_prefix(const std::vector<Operation>& ops) {
    std::size_t i = 0;
    while (i < ops.size() && (joins_run(ops[i]) || (ops[i].kind == OpKind::barrier && !ops[i].condition))) ++i;
    return i;
  }

  /// End of the run of operations that joins_run() starting at `i`.
  static std::size_t run_end(const std::vector<Operation>& ops, std::size_t i) {
    while (i < ops.size() && joins_run(ops[i])) ++i;
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
  /// Shots first_shot .. first_shot + shots - 1, each from `start` and the classical bits `bits`.
  struct ShotRange {
    const State* start;
    const std::vector<bool>* bits;
    std::uint64_t first_shot, shots;
  };

  /// The shots of `ranges` from operation `from`, each with its own random
  /// stream, counted into `counts`. Pieces of the ranges run in parallel
  /// where the state is too small for threaded kernels (Engine::shot_threads);
  /// every shot draws from its own stream, so the counts do not depend on the split.
  void run_shots(const Circuit& c, std::size_t from, const std::vector<ShotRange>& ranges, std::uint64_t seed,
                 const Binding& b, Counts& counts) const {
    std::uint64_t total = 0;
    for (const auto& r : ranges) total += r.shots;
    if (total == 0) return;
    const unsigned threads = engine_.shot_threads(*ranges.front().start);
    // A few pieces per thread, so that uneven shots (conditions, resets) even out.
    const std::uint64_t piece = threads > 1 ? std::max<std::uint64_t>(1, total / (8ULL * threads)) : total;
    struct Piece {
      std::size_t range;
      std::uint64_t begin, end;
    };
    std::vector<Piece> pieces;
    for (std::size_t r = 0; r < ranges.size(); ++r)
      for (std::uint64_t begin = 0; begin < ranges[r].shots; begin += std::min(piece, ranges[r].shots - begin))
        pieces.push_back({r, begin, begin + std::min(piece, ranges[r].shots - begin)});
    const auto run_piece = [&](const Piece& p, Counts& out) {
      const ShotRange& r = ranges[p.range];
      State psi = *r.start;
      std::vector<bool> clbits;
      for (std::uint64_t s = p.begin; s < p.end; ++s) {
        if (s > p.begin) psi = *r.start;
        clbits = *r.bits;
        Rng rng = Rng::substream(seed, r.first_shot + s);
        run_ops(c, from, psi, clbits, rng, b);
        ++out[format_key(clbits, c.cregs())];
      }
    };
    if (threads <= 1 || pieces.size() == 1) {
      for (const auto& p : pieces) run_piece(p, counts);
      return;
    }
    std::vector<Counts> partial(pieces.size());
    kernels::parallel_tasks(static_cast<std::ptrdiff_t>(pieces.size()), threads, [&](std::ptrdiff_t i) {
      run_piece(pieces[static_cast<std::size_t>(i)], partial[static_cast<std::size_t>(i)]);
    });
    for (const auto& part : partial)  // in piece order
      for (const auto& [key, n] : part) counts[key] += n;
  }

  struct Branch {
    State psi;
    std::vector<bool> clbits;
    std::uint64_t shots;
    std::uint64_t first_shot;  // the shot numbers a per-shot fallback gives this group
  };

  // Where the unconditioned measurements and barriers that end the circuit begin.
  static std::size_t terminal_tail(const Circuit& c) {
    const auto& ops = c.operations();
    std::size_t tail = ops.size();
    std::vector<bool> measured(c.num_qubits(), false);
    while (tail > 0) {
      const Operation& op = ops[tail - 1];
      if (op.condition || (op.kind != OpKind::measure && op.kind != OpKind::barrier)) break;
      // A qubit measured twice at the end, or a bit written twice: keep the earlier one in the branching part.
      bool repeat = false;
      for (auto q : op.targets) repeat = repeat || (op.kind == OpKind::measure && measured[q]);
      if (repeat) break;
      for (auto q : op.targets)
        if (op.kind == OpKind::measure) measured[q] = true;
      --tail;
    }
    return tail;
  }

  // n shots split with probability p: how many take the outcome.
  static std::uint64_t binomial(std::uint64_t n, double p, Rng& rng) {
    if (n == 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (n <= 32) {
      std::uint64_t k = 0;
      for (std::uint64_t s = 0; s < n; ++s) k += rng.uniform() < p ? 1 : 0;
      return k;
    }
    struct Bits {
      Rng& r;
      using result_type = std::uint64_t;
      static constexpr result_type min() { return 0; }
      static constexpr result_type max() { return ~result_type{0}; }
      result_type operator()() { return r.bits(); }
    } bits{rng};
    return std::binomial_distribution<std::uint64_t>(n, p)(bits);
  }

  // The shots of one group split over outcomes of probabilities p (summing to about 1).
  static std::vector<std::uint64_t> multinomial(std::uint64_t n, const std::vector<double>& p, Rng& rng) {
    std::vector<std::uint64_t> k(p.size(), 0);
    double rest = 0;
    for (double x : p) rest += x;
    for (std::size_t i = 0; i + 1 < p.size() && n > 0; ++i) {
      k[i] = binomial(n, rest > 0 ? std::min(1.0, p[i] / rest) : 0.0, rng);
      n -= k[i];
      rest -= p[i];
    }
    if (!p.empty()) k.back() += n;
    return k;
  }

  // `br` after `op` (its condition holds), as one or more branches appended to `out`.
  void split(const Operation& op, Branch br, Rng& rng, const Binding& b, std::vector<Branch>& out) const {
    switch (op.kind) {
      case OpKind::gate:
        engine_.apply_gate(op, br.psi, b);
        out.push_back(std::move(br));
        return;
      case OpKind::barrier:
        out.push_back(std::move(br));
        return;
      case OpKind::measure: {
        std::vector<Branch> group;
        group.push_back(std::move(br));
        for (std::size_t j = 0; j < op.targets.size(); ++j) {
          std::vector<Branch> after;
          for (auto& g : group)
            measure_split(std::move(g), op.targets[j], op.clbits[j], op.readout ? &(*op.readout)[j] : nullptr, rng,
                          after);
          group = std::move(after);
        }
        for (auto& g : group) out.push_back(std::move(g));
        return;
      }
      case OpKind::reset:
        measure_split(std::move(br), op.targets[0], -1, nullptr, rng, out);
        return;
      case OpKind::channel: {
        const std::vector<double> p = engine_.branch_probabilities(op, br.psi);
        const std::vector<std::uint64_t> k = multinomial(br.shots, p, rng);
        std::size_t last = p.size();
        for (std::size_t i = 0; i < p.size(); ++i)
          if (k[i] > 0) last = i;
        std::uint64_t first = br.first_shot;
        for (std::size_t i = 0; i < p.size(); ++i) {
          if (k[i] == 0) continue;
          Branch g = i == last ? std::move(br) : Branch{br.psi, br.clbits, 0, 0};
          g.shots = k[i];
          g.first_shot = first;
          first += k[i];
          engine_.apply_branch(op, g.psi, i, p[i]);
          out.push_back(std::move(g));
        }
        return;
      }
    }
  }

  // Splits `br` by the outcome of qubit q, recorded in clbit `cb` through
  // `error`; cb < 0 is a reset (the outcome 1 is flipped back to 0).
  void measure_split(Branch br, qubit_t q, long cb, const ReadoutError* error, Rng& rng,
                     std::vector<Branch>& out) const {
    const double p1 = engine_.probability_one(br.psi, q);
    const std::uint64_t ones = binomial(br.shots, p1, rng), zeros = br.shots - ones;
    const auto settle = [&](Branch g, int outcome) {
      const double p = outcome ? p1 : 1.0 - p1;
      if (p < 1.0) engine_.collapse(g.psi, q, outcome, p);
      if (cb < 0) {
        if (outcome == 1) engine_.apply_gate(make_gate(GateId::x, {q}), g.psi, {});
        out.push_back(std::move(g));
        return;
      }
      // The readout error splits the record, not the state.
      const std::uint64_t flipped = error ? binomial(g.shots, outcome ? error->p0_given_1 : error->p1_given_0, rng) : 0;
      if (flipped > 0 && flipped < g.shots) {
        Branch f{g.psi, g.clbits, flipped, g.first_shot + g.shots - flipped};
        f.clbits[static_cast<std::size_t>(cb)] = outcome == 0;
        g.shots -= flipped;
        g.clbits[static_cast<std::size_t>(cb)] = outcome == 1;
        out.push_back(std::move(g));
        out.push_back(std::move(f));
        return;
      }
      g.clbits[static_cast<std::size_t>(cb)] = (outcome == 1) != (flipped > 0);
      out.push_back(std::move(g));
    };
    if (ones == 0) return settle(std::move(br), 0);
    if (zeros == 0) return settle(std::move(br), 1);
    Branch one{br.psi, br.clbits, ones, br.first_shot + zeros};
    br.shots = zeros;
    settle(std::move(br), 0);
    settle(std::move(one), 1);
  }

  // The rest of the circuit, from operation `from`, shot by shot for every group.
  Counts finish_per_shot(const Circuit& c, std::size_t from, std::vector<Branch> groups, std::uint64_t seed,
                         const Binding& b) const {
    std::vector<ShotRange> ranges;
    for (const auto& g : groups) ranges.push_back({&g.psi, &g.clbits, g.first_shot, g.shots});
    Counts counts;
    run_shots(c, from, ranges, seed, b, counts);
    return counts;
  }

  Engine engine_;
};

}  // namespace detail
QSIM_END_NAMESPACE
