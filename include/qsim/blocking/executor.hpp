#pragma once
// Cache blocking, part 2: the chunked executor. For each stage of a
// schedule (blocking/schedule.hpp) every chunk of the state is gathered
// into a per-thread buffer that stays in the core's L2, the stage's gates
// run on it with the usual kernels on the local qubit numbering (local
// qubit i = the i-th lowest qubit of L), and it is written back: one read
// and one write of the state per stage. The gates a chunk sees depend only
// on the values of the few outside qubits the stage's controls and
// diagonals read, so one gate list (fused where that pays) is prepared per
// combination of those values before the sweep. Threads take whole chunks;
// every chunk is computed by the same code on any thread, so results do not
// depend on the thread count.
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "qsim/blocking/schedule.hpp"
#include "qsim/circuit/apply_gate.hpp"
#include "qsim/circuit/operation.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/fusion/fuser.hpp"
#include "qsim/gates/gather.hpp"
#include "qsim/kernels/apply.hpp"
#include "qsim/kernels/parallel.hpp"
#include "qsim/kernels/prefetch.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

QSIM_BEGIN_NAMESPACE
namespace blocking {

namespace detail {

/// One kernel call on a chunk: a matrix on local targets and controls, or
/// (when `diagonal_table`) the phases of a merged diagonal on `targets`.
struct ChunkPass {
  std::vector<qubit_t> targets, controls;
  Matrix m;
  kernels::MatrixKind kind = kernels::MatrixKind::unknown;
  bool diagonal_table = false;
};

/// Maps qubits of the full state to the chunk's numbering.
struct LocalNumbering {
  index_t local = 0;
  qubit_t operator()(qubit_t q) const {
    return static_cast<qubit_t>(__builtin_popcountll(local & ((index_t{1} << q) - 1)));
  }
  bool is_local(qubit_t q) const { return ((local >> q) & 1U) != 0; }
};

/**
 * What `op` does on a chunk of `local` whose outside qubits read `values`
 * (bit q of values is qubit q): the same gate on local qubits with the
 * outside controls dropped, nothing (false) where such a control reads 0, or,
 * for a diagonal with outside targets, its phases for these values. Every
 * target of a non-diagonal gate is local (the scheduler sees to it).
 */
inline bool restrict_to_chunk(const Operation& op, const LocalNumbering& to_local, index_t values, const Binding& b,
                              Operation& out) {
  out = op;
  out.label.clear();
  out.controls.clear();
  for (auto c : op.controls) {
    if (to_local.is_local(c)) {
      out.controls.push_back(to_local(c));
    } else if (((values >> c) & 1U) == 0) {
      return false;
    }
  }
  bool all_local = true;
  for (auto t : op.targets) all_local = all_local && to_local.is_local(t);
  if (all_local) {
    for (auto& t : out.targets) t = to_local(t);
    return true;
  }
  // A diagonal reading outside qubits: its entries for those qubits' values.
  std::size_t fixed = 0;
  std::vector<qubit_t> targets;
  std::vector<std::size_t> bits;
  for (std::size_t j = 0; j < op.targets.size(); ++j) {
    if (to_local.is_local(op.targets[j])) {
      targets.push_back(to_local(op.targets[j]));
      bits.push_back(j);
    } else {
      fixed |= static_cast<std::size_t>((values >> op.targets[j]) & 1U) << j;
    }
  }
  Matrix sub = restrict_diagonal(op.bound_matrix(b), op.targets.size(), bits, fixed);
  out.gate = GateId::unitary;
  out.params.clear();
  if (targets.empty()) {  // one phase: on the controlled subspace, or on the whole chunk
    const std::complex<double> phase = sub[0];
    if (phase == std::complex<double>(1.0)) return false;
    if (!out.controls.empty()) {
      out.targets = {out.controls.back()};
      out.controls.pop_back();
      out.matrix = std::make_shared<const Matrix>(Matrix{1.0, 0.0, 0.0, phase});
    } else {
      out.targets = {0};
      out.matrix = std::make_shared<const Matrix>(Matrix{phase, 0.0, 0.0, phase});
    }
    return true;
  }
  out.targets = targets;
  out.matrix = std::make_shared<const Matrix>(std::move(sub));
  return true;
}

/// The kernel calls of one stage for one combination of the outside values,
/// fused up to `real_k` qubits when every matrix is real, else `complex_k`.
inline std::vector<ChunkPass> chunk_passes(const Stage& stage, index_t values, const Binding& b, unsigned real_k,
                                           unsigned complex_k) {
  const LocalNumbering to_local{stage.local};
  std::vector<Operation> ops;
  ops.reserve(stage.ops.size());
  Operation local_op;
  bool real = true;
  for (const Operation* op : stage.ops) {
    if (!restrict_to_chunk(*op, to_local, values, b, local_op)) continue;
    for (const auto& z : local_op.bound_matrix(b)) real = real && z.imag() == 0;
    ops.push_back(local_op);
  }
  const unsigned fused_qubits = real ? real_k : complex_k;
  std::vector<ChunkPass> passes;
  auto add_single = [&](const Operation& op) {
    if (op.gate == GateId::i) return;
    passes.push_back({op.targets, op.controls, op.bound_matrix(b), kernels::matrix_kind(op), false});
  };
  if (fused_qubits == 0 || ops.size() < 2) {
    for (const auto& op : ops) add_single(op);
    return passes;
  }
  for (auto& f : fusion::fuse(ops.data(), ops.data() + ops.size(), b, fused_qubits)) {
    if (f.single) {
      add_single(*f.single);
    } else {
      passes.push_back({f.qubits,
                        {},
                        std::move(f.data),
                        f.diagonal ? kernels::MatrixKind::diagonal : kernels::MatrixKind::dense,
                        f.diagonal});
    }
  }
  return passes;
}

template <class T>
void run_passes(const kernels::KernelSet<T>& ks, StateVector<T>& chunk, const std::vector<ChunkPass>& passes,
                const kernels::ParallelFor& one_thread) {
  for (const auto& p : passes) {
    if (p.diagonal_table) {
      ks.apply_diagonal(chunk, p.targets, p.m, one_thread);
    } else {
      ks.apply_matrix(chunk, p.targets, p.controls, p.m, one_thread, p.kind);
    }
  }
}

/// Where a stage's chunks lie in the state: chunk g starts at
/// spread(g, outside qubits) and is 2^(chunk qubits - run bits) runs of
/// 2^run_bits consecutive amplitudes at the offsets `runs`.
struct ChunkLayout {
  std::vector<qubit_t> outside;
  std::vector<index_t> runs;
  index_t run_length = 0;
  index_t count = 0;

  ChunkLayout(index_t local, unsigned num_qubits) {
    unsigned run_bits = 0;
    while (run_bits < num_qubits && ((local >> run_bits) & 1U)) ++run_bits;
    std::vector<qubit_t> upper;
    for (qubit_t q = 0; q < num_qubits; ++q) {
      if (!((local >> q) & 1U))
        outside.push_back(q);
      else if (q >= run_bits)
        upper.push_back(q);
    }
    run_length = index_t{1} << run_bits;
    runs = qsim::detail::gate_offsets(upper);
    count = index_t{1} << outside.size();
  }
  index_t start(index_t g) const { return qsim::detail::spread_bits(g, outside); }
};

// The first lines of each of the next runs are requested while a run is copied.
inline constexpr std::size_t prefetch_runs_ahead = 4;

template <class T>
void gather(const std::complex<T>* state, const ChunkLayout& layout, index_t start, std::complex<T>* chunk) {
  const std::size_t bytes = layout.run_length * sizeof(std::complex<T>);
  const std::size_t runs = layout.runs.size();
  for (std::size_t r = 0; r < runs; ++r) {
    if (r + prefetch_runs_ahead < runs) {
      const char* ahead = reinterpret_cast<const char*>(state + start + layout.runs[r + prefetch_runs_ahead]);
      for (std::size_t line = 0; line < bytes; line += 64) QSIM_PREFETCH_L2(ahead + line);
    }
    std::memcpy(chunk + r * layout.run_length, state + start + layout.runs[r], bytes);
  }
}

template <class T>
void scatter(const std::complex<T>* chunk, const ChunkLayout& layout, index_t start, std::complex<T>* state) {
  const std::size_t bytes = layout.run_length * sizeof(std::complex<T>);
  for (std::size_t r = 0; r < layout.runs.size(); ++r)
    std::memcpy(state + start + layout.runs[r], chunk + r * layout.run_length, bytes);
}

/// Writes the mirror of a density-matrix chunk straight into the state at
/// `start` (no buffer, no second pass): the chunk's 2h local qubits are h row
/// qubits (low) and the same h column qubits (high), and the mirror's entry
/// (c, r) is conj(chunk(r, c)). Tiles of 8 x 8 keep the strided reads within
/// a few cache lines; each write is a piece of one of the layout's runs.
template <class T>
void scatter_mirror(const std::complex<T>* chunk, unsigned h, const ChunkLayout& layout, index_t start,
                    std::complex<T>* state) {
  const index_t side = index_t{1} << h;
  const index_t tile = std::min<index_t>(side, 8);
  // The runs are made of the lowest row qubits (the column qubits start past an outside row).
  const index_t piece = std::min(tile, layout.run_length);
  const auto run_bits = static_cast<unsigned>(__builtin_ctzll(layout.run_length));
  const index_t run_mask = layout.run_length - 1;
  for (index_t r0 = 0; r0 < side; r0 += tile)
    for (index_t c0 = 0; c0 < side; c0 += tile)
      for (index_t r = r0; r < r0 + tile; ++r)
        for (index_t c1 = c0; c1 < c0 + tile; c1 += piece) {
          const index_t j = c1 | (r << h);  // the mirror's local index
          std::complex<T>* out = state + start + layout.runs[j >> run_bits] + (j & run_mask);
          for (index_t c = 0; c < piece; ++c) out[c] = std::conj(chunk[r | ((c1 + c) << h)]);
        }
}

/// The chunks a Hermitian sweep computes (ExecutorOptions::hermitian_rows):
/// chunk g = a | b << m (a the outside row values, b the column ones) with
/// a <= b, numbered i = b (b + 1) / 2 + a, so that no list is stored.
struct UpperChunks {
  unsigned outside_rows = 0;

  UpperChunks(index_t local, unsigned rows) {
    const index_t row_mask = (index_t{1} << rows) - 1;
    if ((local >> rows) != (local & row_mask))
      throw invalid_argument("a Hermitian stage needs the same local qubits on the rows and the columns");
    outside_rows = rows - static_cast<unsigned>(__builtin_popcountll(local & row_mask));
  }
  index_t count() const {
    const index_t side = index_t{1} << outside_rows;
    return side * (side + 1) / 2;
  }
  /// The i-th chunk's (a, b).
  std::pair<index_t, index_t> operator[](index_t i) const {
    auto b = static_cast<index_t>((std::sqrt(8.0 * static_cast<double>(i) + 1) - 1) / 2);
    while (b * (b + 1) / 2 > i) --b;         // the square root rounded up
    while ((b + 1) * (b + 2) / 2 <= i) ++b;  // or down
    return {i - b * (b + 1) / 2, b};
  }
};

}  // namespace detail

/**
 * How the executor runs a schedule: gates inside a stage are fused up to
 * this many qubits (0: not fused). In L2 a gate costs its arithmetic, not
 * its memory traffic, so the best size is smaller than for whole-state
 * passes, and larger for real matrices (half the multiply-adds). Measured
 * on 24 qubits, AMD Zen 4, 1 and 2 threads (bench/README.md): 2 for
 * complex stages (the random grid circuit 1.4x faster than 3), 3 for real
 * ones (RY + CNOT).
 */
struct ExecutorOptions {
  unsigned real_fused_qubits = 3;
  unsigned complex_fused_qubits = 2;
  /// Nonzero: the state is a density matrix of this many qubits, vectorised
  /// as in noise/density_matrix.hpp (entry (r, c) at r + 2^n c), every stage
  /// maps Hermitian matrices to Hermitian ones, and every stage's local set
  /// holds row qubit q exactly when it holds column qubit q + n. A chunk is
  /// then the conjugate transpose of its mirror (the chunk whose outside row
  /// and column values are swapped), so only the chunks on or above the
  /// diagonal are computed and each one below is written from its mirror:
  /// about half the arithmetic and half the reads.
  unsigned hermitian_rows = 0;
};

/**
 * A stage with its kernel calls, built once for both the cost model and the
 * executor: one list per combination of the values of the outside qubits
 * that the stage's controls and diagonals read. A list is built on first
 * use: the cost model needs only the all-ones one (the most gates), the
 * executor all of them, and a run the cost model declines builds no more.
 * Holds pointers to the stage and the binding's values, which must outlive
 * it; a list keeps the angles the binding gave when it was built, so prepare
 * again after changing them.
 */
class PreparedStage {
 public:
  PreparedStage(Stage&&, const Binding&, const ExecutorOptions&) = delete;  // it would dangle
  PreparedStage(const Stage& stage, const Binding& b, const ExecutorOptions& options)
      : stage_(&stage), binding_(b), options_(options) {
    index_t reads = 0;
    for (const Operation* op : stage.ops) reads |= detail::mask_of(op->targets) | detail::mask_of(op->controls);
    for (index_t outside = reads & ~stage.local; outside != 0; outside &= outside - 1)
      read_outside_.push_back(static_cast<qubit_t>(__builtin_ctzll(outside)));
    if (!stage.direct) variants_.resize(std::size_t{1} << read_outside_.size());
  }

  const Stage& stage() const noexcept { return *stage_; }
  const Binding& binding() const noexcept { return binding_; }
  const ExecutorOptions& options() const noexcept { return options_; }
  /// The outside qubits the stage reads; bit k of a variant is the value of the k-th.
  const std::vector<qubit_t>& read_outside() const noexcept { return read_outside_; }
  std::size_t variant_count() const noexcept { return variants_.size(); }

  /// The kernel calls of the chunks whose read outside qubits hold `variant`.
  const std::vector<detail::ChunkPass>& passes(std::size_t variant) {
    auto& v = variants_[variant];
    if (!v) {
      v = detail::chunk_passes(*stage_, qsim::detail::spread_bits(variant, read_outside_), binding_,
                               options_.real_fused_qubits, options_.complex_fused_qubits);
    }
    return *v;
  }
  /// The list with every read outside qubit at 1: no gate switched off by a control.
  const std::vector<detail::ChunkPass>& most_passes() {
    if (variants_.empty()) throw invalid_argument("a direct stage runs on the whole state: it has no chunk lists");
    return passes(variants_.size() - 1);
  }
  /// A list already built (passes() builds it): a read only, so threads may share it.
  const std::vector<detail::ChunkPass>& built_passes(std::size_t variant) const { return *variants_[variant]; }

 private:
  const Stage* stage_;
  Binding binding_;
  ExecutorOptions options_;
  std::vector<qubit_t> read_outside_;
  std::vector<std::optional<std::vector<detail::ChunkPass>>> variants_;
};

/// One PreparedStage per stage (the stages must outlive the result).
inline std::vector<PreparedStage> prepare(const std::vector<Stage>& stages, const Binding& b = {},
                                          const ExecutorOptions& options = {}) {
  std::vector<PreparedStage> out;
  out.reserve(stages.size());
  for (const Stage& stage : stages) out.emplace_back(stage, b, options);
  return out;
}
std::vector<PreparedStage> prepare(std::vector<Stage>&&, const Binding& = {},
                                   const ExecutorOptions& = {}) = delete;  // it would dangle

namespace detail {
inline void check_hermitian_width(unsigned rows, unsigned num_qubits) {
  if (rows != 0 && 2 * rows != num_qubits)
    throw invalid_argument("a Hermitian run over " + std::to_string(rows) + " rows needs a " +
                           std::to_string(2 * rows) + "-qubit vector, not " + std::to_string(num_qubits));
}
}  // namespace detail

/**
 * Applies the prepared stages (made by schedule() for `psi`'s width) to
 * `psi`; `par` gives the threads, which take whole chunks.
 */
template <class T>
void apply_prepared(StateVector<T>& psi, std::vector<PreparedStage>& prepared, const kernels::ParallelFor& par = {}) {
  const unsigned n = psi.num_qubits();
  const auto& ks = kernels::active_kernels<T>();
  const kernels::ParallelFor one_thread(1);
  // Per thread: the chunk.
  std::vector<StateVector<T>> buffers;
  for (PreparedStage& prep : prepared) {
    const Stage& stage = prep.stage();
    const unsigned rows = prep.options().hermitian_rows;
    detail::check_hermitian_width(rows, n);
    if (stage.direct) {
      for (const Operation* op : stage.ops) kernels::apply_validated_gate(psi, *op, prep.binding(), par);
      continue;
    }
    if (stage.local >= (index_t{1} << n))
      throw invalid_argument("a stage whose local qubits lie outside a " + std::to_string(n) + "-qubit state");
    const detail::ChunkLayout layout(stage.local, n);
    // Every list is built before the threads read them.
    for (std::size_t v = 0; v < prep.variant_count(); ++v) prep.passes(v);
    const PreparedStage& built = prep;
    const std::vector<qubit_t>& read_outside = prep.read_outside();
    const unsigned local_qubits = static_cast<unsigned>(__builtin_popcountll(stage.local));
    const detail::UpperChunks upper = rows != 0 ? detail::UpperChunks(stage.local, rows) : detail::UpperChunks(0, 0);
    const index_t chunk_count = rows != 0 ? upper.count() : layout.count;
    const auto threads = static_cast<unsigned>(std::min<index_t>(par.threads_for(psi.size()), chunk_count));
    if (buffers.size() < threads || buffers[0].num_qubits() != local_qubits) {
      buffers.clear();
      for (unsigned t = 0; t < threads; ++t) buffers.emplace_back(local_qubits);
    }
    auto sweep = [&](index_t begin, index_t end, std::size_t t) {
      StateVector<T>& chunk = buffers[t];
      for (index_t i = begin; i < end; ++i) {
        index_t g = i, a = 0, b_col = 0;
        if (rows != 0) {
          std::tie(a, b_col) = upper[i];
          g = a | (b_col << upper.outside_rows);
        }
        const index_t start = layout.start(g);
        std::size_t v = 0;
        for (std::size_t k = 0; k < read_outside.size(); ++k) v |= ((start >> read_outside[k]) & 1U) << k;
        const std::vector<detail::ChunkPass>& passes = built.built_passes(v);
        // An unchanged chunk leaves its mirror unchanged too: the stage keeps rho Hermitian.
        if (passes.empty()) continue;
        detail::gather(psi.data(), layout, start, chunk.data());
        detail::run_passes(ks, chunk, passes, one_thread);
        detail::scatter(chunk.data(), layout, start, psi.data());
        if (rows == 0 || a == b_col) continue;
        detail::scatter_mirror(chunk.data(), local_qubits / 2, layout, layout.start(b_col | (a << upper.outside_rows)),
                               psi.data());
      }
    };
#if defined(_OPENMP)
    if (threads > 1) {
      // An exception must not leave the parallel region: the first one is kept and rethrown.
      std::exception_ptr failure;
#pragma omp parallel num_threads(static_cast <int>(threads))
      {
        const auto t = static_cast<index_t>(omp_get_thread_num());
        const auto parts = static_cast<index_t>(omp_get_num_threads());
        try {
          sweep(chunk_count * t / parts, chunk_count * (t + 1) / parts, static_cast<std::size_t>(t));
        } catch (...) {
#pragma omp critical(qsim_blocking_failure)
          if (!failure) failure = std::current_exception();
        }
      }
      if (failure) std::rethrow_exception(failure);
      continue;
    }
#endif
    sweep(0, chunk_count, 0);
  }
}

/**
 * Applies the stages (made by schedule() for `psi`'s width) to `psi`,
 * binding parameters to `b`; `par` gives the threads, which take whole chunks.
 */
template <class T>
void apply_stages(StateVector<T>& psi, const std::vector<Stage>& stages, const Binding& b = {},
                  const kernels::ParallelFor& par = {}, const ExecutorOptions& options = {}) {
  detail::check_hermitian_width(options.hermitian_rows, psi.num_qubits());  // also for an empty run
  std::vector<PreparedStage> prepared = prepare(stages, b, options);
  apply_prepared(psi, prepared, par);
}

}  // namespace blocking
QSIM_END_NAMESPACE
