#pragma once
// Cache blocking, part 1: the stage scheduler. A run of gates is cut into
// stages; in each stage every gate that mixes amplitudes has its targets in
// a set L of "local" qubits (at most chunk_qubits of them, always including
// the lowest run_qubits so a chunk is made of contiguous runs). The executor
// (blocking/executor.hpp) then walks the state chunk by chunk, a chunk being
// the 2^|L| amplitudes that differ only in L, and applies the whole stage to
// each chunk while it sits in L2: one pass over memory per stage instead of
// one per gate. Controls and diagonal gates need no local qubit: inside a
// chunk the other qubits are fixed, so a control is on or off for the whole
// chunk and a diagonal factor is known. A gate that cannot join the current
// stage is deferred, and so is every later gate sharing a qubit with a
// deferred one; gates sharing none commute with the deferred ones and are
// pulled forward (Qiskit Aer's "cache blocking", applied to the CPU cache).
#include <algorithm>
#include <complex>
#include <vector>

#include "qsim/circuit/operation.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/fusion/fuser.hpp"

QSIM_BEGIN_NAMESPACE
namespace blocking {

/// The shape of the chunks a schedule is made for.
struct ChunkShape {
  /// Qubits of a chunk (|L|): 2^chunk_qubits amplitudes fit in one core's L2.
  unsigned chunk_qubits = 15;
  /// The lowest qubits, always local: a chunk is made of runs of at least
  /// 2^run_qubits consecutive amplitudes (whole cache lines, prefetchable).
  unsigned run_qubits = 5;
  /// Most qubits outside L that a stage's controls and diagonals may read:
  /// the executor prepares one gate list per combination of their values.
  unsigned max_global_reads = 6;
  /// Bound on the matrices the executor prepares for a stage: their bytes
  /// times the number of combinations of the outside values read.
  std::size_t max_variant_bytes = std::size_t{16} << 20;
  /// A gate alone in its stage runs as a direct pass (as cheap as a stage of
  /// one gate); false keeps it a stage where it fits, for executors that make
  /// a stage cheaper than a pass (ExecutorOptions::hermitian_rows).
  bool lone_gates_direct = true;
};

/// One stage: `ops` in the order they run, on the chunks of `local`. A
/// direct stage is one gate applied to the whole state as usual (a gate too
/// wide for a chunk, or alone in its stage, where a pass of its own is as cheap).
struct Stage {
  index_t local = 0;
  std::vector<const Operation*> ops;
  bool direct = false;
};

namespace detail {

inline index_t mask_of(const std::vector<qubit_t>& qubits) {
  index_t m = 0;
  for (auto q : qubits) m |= index_t{1} << q;
  return m;
}

inline unsigned popcount(index_t m) { return static_cast<unsigned>(__builtin_popcountll(m)); }

/// Gates scanned past the first deferred one when pulling gates forward
/// (bounds the scheduler's time at O(stages x window)).
inline constexpr std::size_t lookahead = 4096;

}  // namespace detail

/**
 * Cuts the unconditioned gates [first, last) of an n-qubit circuit into
 * stages for chunks of `shape`. Running the stages in order, each gate of a
 * stage in its order, gives the same state as running the gates in order.
 * @code
 *   auto stages = qsim::blocking::schedule(ops.data(), ops.data() + ops.size(), 24, {15, 5, 6});
 * @endcode
 */
inline std::vector<Stage> schedule(const Operation* first, const Operation* last, unsigned num_qubits,
                                   const ChunkShape& shape) {
  if (shape.chunk_qubits == 0 || shape.chunk_qubits >= num_qubits || shape.run_qubits > shape.chunk_qubits)
    throw invalid_argument("a chunk of " + std::to_string(shape.chunk_qubits) + " qubits with runs of " +
                           std::to_string(shape.run_qubits) + " cannot block a " + std::to_string(num_qubits) +
                           "-qubit state (1 <= run qubits <= chunk qubits < qubits)");
  const index_t all = num_qubits >= 64 ? ~index_t{0} : (index_t{1} << num_qubits) - 1;
  const index_t run_mask = (index_t{1} << shape.run_qubits) - 1;
  std::vector<const Operation*> remaining;
  for (const Operation* op = first; op != last; ++op) {
    if (!op->is_gate() || op->condition)
      throw invalid_argument("schedule() takes unconditioned gates only, got " + op->name());
    if (op->gate != GateId::i || !op->controls.empty()) remaining.push_back(op);
  }
  std::vector<Stage> stages;
  std::vector<const Operation*> deferred;
  while (!remaining.empty()) {
    Stage stage;
    stage.local = run_mask;
    index_t reads = 0;  // qubits the stage's gates touch
    std::size_t matrix_bytes = 0;
    index_t blocked = 0;  // qubits of deferred gates: later gates on them wait
    std::size_t since_deferral = 0;
    std::size_t i = 0;
    for (; i < remaining.size(); ++i) {
      const Operation* op = remaining[i];
      if (!deferred.empty() && (++since_deferral > detail::lookahead || blocked == all)) break;
      const index_t qs = detail::mask_of(op->targets) | detail::mask_of(op->controls);
      const std::size_t op_bytes = sizeof(std::complex<double>) << (2 * op->targets.size());
      bool placed = false;
      if ((qs & blocked) == 0) {
        const index_t targets = fusion::detail::is_diagonal_gate(*op) ? 0 : detail::mask_of(op->targets);
        // First with only the targets local; if the stage would then read too
        // many outside qubits, with every qubit of the gate local.
        for (const index_t need : {targets & ~stage.local, qs & ~stage.local}) {
          const index_t local = stage.local | need;
          if (detail::popcount(local) > shape.chunk_qubits) continue;
          const unsigned outside = detail::popcount((reads | qs) & ~local);
          if (outside > shape.max_global_reads || ((matrix_bytes + op_bytes) << outside) > shape.max_variant_bytes)
            continue;
          stage.local = local;
          reads |= qs;
          matrix_bytes += op_bytes;
          stage.ops.push_back(op);
          placed = true;
          break;
        }
      }
      if (placed) continue;
      if (stage.ops.empty()) {  // too wide for any chunk: a pass of its own
        stage.ops.push_back(op);
        stage.direct = true;
        ++i;
        break;
      }
      deferred.push_back(op);
      blocked |= qs;
    }
    deferred.insert(deferred.end(), remaining.begin() + static_cast<std::ptrdiff_t>(i), remaining.end());
    remaining.swap(deferred);
    deferred.clear();
    if (stage.ops.size() == 1 && shape.lone_gates_direct) stage.direct = true;
    // Unused room in the chunk goes to the lowest outside qubits: longer runs, fewer chunks.
    for (qubit_t q = 0; q < num_qubits && detail::popcount(stage.local) < shape.chunk_qubits; ++q)
      stage.local |= index_t{1} << q;
    stages.push_back(std::move(stage));
  }
  return stages;
}

}  // namespace blocking
QSIM_END_NAMESPACE
