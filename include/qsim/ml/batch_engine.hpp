#pragma once
// The training engine behind QuantumLayer: forward and adjoint backward of a
// compiled circuit (ml/program.hpp) over a whole batch. Two ways to run it:
// - batched: blocks of up to a few hundred samples stored batch-minor
//   (BatchKernels in kernels/kernel_set.hpp), every step applied to the
//   whole block with full SIMD vectors even on one or two qubits;
// - per sample: one state vector per sample on the backend's usual kernels,
//   for circuits wide enough that one state fills many registers.
// Both compute each sample on its own and sum in sample order, so results
// do not depend on the thread count or on how the batch is cut into blocks.
// The per-gate path of ml/adjoint.hpp stays the reference they are tested
// against.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/detail/memory.hpp"
#include "qsim/kernels/dispatch.hpp"
#include "qsim/ml/adjoint.hpp"
#include "qsim/ml/buffer_pool.hpp"
#include "qsim/ml/expectation.hpp"
#include "qsim/ml/parallel_samples.hpp"
#include "qsim/ml/pauli_sum.hpp"
#include "qsim/ml/program.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {

/// Which engine a QuantumLayer runs on.
enum class Engine {
  automatic,   ///< batched up to batched_max_qubits, per sample above
  batched,     ///< blocks of samples, batch-minor (needs a backend with BatchKernels)
  per_sample,  ///< the compiled circuit, one state vector per sample
  reference    ///< gate by gate through the library's gate entry point (what the tests compare against)
};

/// Up to this many qubits Engine::automatic runs batched (measured, docs/ml.md).
inline constexpr unsigned batched_max_qubits = 14;

inline const char* engine_name(Engine e) {
  switch (e) {
    case Engine::batched:
      return "batched";
    case Engine::per_sample:
      return "per_sample";
    case Engine::reference:
      return "reference";
    default:
      return "automatic";
  }
}

template <class T>
class BatchEngine {
  using KernelSetRef = kernels::KernelSet<T>;

 public:
  /// The final states of one block of a forward pass, kept for backward.
  struct Block {
    std::size_t first = 0, count = 0, lanes = 0;
    std::vector<T> state;          // re then im, amplitude-major
    std::vector<T> lane_matrices;  // the per-sample steps' matrices
  };

  BatchEngine(const Circuit& c, const std::vector<PauliSum>& observables)
      : program_(c), n_(c.num_qubits()), num_features_(c.num_features()) {
    for (std::size_t o = 0; o < observables.size(); ++o)
      for (const auto& t : observables[o].terms()) {
        terms_.x.push_back(t.x_mask);
        terms_.z.push_back(t.z_mask);
        terms_.w.push_back(t.coeff * t.phase());
        terms_.output.push_back(o);
      }
    std::size_t offset = 0;
    for (const auto& s : program_.steps()) {
      lane_offset_.push_back(offset);
      if (s.per_sample) offset += 2 * s.dim() * s.dim();
      max_dim_ = std::max(max_dim_, s.dim());
    }
    lane_values_ = offset;
  }

  const Program& program() const noexcept { return program_; }

  /// Samples per block for `batch` samples on `threads` threads: blocks
  /// small enough that psi and lam of one stay in L2, at least one per
  /// thread when the batch is large enough for threads to pay.
  std::vector<std::pair<std::size_t, std::size_t>> blocks(std::size_t batch, unsigned threads) const {
    const std::size_t state_bytes = 2 * (std::size_t{1} << n_) * sizeof(T);
    std::size_t lanes = (std::size_t{128} << 10) / state_bytes;
    lanes = std::clamp<std::size_t>(lanes / kernels::batch_lane_multiple * kernels::batch_lane_multiple,
                                    kernels::batch_lane_multiple, 256);
    std::size_t count = (batch + lanes - 1) / lanes;
    if (threads > 1 && batch >= 2 * kernels::batch_lane_multiple) count = std::max<std::size_t>(count, threads);
    std::vector<std::pair<std::size_t, std::size_t>> out;
    for (std::size_t b = 0; b < count; ++b) {
      const std::size_t first = batch * b / count, last = batch * (b + 1) / count;
      if (last > first) out.emplace_back(first, last - first);
    }
    return out;
  }

  /// The matrices that are the same for every sample, for weights `w`.
  struct Shared {
    std::vector<std::vector<T>> u, udag;               // 2 dim^2 values per step (shared steps)
    std::vector<std::vector<std::complex<double>>> m;  // per step: dim^2 per slot (shared and simple per-sample steps)
    std::vector<Matrix> u_matrix, udag_matrix;         // the same as Matrix, for the per-sample engine
    std::vector<std::vector<Matrix>> m_matrix;
  };

  /// `threads` share the steps (each is computed on its own: the same for any count).
  Shared shared(const Eigen::VectorXd& w, unsigned threads = 1) const {
    const std::vector<double> zeros(num_features_, 0.0);
    const Binding b{w.data(), static_cast<std::size_t>(w.size()), zeros.data(), zeros.size()};
    Shared sh;
    const std::size_t steps = program_.steps().size();
    sh.u.resize(steps), sh.udag.resize(steps), sh.m.resize(steps);
    sh.u_matrix.resize(steps), sh.udag_matrix.resize(steps), sh.m_matrix.resize(steps);
    detail::parallel_samples(static_cast<std::ptrdiff_t>(steps), threads, [&](std::ptrdiff_t step) {
      const auto i = static_cast<std::size_t>(step);
      const ProgramStep& s = program_.steps()[i];
      if (s.per_sample && !s.simple_per_sample()) return;
      const std::vector<Matrix> f = Program::factor_matrices(s, b);
      std::vector<Matrix> m = Program::derivatives(s, b, f);  // constant for a simple per-sample step
      for (const auto& mk : m) sh.m[i].insert(sh.m[i].end(), mk.begin(), mk.end());
      sh.m_matrix[i] = std::move(m);
      if (s.per_sample) return;
      sh.u_matrix[i] = Program::matrix(s, f);
      sh.udag_matrix[i] = adjoint(sh.u_matrix[i], s.dim());
      sh.u[i] = to_values(sh.u_matrix[i]);
      sh.udag[i] = to_values(sh.udag_matrix[i]);
    });
    return sh;
  }

  // ---- batched -------------------------------------------------------------

  /// Runs the block [first, first + count) of the batch (`xt`: features x
  /// batch) from |0...0> (or the embedded state); fills its rows of y and
  /// returns its states.
  Block forward_block(const kernels::BatchKernels<T>& kb, const Shared& sh, const Eigen::VectorXd& w,
                      const Eigen::MatrixXd& xt, std::size_t first, std::size_t count, Eigen::MatrixXd* y) const {
    Block blk;
    blk.first = first, blk.count = count;
    blk.lanes =
        (count + kernels::batch_lane_multiple - 1) / kernels::batch_lane_multiple * kernels::batch_lane_multiple;
    const std::size_t lanes = blk.lanes, size = std::size_t{1} << n_;
    blk.state = values_->take(2 * size * lanes);
    blk.lane_matrices = values_->take_uninitialized(lane_values_ * lanes);  // every per-sample step writes its lanes
    T* re = blk.state.data();
    T* im = re + size * lanes;
    if (program_.embedding()) {
      for (std::size_t b = 0; b < lanes; ++b) {  // padding lanes repeat the block's first sample
        const std::size_t sample = first + (b < count ? b : 0);
        program_.initial_amplitudes(binding(w, xt, static_cast<Eigen::Index>(sample)), sample,
                                    [&](index_t i, double a) { re[i * lanes + b] = static_cast<T>(a); });
      }
    } else {
      std::fill(re, re + lanes, T(1));
    }
    std::vector<T> scratch = values_->take_uninitialized(2 * max_dim_ * lanes);
    const auto& steps = program_.steps();
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const ProgramStep& s = steps[i];
      const T* m = sh.u[i].data();
      if (s.per_sample) {
        T* lm = blk.lane_matrices.data() + lane_offset_[i] * lanes;
        lane_matrices(kb, s, w, xt, blk, lm);
        m = lm;
      }
      kb.apply_matrix(re, im, n_, lanes, s.targets.data(), static_cast<unsigned>(s.targets.size()), s.cmask, m,
                      s.per_sample, s.kind, scratch.data());
    }
    if (y != nullptr) {
      std::vector<double> out(lanes);
      for (std::size_t o = 0; o < static_cast<std::size_t>(y->cols()); ++o) {
        std::fill(out.begin(), out.end(), 0.0);
        for (std::size_t t = 0; t < terms_.x.size(); ++t)
          if (terms_.output[t] == o)
            kb.pauli_expectations(re, im, n_, lanes, &terms_.x[t], &terms_.z[t], &terms_.w[t], 1, out.data());
        for (std::size_t b = 0; b < count; ++b)
          (*y)(static_cast<Eigen::Index>(first + b), static_cast<Eigen::Index>(o)) = out[b];
      }
    }
    values_->give(std::move(scratch));
    return blk;
  }

  /// Hands a block's buffers back for the next call to reuse.
  void recycle(Block& blk) const {
    values_->give(std::move(blk.state));
    values_->give(std::move(blk.lane_matrices));
    blk.state.clear(), blk.lane_matrices.clear();
  }

  /// The adjoint sweep of one block: adds each sample's dL/dw to its column
  /// of dw (weights x batch) and its dL/dx to its column of dxt.
  void backward_block(const kernels::BatchKernels<T>& kb, const Shared& sh, const Eigen::VectorXd& w,
                      const Eigen::MatrixXd& xt, const Eigen::MatrixXd& dy, Block& blk, Eigen::MatrixXd& dw,
                      Eigen::MatrixXd& dxt) const {
    const std::size_t lanes = blk.lanes, size = std::size_t{1} << n_, first = blk.first;
    T* re = blk.state.data();
    T* im = re + size * lanes;
    // lam is written whole by apply_pauli_strings; weights' padding lanes must read 0.
    std::vector<T> lam = values_->take_uninitialized(2 * size * lanes),
                   weights = values_->take(2 * terms_.x.size() * lanes);
    for (std::size_t t = 0; t < terms_.x.size(); ++t)
      for (std::size_t b = 0; b < blk.count; ++b) {
        const std::complex<double> v =
            terms_.w[t] * dy(static_cast<Eigen::Index>(first + b), static_cast<Eigen::Index>(terms_.output[t]));
        weights[(2 * t) * lanes + b] = static_cast<T>(v.real());
        weights[(2 * t + 1) * lanes + b] = static_cast<T>(v.imag());
      }
    T* lre = lam.data();
    T* lim = lre + size * lanes;
    kb.apply_pauli_strings(re, im, lre, lim, n_, lanes, terms_.x.data(), terms_.z.data(), weights.data(),
                           terms_.x.size());
    std::vector<T> udag = values_->take_uninitialized(2 * max_dim_ * max_dim_ * lanes),
                   scratch = values_->take_uninitialized(2 * max_dim_ * lanes);
    // rho and grad are cleared before each use.
    std::vector<double> rho = doubles_->take_uninitialized(2 * max_dim_ * max_dim_ * lanes),
                        grad = doubles_->take_uninitialized(lanes);
    const auto& steps = program_.steps();
    for (std::size_t i = steps.size(); i-- > 0;) {
      const ProgramStep& s = steps[i];
      const std::size_t dim = s.dim(), k = s.targets.size();
      const T* m = sh.udag[i].data();
      if (s.per_sample) {  // U^dagger of each lane from the forward's U
        const T* lm = blk.lane_matrices.data() + lane_offset_[i] * lanes;
        for (std::size_t r = 0; r < dim; ++r)
          for (std::size_t c = 0; c < dim; ++c)
            for (std::size_t b = 0; b < lanes; ++b) {
              udag[(2 * (r * dim + c)) * lanes + b] = lm[(2 * (c * dim + r)) * lanes + b];
              udag[(2 * (r * dim + c) + 1) * lanes + b] = -lm[(2 * (c * dim + r) + 1) * lanes + b];
            }
        m = udag.data();
      }
      const bool grads = !s.slots.empty();
      if (grads) std::fill(rho.begin(), rho.begin() + static_cast<std::ptrdiff_t>(2 * dim * dim * lanes), 0.0);
      if (k == 1 && grads) {
        kb.adjoint_step(re, im, lre, lim, n_, lanes, s.targets[0], s.cmask, m, s.per_sample, rho.data());
      } else {
        if (grads)
          kb.accumulate_rho(re, im, lre, lim, n_, lanes, s.targets.data(), static_cast<unsigned>(k), s.cmask,
                            rho.data());
        kb.apply_matrix(re, im, n_, lanes, s.targets.data(), static_cast<unsigned>(k), s.cmask, m, s.per_sample, s.kind,
                        scratch.data());
        kb.apply_matrix(lre, lim, n_, lanes, s.targets.data(), static_cast<unsigned>(k), s.cmask, m, s.per_sample,
                        s.kind, scratch.data());
      }
      if (!grads) continue;
      if (s.per_sample && !s.simple_per_sample()) {  // dU/dt U^dagger differs per sample
        for (std::size_t b = 0; b < blk.count; ++b) {
          const auto col = static_cast<Eigen::Index>(first + b);
          const std::vector<Matrix> lane_m = Program::derivatives(s, binding(w, xt, col));
          for (std::size_t j = 0; j < s.slots.size(); ++j) {
            double g = 0;
            for (std::size_t e = 0; e < dim * dim; ++e) {
              const std::size_t r = e / dim, c = e % dim;
              g += (lane_m[j][c * dim + r] *
                    std::complex<double>(rho[(2 * e) * lanes + b], rho[(2 * e + 1) * lanes + b]))
                       .real();
            }
            add_gradient(s.slots[j].param, 2 * g, w, xt, col, dw, dxt);
          }
        }
        continue;
      }
      for (std::size_t j = 0; j < s.slots.size(); ++j) {  // Re tr(M rho) of every lane at once
        const std::complex<double>* mk = sh.m[i].data() + j * dim * dim;
        std::fill(grad.begin(), grad.end(), 0.0);
        for (std::size_t e = 0; e < dim * dim; ++e) {
          const std::size_t r = e / dim, c = e % dim;
          const double mr = mk[c * dim + r].real(), mi = mk[c * dim + r].imag();
          const double* __restrict rr = rho.data() + (2 * e) * lanes;
          const double* __restrict ri = rr + lanes;
          double* __restrict g = grad.data();
          for (std::size_t b = 0; b < lanes; ++b) g[b] += mr * rr[b] - mi * ri[b];
        }
        for (std::size_t b = 0; b < blk.count; ++b)
          add_gradient(s.slots[j].param, 2 * grad[b], w, xt, static_cast<Eigen::Index>(first + b), dw, dxt);
      }
    }
    if (const Operation* e = program_.embedding())
      for (std::size_t b = 0; b < blk.count; ++b) {
        const auto col = static_cast<Eigen::Index>(first + b);
        detail::embedding_gradient(
            *e, program_.embedding_index(), binding(w, xt, col),
            [&](index_t i) { return static_cast<double>(lre[i * lanes + b]); },
            [&](const Param& p, double g) { add_gradient(p, g, w, xt, col, dw, dxt); });
      }
    for (auto* v : {&lam, &weights, &udag, &scratch}) values_->give(std::move(*v));
    doubles_->give(std::move(rho));
    doubles_->give(std::move(grad));
  }

  // ---- per sample ----------------------------------------------------------

  /// psi <- the compiled circuit applied to |0...0> (or the embedded state) for sample `col`.
  void forward_sample(const KernelSetRef& ks, const Shared& sh, const Eigen::VectorXd& w, const Eigen::MatrixXd& xt,
                      Eigen::Index col, StateVector<T>& psi, const kernels::ParallelFor& par) const {
    psi.reset();
    const Binding b = binding(w, xt, col);
    if (program_.embedding()) {
      psi[0] = 0;
      program_.initial_amplitudes(b, static_cast<std::size_t>(col), [&](index_t i, double a) { psi[i] = a; });
    }
    const auto& steps = program_.steps();
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const ProgramStep& s = steps[i];
      if (s.per_sample)
        ks.apply_matrix(psi, s.targets, s.controls, Program::matrix(s, b), par, s.kind);
      else
        ks.apply_matrix(psi, s.targets, s.controls, sh.u_matrix[i], par, s.kind);
    }
  }

  /// The adjoint sweep of one sample from its final state psi; lam and scratch are workspaces.
  void backward_sample(const KernelSetRef& ks, const Shared& sh, const Eigen::VectorXd& w, const Eigen::MatrixXd& xt,
                       Eigen::Index col, const std::vector<PauliSum>& observables, const Eigen::MatrixXd& dy,
                       StateVector<T>& psi, StateVector<T>& lam, StateVector<T>& scratch, Eigen::MatrixXd& dw,
                       Eigen::MatrixXd& dxt, const kernels::ParallelFor& par) const {
    PauliSum folded;
    for (std::size_t o = 0; o < observables.size(); ++o)
      folded.add(observables[o], dy(col, static_cast<Eigen::Index>(o)));
    apply_pauli_sum(folded, psi, lam, par);
    const Binding b = binding(w, xt, col);
    const auto& steps = program_.steps();
    Operation where;  // targets and controls for masked_expectation
    for (std::size_t i = steps.size(); i-- > 0;) {
      const ProgramStep& s = steps[i];
      Matrix udag_own;
      std::vector<Matrix> m_own;
      if (s.per_sample) {
        udag_own = adjoint(Program::matrix(s, b), s.dim());
        if (!s.slots.empty()) m_own = s.simple_per_sample() ? sh.m_matrix[i] : Program::derivatives(s, b);
      }
      const Matrix& udag = s.per_sample ? udag_own : sh.udag_matrix[i];
      const std::vector<Matrix>& m = s.per_sample ? m_own : sh.m_matrix[i];
      double acc[Program::max_fused_slots] = {0, 0, 0, 0};
      if (s.slots.empty()) {
        ks.apply_matrix(psi, s.targets, s.controls, udag, par, s.kind);
        ks.apply_matrix(lam, s.targets, s.controls, udag, par, s.kind);
        continue;
      }
      if (s.targets.size() == 1 && s.slots.size() <= Program::max_fused_slots) {
        const GateId gate = s.factors.size() == 1 ? s.factors[0].gate : GateId::unitary;
        ks.adjoint_one_target(psi, &lam, s.targets[0], s.cmask, udag, m, acc, gate);
      } else {
        where.targets = s.targets;
        where.controls = s.controls;
        for (std::size_t j = 0; j < s.slots.size(); ++j)
          acc[j] = detail::masked_expectation(lam, psi, where, m[j], scratch, par);
        ks.apply_matrix(psi, s.targets, s.controls, udag, par, s.kind);
        ks.apply_matrix(lam, s.targets, s.controls, udag, par, s.kind);
      }
      for (std::size_t j = 0; j < s.slots.size(); ++j) add_gradient(s.slots[j].param, 2 * acc[j], w, xt, col, dw, dxt);
    }
    if (const Operation* e = program_.embedding())
      detail::embedding_gradient(
          *e, program_.embedding_index(), b, [&](index_t i) { return static_cast<double>(lam[i].real()); },
          [&](const Param& p, double g) { add_gradient(p, g, w, xt, col, dw, dxt); });
  }

 private:
  static Binding binding(const Eigen::VectorXd& w, const Eigen::MatrixXd& xt, Eigen::Index col) {
    return Binding{w.data(), static_cast<std::size_t>(w.size()), xt.col(col).data(),
                   static_cast<std::size_t>(xt.rows())};
  }

  static std::vector<T> to_values(const Matrix& m) {
    std::vector<T> v(2 * m.size());
    for (std::size_t e = 0; e < m.size(); ++e)
      v[2 * e] = static_cast<T>(m[e].real()), v[2 * e + 1] = static_cast<T>(m[e].imag());
    return v;
  }

  static void add_gradient(const Param& p, double g, const Eigen::VectorXd& w, const Eigen::MatrixXd& xt,
                           Eigen::Index col, Eigen::MatrixXd& dw, Eigen::MatrixXd& dxt) {
    if (!p.is_expression()) {  // the affine fast path: no binding needed
      (p.source == Param::Source::weight ? dw : dxt)(static_cast<Eigen::Index>(p.index), col) += g * p.scale;
      return;
    }
    p.for_each_partial(binding(w, xt, col), [&](Param::Source s, std::size_t index, double d) {
      (s == Param::Source::weight ? dw : dxt)(static_cast<Eigen::Index>(index), col) += g * d;
    });
  }

  // The matrix of a per-sample step for every lane of the block (padding
  // lanes read feature values 0).
  void lane_matrices(const kernels::BatchKernels<T>& kb, const ProgramStep& s, const Eigen::VectorXd& w,
                     const Eigen::MatrixXd& xt, const Block& blk, T* lm) const {
    const std::size_t lanes = blk.lanes;
    if (s.simple_per_sample()) {
      const Operation& op = s.factors[0];
      const Param& p = op.params[0];
      std::vector<double> angle(lanes);
      for (std::size_t b = 0; b < lanes; ++b) {
        double v = p.offset;
        if (p.source == Param::Source::feature)
          v += p.scale *
               (b < blk.count ? xt(static_cast<Eigen::Index>(p.index), static_cast<Eigen::Index>(blk.first + b)) : 0.0);
        else if (p.source == Param::Source::weight)
          v += p.scale * w[static_cast<Eigen::Index>(p.index)];
        if (!std::isfinite(v))
          throw invalid_argument("gate angle is not finite (" + std::to_string(v) + ") for " + p.describe() +
                                 " of sample " + std::to_string(blk.first + b));
        angle[b] = v;
      }
      kb.rotation_lanes(op.gate, angle.data(), lanes, lm);
      return;
    }
    // Padding lanes repeat the block's first sample: its angles are finite
    // (feature values 0 could divide by zero in an angle expression).
    for (std::size_t b = 0; b < lanes; ++b) {
      const Binding bind = binding(w, xt, static_cast<Eigen::Index>(blk.first + (b < blk.count ? b : 0)));
      const Matrix u = Program::matrix(s, bind);
      for (std::size_t e = 0; e < u.size(); ++e) {
        lm[(2 * e) * lanes + b] = static_cast<T>(u[e].real());
        lm[(2 * e + 1) * lanes + b] = static_cast<T>(u[e].imag());
      }
    }
  }

  struct Terms {
    std::vector<index_t> x, z;
    std::vector<std::complex<double>> w;
    std::vector<std::size_t> output;
  };

  Program program_;
  unsigned n_;
  std::size_t num_features_;
  Terms terms_;
  std::vector<std::size_t> lane_offset_;
  std::size_t lane_values_ = 0, max_dim_ = 1;
  // Shared by copies of the engine (the pools are thread-safe).
  std::shared_ptr<detail::BufferPool<T>> values_ = std::make_shared<detail::BufferPool<T>>();
  std::shared_ptr<detail::BufferPool<double>> doubles_ = std::make_shared<detail::BufferPool<double>>();
};

}  // namespace ml
QSIM_END_NAMESPACE
