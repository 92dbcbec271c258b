#pragma once
#include <mpi.h>

#include <algorithm>
#include <complex>
#include <string>
#include <vector>

#include "qsim/circuit/apply_gate.hpp"
#include "qsim/circuit/circuit.hpp"
#include "qsim/circuit/operation.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/mpi/communicator.hpp"
#include "qsim/mpi/distributed_state_vector.hpp"

QSIM_BEGIN_NAMESPACE
namespace mpi {

/**
 * How a non-diagonal gate on a global qubit is served.
 * - `pairwise`: a one-target gate on global qubit g: every rank exchanges its
 *   whole slice, chunk by chunk, with the rank that differs in bit g and
 *   combines the two amplitudes in place (one pass over memory).
 * - `swap`: each global target is swapped with a free local qubit (half a
 *   slice exchanged), the gate runs locally with the normal kernels, then the
 *   qubits are swapped back. Serves every gate, any number of global targets.
 * - `automatic`: pairwise for one-target gates, swap for the rest; pairwise
 *   measured faster (see bench/bench_mpi.cpp and the README).
 */
enum class GlobalGateStrategy { automatic, pairwise, swap };

namespace detail {

/// Amplitudes per message: bounds the exchange buffers (1 MiB in double)
/// whatever the slice size, while messages stay large enough to run at
/// full bandwidth.
inline constexpr index_t exchange_chunk = index_t{1} << 16;

/// `j` with a bit of value `v` inserted at position `pos`.
inline index_t insert_bit(index_t j, unsigned pos, index_t v) {
  const index_t low = j & ((index_t{1} << pos) - 1);
  return ((j >> pos) << (pos + 1)) | (v << pos) | low;
}

template <class T>
void sendrecv(const std::complex<T>* send, std::complex<T>* recv, index_t count, int partner, MPI_Comm comm) {
  const int n = static_cast<int>(count);
  check(MPI_Sendrecv(send, n, complex_type<T>(), partner, 0, recv, n, complex_type<T>(), partner, 0, comm,
                     MPI_STATUS_IGNORE),
        "MPI_Sendrecv");
}

template <class T>
int partner_rank(const DistributedStateVector<T>& psi, qubit_t global_qubit) {
  return psi.rank() ^ (1 << (global_qubit - psi.num_local_qubits()));
}

/**
 * Swaps global qubit `g` with local qubit `l` (collective over rank pairs).
 * Amplitudes whose bit l differs from this rank's bit g belong to the
 * partner after the swap: they are exchanged in chunks, into the places the
 * partner's outgoing amplitudes leave (half a slice each way).
 */
template <class T>
void swap_global_local(DistributedStateVector<T>& psi, qubit_t g, qubit_t l) {
  using C = std::complex<T>;
  const int partner = partner_rank(psi, g);
  const index_t leaving = 1 - static_cast<index_t>(psi.rank_bit(g));
  const index_t half = psi.local_size() / 2;
  const index_t chunk = std::min(exchange_chunk, half);
  const bool contiguous = (index_t{1} << l) >= chunk;  // runs of 2^l amplitudes share bit l
  std::vector<C> out(contiguous ? 0 : chunk), in(chunk);
  C* local = psi.local().data();
  for (index_t start = 0; start < half; start += chunk) {
    const index_t count = std::min(chunk, half - start);
    C* first = local + insert_bit(start, l, leaving);
    if (contiguous) {
      sendrecv(first, in.data(), count, partner, psi.communicator().get());
      std::copy(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(count), first);
    } else {
      for (index_t j = 0; j < count; ++j) out[j] = local[insert_bit(start + j, l, leaving)];
      sendrecv(out.data(), in.data(), count, partner, psi.communicator().get());
      for (index_t j = 0; j < count; ++j) local[insert_bit(start + j, l, leaving)] = in[j];
    }
    psi.count_sent(count * sizeof(C));
  }
}

/// The `j`-th local index whose bits at `controls` (ascending) are all 1.
inline index_t controlled_index(index_t j, const std::vector<qubit_t>& controls) {
  for (auto c : controls) j = insert_bit(j, c, 1);
  return j;
}

/**
 * A one-qubit matrix `m` on global qubit `g`, where the local `controls` are
 * all 1: only those amplitudes travel (half a slice per control), packed
 * into chunks unless there is no control and the slice is sent as it is.
 */
template <class T>
void apply_pairwise(DistributedStateVector<T>& psi, qubit_t g, std::vector<qubit_t> controls, const Matrix& m) {
  using C = std::complex<T>;
  std::sort(controls.begin(), controls.end());
  const int partner = partner_rank(psi, g);
  const int row = psi.rank_bit(g);
  const std::complex<double> m_self = m[static_cast<std::size_t>(row * 2 + row)];
  const std::complex<double> m_other = m[static_cast<std::size_t>(row * 2 + (1 - row))];
  const index_t active = psi.local_size() >> controls.size();
  const index_t chunk = std::min(exchange_chunk, active);
  std::vector<C> in(chunk), out(controls.empty() ? 0 : chunk);
  C* local = psi.local().data();
  for (index_t start = 0; start < active; start += chunk) {
    const index_t count = std::min(chunk, active - start);
    C* mine = local + start;
    if (!controls.empty()) {
      for (index_t j = 0; j < count; ++j) out[j] = local[controlled_index(start + j, controls)];
      mine = out.data();
    }
    sendrecv(mine, in.data(), count, partner, psi.communicator().get());
    psi.count_sent(count * sizeof(C));
    for (index_t j = 0; j < count; ++j) {
      // The reference kernel's order (column 0 first), in double.
      const std::complex<double> self(mine[j]), other(in[j]);
      mine[j] = C(row == 0 ? m_self * self + m_other * other : m_other * other + m_self * self);
    }
    if (!controls.empty())
      for (index_t j = 0; j < count; ++j) local[controlled_index(start + j, controls)] = out[j];
  }
}

inline bool is_diagonal(const Operation& op, const Matrix& m) {
  return gate_info(op.gate).kind == GateClass::diagonal || qsim::is_diagonal(m, std::size_t{1} << op.targets.size());
}

/// A diagonal gate whose global targets read this rank's bits: the diagonal
/// restricted to the local targets, no communication.
template <class T>
void apply_diagonal(DistributedStateVector<T>& psi, const Operation& local_op, const Matrix& m) {
  std::size_t fixed = 0;  // the global targets' bits in the matrix index
  std::vector<qubit_t> local_targets;
  std::vector<std::size_t> local_bits;
  for (std::size_t j = 0; j < local_op.targets.size(); ++j) {
    if (psi.is_global(local_op.targets[j])) {
      fixed |= static_cast<std::size_t>(psi.rank_bit(local_op.targets[j])) << j;
    } else {
      local_targets.push_back(local_op.targets[j]);
      local_bits.push_back(j);
    }
  }
  const Matrix sub = restrict_diagonal(m, local_op.targets.size(), local_bits, fixed);
  index_t control_mask = 0;
  for (auto c : local_op.controls) control_mask |= index_t{1} << c;
  if (local_targets.empty()) {  // a phase on the controlled subspace
    auto* local = psi.local().data();
    for (index_t i = 0; i < psi.local_size(); ++i)
      if ((i & control_mask) == control_mask) local[i] = std::complex<T>(sub[0] * std::complex<double>(local[i]));
    return;
  }
  kernels::apply_matrix(psi.local(), local_targets, local_op.controls, sub, 0, kernels::MatrixKind::diagonal);
}

}  // namespace detail

namespace detail {
/// mpi::apply_gate without its checks, for a Circuit's operations (validated
/// when they were appended; the caller evaluated any condition).
template <class T>
void apply_validated_gate(DistributedStateVector<T>& psi, const Operation& op, const Binding& b,
                          GlobalGateStrategy strategy) {
  // Bound before any rank can return early, so a bad binding throws on all ranks.
  const Matrix m = op.bound_matrix(b);
  Operation local_op = op;
  local_op.controls.clear();
  for (auto c : op.controls) {
    if (!psi.is_global(c)) {
      local_op.controls.push_back(c);
    } else if (psi.rank_bit(c) == 0) {
      return;  // the control reads 0 on this whole slice (and on the partner's: it differs in a target bit only)
    }
  }
  std::vector<std::size_t> global_targets;
  for (std::size_t j = 0; j < op.targets.size(); ++j)
    if (psi.is_global(op.targets[j])) global_targets.push_back(j);
  if (global_targets.empty()) {
    kernels::apply_validated_gate(psi.local(), local_op, b);
    return;
  }
  if (detail::is_diagonal(op, m)) {
    detail::apply_diagonal(psi, local_op, m);
    return;
  }
  if (op.targets.size() == 1 && strategy != GlobalGateStrategy::swap) {
    detail::apply_pairwise(psi, op.targets[0], local_op.controls, m);
    return;
  }
  // Swap each global target with a free local qubit, highest first: high
  // local qubits give contiguous runs, so the exchange sends straight from
  // the slice.
  std::vector<qubit_t> partners;
  for (qubit_t l = psi.num_local_qubits(); l-- > 0 && partners.size() < global_targets.size();) {
    const auto used = local_op.qubits();
    if (std::find(used.begin(), used.end(), l) == used.end()) partners.push_back(l);
  }
  if (partners.size() < global_targets.size())
    throw invalid_argument(op.name() + " on " + std::to_string(op.qubits().size()) + " qubits needs " +
                           std::to_string(global_targets.size()) + " free local qubits, but a slice has " +
                           std::to_string(psi.num_local_qubits()) + " qubits: use fewer ranks");
  for (std::size_t s = 0; s < partners.size(); ++s) {
    detail::swap_global_local(psi, op.targets[global_targets[s]], partners[s]);
    local_op.targets[global_targets[s]] = partners[s];
  }
  kernels::apply_validated_gate(psi.local(), local_op, b);
  for (std::size_t s = partners.size(); s-- > 0;)
    detail::swap_global_local(psi, op.targets[global_targets[s]], partners[s]);
}
}  // namespace detail

/**
 * Applies one gate (bound to `b`) to a distributed state; collective: every
 * rank calls it with the same gate. Local gates run the normal kernels on
 * each slice; a control on a global qubit is read from the rank's bits;
 * diagonal gates never communicate; other gates on global qubits exchange
 * amplitudes with partner ranks as `strategy` says.
 * @code
 *   qsim::mpi::DistributedStateVector<double> psi(20);
 *   qsim::Circuit c(20);
 *   c.h(19);                                    // a global qubit on 2+ ranks
 *   qsim::mpi::apply_gate(psi, c.operations()[0]);
 * @endcode
 */
template <class T>
void apply_gate(DistributedStateVector<T>& psi, const Operation& op, const Binding& b = {},
                GlobalGateStrategy strategy = GlobalGateStrategy::automatic) {
  if (!op.is_gate())
    throw invalid_argument("apply_gate takes a gate, got a " + qsim::detail::operation_description(op));
  if (op.condition)
    throw invalid_argument("apply_gate cannot evaluate the condition of " + op.name() + ": use a Circuit");
  validate_operation(op, psi.num_qubits(), 0);
  detail::apply_validated_gate(psi, op, b, strategy);
}

}  // namespace mpi
QSIM_END_NAMESPACE
