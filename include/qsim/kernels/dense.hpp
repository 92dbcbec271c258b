#pragma once
// Dense k-qubit gates with xsimd, Google qsim's pattern: the number of
// target qubits above the register (KH) and the set of targets inside it
// (LowMask) are template arguments chosen by one runtime switch, so every
// loop below has compile-time bounds and unrolls.
//
// For a group of 2^KH batches (one per value of the high target bits), output
// batch rh is  sum_ch sum_j  C[rh][ch][j] * P_j(v[ch]),  where P_j exchanges
// complex lanes l <-> l ^ deposit(j, LowMask) (an in-register swizzle) and
// C is a per-lane complex coefficient taken from the matrix. Complex products
// use the interleaved identity c*v = A*v + B*swap_re_im(v); a real matrix
// (RY, CNOT, and their products) skips the B half.
#include <algorithm>
#include <complex>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/gates/matrices.hpp"
#include "qsim/kernels/arch.hpp"
#include "qsim/kernels/index.hpp"
#include "qsim/kernels/kernel_set.hpp"
#include "qsim/kernels/parallel.hpp"
#include "qsim/kernels/prefetch.hpp"
#include "qsim/kernels/scalar.hpp"
#include "qsim/kernels/simd.hpp"

QSIM_BEGIN_KERNEL_NAMESPACE
namespace detail {

/// Widest gate (targets plus controls folded into the register) the vector
/// kernel takes; wider ones (up to kernels::max_dense_qubits) go to the
/// scalar kernel. SSE2 stops at 4 qubits: its 5-qubit kernel, 32 x 32
/// complex multiply-adds per group in 16 registers, takes GCC most of a
/// minute per precision (a header-only program compiles it), for gates the
/// default fusion (3 qubits) never forms.
inline constexpr unsigned simd_dense_qubits = sizeof(batch<double>) >= 32 ? max_dense_qubits : 4;

template <class T, unsigned KH, unsigned LowMask, bool Real>
struct DenseKernel {
  static constexpr unsigned KL = popcount(LowMask);
  static constexpr unsigned DH = 1U << KH, DL = 1U << KL, K = KH + KL;
  // Accumulators per chunk: 32 outputs would not fit the 32 AVX-512 registers.
  static constexpr unsigned RC = DH > 16 ? 16 : DH;
  using B = batch<T>;

  // `m` is 2^K x 2^K in canonical order: bits 0..KL-1 are the low targets in
  // ascending order, bits KL.. the high targets in ascending order.
  static void run(T* data, index_t groups, index_t amplitudes, const Matrix& m, const std::vector<index_t>& high_offset,
                  const ZeroInserter& insert, const ParallelFor& par) {
    index_t hoff[DH];
    for (unsigned h = 0; h < DH; ++h) hoff[h] = 2 * high_offset[h];  // in reals
    if constexpr (LowMask == 0) {
      run_broadcast(data, groups, amplitudes, m, hoff, insert, par);
      return;
    }
    const unsigned dim = 1U << K;
    std::vector<B> ca(DH * DH * DL), cb(Real ? 0 : DH * DH * DL);
    for (unsigned rh = 0; rh < DH; ++rh)
      for (unsigned ch = 0; ch < DH; ++ch)
        for (unsigned j = 0; j < DL; ++j) {
          B a, b;
          complex_coefficients<T>(
              [&](unsigned l) {
                const unsigned s = extract(l, LowMask);
                return m[((rh << KL) | s) * dim + ((ch << KL) | (s ^ j))];
              },
              a, b);
          const unsigned idx = (rh * DH + ch) * DL + j;
          ca[idx] = a;
          if constexpr (!Real) cb[idx] = b;
        }
    const B* pa = ca.data();
    const B* pb = cb.data();
    const BlockPrefetch prefetch(insert, low_qubits<T>, data, sizeof(B), groups);
    par.ranges(groups, amplitudes, [&](index_t begin, index_t end) {
      // Locals the group loop keeps in registers: xsimd's stores may alias
      // anything, so values reached through the captures would be reloaded
      // for every group.
      T* const state = data;
      index_t offset[DH];
      for (unsigned h = 0; h < DH; ++h) offset[h] = hoff[h];
      const auto* const coef_a = pa;
      const auto* const coef_b = pb;
      for_each_group(begin, end, insert, low_qubits<T>, prefetch, [&](index_t base) QSIM_INLINE_LAMBDA {
        T* p = state + 2 * base;
        // Outputs accumulate RC at a time (all of them when they fit in the
        // registers); each input's lane permutations are formed once per chunk.
        B in[DH];
#pragma GCC unroll 32
        for (unsigned ch = 0; ch < DH; ++ch) in[ch] = B::load_aligned(p + offset[ch]);
        B out[DH];
        static_for<DH / RC>([&](auto R0) QSIM_INLINE_LAMBDA {
          constexpr unsigned r0 = R0 * RC;
          B acc[RC];
#pragma GCC unroll 32
          for (unsigned r = 0; r < RC; ++r) acc[r] = B(T(0));
#pragma GCC unroll 32
          for (unsigned ch = 0; ch < DH; ++ch) {
            const B v = in[ch];
            static_for<DL>([&](auto J) QSIM_INLINE_LAMBDA {
              constexpr unsigned x = 2 * deposit(J, LowMask);
              const B w = xor_lanes<x, T>(v);
#pragma GCC unroll 32
              for (unsigned r = 0; r < RC; ++r) acc[r] = xsimd::fma(coef_a[((r0 + r) * DH + ch) * DL + J], w, acc[r]);
              if constexpr (!Real) {
                const B ws = xor_lanes<x + 1, T>(v);
#pragma GCC unroll 32
                for (unsigned r = 0; r < RC; ++r)
                  acc[r] = xsimd::fma(coef_b[((r0 + r) * DH + ch) * DL + J], ws, acc[r]);
              }
            });
          }
#pragma GCC unroll 32
          for (unsigned r = 0; r < RC; ++r) out[r0 + r] = acc[r];
        });
#pragma GCC unroll 32
        for (unsigned rh = 0; rh < DH; ++rh) out[rh].store_aligned(p + offset[rh]);
      });
    });
  }

  // No target inside the register: every lane has the same coefficient, so
  // the matrix is kept as scalars and broadcast into the FMAs (8 bytes per
  // coefficient read instead of a 64-byte batch: the 5-qubit matrix fits L1).
  // Complex products: c*v = re*v + im*(swap_re_im(v) * (-1, 1)).
  static void run_broadcast(T* data, index_t groups, index_t amplitudes, const Matrix& m, const index_t* hoff,
                            const ZeroInserter& insert, const ParallelFor& par) {
    std::vector<T> re(DH * DH), im(DH * DH);
    for (unsigned i = 0; i < DH * DH; ++i) {
      re[i] = static_cast<T>(m[i].real());
      im[i] = static_cast<T>(m[i].imag());
    }
    alignas(64) T sign_lanes[B::size];
    for (unsigned l = 0; l < B::size; ++l) sign_lanes[l] = l % 2 ? T(1) : T(-1);
    const B sign = B::load_aligned(sign_lanes);
    const T* pr = re.data();
    const T* pi = im.data();
    const BlockPrefetch prefetch(insert, low_qubits<T>, data, sizeof(B), groups);
    par.ranges(groups, amplitudes, [&](index_t begin, index_t end) {
      // Locals the group loop keeps in registers: xsimd's stores may alias
      // anything, so values reached through the captures would be reloaded
      // for every group.
      T* const state = data;
      index_t offset[DH];
      for (unsigned h = 0; h < DH; ++h) offset[h] = hoff[h];
      const auto* const coef_re = pr;
      const auto* const coef_im = pi;
      for_each_group(begin, end, insert, low_qubits<T>, prefetch, [&](index_t base) QSIM_INLINE_LAMBDA {
        T* p = state + 2 * base;
        B in[DH], out[DH];
#pragma GCC unroll 32
        for (unsigned ch = 0; ch < DH; ++ch) in[ch] = B::load_aligned(p + offset[ch]);
        static_for<DH / RC>([&](auto R0) QSIM_INLINE_LAMBDA {
          constexpr unsigned r0 = R0 * RC;
          B acc[RC];
#pragma GCC unroll 32
          for (unsigned r = 0; r < RC; ++r) acc[r] = B(T(0));
#pragma GCC unroll 32
          for (unsigned ch = 0; ch < DH; ++ch) {
            const B v = in[ch];
#pragma GCC unroll 32
            for (unsigned r = 0; r < RC; ++r) acc[r] = xsimd::fma(B(coef_re[(r0 + r) * DH + ch]), v, acc[r]);
            if constexpr (!Real) {
              const B ws = xor_lanes<1, T>(v) * sign;
#pragma GCC unroll 32
              for (unsigned r = 0; r < RC; ++r) acc[r] = xsimd::fma(B(coef_im[(r0 + r) * DH + ch]), ws, acc[r]);
            }
          }
#pragma GCC unroll 32
          for (unsigned r = 0; r < RC; ++r) out[r0 + r] = acc[r];
        });
#pragma GCC unroll 32
        for (unsigned rh = 0; rh < DH; ++rh) out[rh].store_aligned(p + offset[rh]);
      });
    });
  }
};

/// Matrix of `m` (on `targets`) with `extra` controls turned into extra
/// targets: identity wherever a control bit is 0. Bits k.. are the controls.
inline Matrix fold_controls(const Matrix& m, std::size_t k, std::size_t extra) {
  const std::size_t dim = std::size_t{1} << k, big = dim << extra, all = ((std::size_t{1} << extra) - 1) << k;
  Matrix out(big * big, 0.0);
  for (std::size_t r = 0; r < big; ++r)
    for (std::size_t c = 0; c < big; ++c) {
      if ((r & all) != (c & all)) continue;
      if ((c & all) == all)
        out[r * big + c] = m[(r & (dim - 1)) * dim + (c & (dim - 1))];
      else if (r == c)
        out[r * big + c] = 1.0;
    }
  return out;
}

/// The matrix with its bits reordered: new bit b is old bit order[b].
inline Matrix permute_bits(const Matrix& m, const std::vector<unsigned>& order) {
  const std::size_t dim = std::size_t{1} << order.size();
  std::vector<std::size_t> old_index(dim, 0);
  for (std::size_t j = 0; j < dim; ++j)
    for (std::size_t b = 0; b < order.size(); ++b)
      if ((j >> b) & 1U) old_index[j] |= std::size_t{1} << order[b];
  Matrix out(dim * dim);
  for (std::size_t r = 0; r < dim; ++r)
    for (std::size_t c = 0; c < dim; ++c) out[r * dim + c] = m[old_index[r] * dim + old_index[c]];
  return out;
}

template <class T, unsigned KH, bool Real>
void dispatch_low_mask(unsigned low_mask, T* data, index_t groups, index_t amplitudes, const Matrix& m,
                       const std::vector<index_t>& high_offset, const ZeroInserter& insert, const ParallelFor& par) {
  static_for<(1U << low_qubits<T>)>([&](auto LM) {
    if constexpr (KH + popcount(LM) <= simd_dense_qubits && KH + popcount(LM) > 0) {
      if (low_mask == LM) DenseKernel<T, KH, LM, Real>::run(data, groups, amplitudes, m, high_offset, insert, par);
    }
  });
}

/**
 * Applies the 2^k x 2^k matrix `m` on `targets` where all `controls` are 1.
 * Controls above the register restrict the groups visited (amplitudes with a
 * control at 0 are never read); controls inside it are folded into the matrix.
 */
template <class T>
void apply_dense(StateVector<T>& psi, const std::vector<qubit_t>& targets, const std::vector<qubit_t>& controls,
                 const Matrix& m, const ParallelFor& par) {
  constexpr unsigned lq = low_qubits<T>;
  std::vector<qubit_t> eff = targets, high_controls;
  index_t control_mask = 0;
  for (auto q : controls) {
    if (q < lq) {
      eff.push_back(q);
    } else {
      high_controls.push_back(q);
      control_mask |= index_t{1} << q;
    }
  }
  if (psi.num_qubits() < lq || eff.size() > simd_dense_qubits) {
    apply_matrix_scalar(psi, targets, controls, m, par);
    return;
  }
  const Matrix folded =
      eff.size() == targets.size() ? m : fold_controls(m, targets.size(), eff.size() - targets.size());
  // Canonical order: low targets ascending, then high targets ascending.
  std::vector<unsigned> order(eff.size());
  for (unsigned b = 0; b < order.size(); ++b) order[b] = b;
  std::sort(order.begin(), order.end(), [&](unsigned a, unsigned b) { return eff[a] < eff[b]; });
  const Matrix canonical = permute_bits(folded, order);
  unsigned low_mask = 0;
  std::vector<qubit_t> high;
  for (unsigned b : order) {
    if (eff[b] < lq)
      low_mask |= 1U << eff[b];
    else
      high.push_back(eff[b]);
  }
  bool real = true;
  for (const auto& z : canonical) real = real && z.imag() == 0;
  std::vector<index_t> high_offset(std::size_t{1} << high.size());
  for (std::size_t h = 0; h < high_offset.size(); ++h) high_offset[h] = spread_bits(h, high);
  std::vector<qubit_t> inserted = high;
  inserted.insert(inserted.end(), high_controls.begin(), high_controls.end());
  const ZeroInserter insert(inserted, control_mask);
  const index_t groups = psi.size() >> (lq + inserted.size());
  T* data = reinterpret_cast<T*>(psi.data());
  auto run = [&](auto kh_constant) {
    constexpr unsigned KH = decltype(kh_constant)::value;
    if (real)
      dispatch_low_mask<T, KH, true>(low_mask, data, groups, psi.size(), canonical, high_offset, insert, par);
    else
      dispatch_low_mask<T, KH, false>(low_mask, data, groups, psi.size(), canonical, high_offset, insert, par);
  };
  static_for<simd_dense_qubits + 1>([&](auto KH) {
    if (high.size() == KH) run(KH);
  });
}

}  // namespace detail
QSIM_END_KERNEL_NAMESPACE
