#pragma once
// The density-matrix backend: rho of n qubits stored as a state vector of 2n
// qubits, entry (r, c) at index r + 2^n c (bits 0..n-1 the row, n..2n-1 the
// column). Then U rho U^dagger is U on the row qubits and conj(U) on the
// column qubits, and a channel is its superoperator sum K (x) conj(K) on
// the row and column copies of its targets: the same kernels, fusion and
// cache blocking as the state vector, on the doubled register.
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <string>
#include <vector>

#include "qsim/blocking/cost_model.hpp"
#include "qsim/blocking/executor.hpp"
#include "qsim/blocking/schedule.hpp"
#include "qsim/channels/channel.hpp"
#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/detail/memory.hpp"
#include "qsim/fusion/fuser.hpp"
#include "qsim/kernels/apply.hpp"
#include "qsim/kernels/dispatch.hpp"
#include "qsim/measure/counts.hpp"
#include "qsim/measure/pauli_sum.hpp"
#include "qsim/measure/random.hpp"
#include "qsim/measure/sampling.hpp"
#include "qsim/simulator/circuit_runner.hpp"
#include "qsim/simulator/simulator.hpp"

QSIM_BEGIN_NAMESPACE

/// A density matrix of precision T on n qubits (4^n complex entries).
template <class T>
class DensityMatrix {
 public:
  /// |0...0><0...0|. Refused before allocating when 4^n entries do not fit in memory.
  explicit DensityMatrix(unsigned num_qubits = 0) : num_qubits_(num_qubits), vec_(checked_width(num_qubits)) {}

  unsigned num_qubits() const noexcept { return num_qubits_; }
  /// 2^n: the number of rows.
  index_t dim() const noexcept { return index_t{1} << num_qubits_; }

  /// Entry (row, column), checked.
  std::complex<T> at(index_t row, index_t col) const {
    if (row >= dim() || col >= dim())
      throw invalid_argument("entry (" + std::to_string(row) + ", " + std::to_string(col) + ") of a " +
                             std::to_string(dim()) + " x " + std::to_string(dim()) + " density matrix");
    return vec_[row | (col << num_qubits_)];
  }

  /// The diagonal: the probability of each basis state (rounding below 0 clipped).
  std::vector<double> probabilities() const {
    std::vector<double> p(dim());
    for (index_t r = 0; r < dim(); ++r) p[r] = std::max(0.0, static_cast<double>(vec_[r | (r << num_qubits_)].real()));
    return p;
  }

  double trace() const {
    double t = 0;
    for (index_t r = 0; r < dim(); ++r) t += static_cast<double>(vec_[r | (r << num_qubits_)].real());
    return t;
  }

  /// Tr(rho^2): 1 for a pure state, 1/2^n for the maximally mixed one.
  double purity() const { return vec_.squared_norm(); }

  /**
   * Tr(P rho) for the Pauli string with X on the bits of x_mask and Z on
   * those of z_mask (Y on both), with P|k> = i^{#Y} (-1)^{|k & z|} |k ^ x>.
   */
  double pauli_expectation(index_t x_mask, index_t z_mask) const {
    if (((x_mask | z_mask) >> num_qubits_) != 0)
      throw invalid_argument("Pauli string on a qubit beyond the " + std::to_string(num_qubits_) +
                             " of the density matrix");
    std::complex<double> sum = 0;
    for (index_t j = 0; j < dim(); ++j) {
      const double sign = (__builtin_popcountll(j & z_mask) & 1) ? -1.0 : 1.0;
      sum += sign * std::complex<double>(vec_[j | ((j ^ x_mask) << num_qubits_)]);
    }
    return (PauliTerm{1.0, x_mask, z_mask}.phase() * sum).real();
  }

  /// Tr(H rho), exact.
  double expectation(const PauliSum& h) const {
    h.check_fits(num_qubits_);
    double e = 0;
    for (const auto& t : h.terms()) e += t.coeff * pauli_expectation(t.x_mask, t.z_mask);
    return e;
  }

  /// The 2n-qubit vector the kernels work on (entry (r, c) at r + 2^n c).
  StateVector<T>& vectorised() noexcept { return vec_; }
  const StateVector<T>& vectorised() const noexcept { return vec_; }

 private:
  static unsigned checked_width(unsigned n) {
    if (n > max_qubits / 2)
      throw out_of_memory("a density matrix of " + std::to_string(n) + " qubits has 4^" + std::to_string(n) +
                          " entries, more than this machine can address");
    detail::check_bytes_fit(std::ldexp(static_cast<long double>(sizeof(std::complex<T>)), static_cast<int>(2 * n)),
                            "a " + std::to_string(n) + "-qubit density matrix");
    return 2 * n;
  }

  unsigned num_qubits_ = 0;
  StateVector<T> vec_;
};

/**
 * Runs circuits on a density matrix, exactly: noise channels and resets
 * act on the whole ensemble, and a measurement that nothing later reads
 * removes the coherences of its qubit. Counts are sampled from the final
 * diagonal; circuits with classical conditions, or gates on a qubit after
 * its measurement, run shot by shot with collapse.
 * @code
 *   qsim::Circuit c(1);
 *   c.h(0).depolarizing(0.1, 0);
 *   qsim::DensityMatrixSimulator<double> dm;
 *   auto rho = dm.density_matrix(c);   // rho.pauli_expectation(1, 0) = 1 - 4 * 0.1 / 3
 * @endcode
 */
template <class T>
class DensityMatrixSimulator {
 public:
  using State = DensityMatrix<T>;

  /// Threads, fusion and blocking apply to the doubled register as in Simulator.
  explicit DensityMatrixSimulator(SimulatorOptions options = {}) : sim_(options) {}

  /// rho after every operation of `c` from |0...0><0...0|; measurements dephase their qubits.
  State density_matrix(const Circuit& c, const Binding& b = {}) const {
    return runner().unitary_part(c, b, "density_matrix");
  }

  /// The probability of each basis state after the circuit (exact).
  std::vector<double> probabilities(const Circuit& c, const Binding& b = {}) const {
    return density_matrix(c, b).probabilities();
  }

  /// Tr(H rho) after the circuit (exact).
  double expectation(const Circuit& c, const PauliSum& h, const Binding& b = {}) const {
    h.check_fits(c.num_qubits());
    return density_matrix(c, b).expectation(h);
  }

  /// Counts keyed as in Qiskit (see Simulator::run); the same seed gives the same counts.
  Counts run(const Circuit& c, std::uint64_t shots, std::uint64_t seed = 0, const Binding& b = {}) const {
    if (c.num_clbits() == 0)
      throw invalid_argument("the circuit has no classical bits to count: add measure_all() or measure()");
    if (shots > sim_.options().max_shots)
      throw invalid_argument(std::to_string(shots) + " shots exceed the limit of " +
                             std::to_string(sim_.options().max_shots) + " (SimulatorOptions::max_shots)");
    return needs_shots(c) ? runner().run_per_shot(c, shots, seed, b)
                          : runner().run_sampled(c, shots, seed, b, "density_matrix");
  }

 private:
  // Classical conditions, or a later operation on a measured qubit (whose
  // classical bit holds the value at measurement time): shot by shot.
  static bool needs_shots(const Circuit& c) {
    std::vector<bool> measured(c.num_qubits(), false);
    for (const auto& op : c.operations()) {
      if (op.condition) return true;
      if (op.kind == OpKind::barrier) continue;
      for (auto q : op.qubits()) {
        if (measured[q]) return true;
        if (op.kind == OpKind::measure) measured[q] = true;
      }
    }
    return false;
  }

  struct Engine {
    using State = DensityMatrix<T>;
    static constexpr bool exact_channels = true;
    const DensityMatrixSimulator& dm;

    State new_state(unsigned n) const { return State(n); }
    unsigned shot_threads(const State& rho) const { return dm.sim_.parallel().task_threads(rho.vectorised().size()); }

    // Each gate twice: as given on the rows, conjugated on the columns; a
    // channel or reset once, as its superoperator on the row and column
    // copies of its targets. One run, so fusion and cache blocking take the
    // channels with the gates (a channel after every gate no longer cuts the
    // run into single gates).
    void apply_gates(const Operation* first, const Operation* last, State& rho, const Binding& b) const {
      const unsigned n = rho.num_qubits();
      std::vector<Operation> doubled;   // row copy, column copy or superoperator, ...
      std::vector<std::size_t> starts;  // where each operation's copies begin in `doubled`
      doubled.reserve(2 * static_cast<std::size_t>(last - first));
      starts.reserve(static_cast<std::size_t>(last - first) + 1);
      for (const Operation* op = first; op != last; ++op) {
        starts.push_back(doubled.size());
        if (!op->is_gate()) {
          doubled.push_back(superoperator_op(*op, n));
          continue;
        }
        doubled.push_back(*op);
        doubled.back().condition.reset();  // apply_gate's condition was read by the runner
        doubled.push_back(column_copy(*op, n, b));
      }
      starts.push_back(doubled.size());
      if (!apply_hermitian_blocked(first, doubled, starts, rho, b))
        dm.sim_.apply_gates(doubled.data(), doubled.data() + doubled.size(), rho.vectorised(), b);
    }

    // rho stays Hermitian, so cache-blocked stages compute only the chunks on
    // or above the diagonal (blocking::ExecutorOptions::hermitian_rows). The
    // stages are scheduled on the rows with half the chunk; each takes the
    // column copies of its gates and the superoperators of its channels.
    // `first` is the run apply_gates() copied; false where it goes unblocked.
    bool apply_hermitian_blocked(const Operation* first, const std::vector<Operation>& doubled,
                                 const std::vector<std::size_t>& starts, State& rho, const Binding& b) const {
      const Simulator<T>& sim = dm.sim_;
      const unsigned n = rho.num_qubits();
      const std::size_t count = starts.size() - 1;
      if (sim.options().cache_blocking == CacheBlocking::off || count < 2) return false;
      const unsigned half = chunk_rows(n);
      if (half == 0 || half >= n) return false;
      blocking::ChunkShape shape = Simulator<T>::chunk_shape(half);
      // Runs of one or two cache lines: the rows get only half the chunk, so
      // every free row qubit counts.
      shape.run_qubits = std::min(shape.run_qubits, 3U);
      // The doubled stage reads twice the outside qubits and holds twice the
      // matrices: its variants (bytes << reads) grow by 2 << reads. A k-qubit
      // channel's superoperator has 4^k times its placeholder's bytes, so the
      // bound is loose there (it bounds memory, not results).
      shape.max_global_reads = 3;
      shape.max_variant_bytes >>= 4;
      // A lone gate that fits the chunk is a stage too: half its arithmetic beats two passes.
      shape.lone_gates_direct = false;
      // The scheduler reads a contiguous run on the rows: the row copies of
      // the gates, and for a channel an operation on its targets, diagonal
      // where the superoperator is (a diagonal may read outside qubits).
      std::vector<Operation> rows;
      rows.reserve(count);
      for (std::size_t i = 0; i < count; ++i) {
        if (first[i].is_gate()) {
          rows.push_back(doubled[starts[i]]);
          continue;
        }
        const Operation& superop = doubled[starts[i]];
        const std::size_t dim = std::size_t{1} << first[i].targets.size();
        const bool diagonal = is_diagonal(*superop.matrix, dim * dim);
        Operation placeholder;
        placeholder.gate = GateId::unitary;
        placeholder.targets = first[i].targets;
        Matrix shape_only(dim * dim, diagonal ? 0.0 : 1.0);
        for (std::size_t j = 0; j < dim; ++j) shape_only[j * dim + j] = 1.0;
        placeholder.matrix = std::make_shared<const Matrix>(std::move(shape_only));
        rows.push_back(std::move(placeholder));
      }
      std::vector<blocking::Stage> stages;
      for (const auto& row_stage : blocking::schedule(rows.data(), rows.data() + rows.size(), n, shape)) {
        blocking::Stage stage;
        stage.local = row_stage.local | (row_stage.local << n);
        stage.direct = row_stage.direct;
        for (const Operation* op : row_stage.ops) {
          const auto i = static_cast<std::size_t>(op - rows.data());
          for (std::size_t j = starts[i]; j < starts[i + 1]; ++j) stage.ops.push_back(&doubled[j]);
        }
        stages.push_back(std::move(stage));
      }
      blocking::ExecutorOptions executor;
      executor.hermitian_rows = n;
      std::vector<blocking::PreparedStage> prepared = blocking::prepare(stages, b, executor);
      if (sim.options().cache_blocking == CacheBlocking::automatic) {
        const unsigned k = sim.fused_qubits(2 * n);
        std::vector<fusion::FusedGate> passes;
        if (k != 0) {
          passes = fusion::fuse(doubled.data(), doubled.data() + doubled.size(), b, k);
        } else {
          for (const auto& op : doubled) passes.push_back({&op, {}, false, {}});
        }
        const blocking::CostModel model = sim.cost_model(rho.vectorised().size());
        if (blocking::hermitian_blocked_cost(prepared, n, model) >= blocking::unblocked_cost(passes, b, model))
          return false;
      }
      blocking::apply_prepared(rho.vectorised(), prepared, sim.parallel());
      return true;
    }
    // The row qubits of a Hermitian chunk of an n-qubit rho: half of
    // SimulatorOptions::chunk_qubits where set. Otherwise as many as keep the
    // threads' chunks and the mirrors they write within half the last-level
    // cache (the mirrors are written straight into rho, but their lines pass
    // through the cache as well; one row more was not measured), but at
    // least two rows outside (with one, 3/4 of the chunks are computed), and
    // never fewer than half the L2 chunk. The rows get only half of a chunk,
    // so a chunk of the L2 holds stages of few gates, while the halved
    // arithmetic keeps larger chunks compute-bound. Measured on AMD Zen 4
    // (1 MiB L2, 32 MiB L3), 12 qubits in double (RY + CNOT layers): 9 rows
    // 490 ms, 7 rows 770 ms on 1 thread; 9 rows 270 ms, 8 rows 365 ms on 2.
    unsigned chunk_rows(unsigned n) const {
      const Simulator<T>& sim = dm.sim_;
      const unsigned l2_rows = sim.chunk_qubits() / 2;
      if (sim.options().chunk_qubits != 0) return l2_rows;
      const double threads = sim.parallel().threads_for(~index_t{0} >> 1);
      const double budget = static_cast<double>(blocking::cache_info().last_level_bytes) / 2 / threads;
      unsigned rows = 1;
      while (rows < 15 && std::ldexp(2.0 * sizeof(std::complex<T>), 2 * static_cast<int>(rows + 1)) <= budget) ++rows;
      return std::max(l2_rows, std::min(rows, n > 2 ? n - 2 : 1U));
    }
    void apply_gate(const Operation& op, State& rho, const Binding& b) const { apply_gates(&op, &op + 1, rho, b); }

    // Conditioned channels and resets (the runner gives unconditioned ones to apply_gates).
    void apply_channel(const Operation& op, State& rho, Rng&) const { apply_gates(&op, &op + 1, rho, {}); }
    void reset(State& rho, qubit_t q, Rng&) const {
      Operation op;
      op.kind = OpKind::reset;
      op.targets = {q};
      apply_gates(&op, &op + 1, rho, {});
    }
    // The ensemble after a measurement whose outcome nothing reads: qubit q's coherences vanish.
    void dephase(State& rho, qubit_t q) const {
      kernels::apply_diagonal(rho.vectorised(), {q, q + rho.num_qubits()}, {1.0, 0.0, 0.0, 1.0}, dm.sim_.parallel());
    }
    int measure(State& rho, qubit_t q, Rng& rng) const {
      const unsigned n = rho.num_qubits();
      double p1 = 0;
      for (index_t r = 0; r < rho.dim(); ++r)
        if ((r >> q) & 1U) p1 += static_cast<double>(rho.vectorised()[r | (r << n)].real());
      p1 = std::clamp(p1, 0.0, 1.0);
      const int outcome = rng.uniform() < p1 ? 1 : 0;
      const double p = outcome ? p1 : 1.0 - p1;
      // Projecting the rows and the columns divides by sqrt(p) twice: by p in all.
      const auto& ks = kernels::active_kernels<T>();
      ks.collapse(rho.vectorised(), q, outcome, p, dm.sim_.parallel());
      ks.collapse(rho.vectorised(), q + n, outcome, p, dm.sim_.parallel());
      return outcome;
    }
    template <class Emit>
    void sample(const State& rho, std::uint64_t shots, std::uint64_t seed, Emit&& emit) const {
      sample_sorted(rho.probabilities(), shots, seed, emit);
    }

    static Operation column_copy(const Operation& op, unsigned n, const Binding& b) {
      Operation col;
      col.gate = GateId::unitary;
      Matrix m = op.bound_matrix(b);
      for (auto& x : m) x = std::conj(x);
      col.matrix = std::make_shared<const Matrix>(std::move(m));
      for (auto q : op.targets) col.targets.push_back(q + n);
      for (auto q : op.controls) col.controls.push_back(q + n);
      return col;
    }
    // A channel or reset as one operation of the doubled register: its
    // superoperator on the row and column copies of its targets. Not a
    // unitary; the kernels inspect it as any user matrix (diagonal, a true
    // permutation such as the channel {X}, or dense).
    static Operation superoperator_op(const Operation& op, unsigned n) {
      static const auto reset_superoperator = std::make_shared<const Matrix>(
          channels::superoperator(channels::kraus({{1, 0, 0, 0}, {0, 1, 0, 0}}, 0.0, "reset")));
      Operation s;
      s.gate = GateId::unitary;
      s.label = op.kind == OpKind::reset ? "reset" : op.channel->name;
      s.matrix = op.kind == OpKind::reset ? reset_superoperator
                                          : std::make_shared<const Matrix>(channels::superoperator(*op.channel));
      s.targets = op.targets;
      for (auto q : op.targets) s.targets.push_back(q + n);
      return s;
    }
  };
  detail::CircuitRunner<Engine> runner() const { return detail::CircuitRunner<Engine>(Engine{*this}); }

  Simulator<T> sim_;
};

QSIM_END_NAMESPACE
