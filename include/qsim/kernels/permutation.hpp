#pragma once
// Permutation gates (x, cx, ccx, swap, cswap) as pure moves: no arithmetic.
// Targets above the register exchange whole batches; an X on a qubit inside
// the register is one lane swizzle. Other cases (a swap with an in-register
// qubit, an in-register control) go to the dense kernel, which is as
// memory-bound.
#include <complex>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/gates/matrices.hpp"
#include "qsim/kernels/arch.hpp"
#include "qsim/kernels/index.hpp"
#include "qsim/kernels/parallel.hpp"
#include "qsim/kernels/prefetch.hpp"
#include "qsim/kernels/simd.hpp"

QSIM_BEGIN_KERNEL_NAMESPACE
namespace detail {

/// For a permutation matrix (one exact 1 per column and per row, zeros
/// elsewhere), the row of each column's 1; empty if `m` is not one (a
/// non-unitary 0/1 matrix may send two columns to one row: that is no move).
inline std::vector<unsigned> permutation_of(const Matrix& m, std::size_t dim) {
  std::vector<unsigned> row(dim, 0);
  std::vector<bool> row_taken(dim, false);
  for (std::size_t c = 0; c < dim; ++c) {
    unsigned ones = 0;
    for (std::size_t r = 0; r < dim; ++r) {
      const auto z = m[r * dim + c];
      if (z == std::complex<double>(1.0)) {
        row[c] = static_cast<unsigned>(r);
        ++ones;
      } else if (z != std::complex<double>(0.0)) {
        return {};
      }
    }
    if (ones != 1 || row_taken[row[c]]) return {};
    row_taken[row[c]] = true;
  }
  return row;
}

/// True when the permutation kernel takes this gate (else use apply_dense).
template <class T>
bool permutation_applies(const StateVector<T>& psi, const std::vector<qubit_t>& targets,
                         const std::vector<qubit_t>& controls) {
  constexpr unsigned lq = low_qubits<T>;
  if (psi.num_qubits() < lq) return false;
  for (auto q : controls)
    if (q < lq) return false;
  if (targets.size() == 1) return true;
  for (auto q : targets)
    if (q < lq) return false;
  return targets.size() <= 3;
}

template <class T>
void apply_permutation(StateVector<T>& psi, const std::vector<qubit_t>& targets, const std::vector<qubit_t>& controls,
                       const std::vector<unsigned>& row, const ParallelFor& par) {
  using B = batch<T>;
  constexpr unsigned lq = low_qubits<T>;
  index_t control_mask = 0;
  for (auto q : controls) control_mask |= index_t{1} << q;
  T* data = reinterpret_cast<T*>(psi.data());
  std::vector<qubit_t> inserted = controls;
  const bool in_register = targets.size() == 1 && targets[0] < lq;
  if (!in_register) inserted.insert(inserted.end(), targets.begin(), targets.end());
  const ZeroInserter insert(inserted, control_mask);
  const index_t groups = psi.size() >> (lq + inserted.size());
  const BlockPrefetch prefetch(insert, lq, data, sizeof(B), groups);
  if (in_register) {
    if (row[0] == 0) return;  // the identity
    static_for<(lq > 0 ? lq : 1)>([&](auto Q) {
      if constexpr (Q < lq) {
        if (targets[0] != Q) return;
        par.ranges(groups, psi.size(), [&](index_t begin, index_t end) {
          for_each_group(begin, end, insert, lq, prefetch, [&](index_t base) {
            T* p = data + 2 * base;
            xor_lanes<(2U << Q), T>(B::load_aligned(p)).store_aligned(p);
          });
        });
      }
    });
    return;
  }
  // Moved amplitudes only; fixed points are not touched.
  const std::size_t dim = row.size();
  std::vector<index_t> from, to;
  for (std::size_t j = 0; j < dim; ++j)
    if (row[j] != j) {
      from.push_back(2 * spread_bits(j, targets));
      to.push_back(2 * spread_bits(row[j], targets));
    }
  auto moves = [&](auto count_constant) {
    constexpr unsigned M = decltype(count_constant)::value;
    index_t src[M], dst[M];
    for (unsigned k = 0; k < M; ++k) src[k] = from[k], dst[k] = to[k];
    par.ranges(groups, psi.size(), [&](index_t begin, index_t end) {
      for_each_group(begin, end, insert, lq, prefetch, [&](index_t base) {
        T* p = data + 2 * base;
        B v[M];
        static_for<M>([&](auto K) { v[K] = B::load_aligned(p + src[K]); });
        static_for<M>([&](auto K) { v[K].store_aligned(p + dst[K]); });
      });
    });
  };
  static_for<9>([&](auto M) {
    if constexpr (M >= 2) {
      if (from.size() == M) moves(M);
    }
  });
}

}  // namespace detail
QSIM_END_KERNEL_NAMESPACE
