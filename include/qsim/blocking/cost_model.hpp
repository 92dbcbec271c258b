#pragma once
// Whether cache blocking pays for a run of gates: both ways of running it
// are priced in units of one read-modify-write (RMW) pass over the state.
// A pass over the whole state costs the larger of its memory traffic (one
// RMW) and its arithmetic; a blocked stage costs its gather and scatter,
// and each pass inside a chunk its arithmetic, or the L2 traffic when that
// is larger. Arithmetic is counted in vector multiply-adds per amplitude
// (a dense k-qubit pass: 2^(k-1) for a complex matrix, half that for a real
// one) and converted with the machine's ratio of FMA time to RMW time.
#include <algorithm>
#include <cmath>
#include <vector>

#include "qsim/blocking/executor.hpp"
#include "qsim/blocking/schedule.hpp"
#include "qsim/circuit/apply_gate.hpp"
#include "qsim/core/config.hpp"
#include "qsim/fusion/fuser.hpp"

QSIM_BEGIN_NAMESPACE
namespace blocking {

/**
 * The machine's figures, in RMW passes. Defaults measured on an AMD Zen 4
 * core with AVX-512 (bench_circuits, bench_gates at n = 24 and 16): one
 * multiply-add per amplitude over the state takes half an RMW pass; a stage
 * moves its chunks in about two (a gather that misses, a scatter that
 * reloads the lines it overwrites); a pass in L2 costs at least 0.3 however
 * little arithmetic it does. Machines with slower memory (Zen 3: RMW twice
 * as long for the same arithmetic) favour blocking more than this model.
 * With t threads the arithmetic and L2 figures divide by t (each core has
 * its own FMA units and L2), the memory figures do not.
 */
struct CostModel {
  double fma_per_amplitude = 0.5;
  double stage = 2.0;
  double l2_pass = 0.3;
};

namespace detail {

// Vector multiply-adds per amplitude of a pass (a k-qubit dense matrix
// mixes 2^k amplitudes; a real matrix skips the imaginary half; a
// diagonal is one complex product; a permutation only moves).
inline double pass_arithmetic(kernels::MatrixKind kind, std::size_t k, bool real) {
  switch (kind) {
    case kernels::MatrixKind::diagonal:
      return 0.5;
    case kernels::MatrixKind::permutation:
      return 0.0;
    default:
      return static_cast<double>(std::size_t{1} << k) / (real ? 4.0 : 2.0);
  }
}

inline bool is_real(const Matrix& m) {
  return std::all_of(m.begin(), m.end(), [](const std::complex<double>& z) { return z.imag() == 0; });
}

}  // namespace detail

/// RMW passes of running `passes` (fusion::fuse's result) over the whole state.
inline double unblocked_cost(const std::vector<fusion::FusedGate>& passes, const Binding& b,
                             const CostModel& model = {}) {
  double total = 0;
  for (const auto& f : passes) {
    double arithmetic = 0;
    if (f.single) {
      // A real matrix halves a dense pass's arithmetic: the gate's matrix is
      // bound (apply_fused binds it again) only where that changes the price.
      const kernels::MatrixKind kind = kernels::matrix_kind(*f.single);
      const std::size_t k = f.single->targets.size();
      arithmetic = detail::pass_arithmetic(kind, k, false);
      if (arithmetic * model.fma_per_amplitude > 1.0 && detail::is_real(f.single->bound_matrix(b)))
        arithmetic = detail::pass_arithmetic(kind, k, true);
    } else {
      arithmetic = detail::pass_arithmetic(f.diagonal ? kernels::MatrixKind::diagonal : kernels::MatrixKind::dense,
                                           f.qubits.size(), detail::is_real(f.data));
    }
    total += std::max(1.0, arithmetic * model.fma_per_amplitude);
  }
  return total;
}

/// RMW passes of one stage run blocked, priced by the gate list of chunks
/// whose outside controls are all 1 (the most gates), which `stage` keeps
/// for the executor.
inline double stage_cost(PreparedStage& stage, const CostModel& model = {}) {
  if (stage.stage().direct) return static_cast<double>(stage.stage().ops.size());
  double total = model.stage;
  for (const auto& p : stage.most_passes())
    total += std::max(model.l2_pass, detail::pass_arithmetic(p.kind, p.targets.size(), detail::is_real(p.m)) *
                                         model.fma_per_amplitude);
  return total;
}

/// RMW passes of running `stages` blocked.
inline double blocked_cost(std::vector<PreparedStage>& stages, const CostModel& model = {}) {
  double total = 0;
  for (auto& stage : stages) total += stage_cost(stage, model);
  return total;
}

/// RMW passes of running `stages` on a density matrix of `rows` qubits with
/// ExecutorOptions::hermitian_rows: a stage with m outside row qubits
/// computes (2^m + 1) / 2^(m+1) of its chunks and writes the others from
/// their mirrors, a scatter without a gather (about half a stage's traffic).
inline double hermitian_blocked_cost(std::vector<PreparedStage>& stages, unsigned rows, const CostModel& model = {}) {
  double total = 0;
  for (auto& stage : stages) {
    if (stage.stage().direct) {
      total += stage_cost(stage, model);
      continue;
    }
    const index_t local = stage.stage().local;
    const auto local_rows = static_cast<unsigned>(__builtin_popcountll(local & ((index_t{1} << rows) - 1)));
    const double computed = 0.5 + std::ldexp(0.5, -static_cast<int>(rows - local_rows));
    total += computed * stage_cost(stage, model) + (1 - computed) * model.stage / 2;
  }
  return total;
}

}  // namespace blocking
QSIM_END_NAMESPACE
