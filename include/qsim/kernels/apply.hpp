#pragma once
// The checked entry points of the kernels: argument checks, then the build
// that dispatch.hpp selects. Operations (gates with parameters) are turned
// into matrices a layer above, in qsim/circuit/apply_gate.hpp.
#include <complex>
#include <string>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/gates/matrices.hpp"
#include "qsim/kernels/dispatch.hpp"
#include "qsim/kernels/kernel_set.hpp"
#include "qsim/kernels/parallel.hpp"

QSIM_BEGIN_NAMESPACE
namespace kernels {

namespace checks {

template <class T>
void check_qubit(const StateVector<T>& psi, qubit_t q) {
  if (q >= psi.num_qubits())
    throw invalid_argument("qubit " + std::to_string(q) + " out of range for a " + std::to_string(psi.num_qubits()) +
                           "-qubit state");
}

// Every qubit of `list` in range and not in `seen` (which collects them).
template <class T>
void check_distinct(const StateVector<T>& psi, const std::vector<qubit_t>& list, index_t& seen, const char* what) {
  for (auto q : list) {
    check_qubit(psi, q);
    if ((seen >> q) & 1U) throw invalid_argument("qubit " + std::to_string(q) + " used twice in one " + what);
    seen |= index_t{1} << q;
  }
}

template <class T>
void check_qubits(const StateVector<T>& psi, const std::vector<qubit_t>& targets, const std::vector<qubit_t>& controls,
                  std::size_t matrix_size) {
  if (targets.empty()) throw invalid_argument("a gate needs at least one target qubit");
  index_t seen = 0;
  check_distinct(psi, targets, seen, "gate");
  check_distinct(psi, controls, seen, "gate");
  const std::size_t dim = std::size_t{1} << targets.size();
  if (matrix_size != dim * dim)
    throw invalid_argument("a matrix of " + std::to_string(matrix_size) + " entries on " +
                           std::to_string(targets.size()) + " target qubit(s) (expected " + std::to_string(dim * dim) +
                           ")");
}

}  // namespace checks

/**
 * Applies the 2^k x 2^k matrix `m` (bit j = targets[j]) where every qubit of
 * `controls` is 1, with the fastest kernel for its structure: element-wise
 * phases for a diagonal, moves for a permutation, the SIMD dense kernel
 * otherwise. `par` is a thread count (0: OpenMP's default) or a ParallelFor.
 * @code
 *   qsim::StateVector<double> psi(3);
 *   qsim::kernels::apply_matrix(psi, {0}, {}, qsim::gate_matrix(qsim::GateId::h));
 * @endcode
 */
template <class T>
void apply_matrix(StateVector<T>& psi, const std::vector<qubit_t>& targets, const std::vector<qubit_t>& controls,
                  const Matrix& m, const ParallelFor& par = {}, MatrixKind kind = MatrixKind::unknown) {
  checks::check_qubits(psi, targets, controls, m.size());
  active_kernels<T>().apply_matrix(psi, targets, controls, m, par, kind);
}

/// Multiplies amplitude i by diag[index of i's bits at `qubits`] (bit b = qubits[b]).
template <class T>
void apply_diagonal(StateVector<T>& psi, const std::vector<qubit_t>& qubits,
                    const std::vector<std::complex<double>>& diag, const ParallelFor& par = {}) {
  index_t seen = 0;
  checks::check_distinct(psi, qubits, seen, "diagonal");
  if (qubits.size() >= 63 || diag.size() != std::size_t{1} << qubits.size())
    throw invalid_argument("a diagonal of " + std::to_string(diag.size()) + " entries on " +
                           std::to_string(qubits.size()) + " qubit(s)");
  active_kernels<T>().apply_diagonal(psi, qubits, diag, par);
}

/// Probability that qubit `q` reads 1.
template <class T>
double probability_one(const StateVector<T>& psi, qubit_t q, const ParallelFor& par = {}) {
  checks::check_qubit(psi, q);
  return active_kernels<T>().probability_one(psi, q, par);
}

/// Projects qubit `q` onto `outcome` (0 or 1) and divides by sqrt(probability) (> 0).
template <class T>
void collapse(StateVector<T>& psi, qubit_t q, int outcome, double probability, const ParallelFor& par = {}) {
  checks::check_qubit(psi, q);
  if ((outcome != 0 && outcome != 1) || !(probability > 0.0))
    throw invalid_argument("collapse needs outcome 0 or 1 and a positive probability");
  active_kernels<T>().collapse(psi, q, outcome, probability, par);
}

/// |amplitude|^2 of every basis state, in double, threaded.
template <class T>
std::vector<double> probabilities(const StateVector<T>& psi, const ParallelFor& par = {}) {
  auto p = qsim::detail::checked_vector<double>(
      psi.size(), "the probabilities of a " + std::to_string(psi.num_qubits()) + "-qubit state");
  active_kernels<T>().probabilities(psi, 0, psi.size(), p.data(), par);
  return p;
}

/// <a|b>, conjugating a, threaded.
template <class T>
std::complex<double> inner_product(const StateVector<T>& a, const StateVector<T>& b, const ParallelFor& par = {}) {
  if (a.num_qubits() != b.num_qubits() || a.size() != b.size())
    throw invalid_argument("inner product of a " + std::to_string(a.num_qubits()) + "-qubit and a " +
                           std::to_string(b.num_qubits()) + "-qubit state");
  return active_kernels<T>().inner_product(a, b, par);
}

}  // namespace kernels
QSIM_END_NAMESPACE
