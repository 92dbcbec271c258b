#pragma once
#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/measure/random.hpp"
#include "qsim/ml/adjoint.hpp"
#include "qsim/ml/batch_engine.hpp"
#include "qsim/ml/expectation.hpp"
#include "qsim/ml/noisy.hpp"
#include "qsim/ml/parallel_samples.hpp"
#include "qsim/ml/pauli_sum.hpp"
#include "qsim/noise/noise_model.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {

/// How a QuantumLayer runs.
struct LayerOptions {
  /// OpenMP threads over the samples of a batch; 0: OpenMP's default.
  unsigned threads = 0;
  /// Seed of the initial weights, uniform in [0, 2 pi) as PennyLane's TorchLayer.
  std::uint64_t seed = 0;
  /// Keep the final state of every sample between forward() and backward()
  /// when batch * 2^n amplitudes take at most this many bytes; otherwise
  /// backward() simulates each sample again.
  std::size_t cache_bytes = std::size_t{256} << 20;
  /// The engine; automatic runs small circuits batched (ml/batch_engine.hpp).
  Engine engine = Engine::automatic;
  /// Noise: when set, forward() gives the expectation values of the circuit
  /// under this model (readout errors included: ml::readout_observable) and
  /// backward() their parameter-shift gradients
  /// (ml/noisy.hpp), by `noise_evaluation`: exact on the density matrix, or
  /// seeded trajectories.
  std::shared_ptr<const NoiseModel> noise{};
  NoisyEvaluation noise_evaluation{};
};

/**
 * A parameterised circuit as a layer of a model (TensorFlow Quantum's PQC,
 * a PennyLane qnode in a TorchLayer): inputs `batch x features` (the
 * circuit's `qsim::feature(i)` angles) in, `batch x observables`
 * expectation values out. backward() is a vector-Jacobian product: the
 * cotangents of all outputs are folded into one observable per sample, so it
 * costs one adjoint sweep whatever the number of outputs; it returns dL/dX
 * and adds dL/dweights to weight_gradient(). Samples run in parallel and
 * every result is independent of the thread count (each sample on its own,
 * sums over the samples in a fixed order).
 * @code
 *   qsim::Circuit c(2);
 *   qsim::ml::angle_embedding(c, 2);
 *   qsim::ml::basic_entangler_layers(c, 3, 2);
 *   qsim::ml::QuantumLayer<double> layer(c, {qsim::ml::PauliSum{{1.0, "Z0"}}});
 *   Eigen::MatrixXd y = layer.forward(x);              // x: batch x 2
 *   Eigen::MatrixXd dx = layer.backward(dloss_dy);     // batch x 2
 *   optimizer.step(0, layer.weights(), layer.weight_gradient());
 * @endcode
 */
template <class T = double>
class QuantumLayer {
 public:
  QuantumLayer(Circuit circuit, std::vector<PauliSum> observables, LayerOptions options = {})
      : circuit_(std::move(circuit)),
        observables_(std::move(observables)),
        options_(options),
        engine_(circuit_, observables_),
        num_features_(circuit_.num_features()),
        noisy_circuit_(options_.noise ? options_.noise->apply(circuit_) : Circuit()) {
    if (options_.noise)
      for (const auto& o : observables_) read_observables_.push_back(readout_observable(o, *options_.noise));
    if (observables_.empty()) throw invalid_argument("a QuantumLayer needs at least one observable");
    for (const auto& o : observables_) o.check_fits(circuit_.num_qubits());
    detail::check_differentiable(circuit_, Binding{nullptr, circuit_.num_weights(), nullptr, circuit_.num_features()});
    weights_.resize(static_cast<Eigen::Index>(circuit_.num_weights()));
    Rng rng(options_.seed);
    for (Eigen::Index i = 0; i < weights_.size(); ++i) weights_[i] = 2 * qsim::detail::pi * rng.uniform();
    grad_ = Eigen::VectorXd::Zero(weights_.size());
  }

  std::size_t num_weights() const { return static_cast<std::size_t>(weights_.size()); }
  std::size_t num_features() const { return num_features_; }
  std::size_t num_outputs() const { return observables_.size(); }
  const Circuit& circuit() const noexcept { return circuit_; }
  /// The engine forward() runs on: LayerOptions::engine, with automatic resolved.
  Engine engine() const {
    const bool batch_kernels = kernels::active_kernels<T>().batch != nullptr;
    switch (options_.engine) {
      case Engine::automatic:
        return batch_kernels && circuit_.num_qubits() <= batched_max_qubits ? Engine::batched : Engine::per_sample;
      case Engine::batched:
        if (!batch_kernels) throw invalid_argument("the active kernels have no batched primitives");
        return Engine::batched;
      default:
        return options_.engine;
    }
  }

  Eigen::VectorXd& weights() noexcept { return weights_; }
  const Eigen::VectorXd& weights() const noexcept { return weights_; }
  /// Replaces the weights; their number must match the circuit's.
  void set_weights(const Eigen::VectorXd& w) {
    check_weights(w);
    weights_ = w;
  }
  /// dL/dweights accumulated by backward() since the last zero_grad().
  const Eigen::VectorXd& weight_gradient() const noexcept { return grad_; }
  void zero_grad() { grad_.setZero(); }

  /// batch x observables expectation values for the inputs `x` (batch x features).
  /// When it throws, the layer keeps the previous forward()'s inputs (its
  /// cached states are dropped first, so that memory never holds two
  /// batches; backward() then simulates them again).
  Eigen::MatrixXd forward(const Eigen::MatrixXd& x) {
    tape_.states.clear();
    for (auto& b : tape_.blocks) engine_.recycle(b);
    tape_.blocks.clear();
    Tape tape;
    Eigen::MatrixXd y = forward(weights_, x, tape);
    tape_ = std::move(tape);  // nothing below can throw
    has_forward_ = true;
    return y;
  }

  /// Given dL/dY (batch x observables) for the last forward(), adds dL/dweights
  /// to weight_gradient() and returns dL/dX (batch x features). Strong
  /// guarantee for bad input (a wrong shape or a non-finite cotangent: nothing
  /// changes); if the sweep itself fails, the gradient is unchanged and the
  /// cached states are dropped, so a retry simulates the samples again.
  Eigen::MatrixXd backward(const Eigen::MatrixXd& dy) {
    if (!has_forward_) throw invalid_argument("QuantumLayer::backward called before forward");
    check_tape(tape_, dy);  // before the try: bad input keeps the cached states
    BackwardResult g;
    try {
      g = vjp(tape_, dy, &tape_);
    } catch (...) {
      tape_.states.clear();  // some may have been moved out; the inputs still let a retry recompute them
      tape_.blocks.clear();
      throw;
    }
    tape_.states.clear();
    tape_.blocks.clear();
    has_forward_ = false;
    grad_ += g.weights;
    return g.inputs;
  }

  /// What the stateless forward() hands to backward(): the inputs, the
  /// weights they were run with and, when they fit LayerOptions::cache_bytes,
  /// the final state of every sample.
  struct Tape {
    Eigen::MatrixXd x;
    Eigen::VectorXd weights;
    std::vector<StateVector<T>> states;                  // per-sample engines
    std::vector<typename BatchEngine<T>::Block> blocks;  // the batched engine
    Engine engine = Engine::reference;
    std::shared_ptr<const typename BatchEngine<T>::Shared> shared;  // the weights' matrices, for backward
  };
  /// dL/dweights (summed over the batch in a fixed order) and dL/dX of one backward().
  struct BackwardResult {
    Eigen::VectorXd weights;
    Eigen::MatrixXd inputs;
  };

  /**
   * The stateless form, for autograd engines (PyTorch): the layer is not
   * changed, so any number of forwards may precede their backwards, and a
   * tape may be used for several backwards (retain_graph, gradcheck).
   * @code
   *   QuantumLayer<double>::Tape tape;
   *   Eigen::MatrixXd y = layer.forward(w, x, tape);
   *   auto g = layer.backward(tape, dloss_dy);   // g.weights, g.inputs
   * @endcode
   */
  Eigen::MatrixXd forward(const Eigen::VectorXd& w, const Eigen::MatrixXd& x, Tape& tape) const {
    return run_forward(w, x, tape, true);
  }

  /// The vector-Jacobian product for the forward() that filled `tape`; the tape is kept.
  BackwardResult backward(const Tape& tape, const Eigen::MatrixXd& dy) const { return vjp(tape, dy, nullptr); }

  /// batch x observables expectation values, as forward() without a tape.
  Eigen::MatrixXd expectation_values(const Eigen::MatrixXd& x) const {
    Tape tape;
    return run_forward(weights_, x, tape, false);
  }

  /**
   * The full Jacobian at one input: rows are observables, columns weights
   * (returned) and features (`*dx`, when given). One adjoint sweep per
   * observable, so its cost grows with their number; backward() does not.
   */
  Eigen::MatrixXd jacobian(const Eigen::VectorXd& x, Eigen::MatrixXd* dx = nullptr) const {
    const Eigen::MatrixXd xm = x.transpose();
    check_inputs(xm);
    const auto no = static_cast<Eigen::Index>(observables_.size());
    Eigen::MatrixXd jw(no, weights_.size());
    if (dx) dx->resize(no, static_cast<Eigen::Index>(num_features()));
    const Eigen::VectorXd xc = x;
    const Binding b{weights_.data(), static_cast<std::size_t>(weights_.size()), xc.data(),
                    static_cast<std::size_t>(xc.size())};
    for (Eigen::Index o = 0; o < no; ++o) {
      const PauliSum& h = observables_[static_cast<std::size_t>(o)];
      const Gradient g =
          options_.noise ? noisy_parameter_shift_gradient<T>(circuit_, h, b, *options_.noise, options_.noise_evaluation)
                         : adjoint_gradient<T>(circuit_, h, b);
      for (Eigen::Index w = 0; w < jw.cols(); ++w) jw(o, w) = g.weights[static_cast<std::size_t>(w)];
      if (dx)
        for (Eigen::Index f = 0; f < dx->cols(); ++f) (*dx)(o, f) = g.features[static_cast<std::size_t>(f)];
    }
    return jw;
  }

 private:
  // forward(); `keep` false: no states are kept for a backward().
  Eigen::MatrixXd run_forward(const Eigen::VectorXd& w, const Eigen::MatrixXd& x, Tape& tape, bool keep) const {
    check_weights(w);
    check_inputs(x);
    const Eigen::Index batch = x.rows();
    Eigen::MatrixXd y(batch, static_cast<Eigen::Index>(observables_.size()));
    const unsigned n = circuit_.num_qubits();
    const Engine engine = this->engine();
    // Blocks are padded to whole vectors: at most twice the batch plus one vector.
    const std::size_t padded = static_cast<std::size_t>(batch) * (engine == Engine::batched ? 2 : 1) +
                               (engine == Engine::batched ? kernels::batch_lane_multiple : 0);
    const bool cache =
        keep && static_cast<long double>(padded) * std::ldexp(1.0L, static_cast<int>(n)) * sizeof(std::complex<T>) <=
                    static_cast<long double>(options_.cache_bytes);
    const Eigen::MatrixXd xt = x.transpose();  // one contiguous column per sample
    if (options_.noise) {
      detail::parallel_samples(batch, options_.threads, [&](std::ptrdiff_t i) {
        const auto r =
            noisy_expectations<T>(noisy_circuit_, read_observables_, binding(w, xt, i), options_.noise_evaluation);
        for (std::size_t o = 0; o < observables_.size(); ++o) y(i, static_cast<Eigen::Index>(o)) = r.values[o];
      });
      Tape noisy{x, w, {}, {}, Engine::reference, nullptr};
      std::swap(tape, noisy);
      return y;
    }
    Tape t{x, w, {}, {}, engine, nullptr};
    if (engine != Engine::reference)
      t.shared = std::make_shared<const typename BatchEngine<T>::Shared>(
          engine_.shared(w, batch_threads(batch), engine == Engine::per_sample));
    if (engine == Engine::batched) {
      const auto& sh = *t.shared;
      const auto& kb = *kernels::active_kernels<T>().batch;
      const auto cuts = engine_.blocks(static_cast<std::size_t>(batch), batch_threads(batch));
      if (cache) t.blocks.resize(cuts.size());
      detail::parallel_samples(static_cast<std::ptrdiff_t>(cuts.size()), batch_threads(batch), [&](std::ptrdiff_t i) {
        const auto [first, count] = cuts[static_cast<std::size_t>(i)];
        auto blk = engine_.forward_block(kb, sh, w, xt, first, count, &y);
        if (cache)
          t.blocks[static_cast<std::size_t>(i)] = std::move(blk);
        else
          engine_.recycle(blk);
      });
    } else {
      if (cache) t.states.resize(static_cast<std::size_t>(batch));
      const typename BatchEngine<T>::Shared none;
      const auto& sh = t.shared ? *t.shared : none;
      const kernels::ParallelFor par(batch > 1 ? 1U : options_.threads);
      detail::parallel_samples(batch, options_.threads, [&](std::ptrdiff_t i) {
        StateVector<T> psi(n);
        if (engine == Engine::per_sample)
          engine_.forward_sample(kernels::active_kernels<T>(), sh, w, xt, i, psi, par);
        else
          detail::run_gates(circuit_, binding(w, xt, i), psi);
        for (std::size_t o = 0; o < observables_.size(); ++o)
          y(i, static_cast<Eigen::Index>(o)) = expectation(psi, observables_[o], par);
        if (cache) t.states[static_cast<std::size_t>(i)] = std::move(psi);
      });
    }
    std::swap(tape, t);
    return y;
  }
  static Binding binding(const Eigen::VectorXd& w, const Eigen::MatrixXd& xt, Eigen::Index i) {
    return Binding{w.data(), static_cast<std::size_t>(w.size()), xt.col(i).data(), static_cast<std::size_t>(xt.rows())};
  }

  // The adjoint VJP of one tape. Cached states are moved out of `movable`
  // (the stateful backward, which drops them anyway) or copied from the tape.
  void check_tape(const Tape& tape, const Eigen::MatrixXd& dy) const {
    const Eigen::Index batch = tape.x.rows();
    if (dy.rows() != batch || dy.cols() != static_cast<Eigen::Index>(observables_.size()))
      throw invalid_argument("dL/dY has shape " + std::to_string(dy.rows()) + " x " + std::to_string(dy.cols()) +
                             ", expected " + std::to_string(batch) + " x " + std::to_string(observables_.size()));
    if (!all_finite(dy))  // then find the first, for the message
      for (Eigen::Index i = 0; i < batch; ++i)
        for (Eigen::Index o = 0; o < dy.cols(); ++o)
          if (!std::isfinite(dy(i, o)))
            throw invalid_argument("dL/dY of sample " + std::to_string(i) + ", output " + std::to_string(o) +
                                   " is not finite (" + std::to_string(dy(i, o)) + ")");
    check_weights(tape.weights);
    std::size_t in_blocks = 0;
    for (const auto& b : tape.blocks) in_blocks += b.count;
    if (static_cast<std::size_t>(tape.x.cols()) != num_features() ||
        (!tape.states.empty() && tape.states.size() != static_cast<std::size_t>(batch)) ||
        (!tape.blocks.empty() && in_blocks != static_cast<std::size_t>(batch)) ||
        (tape.engine == Engine::batched && !tape.states.empty()))
      throw invalid_argument("the tape was not filled by this layer's forward()");
  }

  BackwardResult vjp(const Tape& tape, const Eigen::MatrixXd& dy, Tape* movable) const {
    check_tape(tape, dy);
    const Eigen::Index batch = tape.x.rows();
    const Eigen::Index nw = tape.weights.size(), nf = static_cast<Eigen::Index>(num_features());
    const Eigen::MatrixXd xt = tape.x.transpose();
    const unsigned n = circuit_.num_qubits();
    const Eigen::VectorXd& w = tape.weights;
    // The per-sample paths write one column per sample (weights x batch, features x batch).
    Eigen::MatrixXd dw_per_sample, dxt;
    if (tape.engine != Engine::batched || options_.noise) {
      dw_per_sample = Eigen::MatrixXd::Zero(nw, batch);
      dxt = Eigen::MatrixXd::Zero(nf, batch);
    }
    if (options_.noise) {
      detail::parallel_samples(batch, options_.threads, [&](std::ptrdiff_t i) {
        PauliSum folded;
        for (std::size_t o = 0; o < observables_.size(); ++o)
          folded.add(observables_[o], dy(i, static_cast<Eigen::Index>(o)));
        const Gradient g = noisy_parameter_shift_gradient<T>(circuit_, folded, binding(w, xt, i), *options_.noise,
                                                             options_.noise_evaluation);
        for (Eigen::Index k = 0; k < nw; ++k) dw_per_sample(k, i) = g.weights[static_cast<std::size_t>(k)];
        for (Eigen::Index f = 0; f < nf; ++f) dxt(f, i) = g.features[static_cast<std::size_t>(f)];
      });
      BackwardResult g{Eigen::VectorXd::Zero(nw), dxt.transpose()};
      for (Eigen::Index i = 0; i < batch; ++i) g.weights += dw_per_sample.col(i);  // fixed order
      return g;
    }
    const auto own = tape.shared || tape.engine == Engine::reference
                         ? nullptr
                         : std::make_shared<const typename BatchEngine<T>::Shared>(
                               engine_.shared(w, batch_threads(batch), tape.engine == Engine::per_sample));
    const typename BatchEngine<T>::Shared none;
    const auto& sh = tape.shared ? *tape.shared : own ? *own : none;
    if (tape.engine == Engine::batched) {
      // The batched engine writes one row per sample (batch x weights, batch x features).
      Eigen::MatrixXd dw_by_sample = Eigen::MatrixXd::Zero(batch, nw), dx = Eigen::MatrixXd::Zero(batch, nf);
      const auto& kb = *kernels::active_kernels<T>().batch;
      const bool cached = !tape.blocks.empty();
      std::vector<std::pair<std::size_t, std::size_t>> cuts;
      if (cached)
        for (const auto& b : tape.blocks) cuts.emplace_back(b.first, b.count);
      else
        cuts = engine_.blocks(static_cast<std::size_t>(batch), batch_threads(batch));
      detail::parallel_samples(static_cast<std::ptrdiff_t>(cuts.size()), batch_threads(batch), [&](std::ptrdiff_t i) {
        const auto s = static_cast<std::size_t>(i);
        typename BatchEngine<T>::Block blk;
        if (!cached)
          blk = engine_.forward_block(kb, sh, w, xt, cuts[s].first, cuts[s].second, nullptr);
        else if (movable)
          blk = std::move(movable->blocks[s]);
        else
          blk = tape.blocks[s];
        engine_.backward_block(kb, sh, w, xt, dy, blk, dw_by_sample, dx);
        engine_.recycle(blk);
      });
      // A fixed reduction over the samples of each weight (contiguous here).
      return BackwardResult{dw_by_sample.colwise().sum().transpose(), std::move(dx)};
    }
    const bool cached = !tape.states.empty();
    const kernels::ParallelFor par(batch > 1 ? 1U : options_.threads);
    detail::parallel_samples(batch, options_.threads, [&](std::ptrdiff_t i) {
      const Binding b = binding(w, xt, i);
      const auto s = static_cast<std::size_t>(i);
      StateVector<T> psi;
      if (!cached) {
        psi = StateVector<T>(n);
        if (tape.engine == Engine::per_sample)
          engine_.forward_sample(kernels::active_kernels<T>(), sh, w, xt, i, psi, par);
        else
          detail::run_gates(circuit_, b, psi);
      } else if (movable) {
        psi = std::move(movable->states[s]);
      } else {
        psi = tape.states[s];
      }
      StateVector<T> lam(n);
      if (tape.engine == Engine::per_sample) {
        StateVector<T> scratch(0);
        engine_.backward_sample(kernels::active_kernels<T>(), sh, w, xt, i, observables_, dy, psi, lam, scratch,
                                dw_per_sample, dxt, par);
        return;
      }
      PauliSum folded;
      for (std::size_t o = 0; o < observables_.size(); ++o)
        folded.add(observables_[o], dy(i, static_cast<Eigen::Index>(o)));
      apply_pauli_sum(folded, psi, lam, par);
      adjoint_sweep(circuit_, b, psi, lam, dw_per_sample.col(i).data(), dxt.col(i).data());
    });
    BackwardResult g{Eigen::VectorXd::Zero(nw), dxt.transpose()};
    for (Eigen::Index i = 0; i < batch; ++i) g.weights += dw_per_sample.col(i);  // fixed order
    return g;
  }

  template <class M>
  static bool all_finite(const M& m) {
    return detail::all_finite(m.data(), static_cast<std::size_t>(m.size()));
  }

  void check_weights(const Eigen::VectorXd& w) const {
    if (static_cast<std::size_t>(w.size()) != num_weights())
      throw invalid_argument("the layer has " + std::to_string(num_weights()) + " weights, got " +
                             std::to_string(w.size()));
    if (!all_finite(w))
      for (Eigen::Index i = 0; i < w.size(); ++i)
        if (!std::isfinite(w[i])) throw invalid_argument("weight " + std::to_string(i) + " is not finite");
  }

  void check_inputs(const Eigen::MatrixXd& x) const {
    if (static_cast<std::size_t>(x.cols()) != num_features())
      throw invalid_argument("the layer's circuit takes " + std::to_string(num_features()) + " features, input has " +
                             std::to_string(x.cols()) + " columns");
    if (!all_finite(x))
      for (Eigen::Index i = 0; i < x.rows(); ++i)
        for (Eigen::Index f = 0; f < x.cols(); ++f)
          if (!std::isfinite(x(i, f)))
            throw invalid_argument("feature " + std::to_string(f) + " of sample " + std::to_string(i) +
                                   " is not finite (" + std::to_string(x(i, f)) + ")");
  }

  // Threads over the blocks of a batch: one for small work, where forking costs more than it saves.
  unsigned batch_threads(Eigen::Index batch) const {
    const long double work = static_cast<long double>(batch) *
                             std::ldexp(1.0L, static_cast<int>(circuit_.num_qubits())) *
                             static_cast<long double>(engine_.program().steps().size() + 1);
    return work < 65536 ? 1U : options_.threads;
  }

  Circuit circuit_;
  std::vector<PauliSum> observables_;
  LayerOptions options_;
  BatchEngine<T> engine_;
  std::size_t num_features_;                // counted once: Circuit counts them on each call
  Circuit noisy_circuit_;                   // the noise model applied to circuit_ (empty without noise)
  std::vector<PauliSum> read_observables_;  // the observables through the model's readout errors
  Eigen::VectorXd weights_, grad_;
  Tape tape_;  // of the stateful forward()
  bool has_forward_ = false;
};

/// <observables[o]> after the circuit for every row of `x` (batch x features)
/// at the weights `w`, as a batch on the training engine: batch x observables.
template <class T = double>
Eigen::MatrixXd expectation_values(const Circuit& c, const std::vector<PauliSum>& observables, const Eigen::VectorXd& w,
                                   const Eigen::MatrixXd& x, LayerOptions options = {}) {
  QuantumLayer<T> layer(c, observables, options);
  layer.set_weights(w);
  return layer.expectation_values(x);
}

}  // namespace ml
QSIM_END_NAMESPACE
