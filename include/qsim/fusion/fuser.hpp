#pragma once
// Gate fusion: consecutive gates grouped into blocks of at most k qubits, each
// applied as one dense matrix (one pass over the state instead of one per
// gate). Runs of diagonal gates merge into one diagonal of up to
// `max_diagonal_qubits` qubits. A gate may join any block after the last
// block that touches one of its qubits (it commutes with those in between,
// which share no qubit with it), so a layer of 1-qubit gates followed by a
// CNOT chain packs into few blocks.
#include <algorithm>
#include <complex>
#include <memory>
#include <vector>

#include "qsim/circuit/apply_gate.hpp"
#include "qsim/circuit/operation.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/gates/gather.hpp"
#include "qsim/gates/matrices.hpp"

QSIM_BEGIN_NAMESPACE
namespace fusion {

/// Largest merged diagonal, in qubits (its phase table has 2^k entries).
inline constexpr unsigned max_diagonal_qubits = 10;
/// Largest dense fused gate: what the vector kernel takes.
inline constexpr unsigned max_fused_qubits = kernels::max_dense_qubits;

/**
 * The fused gate size used when SimulatorOptions::max_fused_qubits is 0.
 * Measured on this machine (bench/README.md, 24-qubit RY + CNOT circuit):
 * 3 qubits is fastest in both precisions; a k-qubit pass costs 2^k complex
 * multiply-adds per amplitude, and at k = 4 that already exceeds the memory
 * time of a pass on one Zen 4 core (one 512-bit FMA per cycle).
 */
template <class T>
unsigned automatic_fused_qubits(unsigned num_qubits) {
  return std::min(3U, std::max(1U, num_qubits));
}

/// One pass over the state: a single original gate, or a fused block whose
/// `data` is a dense matrix or (when `diagonal`) the diagonal, on `qubits`
/// (bit b = qubits[b]).
struct FusedGate {
  const Operation* single = nullptr;
  std::vector<qubit_t> qubits;
  bool diagonal = false;
  Matrix data;
};

namespace detail {

inline bool is_diagonal_gate(const Operation& op) {
  if (op.gate != GateId::unitary) return gate_info(op.gate).kind == GateClass::diagonal;
  return op.matrix && is_diagonal(*op.matrix, std::size_t{1} << op.targets.size());  // an embedding is dense
}

// Position of each qubit of `op` inside the block's qubit list.
inline std::vector<qubit_t> positions(const std::vector<qubit_t>& block, const std::vector<qubit_t>& qubits) {
  std::vector<qubit_t> out;
  for (auto q : qubits) out.push_back(static_cast<qubit_t>(std::find(block.begin(), block.end(), q) - block.begin()));
  return out;
}

// u <- G u for the block matrix u (dim x dim, row-major), G = op embedded in
// the block. u is read as a state of 2k qubits, index row * dim + col: the
// gate acts on the row bits (its block positions shifted past the k column
// bits), so one sweep applies it to every column (one set of index tables
// per gate, not one per column: this runs per shot in trajectories).
inline void multiply_into(Matrix& u, std::size_t dim, const std::vector<qubit_t>& block, const Operation& op,
                          const Binding& b) {
  const Matrix g = op.bound_matrix(b);
  const auto k = static_cast<qubit_t>(block.size());
  auto t = positions(block, op.targets), c = positions(block, op.controls);
  for (auto* bits : {&t, &c})
    for (auto& p : *bits) p = static_cast<qubit_t>(p + k);
  qsim::detail::multiply_all_groups(dim * dim, t, c, g, [&](index_t i) -> std::complex<double>& { return u[i]; });
}

// d <- diag(G) d for a diagonal op.
inline void multiply_diagonal(Matrix& d, const std::vector<qubit_t>& block, const Operation& op, const Binding& b) {
  const Matrix g = op.bound_matrix(b);
  const auto t = positions(block, op.targets), c = positions(block, op.controls);
  const std::size_t gd = std::size_t{1} << t.size();
  for (std::size_t i = 0; i < d.size(); ++i) {
    bool on = true;
    for (auto p : c) on = on && ((i >> p) & 1U);
    if (!on) continue;
    std::size_t j = 0;
    for (std::size_t k = 0; k < t.size(); ++k) j |= ((i >> t[k]) & 1U) << k;
    d[i] *= g[j * gd + j];
  }
}

struct Block {
  std::vector<qubit_t> qubits;
  std::vector<const Operation*> ops;
  bool diagonal = true;
};

}  // namespace detail

/**
 * Groups the gates [first, last) (all unconditioned gates) into fused passes
 * of at most `max_qubits` qubits, evaluated for binding `b`.
 * @code
 *   auto passes = qsim::fusion::fuse(ops.data(), ops.data() + ops.size(), {}, 4);
 *   qsim::fusion::apply_fused(psi, passes);
 * @endcode
 */
inline std::vector<FusedGate> fuse(const Operation* first, const Operation* last, const Binding& b,
                                   unsigned max_qubits) {
  if (max_qubits < 1 || max_qubits > max_fused_qubits)
    throw invalid_argument("fused gate size " + std::to_string(max_qubits) + " is not in 1.." +
                           std::to_string(max_fused_qubits));
  std::vector<detail::Block> blocks;
  std::vector<long> latest;           // per qubit: last block touching it
  constexpr std::size_t window = 16;  // blocks searched back for a place
  for (const Operation* op = first; op != last; ++op) {
    if (!op->is_gate() || op->condition)
      throw invalid_argument("fuse() takes unconditioned gates only, got " + op->name());
    const auto qs = op->qubits();
    const bool diag = detail::is_diagonal_gate(*op);
    long pred = -1;
    for (auto q : qs) {
      if (q >= latest.size()) latest.resize(q + 1, -1);
      pred = std::max(pred, latest[q]);
    }
    long best = -1;
    std::size_t best_size = 0;
    const long from = std::max<long>({pred, 0L, static_cast<long>(blocks.size()) - static_cast<long>(window)});
    for (long i = from; i < static_cast<long>(blocks.size()); ++i) {
      const auto& blk = blocks[static_cast<std::size_t>(i)];
      std::size_t size = blk.qubits.size();
      for (auto q : qs)
        if (std::find(blk.qubits.begin(), blk.qubits.end(), q) == blk.qubits.end()) ++size;
      const unsigned limit = blk.diagonal && diag ? std::max(max_qubits, max_diagonal_qubits) : max_qubits;
      if (size <= limit && (best < 0 || size < best_size)) {
        best = i;
        best_size = size;
      }
    }
    if (best < 0) {
      best = static_cast<long>(blocks.size());
      blocks.emplace_back();
    }
    auto& blk = blocks[static_cast<std::size_t>(best)];
    for (auto q : qs) {
      if (std::find(blk.qubits.begin(), blk.qubits.end(), q) == blk.qubits.end()) blk.qubits.push_back(q);
      latest[q] = best;
    }
    blk.ops.push_back(op);
    blk.diagonal = blk.diagonal && diag;
  }
  std::vector<FusedGate> out;
  out.reserve(blocks.size());
  for (auto& blk : blocks) {
    FusedGate f;
    if (blk.ops.size() == 1) {
      f.single = blk.ops[0];
      out.push_back(std::move(f));
      continue;
    }
    std::sort(blk.qubits.begin(), blk.qubits.end());
    f.qubits = blk.qubits;
    f.diagonal = blk.diagonal;
    const std::size_t dim = std::size_t{1} << blk.qubits.size();
    if (f.diagonal) {
      f.data.assign(dim, 1.0);
      for (const auto* op : blk.ops) detail::multiply_diagonal(f.data, blk.qubits, *op, b);
    } else {
      f.data.assign(dim * dim, 0.0);
      for (std::size_t i = 0; i < dim; ++i) f.data[i * dim + i] = 1.0;
      for (const auto* op : blk.ops) detail::multiply_into(f.data, dim, blk.qubits, *op, b);
    }
    out.push_back(std::move(f));
  }
  return out;
}

/// Applies fused passes in order (`b` binds the parameters of single gates).
template <class T>
void apply_fused(StateVector<T>& psi, const std::vector<FusedGate>& passes, const Binding& b = {},
                 const kernels::ParallelFor& par = {}) {
  for (const auto& f : passes) {
    if (f.single) {
      kernels::apply_validated_gate(psi, *f.single, b, par);
    } else if (f.diagonal) {
      kernels::apply_diagonal(psi, f.qubits, f.data, par);
    } else {
      kernels::apply_matrix(psi, f.qubits, {}, f.data, par);
    }
  }
}

}  // namespace fusion
QSIM_END_NAMESPACE
