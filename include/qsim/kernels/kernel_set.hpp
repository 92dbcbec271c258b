#pragma once
// The seam between the simulator and a build of the state-vector kernels:
// a table of the primitives every layer above needs, for one precision and
// one instruction set. The simulator, fusion, the ML sweeps and the MPI
// layer reach the kernels only through it (see docs/architecture.md), so a
// second build (another instruction set, chosen at run time) or a second
// backend plugs in without touching them. Every reduction adds fixed blocks
// in a fixed order, so its result does not depend on the thread count.
#include <complex>
#include <cstddef>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/gates/gate_table.hpp"
#include "qsim/gates/matrices.hpp"
#include "qsim/kernels/parallel.hpp"

QSIM_BEGIN_NAMESPACE
namespace kernels {

/// Widest gate, targets plus the controls folded into one register, that
/// the vector kernel takes; also the largest fused gate.
inline constexpr unsigned max_dense_qubits = 5;

/// How a matrix is applied: the kernel class is found by inspecting the
/// matrix unless the caller already knows it.
enum class MatrixKind { unknown, dense, diagonal, permutation };

/**
 * The primitives of the batched engine (ml/batch_engine.hpp): a block of
 * `lanes` states of n qubits stored batch-minor, amplitude a of state b at
 * re[a * lanes + b] and im[a * lanes + b], so one SIMD register holds the
 * same amplitude of several states and a gate on 1 to 4 qubits still fills
 * it. `lanes` is a multiple of batch_lane_multiple, so every lane runs the
 * same vector code (no scalar remainder: results do not depend on how the
 * batch is split over threads). A matrix on k targets is 2 * 4^k values,
 * entry (r, c) at re 2 * (r * 2^k + c), im + 1; `per_lane` gives each state
 * its own: value v of lane b at m[v * lanes + b].
 */
template <class T>
struct BatchKernels {
  /// The matrix on `targets` (k of them) where every bit of `cmask` is 1.
  /// `scratch` holds 2 * 2^k * lanes values for k > 1.
  void (*apply_matrix)(T* re, T* im, unsigned n, std::size_t lanes, const qubit_t* targets, unsigned k, index_t cmask,
                       const T* m, bool per_lane, MatrixKind kind, T* scratch);
  /// One step of the adjoint method on one target. When `out` is not null,
  /// first the sum over the pairs where `cmask` holds of rho(r, c) = psi_r
  /// conj(lam_c) (in double, pair order): with `slots` = 0 it sets rho itself,
  /// out[(2 * (r * 2 + c) + part) * lanes + b]; with 1..4 slots (a shared
  /// matrix only) the gradient of each, out[j * lanes + b] = Re tr(M_j rho)
  /// = sum_v coef[8 j + v] rho_v (rho_v in the order above). Then applies `m`
  /// (its adjoint when `dagger`) to psi and lam.
  void (*adjoint_step)(T* psi_re, T* psi_im, T* lam_re, T* lam_im, unsigned n, std::size_t lanes, qubit_t target,
                       index_t cmask, const T* m, bool per_lane, bool dagger, const double* coef, unsigned slots,
                       double* out);
  /// Adds the sums adjoint_step writes as rho for k targets (rho holds 2 * 4^k * lanes and is
  /// cleared by the caller), no matrix.
  void (*accumulate_rho)(const T* psi_re, const T* psi_im, const T* lam_re, const T* lam_im, unsigned n,
                         std::size_t lanes, const qubit_t* targets, unsigned k, index_t cmask, double* rho);
  /// out[b] += Re(w[t] sum_a (-1)^{|a & z[t]|} conj(psi[a ^ x[t]]) psi[a]) over `terms` strings.
  void (*pauli_expectations)(const T* re, const T* im, unsigned n, std::size_t lanes, const index_t* x,
                             const index_t* z, const std::complex<double>* w, std::size_t terms, double* out);
  /// out = sum_t w_t X^{x[t]} Z^{z[t]} psi, w_t of lane b at w[(2 t) * lanes + b] (re) and
  /// w[(2 t + 1) * lanes + b] (im).
  void (*apply_pauli_strings)(const T* re, const T* im, T* out_re, T* out_im, unsigned n, std::size_t lanes,
                              const index_t* x, const index_t* z, const T* w, std::size_t terms);
  /// cos and sin of `gate`'s (rx, ry, rz or p) angle[b] for each of `lanes`
  /// lanes (of half the angle for rx, ry, rz): cs[b] and cs[lanes + b].
  void (*rotation_lanes)(GateId gate, const double* angle, std::size_t lanes, T* cs);
  /// `gate` at each lane's angle (`cs` from rotation_lanes; its adjoint when
  /// `dagger`) on psi where every bit of `cmask` is 1, and on lam unless
  /// lam_re is null; with lam and a non-null `grad`, first the angle's
  /// gradient as adjoint_step computes one slot's (grad[b], from coef[0..7]).
  /// A per-lane dense matrix without its zeros.
  void (*rotation_step)(GateId gate, T* psi_re, T* psi_im, T* lam_re, T* lam_im, unsigned n, std::size_t lanes,
                        qubit_t target, index_t cmask, const T* cs, bool dagger, const double* coef, double* grad);
};

/// The lane count of a block is a multiple of this (64 bytes of float).
inline constexpr std::size_t batch_lane_multiple = 16;

/// One build of the kernels for states of precision T. Arguments are
/// checked by the callers (kernels::apply_matrix and the layers above).
template <class T>
struct KernelSet {
  /// The instruction set, as xsimd names it ("sse2", "fma3<avx2>", "avx512bw").
  const char* arch;
  /// The 2^k x 2^k matrix on `targets` where every control is 1.
  void (*apply_matrix)(StateVector<T>& psi, const std::vector<qubit_t>& targets, const std::vector<qubit_t>& controls,
                       const Matrix& m, const ParallelFor& par, MatrixKind kind);
  /// Amplitude i times diag[index of i's bits at `qubits`].
  void (*apply_diagonal)(StateVector<T>& psi, const std::vector<qubit_t>& qubits,
                         const std::vector<std::complex<double>>& diag, const ParallelFor& par);
  /// Probability that qubit q reads 1, bitwise the same for every thread count.
  double (*probability_one)(const StateVector<T>& psi, qubit_t q, const ParallelFor& par);
  /// Projects qubit q onto `outcome` and divides by sqrt(probability).
  void (*collapse)(StateVector<T>& psi, qubit_t q, int outcome, double probability, const ParallelFor& par);
  /// out[j] = |amplitude first + j|^2 in double, j < count.
  void (*probabilities)(const StateVector<T>& psi, index_t first, index_t count, double* out, const ParallelFor& par);
  /// out[b] = the probabilities of block b (`block` amplitudes) added in
  /// index order: the sampling sweep skips the blocks no draw falls into.
  void (*block_probabilities)(const StateVector<T>& psi, index_t block, double* out, const ParallelFor& par);
  /// sum_k (-1)^{|k & z|} conj(a[k ^ x]) a[k]: a Pauli string's expectation
  /// up to its phase i^{#Y}.
  std::complex<double> (*pauli_string_sum)(const StateVector<T>& psi, index_t x_mask, index_t z_mask,
                                           const ParallelFor& par);
  /// sum_t coeffs[t] <psi|Z^{z_masks[t]}|psi> for `terms` Z strings, in one pass.
  double (*z_strings_expectation)(const StateVector<T>& psi, const index_t* z_masks, const double* coeffs,
                                  std::size_t terms, const ParallelFor& par);
  /// out = sum_t w[t] X^{x_masks[t]} Z^{z_masks[t]} psi for `terms` strings
  /// (w[t]: coefficient times i^{#Y}); out has psi's size.
  void (*apply_pauli_strings)(const StateVector<T>& psi, StateVector<T>& out, const index_t* x_masks,
                              const index_t* z_masks, const std::complex<double>* w, std::size_t terms,
                              const ParallelFor& par);
  /// <a|b>, conjugating a (same size).
  std::complex<double> (*inner_product)(const StateVector<T>& a, const StateVector<T>& b, const ParallelFor& par);
  /// A step of the adjoint method for a gate on one target (any controls,
  /// `cmask` their bits): applies the 2x2 `m` to psi and, when not null, to
  /// lam, and adds Re <lam| d[k] |psi> to acc[k] for up to 4 matrices d, in
  /// one pass. `gate` names RY and RZ, whose derivative has a known shape.
  void (*adjoint_one_target)(StateVector<T>& psi, StateVector<T>* lam, qubit_t t, index_t cmask, const Matrix& m,
                             const std::vector<Matrix>& d, double* acc, GateId gate);
  /// Two uncontrolled RY/RZ gates `a`, `b` on qubit t undone in one pass
  /// (inverse matrices ua, ub; A first): acc[0] gets A's term, acc[1] B's.
  void (*adjoint_rotation_pair)(StateVector<T>& psi, StateVector<T>& lam, qubit_t t, GateId a, const Matrix& ua,
                                GateId b, const Matrix& ub, double* acc);
  /// The batched engine's primitives; null for a backend without them
  /// (the engine then runs sample by sample on the primitives above).
  const BatchKernels<T>* batch;
};

}  // namespace kernels
QSIM_END_NAMESPACE
