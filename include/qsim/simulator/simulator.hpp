#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "qsim/blocking/cache_info.hpp"
#include "qsim/blocking/cost_model.hpp"
#include "qsim/blocking/executor.hpp"
#include "qsim/blocking/schedule.hpp"
#include "qsim/channels/trajectory.hpp"
#include "qsim/circuit/apply_gate.hpp"
#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/fusion/fuser.hpp"
#include "qsim/measure/classical_bits.hpp"
#include "qsim/measure/counts.hpp"
#include "qsim/measure/expectation.hpp"
#include "qsim/measure/pauli_sum.hpp"
#include "qsim/measure/random.hpp"
#include "qsim/measure/sampling.hpp"
#include "qsim/simulator/circuit_runner.hpp"

QSIM_BEGIN_NAMESPACE

/// Whether runs of gates are cache-blocked (docs/performance.md).
enum class CacheBlocking {
  /// Blocked when the state is larger than the last-level cache and the
  /// cost model (blocking/cost_model.hpp) prices the blocked run lower.
  automatic,
  /// Always blocked when the state is larger than one chunk.
  on,
  /// Never blocked: one pass over the state per (fused) gate.
  off,
};

/// How a Simulator runs: threads, gate fusion and cache blocking.
struct SimulatorOptions {
  /// OpenMP threads for gate kernels; 0 means OpenMP's default (OMP_NUM_THREADS, else all cores).
  unsigned threads = 0;
  /// States smaller than this many amplitudes run on one thread (forking
  /// costs more than the gate); 0 threads every sweep (the tests use it).
  index_t parallel_min_amplitudes = kernels::ParallelFor::default_min_amplitudes;
  /// Group consecutive gates into fused unitaries before applying them.
  bool fusion = true;
  /// Largest fused gate in qubits (1..5); 0 chooses it from the precision and
  /// state size, and then does not fuse states under 10 qubits, where building
  /// the fused matrices costs more than the passes they save.
  unsigned max_fused_qubits = 0;
  /// Cache blocking: stages of gates applied chunk by chunk, each chunk
  /// while it sits in one core's L2 (one pass over memory per stage).
  CacheBlocking cache_blocking = CacheBlocking::automatic;
  /// Qubits of a chunk (2^k amplitudes, 1..max_chunk_qubits); 0 fills half
  /// of one core's L2, as the OS reports it.
  unsigned chunk_qubits = 0;
  /// Most shots one run(), sample() or marginal_counts() call accepts: a
  /// larger request is refused at once instead of running for hours (terminal
  /// sampling costs about 35 ns a shot on a Zen 3 core, a per-shot run a whole circuit a shot).
  std::uint64_t max_shots = 1'000'000'000;
  /// Shot branching for circuits with mid-circuit measurement, reset or
  /// conditions: the shots advance together and split by outcome, one state
  /// per distinct branch (CircuitRunner::run_branched); off: shot by shot.
  bool shot_branching = true;
  /// Most bytes the live branches' states may take together; beyond it each
  /// branch finishes shot by shot (at least one branch is always allowed).
  std::size_t max_branch_bytes = std::size_t{1} << 30;
  /// Most bytes the count keys of one run() may take (each distinct outcome
  /// is a string of num_clbits characters); also bounded by free memory.
  std::size_t max_counts_bytes = std::size_t{1} << 30;
};

/**
 * Runs circuits on a state vector of precision T (float or double).
 * @code
 *   qsim::Circuit c(3);
 *   c.h(0).cx(0, 1).cx(1, 2).measure_all();
 *   qsim::Simulator<double> sim;
 *   qsim::Counts counts = sim.run(c, 1024, 42);   // {"000": ~512, "111": ~512}
 * @endcode
 * A circuit whose measurements all come at the end is simulated once and
 * sampled in O(2^n + shots). One with mid-circuit measurement, reset or
 * classical conditions runs its shots together, split by outcome where an
 * outcome is uncertain (shot branching: a few simulations when there are
 * few distinct branches). Noise channels run shot by shot, each drawing one
 * Kraus branch per shot (a quantum trajectory). DensityMatrixSimulator (noise/) gives noisy results exactly.
 */
template <class T>
class Simulator {
 public:
  using State = StateVector<T>;

  explicit Simulator(SimulatorOptions options = {}) : options_(options) {}

  const SimulatorOptions& options() const noexcept { return options_; }
  /// The thread policy every kernel call of this simulator gets.
  kernels::ParallelFor parallel() const noexcept { return {options_.threads, options_.parallel_min_amplitudes}; }
  /// Largest chunk_qubits accepted (a 2^30-amplitude buffer per thread).
  static constexpr unsigned max_chunk_qubits = 30;

  /// The cache-blocking chunk size in qubits for this precision (SimulatorOptions::chunk_qubits, or from the L2).
  unsigned chunk_qubits() const {
    if (options_.chunk_qubits > max_chunk_qubits)
      throw invalid_argument("chunk_qubits " + std::to_string(options_.chunk_qubits) + " is not in 0.." +
                             std::to_string(max_chunk_qubits));
    if (options_.chunk_qubits != 0) return options_.chunk_qubits;
    const std::uint64_t amplitudes = blocking::cache_info().l2_bytes / 2 / sizeof(std::complex<T>);
    unsigned k = 1;
    while (k < max_chunk_qubits && (std::uint64_t{2} << k) <= amplitudes) ++k;
    return k;
  }

  /// The fused gate size for an n-qubit state (SimulatorOptions::max_fused_qubits), 0 for no fusion.
  unsigned fused_qubits(unsigned n) const {
    if (!options_.fusion) return 0;
    if (options_.max_fused_qubits > fusion::max_fused_qubits)
      throw invalid_argument("max_fused_qubits " + std::to_string(options_.max_fused_qubits) + " is not in 0.." +
                             std::to_string(fusion::max_fused_qubits));
    if (options_.max_fused_qubits != 0) return options_.max_fused_qubits;
    return n < 10 ? 0 : fusion::automatic_fused_qubits<T>(n);
  }

  /// The cost model (blocking/cost_model.hpp) of sweeps over `amplitudes`
  /// amplitudes on this simulator's threads: arithmetic and L2 traffic divide
  /// over the threads; memory bandwidth barely grows with them.
  blocking::CostModel cost_model(index_t amplitudes) const {
    blocking::CostModel model;
    const double threads = parallel().threads_for(amplitudes);
    model.fma_per_amplitude /= threads;
    model.l2_pass /= threads;
    return model;
  }

  /// Chunks of `chunk` qubits made of runs of 512 bytes, leaving room for the widest fused gate in small test chunks.
  static blocking::ChunkShape chunk_shape(unsigned chunk) {
    blocking::ChunkShape shape;
    shape.chunk_qubits = chunk;
    shape.run_qubits = std::min(sizeof(T) == 4 ? 6U : 5U, chunk > 3 ? chunk - 3 : 0U);
    return shape;
  }

  /// The instruction set the gate kernels run on ("avx512bw", "fma3<avx2>", "sse2", ...).
  static const char* kernel_arch() { return kernels::active_kernels<T>().arch; }

  /// The state after every operation of `c`, from |0...0>. Measurements and
  /// resets collapse with random outcomes drawn from `seed`.
  State statevector(const Circuit& c, std::uint64_t seed = 0, const Binding& b = {}) const {
    State psi(c.num_qubits());
    apply(c, psi, seed, b);
    return psi;
  }

  /// Applies `c` to `psi` in place (same rules as statevector()).
  void apply(const Circuit& c, State& psi, std::uint64_t seed = 0, const Binding& b = {}) const {
    check_width(c, psi);
    std::vector<bool> clbits(c.num_clbits(), false);
    Rng rng(seed);
    runner().run_ops(c, 0, psi, clbits, rng, b);
  }

  /// Applies one gate to `psi`, checked as Circuit::append checks it.
  void apply(const Operation& op, State& psi, const Binding& b = {}) const {
    kernels::apply_gate(psi, op, b, parallel());
  }

  /**
   * Applies the gates ops[first, last) to `psi` with this simulator's fusion
   * and thread settings. Every op must be an unconditioned gate.
   */
  void apply_gates(const Operation* first, const Operation* last, State& psi, const Binding& b = {}) const {
    const auto stages = blocked_stages(first, last, psi.num_qubits());
    if (!stages.empty() && options_.cache_blocking == CacheBlocking::on) {
      blocking::apply_stages(psi, stages, b, parallel());
      return;
    }
    const unsigned k = fused_qubits(psi.num_qubits());
    if (stages.empty() && (k == 0 || last - first < 2)) {
      // Nothing to choose: the gates one by one (the per-shot hot path on small states).
      for (const Operation* op = first; op != last; ++op) kernels::apply_validated_gate(psi, *op, b, parallel());
      return;
    }
    std::vector<fusion::FusedGate> passes;
    if (k != 0 && last - first >= 2) {
      passes = fusion::fuse(first, last, b, k);
    } else {
      for (const Operation* op = first; op != last; ++op) passes.push_back({op, {}, false, {}});
    }
    // Automatic: blocked when the cost model prices it below the passes it replaces.
    const blocking::CostModel model = cost_model(psi.size());
    std::vector<blocking::PreparedStage> prepared = blocking::prepare(stages, b);  // kept for the run if it pays
    if (!stages.empty() && blocking::blocked_cost(prepared, model) < blocking::unblocked_cost(passes, b, model)) {
      blocking::apply_prepared(psi, prepared, parallel());
      return;
    }
    fusion::apply_fused(psi, passes, b, parallel());
  }

  /// Probability of each basis state after the circuit's gates (measurements ignored).
  std::vector<double> probabilities(const Circuit& c, const Binding& b = {}) const {
    return kernels::probabilities(runner().unitary_part(c, b, "probabilities/sample"), parallel());
  }

  /**
   * <psi|H|psi> after the circuit's gates (measurements ignored), exact: one
   * pass for all Z strings, one more per string with X or Y.
   * @code
   *   double e = sim.expectation(c, qsim::PauliSum::from_text("0.5*Z0 Z1 - X2"));
   * @endcode
   */
  double expectation(const Circuit& c, const PauliSum& h, const Binding& b = {}) const {
    h.check_fits(c.num_qubits());  // before the run
    return qsim::expectation(runner().unitary_part(c, b, "expectation"), h, parallel());
  }

  /// `shots` basis indices drawn from the final state (measurements ignored), in random order.
  std::vector<index_t> sample(const Circuit& c, std::uint64_t shots, std::uint64_t seed, const Binding& b = {}) const {
    check_shots(shots);
    detail::check_bytes_fit(static_cast<long double>(shots) * sizeof(index_t),
                            "a list of " + std::to_string(shots) + " shots");
    return sample_indices(runner().unitary_part(c, b, "probabilities/sample"), shots, seed, parallel());
  }

  /// Counts over `qubits` only (qubits.back() leftmost in each key).
  Counts marginal_counts(const Circuit& c, const std::vector<qubit_t>& qubits, std::uint64_t shots, std::uint64_t seed,
                         const Binding& b = {}) const {
    for (auto q : qubits)
      if (q >= c.num_qubits())
        throw invalid_argument("qubit " + std::to_string(q) + " out of range for a " + std::to_string(c.num_qubits()) +
                               "-qubit circuit");
    detail::marginal_mask(qubits);  // a repeated qubit is refused before anything is simulated
    return qsim::marginal_counts(sample(c, shots, seed, b), qubits);
  }

  /**
   * Runs the circuit `shots` times and counts the classical-bit outcomes,
   * keyed as in Qiskit (see Counts). The same seed gives the same counts.
   */
  Counts run(const Circuit& c, std::uint64_t shots, std::uint64_t seed = 0, const Binding& b = {}) const {
    if (c.num_clbits() == 0)
      throw invalid_argument(
          "the circuit has no classical bits to count: add measure_all() or measure(), or use sample()");
    check_shots(shots);
    // Noise channels run as trajectories: one Kraus branch drawn per shot.
    const bool per_shot = c.has_mid_circuit_operations() || c.has_channels();
    check_counts_fit(c, shots, per_shot);
    if (!per_shot) return runner().run_sampled(c, shots, seed, b, "probabilities/sample");
    // Noise alone runs as trajectories shot by shot (their branches rarely coincide).
    if (!options_.shot_branching || !c.has_mid_circuit_operations()) return runner().run_per_shot(c, shots, seed, b);
    const long double state_bytes =
        std::ldexp(static_cast<long double>(sizeof(std::complex<T>)), static_cast<int>(c.num_qubits()));
    const auto max_branches = static_cast<std::size_t>(
        std::max(1.0L, std::min(static_cast<long double>(options_.max_branch_bytes) / state_bytes, 1e9L)));
    return runner().run_branched(c, shots, seed, b, max_branches);
  }

 private:
  void check_shots(std::uint64_t shots) const {
    if (shots > options_.max_shots)
      throw invalid_argument(std::to_string(shots) + " shots exceed the limit of " +
                             std::to_string(options_.max_shots) + " (SimulatorOptions::max_shots)");
  }

  // Count keys are strings of num_clbits characters, one per distinct
  // outcome: bounded by the shots and by the bits measurements can vary.
  void check_counts_fit(const Circuit& c, std::uint64_t shots, bool per_shot) const {
    std::vector<bool> varies(per_shot ? c.num_clbits() : c.num_qubits(), false);
    for (const auto& op : c.operations())
      if (op.kind == OpKind::measure)
        for (std::size_t j = 0; j < op.targets.size(); ++j) varies[per_shot ? op.clbits[j] : op.targets[j]] = true;
    const auto free_bits = static_cast<unsigned>(std::count(varies.begin(), varies.end(), true));
    const long double outcomes =
        std::min(static_cast<long double>(shots), std::ldexp(1.0L, static_cast<int>(std::min(free_bits, 64U))));
    // A map node and string header (about 80 bytes) plus the key's characters.
    const long double bytes = outcomes * (80.0L + c.num_clbits() + c.cregs().size());
    if (bytes > static_cast<long double>(options_.max_counts_bytes))
      throw out_of_memory("the counts of " + std::to_string(shots) + " shots over " + std::to_string(c.num_clbits()) +
                          " classical bits could take " + qsim::detail::describe_bytes(bytes) +
                          ", more than SimulatorOptions::max_counts_bytes (" +
                          qsim::detail::describe_bytes(static_cast<long double>(options_.max_counts_bytes)) +
                          "): measure fewer bits or use fewer shots");
    detail::check_bytes_fit(bytes, "the counts of " + std::to_string(shots) + " shots");
  }

  // The stages of a blocked run of [first, last), or none when the run goes unblocked.
  std::vector<blocking::Stage> blocked_stages(const Operation* first, const Operation* last, unsigned n) const {
    if (options_.cache_blocking == CacheBlocking::off) return {};
    const unsigned chunk = chunk_qubits();
    if (chunk >= n || last - first < 2) return {};
    const bool automatic = options_.cache_blocking == CacheBlocking::automatic;
    if (automatic && std::ldexp(static_cast<double>(sizeof(std::complex<T>)), static_cast<int>(n)) <=
                         static_cast<double>(blocking::cache_info().last_level_bytes))
      return {};
    return blocking::schedule(first, last, n, chunk_shape(chunk));
  }

  static void check_width(const Circuit& c, const State& psi) {
    if (psi.num_qubits() != c.num_qubits())
      throw invalid_argument("a " + std::to_string(c.num_qubits()) + "-qubit circuit applied to a " +
                             std::to_string(psi.num_qubits()) + "-qubit state");
  }

  // What the shared control flow (detail::CircuitRunner) needs from this simulator.
  struct Engine {
    using State = StateVector<T>;
    const Simulator& sim;
    State new_state(unsigned num_qubits) const { return State(num_qubits); }
    void apply_gates(const Operation* first, const Operation* last, State& psi, const Binding& b) const {
      sim.apply_gates(first, last, psi, b);
    }
    void apply_gate(const Operation& op, State& psi, const Binding& b) const {
      kernels::apply_validated_gate(psi, op, b, sim.parallel());
    }
    int measure(State& psi, qubit_t q, Rng& rng) const {
      const auto& ks = kernels::active_kernels<T>();
      const double p1 = ks.probability_one(psi, q, sim.parallel());
      const int outcome = rng.uniform() < p1 ? 1 : 0;
      ks.collapse(psi, q, outcome, outcome ? p1 : 1.0 - p1, sim.parallel());
      return outcome;
    }
    void reset(State& psi, qubit_t q, Rng& rng) const {
      if (measure(psi, q, rng) == 1) apply_gate(make_gate(GateId::x, {q}), psi, {});
    }
    static constexpr bool exact_channels = false;
    void apply_channel(const Operation& op, State& psi, Rng& rng) const {
      channels::apply_branch(psi, op.targets, *op.channel, rng.uniform(), sim.parallel());
    }
    // Shots in parallel only where the kernels stay on one thread.
    unsigned shot_threads(const State& psi) const { return sim.parallel().task_threads(psi.size()); }
    double probability_one(const State& psi, qubit_t q) const {
      return kernels::active_kernels<T>().probability_one(psi, q, sim.parallel());
    }
    void collapse(State& psi, qubit_t q, int outcome, double p) const {
      kernels::active_kernels<T>().collapse(psi, q, outcome, p, sim.parallel());
    }
    std::vector<double> branch_probabilities(const Operation& op, const State& psi) const {
      return channels::branch_probabilities(psi, op.targets, *op.channel);
    }
    void apply_branch(const Operation& op, State& psi, std::size_t i, double p) const {
      channels::apply_kraus_branch(psi, op.targets, *op.channel, i, p, sim.parallel());
    }
    template <class Emit>
    void sample(const State& psi, std::uint64_t shots, std::uint64_t seed, Emit&& emit) const {
      sample_sorted(psi, shots, seed, emit, sim.parallel());
    }
  };
  detail::CircuitRunner<Engine> runner() const { return detail::CircuitRunner<Engine>(Engine{*this}); }

  SimulatorOptions options_;
};

QSIM_END_NAMESPACE
