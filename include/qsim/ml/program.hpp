#pragma once
// A parameterised circuit resolved once into the steps the training engine
// runs (ml/batch_engine.hpp): each step is one matrix on fixed targets and
// controls, with the trainable angles it carries. Runs of uncontrolled
// one-qubit gates on the same qubit whose angles are constants or weights
// (RZ RY RZ of a StronglyEntanglingLayer) become one step: their matrix is
// the same for every sample, so it is built once per call and applied in
// one pass forward and one pass backward. A gate whose angle reads a feature
// differs per sample and stays a step of its own.
#include <complex>
#include <cstddef>
#include <string>
#include <vector>

#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/gates/gate_table.hpp"
#include "qsim/gates/matrix.hpp"
#include "qsim/kernels/kernel_set.hpp"
#include "qsim/ml/gate_derivative.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {

namespace detail {
/// The ML layer runs noiseless circuits: a channel is refused, not skipped.
inline void refuse_channel(const Operation& op) {
  if (op.kind == OpKind::channel)
    throw invalid_argument("the ML layer runs noiseless circuits only, and this one has a noise channel (" + op.name() +
                           "): evaluate noisy circuits with DensityMatrixSimulator or Simulator::run");
}
/// The state index of each amplitude of an embedding: bit t of amplitude j at qubit targets[t].
inline std::vector<index_t> embedding_indices(const Operation& op) {
  std::vector<index_t> out;
  for (index_t j = 0; j < (index_t{1} << op.targets.size()); ++j) {
    index_t i = 0;
    for (std::size_t t = 0; t < op.targets.size(); ++t)
      if ((j >> t) & 1U) i |= index_t{1} << op.targets[t];
    out.push_back(i);
  }
  return out;
}

/**
 * The gradient through an amplitude embedding `op`, which starts every circuit that has one:
 * with psi0 = v/|v| its state and lam = A psi0 the adjoint state there
 * (E = <psi0|A|psi0>), dE/dv_j = 2 Re <lam| d psi0/dv_j> = (2/|v|) (Re lam_j -
 * psi0_j E). The state is v/|v| with or without `normalize` (which only
 * decides whether |v| must be 1), so this is the derivative of what runs.
 * `index` is embedding_indices(op) (a Program holds it once);
 * `re_lam(i)` gives Re lam at state index i; `add(param, g)` receives
 * dE/d(value of param) for each trainable value.
 */
template <class ReLam, class Add>
void embedding_gradient(const Operation& op, const std::vector<index_t>& index, const Binding& b, ReLam&& re_lam,
                        Add&& add) {
  double norm = 1;
  const std::vector<double> a = op.embedded_amplitudes(b, &norm);
  std::vector<double> lam(a.size());
  double e = 0;
  for (std::size_t j = 0; j < a.size(); ++j) {
    lam[j] = re_lam(index[j]);
    e += a[j] * lam[j];
  }
  for (std::size_t j = 0; j < op.params.size(); ++j) {
    if (!op.params[j].is_trainable()) continue;
    add(op.params[j], 2 / norm * (lam[j] - a[j] * e));
  }
}

}  // namespace detail

/// One matrix of a Program: factors[0] acts first.
struct ProgramStep {
  std::vector<qubit_t> targets, controls;
  index_t cmask = 0;
  std::vector<Operation> factors;
  /// Some angle reads a feature: the matrix differs per sample.
  bool per_sample = false;
  kernels::MatrixKind kind = kernels::MatrixKind::dense;
  /// A trainable angle: angle `angle` of factor `factor`.
  struct Slot {
    std::size_t factor, angle;
    Param param;
  };
  std::vector<Slot> slots;

  std::size_t dim() const { return std::size_t{1} << targets.size(); }
  /// One RX/RY/RZ/P on a feature: its matrix is a cosine and a sine per
  /// sample and dU/dt U^dagger does not depend on the angle.
  bool simple_per_sample() const {
    // One rotation whose angle is affine: the engines evaluate it lane by lane without a Binding.
    if (!per_sample || factors.size() != 1 || factors[0].params[0].is_expression()) return false;
    const GateId g = factors[0].gate;
    return g == GateId::rx || g == GateId::ry || g == GateId::rz || g == GateId::p;
  }
};

class Program {
 public:
  /// Largest number of trainable angles fused into one step (the per-sample
  /// backend's adjoint_one_target takes four).
  static constexpr std::size_t max_fused_slots = 4;

  explicit Program(const Circuit& c) : num_qubits_(c.num_qubits()) {
    std::vector<long> pending(num_qubits_, -1);  // the open fused step of each qubit
    const auto flush = [&](qubit_t q) {
      if (pending[q] >= 0) order_.push_back(static_cast<std::size_t>(pending[q]));
      pending[q] = -1;
    };
    for (const auto& op : c.operations()) {
      detail::refuse_channel(op);
      if (!op.is_gate()) continue;
      if (op.embedding) {  // the first operation (Circuit keeps it there): the initial state, not a step
        embedding_ = op;
        embedding_index_ = detail::embedding_indices(op);
        continue;
      }
      const bool shared_1q = op.controls.empty() && op.targets.size() == 1 && !reads_feature(op);
      if (shared_1q) {
        const qubit_t q = op.targets[0];
        if (pending[q] >= 0) {
          ProgramStep& s = pool_[static_cast<std::size_t>(pending[q])];
          if (s.slots.size() + trainable(op) <= max_fused_slots) {
            add_factor(s, op);
            continue;
          }
          flush(q);
        }
        pending[q] = static_cast<long>(pool_.size());
        pool_.push_back(start_step(op));
        continue;
      }
      for (auto q : op.qubits()) flush(q);
      order_.push_back(pool_.size());
      pool_.push_back(start_step(op));
    }
    for (qubit_t q = 0; q < num_qubits_; ++q) flush(q);
    steps_.reserve(order_.size());
    for (auto i : order_) {
      finish(pool_[i]);
      steps_.push_back(std::move(pool_[i]));
    }
    pool_.clear();
    order_.clear();
  }

  unsigned num_qubits() const noexcept { return num_qubits_; }
  const std::vector<ProgramStep>& steps() const noexcept { return steps_; }
  /// The amplitude embedding the circuit starts with, if any: the steps start
  /// from its state instead of |0...0>.
  const Operation* embedding() const noexcept { return embedding_.embedding ? &embedding_ : nullptr; }
  /// The state index of each embedded amplitude (detail::embedding_indices of embedding()).
  const std::vector<index_t>& embedding_index() const noexcept { return embedding_index_; }

  /// The initial state for the binding, as (index, amplitude) pairs passed
  /// to `set`; nothing without an embedding. `sample` names it in errors.
  template <class Set>
  void initial_amplitudes(const Binding& b, std::size_t sample, Set&& set) const {
    if (!embedding_.embedding) return;
    std::vector<double> a;
    try {
      a = embedding_.embedded_amplitudes(b);
    } catch (const invalid_argument& e) {
      throw invalid_argument("sample " + std::to_string(sample) + ": " + e.what());
    }
    for (std::size_t j = 0; j < a.size(); ++j) set(embedding_index_[j], a[j]);
  }

  /// The matrices of the step's factors for the binding b.
  static std::vector<Matrix> factor_matrices(const ProgramStep& s, const Binding& b) {
    std::vector<Matrix> f;
    f.reserve(s.factors.size());
    for (const auto& op : s.factors) f.push_back(op.bound_matrix(b));
    return f;
  }

  /// The step's matrix: the product of its factors' matrices `f`.
  static Matrix matrix(const ProgramStep& s, const std::vector<Matrix>& f) {
    Matrix u = f[0];
    for (std::size_t g = 1; g < f.size(); ++g) u = multiply(f[g], u, s.dim());
    return u;
  }
  static Matrix matrix(const ProgramStep& s, const Binding& b) {
    return s.factors.size() == 1 ? s.factors[0].bound_matrix(b) : matrix(s, factor_matrices(s, b));
  }

  /// For every slot, M = (dU/d angle) U^dagger, so that the gradient of
  /// <lam|psi> at the state after the step is 2 Re <lam|M|psi>: with U =
  /// A F B and F the slot's factor, M = A (dF F^dagger) A^dagger. `f`: the
  /// factors' matrices for b. The slots are in factor order (add_factor
  /// appends them so): A is formed once, walking the factors from the last.
  static std::vector<Matrix> derivatives(const ProgramStep& s, const Binding& b, const std::vector<Matrix>& f) {
    const std::size_t dim = s.dim();
    std::vector<Matrix> out(s.slots.size());
    Matrix after;  // A: the product of the factors after the current one (none yet: the identity)
    std::vector<double> angles;
    std::size_t j = s.slots.size();
    for (std::size_t g = f.size(); g-- > 0 && j > 0;) {
      if (s.slots[j - 1].factor == g) {
        angles.clear();
        for (const auto& p : s.factors[g].params) angles.push_back(p.value(b));
      }
      for (; j > 0 && s.slots[j - 1].factor == g; --j) {
        Matrix m = gate_derivative_times_adjoint(s.factors[g].gate, angles, s.slots[j - 1].angle, f[g], dim);
        if (!after.empty()) m = multiply(multiply(after, m, dim), adjoint(after, dim), dim);
        out[j - 1] = std::move(m);
      }
      after = after.empty() ? f[g] : multiply(after, f[g], dim);
    }
    return out;
  }
  static std::vector<Matrix> derivatives(const ProgramStep& s, const Binding& b) {
    return derivatives(s, b, factor_matrices(s, b));
  }

 private:
  static bool reads_feature(const Operation& op) {
    for (const auto& p : op.params)
      if (p.reads(Param::Source::feature)) return true;
    return false;
  }
  static std::size_t trainable(const Operation& op) {
    std::size_t k = 0;
    for (const auto& p : op.params) k += p.is_trainable();
    return k;
  }
  static void add_factor(ProgramStep& s, const Operation& op) {
    for (std::size_t j = 0; j < op.params.size(); ++j)
      if (op.params[j].is_trainable()) s.slots.push_back({s.factors.size(), j, op.params[j]});
    s.factors.push_back(op);
  }
  static ProgramStep start_step(const Operation& op) {
    ProgramStep s;
    s.targets = op.targets;
    s.controls = op.controls;
    for (auto q : op.controls) s.cmask |= index_t{1} << q;
    s.per_sample = reads_feature(op);
    add_factor(s, op);
    return s;
  }
  // The kernel class of the product: diagonal when every factor is, X moves amplitudes.
  static void finish(ProgramStep& s) {
    bool diagonal = true;
    for (const auto& f : s.factors)
      diagonal = diagonal && f.gate != GateId::unitary && gate_info(f.gate).kind == GateClass::diagonal;
    if (diagonal)
      s.kind = kernels::MatrixKind::diagonal;
    else if (s.factors.size() == 1 && s.factors[0].gate == GateId::x)
      s.kind = kernels::MatrixKind::permutation;
    else
      s.kind = kernels::MatrixKind::dense;
  }

  unsigned num_qubits_;
  Operation embedding_;  // embedding_.embedding is null without one
  std::vector<index_t> embedding_index_;
  std::vector<ProgramStep> steps_;
  std::vector<ProgramStep> pool_;
  std::vector<std::size_t> order_;
};

}  // namespace ml
QSIM_END_NAMESPACE
