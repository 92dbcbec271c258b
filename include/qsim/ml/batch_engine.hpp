#pragma once
// The training engine behind QuantumLayer: forward and adjoint backward of a
// compiled circuit (ml/program.hpp) over a whole batch. Two ways to run it:
// - batched: blocks of up to a few hundred samples stored batch-minor
//   (BatchKernels in kernels/kernel_set.hpp), every step applied to the
//   whole block with full SIMD vectors even on one or two qubits;
// - per sample: one state vector per sample on the backend's usual kernels,
//   for circuits wide enough that one state fills many registers.
// Both compute each sample on its own and sum the samples' gradients in a
// fixed order, so results do not depend on the thread count or on how the
// batch is cut into blocks.
// The per-gate path of ml/adjoint.hpp stays the reference they are tested
// against.
#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstring>
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

namespace detail {
/// No NaN or infinity among v[0..n): tested on the exponent bits, a loop
/// the compiler vectorises (std::isfinite and Eigen's allFinite() compare
/// one value at a time).
inline bool all_finite(const double* v, std::size_t n) {
  std::uint64_t special = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t bits;
    std::memcpy(&bits, v + i, sizeof bits);
    special |= static_cast<std::uint64_t>((bits & 0x7ff0000000000000ULL) == 0x7ff0000000000000ULL);
  }
  return special == 0;
}
}  // namespace detail

template <class T>
class BatchEngine {
  using KernelSetRef = kernels::KernelSet<T>;

 public:
  /// The final states of one block of a forward pass, kept for backward.
  struct Block {
    std::size_t first = 0, count = 0, lanes = 0;
    std::vector<T> state;          // re then im, amplitude-major
    std::vector<T> lane_matrices;  // the per-sample steps' matrices (a simple one's cos and sin rows)
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
    for (const auto& s : program_.steps()) {
      const std::size_t dim2 = s.dim() * s.dim();
      lane_offset_.push_back(lane_values_), u_offset_.push_back(u_values_), m_offset_.push_back(m_values_);
      if (s.per_sample) lane_values_ += s.simple_per_sample() ? 2 : 2 * dim2;  // cos and sin, or the matrix
      if (!s.per_sample) u_values_ += 2 * dim2;
      if (!s.per_sample || s.simple_per_sample()) m_values_ += dim2 * s.slots.size();
      max_dim_ = std::max(max_dim_, s.dim());
    }
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
    // The batched engine's, flat (BatchEngine's offsets say where step i's are):
    std::vector<T> u, udag;               // 2 dim^2 values per shared step, U and U^dagger
    std::vector<std::complex<double>> m;  // dim^2 per slot of a shared or simple per-sample step
    // The per-sample engine's, per step:
    std::vector<Matrix> u_matrix, udag_matrix;
    std::vector<std::vector<Matrix>> m_matrix;
  };

  /// `threads` share the steps (each is computed on its own: the same for
  /// any count). `matrices`: the per-sample engine's forms, else the batched one's.
  Shared shared(const Eigen::VectorXd& w, unsigned threads = 1, bool matrices = false) const {
    const std::vector<double> zeros(num_features_, 0.0);
    const Binding b{w.data(), static_cast<std::size_t>(w.size()), zeros.data(), zeros.size()};
    Shared sh;
    const std::size_t steps = program_.steps().size();
    if (matrices) {
      sh.u_matrix.resize(steps), sh.udag_matrix.resize(steps), sh.m_matrix.resize(steps);
    } else {
      sh.u.resize(u_values_), sh.udag.resize(u_values_);
      sh.m.resize(m_values_);
    }
    // A few hundred small matrices take less time than starting threads.
    const unsigned use = steps * max_dim_ * max_dim_ >= 4096 ? threads : 1U;
    detail::parallel_samples(static_cast<std::ptrdiff_t>(steps), use, [&](std::ptrdiff_t step) {
      const auto i = static_cast<std::size_t>(step);
      const ProgramStep& s = program_.steps()[i];
      if (s.per_sample && !s.simple_per_sample()) return;
      if (!matrices && s.dim() == 2) {  // the common case (Rot, RY, ...): the products on 2 x 2 values
        one_qubit_shared(s, b, sh.m.data() + m_offset_[i], s.per_sample ? nullptr : sh.u.data() + u_offset_[i],
                         s.per_sample ? nullptr : sh.udag.data() + u_offset_[i]);
        return;
      }
      const std::vector<Matrix> f = Program::factor_matrices(s, b);
      std::vector<Matrix> m = Program::derivatives(s, b, f);  // constant for a simple per-sample step
      if (!matrices) {
        for (std::size_t j = 0; j < m.size(); ++j)
          std::copy(m[j].begin(), m[j].end(), sh.m.begin() + m_offset_[i] + j * m[j].size());
        if (s.per_sample) return;
        const Matrix u = Program::matrix(s, f);
        to_values(u, sh.u.data() + u_offset_[i]);
        to_values(adjoint(u, s.dim()), sh.udag.data() + u_offset_[i]);
        return;
      }
      sh.m_matrix[i] = std::move(m);
      if (s.per_sample) return;
      sh.u_matrix[i] = Program::matrix(s, f);
      sh.udag_matrix[i] = adjoint(sh.u_matrix[i], s.dim());
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
      const T* m = sh.u.data() + u_offset_[i];
      if (s.per_sample) {
        T* lm = blk.lane_matrices.data() + lane_offset_[i] * lanes;
        lane_matrices(kb, s, w, xt, blk, lm);
        if (s.simple_per_sample()) {
          kb.rotation_step(s.factors[0].gate, re, im, nullptr, nullptr, n_, lanes, s.targets[0], s.cmask, lm, false,
                           nullptr, nullptr);
          continue;
        }
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

  /// The adjoint sweep of one block: adds each sample's dL/dw to its row of
  /// dw (batch x weights) and its dL/dx to its row of dx (batch x features),
  /// so that a weight's gradients over the block's lanes are contiguous.
  void backward_block(const kernels::BatchKernels<T>& kb, const Shared& sh, const Eigen::VectorXd& w,
                      const Eigen::MatrixXd& xt, const Eigen::MatrixXd& dy, Block& blk, Eigen::MatrixXd& dw,
                      Eigen::MatrixXd& dx) const {
    const Gradients out{dw, dx, true};
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
    // adjoint_step writes rho whole; accumulate_rho's is cleared first; grad is written first.
    std::vector<double> rho = doubles_->take_uninitialized(2 * max_dim_ * max_dim_ * lanes),
                        grad = doubles_->take_uninitialized(Program::max_fused_slots * lanes);
    const auto& steps = program_.steps();
    for (std::size_t i = steps.size(); i-- > 0;) {
      const ProgramStep& s = steps[i];
      const std::size_t dim = s.dim(), k = s.targets.size();
      const bool grads = !s.slots.empty();
      const T* lane_u = s.per_sample ? blk.lane_matrices.data() + lane_offset_[i] * lanes : nullptr;
      // A shared matrix or a simple rotation on one target: the kernel sums
      // each slot's gradient Re tr(M_j rho) itself, from coef.
      const std::size_t slots = s.slots.size();
      static_assert(Program::max_fused_slots <= 4, "BatchKernels::adjoint_step sums at most 4 slots");
      const bool direct =
          grads && k == 1 && slots <= Program::max_fused_slots && (!s.per_sample || s.simple_per_sample());
      double coef[8 * Program::max_fused_slots] = {};
      if (direct) slot_coefficients(sh.m.data() + m_offset_[i], slots, coef);
      if (s.simple_per_sample()) {  // U^dagger from the forward's cos and sin
        kb.rotation_step(s.factors[0].gate, re, im, lre, lim, n_, lanes, s.targets[0], s.cmask, lane_u, true, coef,
                         grads ? grad.data() : nullptr);
      } else if (k == 1 && (grads || s.per_sample)) {
        // The outer product and both sweeps in one pass; a per-sample step's
        // U^dagger is read from its forward matrices.
        double* sums = !grads ? nullptr : direct ? grad.data() : rho.data();
        kb.adjoint_step(re, im, lre, lim, n_, lanes, s.targets[0], s.cmask,
                        s.per_sample ? lane_u : sh.udag.data() + u_offset_[i], s.per_sample, s.per_sample,
                        direct ? coef : nullptr, direct ? static_cast<unsigned>(slots) : 0U, sums);
      } else {
        const T* m = sh.udag.data() + u_offset_[i];
        if (s.per_sample) {  // U^dagger of each lane from the forward's U
          for (std::size_t r = 0; r < dim; ++r)
            for (std::size_t c = 0; c < dim; ++c)
              for (std::size_t b = 0; b < lanes; ++b) {
                udag[(2 * (r * dim + c)) * lanes + b] = lane_u[(2 * (c * dim + r)) * lanes + b];
                udag[(2 * (r * dim + c) + 1) * lanes + b] = -lane_u[(2 * (c * dim + r) + 1) * lanes + b];
              }
          m = udag.data();
        }
        if (grads) {
          std::fill(rho.begin(), rho.begin() + static_cast<std::ptrdiff_t>(2 * dim * dim * lanes), 0.0);
          kb.accumulate_rho(re, im, lre, lim, n_, lanes, s.targets.data(), static_cast<unsigned>(k), s.cmask,
                            rho.data());
        }
        kb.apply_matrix(re, im, n_, lanes, s.targets.data(), static_cast<unsigned>(k), s.cmask, m, s.per_sample, s.kind,
                        scratch.data());
        kb.apply_matrix(lre, lim, n_, lanes, s.targets.data(), static_cast<unsigned>(k), s.cmask, m, s.per_sample,
                        s.kind, scratch.data());
      }
      if (direct) {
        for (std::size_t j = 0; j < slots; ++j)
          add_lane_gradients(s.slots[j].param, grad.data() + j * lanes, blk, w, xt, out);
        continue;
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
            add_gradient(s.slots[j].param, 2 * g, w, xt, col, out);
          }
        }
        continue;
      }
      for (std::size_t j = 0; j < s.slots.size(); ++j) {  // Re tr(M rho) of every lane at once
        const std::complex<double>* mk = sh.m.data() + m_offset_[i] + j * dim * dim;
        double* __restrict g = grad.data();
        for (std::size_t e = 0; e < dim * dim; ++e) {
          const std::size_t r = e / dim, c = e % dim;
          const double mr = mk[c * dim + r].real(), mi = mk[c * dim + r].imag();
          const double* __restrict rr = rho.data() + (2 * e) * lanes;
          const double* __restrict ri = rr + lanes;
          if (e == 0)
            for (std::size_t b = 0; b < lanes; ++b) g[b] = mr * rr[b] - mi * ri[b];
          else
            for (std::size_t b = 0; b < lanes; ++b) g[b] += mr * rr[b] - mi * ri[b];
        }
        add_lane_gradients(s.slots[j].param, g, blk, w, xt, out);
      }
    }
    if (const Operation* e = program_.embedding())
      for (std::size_t b = 0; b < blk.count; ++b) {
        const auto col = static_cast<Eigen::Index>(first + b);
        detail::embedding_gradient(
            *e, program_.embedding_index(), binding(w, xt, col),
            [&](index_t i) { return static_cast<double>(lre[i * lanes + b]); },
            [&](const Param& p, double g) { add_gradient(p, g, w, xt, col, out); });
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
    const Gradients out{dw, dxt, false};
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
      for (std::size_t j = 0; j < s.slots.size(); ++j) add_gradient(s.slots[j].param, 2 * acc[j], w, xt, col, out);
    }
    if (const Operation* e = program_.embedding())
      detail::embedding_gradient(
          *e, program_.embedding_index(), b, [&](index_t i) { return static_cast<double>(lam[i].real()); },
          [&](const Param& p, double g) { add_gradient(p, g, w, xt, col, out); });
  }

 private:
  static Binding binding(const Eigen::VectorXd& w, const Eigen::MatrixXd& xt, Eigen::Index col) {
    return Binding{w.data(), static_cast<std::size_t>(w.size()), xt.col(col).data(),
                   static_cast<std::size_t>(xt.rows())};
  }

  template <class M>
  static void to_values(const M& m, T* v) {
    for (std::size_t e = 0; e < m.size(); ++e)
      v[2 * e] = static_cast<T>(m[e].real()), v[2 * e + 1] = static_cast<T>(m[e].imag());
  }

  using Matrix2 = std::array<std::complex<double>, 4>;
  // a b + c d, written out: std::complex's operator* checks for infinities
  // and NaNs on every product (the angles here are finite).
  static std::complex<double> dot2(std::complex<double> a, std::complex<double> b, std::complex<double> c,
                                   std::complex<double> d) {
    return {a.real() * b.real() - a.imag() * b.imag() + (c.real() * d.real() - c.imag() * d.imag()),
            a.real() * b.imag() + a.imag() * b.real() + (c.real() * d.imag() + c.imag() * d.real())};
  }
  static Matrix2 times(const Matrix2& a, const Matrix2& b) {
    return {dot2(a[0], b[0], a[1], b[2]), dot2(a[0], b[1], a[1], b[3]), dot2(a[2], b[0], a[3], b[2]),
            dot2(a[2], b[1], a[3], b[3])};
  }
  static Matrix2 dagger(const Matrix2& a) {
    return {std::conj(a[0]), std::conj(a[2]), std::conj(a[1]), std::conj(a[3])};
  }

  // shared() for a step on one qubit, as Program::matrix and Program::derivatives
  // compute it but on 2 x 2 values: one walk from the last factor, with A
  // the product of the factors after the current one, M = A (dF F^dagger)
  // A^dagger for each slot and, at the end, U = A. `u` null: a per-sample step (M only).
  void one_qubit_shared(const ProgramStep& s, const Binding& b, std::complex<double>* m, T* u, T* udag) const {
    Matrix2 after{1.0, 0.0, 0.0, 1.0};
    std::vector<double> angles;
    std::size_t j = s.slots.size();
    for (std::size_t g = s.factors.size(); g-- > 0;) {
      const Operation& op = s.factors[g];
      angles.clear();
      for (const auto& p : op.params) angles.push_back(p.value(b));
      const Matrix f = op.gate == GateId::unitary ? op.bound_matrix(b) : gate_matrix(op.gate, angles);
      for (; j > 0 && s.slots[j - 1].factor == g; --j) {
        const Matrix d = gate_derivative_times_adjoint(op.gate, angles, s.slots[j - 1].angle, f, 2);
        const Matrix2 mk = times(times(after, {d[0], d[1], d[2], d[3]}), dagger(after));
        std::copy(mk.begin(), mk.end(), m + 4 * (j - 1));
      }
      after = times(after, {f[0], f[1], f[2], f[3]});
    }
    if (u == nullptr) return;
    to_values(after, u);
    to_values(dagger(after), udag);
  }

  // coef for the kernels' slot gradients (BatchKernels::adjoint_step) from
  // the slots' M (dim 2): Re tr(M rho) = sum_e Re M(c, r) Re rho_e - Im M(c, r) Im rho_e.
  static void slot_coefficients(const std::complex<double>* m, std::size_t slots, double* coef) {
    for (std::size_t j = 0; j < slots; ++j)
      for (std::size_t e = 0; e < 4; ++e) {
        const std::complex<double> v = m[4 * j + (e % 2) * 2 + e / 2];
        coef[8 * j + 2 * e] = v.real(), coef[8 * j + 2 * e + 1] = -v.imag();
      }
  }

  // Where gradients go: the per-sample engine's matrices hold one column per
  // sample (value x batch), the batched engine's one row per sample (batch x
  // value), so that a block's lanes of one weight are contiguous.
  struct Gradients {
    Eigen::MatrixXd& weights;
    Eigen::MatrixXd& inputs;
    bool batch_major;
    double& at(Param::Source s, std::size_t index, Eigen::Index col) const {
      Eigen::MatrixXd& m = s == Param::Source::weight ? weights : inputs;
      const auto i = static_cast<Eigen::Index>(index);
      return batch_major ? m(col, i) : m(i, col);
    }
  };

  // add_gradient of 2 g[b] for every sample of the block (batch-major out):
  // an affine angle's in one contiguous loop.
  static void add_lane_gradients(const Param& p, const double* g, const Block& blk, const Eigen::VectorXd& w,
                                 const Eigen::MatrixXd& xt, const Gradients& out) {
    if (!p.is_expression()) {
      double* to = &out.at(p.source, p.index, static_cast<Eigen::Index>(blk.first));
      for (std::size_t b = 0; b < blk.count; ++b) to[b] += 2 * g[b] * p.scale;
      return;
    }
    for (std::size_t b = 0; b < blk.count; ++b)
      add_gradient(p, 2 * g[b], w, xt, static_cast<Eigen::Index>(blk.first + b), out);
  }

  static void add_gradient(const Param& p, double g, const Eigen::VectorXd& w, const Eigen::MatrixXd& xt,
                           Eigen::Index col, const Gradients& out) {
    if (!p.is_expression()) {  // the affine fast path: no binding needed
      out.at(p.source, p.index, col) += g * p.scale;
      return;
    }
    p.for_each_partial(binding(w, xt, col),
                       [&](Param::Source s, std::size_t index, double d) { out.at(s, index, col) += g * d; });
  }

  // The matrix of a per-sample step for every lane of the block, or the cos
  // and sin of a simple one's angle (padding lanes read feature values 0).
  void lane_matrices(const kernels::BatchKernels<T>& kb, const ProgramStep& s, const Eigen::VectorXd& w,
                     const Eigen::MatrixXd& xt, const Block& blk, T* lm) const {
    const std::size_t lanes = blk.lanes;
    if (s.simple_per_sample()) {
      const Operation& op = s.factors[0];
      const Param& p = op.params[0];
      std::vector<double> angle = doubles_->take_uninitialized(lanes);
      // simple_per_sample: an affine angle of one feature (of 0 in the padding lanes)
      const auto stride = static_cast<std::size_t>(xt.rows());
      const double* x = xt.data() + p.index + blk.first * stride;
      for (std::size_t b = 0; b < blk.count; ++b) angle[b] = p.offset + p.scale * x[b * stride];
      std::fill(angle.begin() + static_cast<std::ptrdiff_t>(blk.count), angle.end(), p.offset);
      const bool finite = detail::all_finite(angle.data(), lanes);
      for (std::size_t b = 0; !finite && b < lanes; ++b)
        if (!std::isfinite(angle[b]))
          throw invalid_argument("gate angle is not finite (" + std::to_string(angle[b]) + ") for " + p.describe() +
                                 " of sample " + std::to_string(blk.first + b));
      kb.rotation_lanes(op.gate, angle.data(), lanes, lm);
      doubles_->give(std::move(angle));
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
  // Where step i's values start: its lane matrices in a Block, its U and M in a Shared.
  std::vector<std::size_t> lane_offset_, u_offset_, m_offset_;
  std::size_t lane_values_ = 0, u_values_ = 0, m_values_ = 0, max_dim_ = 1;
  // Shared by copies of the engine (the pools are thread-safe).
  std::shared_ptr<detail::BufferPool<T>> values_ = std::make_shared<detail::BufferPool<T>>();
  std::shared_ptr<detail::BufferPool<double>> doubles_ = std::make_shared<detail::BufferPool<double>>();
};

}  // namespace ml
QSIM_END_NAMESPACE
