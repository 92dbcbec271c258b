#pragma once
#include <algorithm>
#include <cmath>
#include <complex>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "qsim/channels/channel.hpp"
#include "qsim/circuit/operation.hpp"
#include "qsim/circuit/register.hpp"
#include "qsim/circuit/validate.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

QSIM_BEGIN_NAMESPACE

/// A gate as a value, for `Circuit::controlled` and `Circuit::append`.
inline Operation make_gate(GateId id, std::vector<qubit_t> targets, std::vector<Param> params = {}) {
  Operation op;
  op.gate = id;
  op.targets = std::move(targets);
  op.params = std::move(params);
  return op;
}

/// A user matrix (row-major, 2^k x 2^k) on k target qubits; bit j of the
/// matrix index is targets[j]. Unitarity is checked when the op is appended.
inline Operation make_unitary(Matrix m, std::vector<qubit_t> targets, std::string label = "unitary") {
  Operation op;
  op.gate = GateId::unitary;
  op.targets = std::move(targets);
  op.matrix = std::make_shared<const Matrix>(std::move(m));
  op.label = std::move(label);
  return op;
}

/**
 * A quantum circuit with Qiskit's names and argument order; every argument is
 * checked when it is added.
 * @code
 *   qsim::Circuit c(3);
 *   c.h(0).cx(0, 1).cx(1, 2).measure_all();
 * @endcode
 */
class Circuit {
 public:
  /// `num_qubits` qubits in register "q" and `num_clbits` bits in register "c".
  explicit Circuit(unsigned num_qubits = 0, unsigned num_clbits = 0) {
    if (num_qubits > 0) add_qreg("q", num_qubits);
    if (num_clbits > 0) add_creg("c", num_clbits);
  }

  unsigned num_qubits() const noexcept { return num_qubits_; }
  unsigned num_clbits() const noexcept { return num_clbits_; }
  const std::vector<Operation>& operations() const noexcept { return ops_; }
  std::size_t size() const noexcept { return ops_.size(); }
  const std::vector<Register>& qregs() const noexcept { return qregs_; }
  const std::vector<Register>& cregs() const noexcept { return cregs_; }

  /// Appends a quantum register; returns the index of its first qubit.
  unsigned add_qreg(const std::string& name, unsigned size) {
    return add_register(qregs_, num_qubits_, name, size, true);
  }
  /// Appends a classical register; returns the index of its first bit.
  unsigned add_creg(const std::string& name, unsigned size) {
    return add_register(cregs_, num_clbits_, name, size, false);
  }

  /// Number of trainable weights referenced (highest index + 1).
  std::size_t num_weights() const { return count_source(Param::Source::weight); }
  /// Number of input features referenced (highest index + 1).
  std::size_t num_features() const { return count_source(Param::Source::feature); }

  /// Appends any operation after checking it against this circuit.
  Circuit& append(Operation op, double unitary_tolerance = 1e-8) {
    validate(op, unitary_tolerance);
    // Its matrix maps |0...0> to the embedded state; on any other state it would be a silent wrong answer.
    if (op.embedding && !ops_.empty())
      throw invalid_argument("amplitude_embedding must be the circuit's first operation (the circuit has " +
                             std::to_string(ops_.size()) + ")");
    ops_.push_back(std::move(op));
    return *this;
  }

  /// The controlled version of any gate: `op` acts only where all `controls` are 1.
  Circuit& controlled(const std::vector<qubit_t>& controls, const Operation& op) {
    return append(op.controlled_by(controls));
  }

  /// A user matrix on 1 or more qubits (checked unitary within `tolerance`).
  Circuit& unitary(const Matrix& m, const std::vector<qubit_t>& targets, double tolerance = 1e-8,
                   const std::string& label = "unitary") {
    return append(make_unitary(m, targets, label), tolerance);
  }

  // Fixed one-qubit gates.
  Circuit& id(qubit_t q) { return add(GateId::i, {q}); }
  Circuit& x(qubit_t q) { return add(GateId::x, {q}); }
  Circuit& y(qubit_t q) { return add(GateId::y, {q}); }
  Circuit& z(qubit_t q) { return add(GateId::z, {q}); }
  Circuit& h(qubit_t q) { return add(GateId::h, {q}); }
  Circuit& s(qubit_t q) { return add(GateId::s, {q}); }
  Circuit& sdg(qubit_t q) { return add(GateId::sdg, {q}); }
  Circuit& t(qubit_t q) { return add(GateId::t, {q}); }
  Circuit& tdg(qubit_t q) { return add(GateId::tdg, {q}); }
  Circuit& sx(qubit_t q) { return add(GateId::sx, {q}); }
  Circuit& sxdg(qubit_t q) { return add(GateId::sxdg, {q}); }
  // Rotations: RX(theta) = exp(-i theta X / 2), as in Qiskit.
  Circuit& rx(Param theta, qubit_t q) { return add(GateId::rx, {q}, {theta}); }
  Circuit& ry(Param theta, qubit_t q) { return add(GateId::ry, {q}, {theta}); }
  Circuit& rz(Param theta, qubit_t q) { return add(GateId::rz, {q}, {theta}); }
  Circuit& p(Param lambda, qubit_t q) { return add(GateId::p, {q}, {lambda}); }
  Circuit& u(Param theta, Param phi, Param lambda, qubit_t q) { return add(GateId::u, {q}, {theta, phi, lambda}); }
  // Two-qubit gates; controlled ones take (control, target) as in Qiskit.
  Circuit& cx(qubit_t c, qubit_t q) { return add(GateId::x, {q}, {}, {c}, "cx"); }
  Circuit& cy(qubit_t c, qubit_t q) { return add(GateId::y, {q}, {}, {c}, "cy"); }
  Circuit& cz(qubit_t c, qubit_t q) { return add(GateId::z, {q}, {}, {c}, "cz"); }
  Circuit& ch(qubit_t c, qubit_t q) { return add(GateId::h, {q}, {}, {c}, "ch"); }
  Circuit& swap(qubit_t a, qubit_t b) { return add(GateId::swap, {a, b}); }
  Circuit& iswap(qubit_t a, qubit_t b) { return add(GateId::iswap, {a, b}); }
  Circuit& crx(Param theta, qubit_t c, qubit_t q) { return add(GateId::rx, {q}, {theta}, {c}, "crx"); }
  Circuit& cry(Param theta, qubit_t c, qubit_t q) { return add(GateId::ry, {q}, {theta}, {c}, "cry"); }
  Circuit& crz(Param theta, qubit_t c, qubit_t q) { return add(GateId::rz, {q}, {theta}, {c}, "crz"); }
  Circuit& cp(Param lambda, qubit_t c, qubit_t q) { return add(GateId::p, {q}, {lambda}, {c}, "cp"); }
  /// Qiskit's CU: applies e^{i gamma} U(theta, phi, lambda) to `q` when `c` is 1.
  Circuit& cu(Param theta, Param phi, Param lambda, Param gamma, qubit_t c, qubit_t q) {
    return add(GateId::u, {q}, {theta, phi, lambda, gamma}, {c}, "cu");
  }
  Circuit& rxx(Param theta, qubit_t a, qubit_t b) { return add(GateId::rxx, {a, b}, {theta}); }
  Circuit& ryy(Param theta, qubit_t a, qubit_t b) { return add(GateId::ryy, {a, b}, {theta}); }
  Circuit& rzz(Param theta, qubit_t a, qubit_t b) { return add(GateId::rzz, {a, b}, {theta}); }
  // Three-qubit gates.
  Circuit& ccx(qubit_t c1, qubit_t c2, qubit_t q) { return add(GateId::x, {q}, {}, {c1, c2}, "ccx"); }
  Circuit& cswap(qubit_t c, qubit_t a, qubit_t b) { return add(GateId::swap, {a, b}, {}, {c}, "cswap"); }
  /// Multi-controlled X on any number of controls.
  Circuit& mcx(const std::vector<qubit_t>& controls, qubit_t q) { return add(GateId::x, {q}, {}, controls, "mcx"); }

  /// Measures qubit `q` into classical bit `c`, collapsing the state.
  Circuit& measure(qubit_t q, clbit_t c) { return measure(std::vector<qubit_t>{q}, std::vector<clbit_t>{c}); }
  Circuit& measure(const std::vector<qubit_t>& qs, const std::vector<clbit_t>& cs) {
    if (qs.size() != cs.size())
      throw invalid_argument("measure got " + std::to_string(qs.size()) + " qubits but " + std::to_string(cs.size()) +
                             " classical bits");
    Operation op;
    op.kind = OpKind::measure;
    op.targets = qs;
    op.clbits = cs;
    return append(std::move(op));
  }
  /// Adds a classical register "meas" of num_qubits() bits and measures qubit i
  /// into its bit i, as Qiskit's measure_all does.
  Circuit& measure_all() {
    if (num_qubits_ == 0) throw invalid_argument("measure_all on a circuit with no qubits");
    const unsigned first = add_creg(unique_creg_name("meas"), num_qubits_);  // first: it may throw
    barrier();
    std::vector<qubit_t> qs(num_qubits_);
    std::vector<clbit_t> cs(num_qubits_);
    for (unsigned i = 0; i < num_qubits_; ++i) {
      qs[i] = i;
      cs[i] = first + i;
    }
    return measure(qs, cs);
  }
  /// Measures qubit `q` into `c` through a noisy readout: the recorded bit
  /// flips with the probabilities of `error` (the state collapses to the true outcome).
  Circuit& measure(qubit_t q, clbit_t c, const ReadoutError& error) {
    Operation op;
    op.kind = OpKind::measure;
    op.targets = {q};
    op.clbits = {c};
    op.readout = std::make_shared<const std::vector<ReadoutError>>(1, error);
    return append(std::move(op));
  }

  // Noise channels (channels/channel.hpp, docs/noise.md): each is one
  // operation that a Simulator runs as a quantum trajectory (one Kraus
  // branch drawn per shot) and a DensityMatrixSimulator exactly.
  /// Any channel on its num_qubits targets.
  Circuit& channel(const Channel& ch, const std::vector<qubit_t>& targets) {
    Operation op;
    op.kind = OpKind::channel;
    op.targets = targets;
    op.channel = std::make_shared<const Channel>(ch);
    return append(std::move(op));
  }
  /// X with probability p.
  Circuit& bit_flip(double p, qubit_t q) { return channel(channels::bit_flip(p), {q}); }
  /// Z with probability p.
  Circuit& phase_flip(double p, qubit_t q) { return channel(channels::phase_flip(p), {q}); }
  /// X, Y, Z with probabilities px, py, pz.
  Circuit& pauli_channel(double px, double py, double pz, qubit_t q) {
    return channel(channels::pauli_channel(px, py, pz), {q});
  }
  /// X, Y and Z each with probability p / 3 (the Bloch vector shrinks by 1 - 4p/3).
  Circuit& depolarizing(double p, qubit_t q) { return channel(channels::depolarizing(p), {q}); }
  /// Each of the 15 non-identity Pauli pairs with probability p / 15.
  Circuit& depolarizing(double p, qubit_t a, qubit_t b) { return channel(channels::depolarizing2(p), {a, b}); }
  /// |1> decays to |0> with probability gamma.
  Circuit& amplitude_damping(double gamma, qubit_t q) { return channel(channels::amplitude_damping(gamma), {q}); }
  /// Amplitude damping towards a bath holding |0> with probability p (PennyLane's convention).
  Circuit& generalized_amplitude_damping(double gamma, double p, qubit_t q) {
    return channel(channels::generalized_amplitude_damping(gamma, p), {q});
  }
  /// Coherences shrink by sqrt(1 - gamma), populations stay.
  Circuit& phase_damping(double gamma, qubit_t q) { return channel(channels::phase_damping(gamma), {q}); }
  /// T1 / T2 relaxation for `time` (t2 <= 2 t1), as Qiskit's thermal_relaxation_error.
  Circuit& thermal_relaxation(double t1, double t2, double time, qubit_t q, double excited_population = 0) {
    return channel(channels::thermal_relaxation(t1, t2, time, excited_population), {q});
  }
  /// Any Kraus map on 1..max_channel_qubits targets, checked complete within `tolerance`.
  Circuit& kraus(const std::vector<Matrix>& ops, const std::vector<qubit_t>& targets, double tolerance = 1e-8) {
    return channel(channels::kraus(ops, tolerance), targets);
  }

  /// Resets qubit `q` to |0> (a non-unitary operation, like a measurement).
  Circuit& reset(qubit_t q) {
    Operation op;
    op.kind = OpKind::reset;
    op.targets = {q};
    return append(std::move(op));
  }
  /// A barrier on the given qubits (all when empty): fusion never crosses it.
  Circuit& barrier(std::vector<qubit_t> qs = {}) {
    if (qs.empty())
      for (unsigned i = 0; i < num_qubits_; ++i) qs.push_back(i);
    Operation op;
    op.kind = OpKind::barrier;
    op.targets = std::move(qs);
    return append(std::move(op));
  }

  /// Makes the most recently added operation conditional on `creg == value`.
  Circuit& c_if(const std::string& creg, unsigned long long value) {
    if (ops_.empty()) throw invalid_argument("c_if with no operation to condition");
    for (const auto& r : cregs_)
      if (r.name == creg) {
        if (r.size < 64 && value >> r.size)
          throw invalid_argument("condition value " + std::to_string(value) + " does not fit the " +
                                 std::to_string(r.size) + "-bit register '" + creg + "'");
        ops_.back().condition = Condition{r.offset, r.size, value};
        return *this;
      }
    throw invalid_argument("no classical register named '" + creg + "'");
  }

  // Circuit algebra (defined in circuit/algebra.hpp), as in Qiskit.
  /// A copy (C++ copies anyway; for symmetry with Qiskit and the Python API).
  Circuit copy() const { return *this; }
  /// The inverse: operations reversed, each gate inverted by its gate-table
  /// rule (controls kept, angles negated, S to Sdg, ...). Measurements,
  /// resets, channels and conditions have none and are refused.
  Circuit inverse() const;
  /**
   * This circuit followed by `other` (preceded by it when `front`), whose
   * qubit j acts on `qubits[j]` here and whose bit j writes `clbits[j]`
   * (identity maps when empty). Registers are this circuit's; weight and
   * feature indices are kept as they are, so both circuits share them.
   */
  Circuit compose(const Circuit& other, const std::vector<qubit_t>& qubits = {},
                  const std::vector<clbit_t>& clbits = {}, bool front = false) const;
  /// Qiskit's depth: the longest path of operations on any qubit or bit; barriers add none.
  std::size_t depth() const;
  /// Operations by name ("cx", "measure", ...), most frequent first (ties in order of first
  /// appearance, as Qiskit); a k-qubit measurement counts k.
  std::vector<std::pair<std::string, std::size_t>> count_ops() const;
  /// Distinct weights and features the angles read.
  std::size_t num_parameters() const;
  /// Maps |0...0> on `qubits` to `amplitudes` (norm 1 within `tolerance`; bit j
  /// of an index is qubits[j]): one dense unitary, for qubits known to be |0>.
  Circuit& prepare_state(const std::vector<std::complex<double>>& amplitudes, const std::vector<qubit_t>& qubits,
                         double tolerance = 1e-8);
  /// Resets `qubits`, then prepare_state: any prior state (Qiskit's initialize).
  Circuit& initialize(const std::vector<std::complex<double>>& amplitudes, const std::vector<qubit_t>& qubits,
                      double tolerance = 1e-8);

  /**
   * PennyLane's AmplitudeEmbedding as the circuit's first operation: the
   * values `amplitudes` (features, weights, constants or expressions) become
   * the amplitudes of `qubits` (bit j of an index is qubits[j], Qiskit's
   * order), padded with `how.pad` and normalised when `how.normalize`. Its
   * matrix is built for each binding, so a QuantumLayer embeds every sample
   * on its own; the ML engines start from the embedded state and
   * differentiate it exactly (docs/ml.md).
   */
  Circuit& amplitude_embedding(std::vector<Param> amplitudes, std::vector<qubit_t> qubits,
                               AmplitudeEmbedding how = {}) {
    Operation op;
    op.gate = GateId::unitary;
    op.targets = std::move(qubits);
    op.params = std::move(amplitudes);
    op.embedding = std::make_shared<const AmplitudeEmbedding>(how);
    op.label = "amplitude_embedding";
    return append(std::move(op));
  }

  /// True when the circuit holds a noise channel.
  bool has_channels() const {
    return std::any_of(ops_.begin(), ops_.end(), [](const Operation& op) { return op.kind == OpKind::channel; });
  }

  /// True when some measurement, reset or condition must be simulated per shot.
  bool has_mid_circuit_operations() const {
    std::vector<bool> measured(num_qubits_, false);
    for (const auto& op : ops_) {
      if (op.condition || op.kind == OpKind::reset) return true;
      if (op.kind == OpKind::measure) {
        for (auto q : op.targets) measured[q] = true;
      } else if (op.kind == OpKind::gate || op.kind == OpKind::channel) {
        for (auto q : op.qubits())
          if (measured[q]) return true;
      }
    }
    return false;
  }

 private:
  Circuit& add(GateId id, std::vector<qubit_t> targets, std::vector<Param> params = {},
               std::vector<qubit_t> controls = {}, const char* label = "") {
    Operation op = make_gate(id, std::move(targets), std::move(params));
    op.controls = std::move(controls);
    op.label = label;
    return append(std::move(op));
  }

  unsigned add_register(std::vector<Register>& regs, unsigned& total, const std::string& name, unsigned size,
                        bool quantum) {
    const char* kind = quantum ? "quantum" : "classical";
    if (size == 0) throw invalid_argument(std::string(kind) + " register '" + name + "' has size 0");
    for (const auto& r : regs)
      if (r.name == name) throw invalid_argument(std::string(kind) + " register '" + name + "' already exists");
    // In 64 bits: total + size must not wrap around before it is compared.
    const unsigned long long new_total = static_cast<unsigned long long>(total) + size;
    const unsigned limit = quantum ? max_qubits : max_clbits;
    if (new_total > limit)
      throw invalid_argument(std::string(kind) + " register '" + name + "' of size " + std::to_string(size) +
                             " would make " + std::to_string(new_total) + (quantum ? " qubits" : " classical bits") +
                             "; at most " + std::to_string(limit) + " are supported");
    regs.push_back({name, total, size});
    total += size;
    return total - size;
  }

  std::string unique_creg_name(const std::string& base) const {
    std::string name = base;
    for (int k = 0;; ++k) {
      bool taken = false;
      for (const auto& r : cregs_) taken = taken || r.name == name;
      if (!taken) return name;
      name = base + std::to_string(k);
    }
  }

  std::size_t count_source(Param::Source s) const {
    std::size_t n = 0;
    for (const auto& op : ops_)
      for (const auto& p : op.params)
        p.for_each_variable([&](Param::Source v, std::size_t i) {
          if (v == s) n = std::max(n, i + 1);
        });
    return n;
  }

  void validate(const Operation& op, double unitary_tolerance) const {
    validate_operation(op, num_qubits_, num_clbits_, unitary_tolerance);
  }

  unsigned num_qubits_ = 0;
  unsigned num_clbits_ = 0;
  std::vector<Register> qregs_;
  std::vector<Register> cregs_;
  std::vector<Operation> ops_;
};

QSIM_END_NAMESPACE

// The algebra members, after the class is complete.
#include "qsim/circuit/algebra.hpp"  // IWYU pragma: export
