#pragma once
// The batched engine's kernels (BatchKernels in kernel_set.hpp): a block of
// states stored batch-minor, so the innermost loop runs over the states of
// the block, contiguous in memory, and the compiler turns it into full
// vectors of this unit's instruction set whatever the number of qubits.
// Every lane is computed by the same vector code: the lane count is a
// multiple of batch_lane_multiple and the loops carry no dependence between
// lanes, so a state's result does not depend on its block or its lane.
#include <algorithm>
#include <complex>
#include <cstddef>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "qsim/core/config.hpp"
#include "qsim/gates/gate_table.hpp"
#include "qsim/kernels/arch.hpp"
#include "qsim/kernels/kernel_set.hpp"

#if defined(_OPENMP)
#define QSIM_LANE_LOOP _Pragma("omp simd")
#elif defined(__GNUC__) && !defined(__clang__)
#define QSIM_LANE_LOOP _Pragma("GCC ivdep")
#else
#define QSIM_LANE_LOOP
#endif

QSIM_BEGIN_KERNEL_NAMESPACE
namespace detail_batch {

// The index of pair p's amplitude with bit t clear.
inline index_t pair_base(index_t p, qubit_t t) {
  const index_t low = (index_t{1} << t) - 1;
  return ((p & ~low) << 1) | (p & low);
}

// Matrix entry v (0 .. 2 * dim^2) of lane b: shared matrices are broadcast.
template <bool PerLane, class T>
QSIM_FORCE_INLINE T entry(const T* m, std::size_t v, std::size_t lanes, std::size_t b) {
  return PerLane ? m[v * lanes + b] : m[v];
}

template <bool PerLane, class T>
void one_target(T* __restrict re, T* __restrict im, unsigned n, std::size_t lanes, qubit_t t, index_t cmask,
                const T* __restrict m, MatrixKind kind) {
  const index_t pairs = index_t{1} << (n - 1), bit = index_t{1} << t;
  for (index_t p = 0; p < pairs; ++p) {
    const index_t i0 = pair_base(p, t);
    if ((i0 & cmask) != cmask) continue;
    T *r0 = re + i0 * lanes, *r1 = re + (i0 | bit) * lanes, *m0 = im + i0 * lanes, *m1 = im + (i0 | bit) * lanes;
    if (kind == MatrixKind::permutation) {  // X: the two halves change places
      QSIM_LANE_LOOP
      for (std::size_t b = 0; b < lanes; ++b) {
        const T a = r0[b], c = m0[b];
        r0[b] = r1[b], m0[b] = m1[b], r1[b] = a, m1[b] = c;
      }
    } else if (kind == MatrixKind::diagonal) {
      QSIM_LANE_LOOP
      for (std::size_t b = 0; b < lanes; ++b) {
        const T ar = entry<PerLane>(m, 0, lanes, b), ai = entry<PerLane>(m, 1, lanes, b);
        const T dr = entry<PerLane>(m, 6, lanes, b), di = entry<PerLane>(m, 7, lanes, b);
        const T x0 = r0[b], y0 = m0[b], x1 = r1[b], y1 = m1[b];
        r0[b] = ar * x0 - ai * y0, m0[b] = ar * y0 + ai * x0;
        r1[b] = dr * x1 - di * y1, m1[b] = dr * y1 + di * x1;
      }
    } else {
      QSIM_LANE_LOOP
      for (std::size_t b = 0; b < lanes; ++b) {
        const T ar = entry<PerLane>(m, 0, lanes, b), ai = entry<PerLane>(m, 1, lanes, b);
        const T br = entry<PerLane>(m, 2, lanes, b), bi = entry<PerLane>(m, 3, lanes, b);
        const T cr = entry<PerLane>(m, 4, lanes, b), ci = entry<PerLane>(m, 5, lanes, b);
        const T dr = entry<PerLane>(m, 6, lanes, b), di = entry<PerLane>(m, 7, lanes, b);
        const T x0 = r0[b], y0 = m0[b], x1 = r1[b], y1 = m1[b];
        r0[b] = ar * x0 - ai * y0 + br * x1 - bi * y1, m0[b] = ar * y0 + ai * x0 + br * y1 + bi * x1;
        r1[b] = cr * x0 - ci * y0 + dr * x1 - di * y1, m1[b] = cr * y0 + ci * x0 + dr * y1 + di * x1;
      }
    }
  }
}

// The offsets of the 2^k amplitudes a k-target gate mixes (bit j of the
// offset index is targets[j]) and the mask of all its bits.
inline index_t target_offsets(const qubit_t* targets, unsigned k, index_t* off) {
  index_t mask = 0;
  for (unsigned j = 0; j < k; ++j) mask |= index_t{1} << targets[j];
  for (index_t v = 0; v < (index_t{1} << k); ++v) {
    index_t o = 0;
    for (unsigned j = 0; j < k; ++j)
      if ((v >> j) & 1U) o |= index_t{1} << targets[j];
    off[v] = o;
  }
  return mask;
}

template <bool PerLane, class T>
void many_targets(T* re, T* im, unsigned n, std::size_t lanes, const qubit_t* targets, unsigned k, index_t cmask,
                  const T* m, T* scratch) {
  const index_t dim = index_t{1} << k, size = index_t{1} << n;
  index_t off[index_t{1} << max_dense_qubits];
  const index_t mask = target_offsets(targets, k, off);
  for (index_t base = 0; base < size; ++base) {
    if ((base & mask) != 0 || (base & cmask) != cmask) continue;
    for (index_t v = 0; v < dim; ++v)  // the inputs, since the outputs overwrite them
      for (std::size_t b = 0; b < lanes; ++b) {
        scratch[(2 * v) * lanes + b] = re[(base | off[v]) * lanes + b];
        scratch[(2 * v + 1) * lanes + b] = im[(base | off[v]) * lanes + b];
      }
    for (index_t r = 0; r < dim; ++r) {
      T* __restrict outr = re + (base | off[r]) * lanes;
      T* __restrict outi = im + (base | off[r]) * lanes;
      QSIM_LANE_LOOP
      for (std::size_t b = 0; b < lanes; ++b) outr[b] = outi[b] = 0;
      for (index_t c = 0; c < dim; ++c) {
        const T* __restrict xr = scratch + (2 * c) * lanes;
        const T* __restrict xi = scratch + (2 * c + 1) * lanes;
        const std::size_t e = 2 * (r * dim + c);
        QSIM_LANE_LOOP
        for (std::size_t b = 0; b < lanes; ++b) {
          const T er = entry<PerLane>(m, e, lanes, b), ei = entry<PerLane>(m, e + 1, lanes, b);
          outr[b] += er * xr[b] - ei * xi[b];
          outi[b] += er * xi[b] + ei * xr[b];
        }
      }
    }
  }
}

template <class T>
void apply_matrix(T* re, T* im, unsigned n, std::size_t lanes, const qubit_t* targets, unsigned k, index_t cmask,
                  const T* m, bool per_lane, MatrixKind kind, T* scratch) {
  if (k == 1) {
    if (per_lane)
      one_target<true>(re, im, n, lanes, targets[0], cmask, m, kind);
    else
      one_target<false>(re, im, n, lanes, targets[0], cmask, m, kind);
  } else if (per_lane) {
    many_targets<true>(re, im, n, lanes, targets, k, cmask, m, scratch);
  } else {
    many_targets<false>(re, im, n, lanes, targets, k, cmask, m, scratch);
  }
}

// rho(r, c) += psi_r conj(lam_c) in double for one group of amplitudes.
template <class T>
QSIM_FORCE_INLINE void add_rho(double* __restrict rho, std::size_t lanes, std::size_t e, const T* __restrict pr,
                               const T* __restrict pi, const T* __restrict lr, const T* __restrict li) {
  double* __restrict out_re = rho + (2 * e) * lanes;
  double* __restrict out_im = rho + (2 * e + 1) * lanes;
  QSIM_LANE_LOOP
  for (std::size_t b = 0; b < lanes; ++b) {
    const double xr = pr[b], xi = pi[b], yr = lr[b], yi = li[b];
    out_re[b] += xr * yr + xi * yi;
    out_im[b] += xi * yr - xr * yi;
  }
}

// The 2 x 2 matrix a lane applies: m, or its adjoint when Dagger (the
// backward sweep reads a per-sample step's forward matrices that way instead
// of transposing them). U = [[a, b], [c, d]], U^dagger = [[a*, c*], [b*, d*]].
template <bool PerLane, bool Dagger, class T>
struct LaneMatrix {
  T ar, ai, br, bi, cr, ci, dr, di;
  QSIM_FORCE_INLINE LaneMatrix(const T* m, std::size_t lanes, std::size_t b) {
    const T sign = Dagger ? T(-1) : T(1);
    ar = entry<PerLane>(m, 0, lanes, b), ai = sign * entry<PerLane>(m, 1, lanes, b);
    br = entry<PerLane>(m, Dagger ? 4 : 2, lanes, b), bi = sign * entry<PerLane>(m, Dagger ? 5 : 3, lanes, b);
    cr = entry<PerLane>(m, Dagger ? 2 : 4, lanes, b), ci = sign * entry<PerLane>(m, Dagger ? 3 : 5, lanes, b);
    dr = entry<PerLane>(m, 6, lanes, b), di = sign * entry<PerLane>(m, 7, lanes, b);
  }
  // (x0 + i y0, x1 + i y1) <- U (x0 + i y0, x1 + i y1)
  QSIM_FORCE_INLINE void apply(T& x0, T& y0, T& x1, T& y1) const {
    const T a = x0, c = y0, e = x1, g = y1;
    x0 = ar * a - ai * c + br * e - bi * g, y0 = ar * c + ai * a + br * g + bi * e;
    x1 = cr * a - ci * c + dr * e - di * g, y1 = cr * c + ci * a + dr * g + di * e;
  }
};

// What a backward step keeps of psi conj(lam), the 2 x 2 matrix rho(r, c) =
// psi_r conj(lam_c) (in double, summed over the pairs where the controls
// hold): nothing (Out = no_outer), rho itself (Out = rho_out: 8 rows, the
// real and imaginary parts of entry r * 2 + c), or for Out = 1 + k the
// gradients of k slots straight away, g_j = sum_v coef[8 j + v] rho_v (one
// row per slot; with coef the real and minus the imaginary parts of M_j
// transposed, g_j = Re tr(M_j rho)). The first pair writes its rows, later
// ones add (Add).
constexpr int no_outer = 0;
constexpr int rho_out = 1;

template <int Out, bool Add, class T>
QSIM_FORCE_INLINE void put_outer(double* __restrict out, std::size_t lanes, const double* __restrict coef,
                                 std::size_t b, T x0, T y0, T x1, T y1, T u0, T v0, T u1, T v1) {
  if constexpr (Out != no_outer) {
    const double e[8] = {double(x0) * u0 + double(y0) * v0, double(y0) * u0 - double(x0) * v0,
                         double(x0) * u1 + double(y0) * v1, double(y0) * u1 - double(x0) * v1,
                         double(x1) * u0 + double(y1) * v0, double(y1) * u0 - double(x1) * v0,
                         double(x1) * u1 + double(y1) * v1, double(y1) * u1 - double(x1) * v1};
    if constexpr (Out == rho_out) {
      for (std::size_t v = 0; v < 8; ++v) out[v * lanes + b] = Add ? out[v * lanes + b] + e[v] : e[v];
    } else {
      for (int j = 0; j < Out - 1; ++j) {
        const double* c = coef + 8 * j;
        const double g = (c[0] * e[0] + c[1] * e[1]) + (c[2] * e[2] + c[3] * e[3]) + (c[4] * e[4] + c[5] * e[5]) +
                         (c[6] * e[6] + c[7] * e[7]);
        out[j * lanes + b] = Add ? out[j * lanes + b] + g : g;
      }
    }
  }
}

// One pair of one adjoint step: the outer product first, then the matrix on
// psi and lam.
template <bool PerLane, bool Dagger, int Out, bool Add, class T>
QSIM_FORCE_INLINE void adjoint_pair(T* __restrict pr0, T* __restrict pi0, T* __restrict pr1, T* __restrict pi1,
                                    T* __restrict lr0, T* __restrict li0, T* __restrict lr1, T* __restrict li1,
                                    std::size_t lanes, const T* __restrict m, const double* __restrict coef,
                                    double* __restrict out) {
  QSIM_LANE_LOOP
  for (std::size_t b = 0; b < lanes; ++b) {
    T x0 = pr0[b], y0 = pi0[b], x1 = pr1[b], y1 = pi1[b];
    T u0 = lr0[b], v0 = li0[b], u1 = lr1[b], v1 = li1[b];
    put_outer<Out, Add>(out, lanes, coef, b, x0, y0, x1, y1, u0, v0, u1, v1);
    const LaneMatrix<PerLane, Dagger, T> u(m, lanes, b);
    u.apply(x0, y0, x1, y1);
    u.apply(u0, v0, u1, v1);
    pr0[b] = x0, pi0[b] = y0, pr1[b] = x1, pi1[b] = y1;
    lr0[b] = u0, li0[b] = v0, lr1[b] = u1, li1[b] = v1;
  }
}

// Calls pair(a, c, first) for every pair of target t where cmask holds (a
// and c: the offsets of its two amplitudes' rows). No such pair: `rows` rows
// of `out` are cleared, as the pairs would have written them.
template <class Pair>
QSIM_FORCE_INLINE void for_each_pair(unsigned n, qubit_t t, index_t cmask, std::size_t lanes, double* out,
                                     std::size_t rows, Pair&& pair) {
  const index_t pairs = index_t{1} << (n - 1), bit = index_t{1} << t;
  bool first = true;
  for (index_t p = 0; p < pairs; ++p) {
    const index_t i0 = pair_base(p, t);
    if ((i0 & cmask) != cmask) continue;
    pair(i0 * lanes, (i0 | bit) * lanes, first);
    first = false;
  }
  if (first && out != nullptr) std::fill(out, out + rows * lanes, 0.0);
}

// One pass per pair: the outer product of psi and lam as they are, then the
// matrix on both (the three sweeps of accumulate_rho and two apply_matrix in
// one). Slot gradients (slots > 0) for shared matrices; rho otherwise.
template <bool PerLane, bool Dagger, class T>
void adjoint_step_impl(T* psi_re, T* psi_im, T* lam_re, T* lam_im, unsigned n, std::size_t lanes, qubit_t t,
                       index_t cmask, const T* m, const double* coef, unsigned slots, double* out) {
  const bool grads = !PerLane && slots > 0;
  for_each_pair(n, t, cmask, lanes, out, grads ? slots : 8, [&](index_t a, index_t c, bool first) {
    T *pr0 = psi_re + a, *pi0 = psi_im + a, *pr1 = psi_re + c, *pi1 = psi_im + c;
    T *lr0 = lam_re + a, *li0 = lam_im + a, *lr1 = lam_re + c, *li1 = lam_im + c;
    const auto run = [&](auto out_tag, auto add_tag) {
      adjoint_pair<PerLane, Dagger, decltype(out_tag)::value, decltype(add_tag)::value>(pr0, pi0, pr1, pi1, lr0, li0,
                                                                                        lr1, li1, lanes, m, coef, out);
    };
    const auto with_add = [&](auto out_tag) {
      if (first)
        run(out_tag, std::false_type{});
      else
        run(out_tag, std::true_type{});
    };
    if (out == nullptr) return run(std::integral_constant<int, no_outer>{}, std::false_type{});
    if (!grads) return with_add(std::integral_constant<int, rho_out>{});
    if constexpr (!PerLane) {
      switch (slots) {
        case 1:
          return with_add(std::integral_constant<int, 2>{});
        case 2:
          return with_add(std::integral_constant<int, 3>{});
        case 3:
          return with_add(std::integral_constant<int, 4>{});
        default:  // 4, the most the callers pass (Program::max_fused_slots)
          return with_add(std::integral_constant<int, 5>{});
      }
    }
  });
}

template <class T>
void adjoint_step(T* psi_re, T* psi_im, T* lam_re, T* lam_im, unsigned n, std::size_t lanes, qubit_t t, index_t cmask,
                  const T* m, bool per_lane, bool dagger, const double* coef, unsigned slots, double* out) {
  if (per_lane && dagger)
    adjoint_step_impl<true, true>(psi_re, psi_im, lam_re, lam_im, n, lanes, t, cmask, m, coef, slots, out);
  else if (per_lane)
    adjoint_step_impl<true, false>(psi_re, psi_im, lam_re, lam_im, n, lanes, t, cmask, m, coef, slots, out);
  else if (dagger)
    adjoint_step_impl<false, true>(psi_re, psi_im, lam_re, lam_im, n, lanes, t, cmask, m, coef, slots, out);
  else
    adjoint_step_impl<false, false>(psi_re, psi_im, lam_re, lam_im, n, lanes, t, cmask, m, coef, slots, out);
}

// rx, ry, rz or p with c = cos and s = sin of its half angle (of the angle
// for p; s negated gives the adjoint) on (x0 + i y0, x1 + i y1), written out
// so that the matrix's zeros cost nothing.
template <GateId G, class T>
QSIM_FORCE_INLINE void rotate(T c, T s, T& x0, T& y0, T& x1, T& y1) {
  const T a = x0, b = y0, e = x1, f = y1;
  if constexpr (G == GateId::rx) {  // [[c, -i s], [-i s, c]]
    x0 = c * a + s * f, y0 = c * b - s * e, x1 = c * e + s * b, y1 = c * f - s * a;
  } else if constexpr (G == GateId::ry) {  // [[c, -s], [s, c]]
    x0 = c * a - s * e, y0 = c * b - s * f, x1 = s * a + c * e, y1 = s * b + c * f;
  } else if constexpr (G == GateId::rz) {  // diag(c - i s, c + i s)
    x0 = c * a + s * b, y0 = c * b - s * a, x1 = c * e - s * f, y1 = c * f + s * e;
  } else {  // p: diag(1, c + i s)
    x1 = c * e - s * f, y1 = c * f + s * e;
  }
}

// One pair of a rotation step on psi alone (the forward pass).
template <GateId G, class T>
QSIM_FORCE_INLINE void rotation_psi(T* __restrict pr0, T* __restrict pi0, T* __restrict pr1, T* __restrict pi1,
                                    std::size_t lanes, const T* __restrict cs, T sign) {
  QSIM_LANE_LOOP
  for (std::size_t b = 0; b < lanes; ++b) {
    T x0 = pr0[b], y0 = pi0[b], x1 = pr1[b], y1 = pi1[b];
    rotate<G>(cs[b], sign * cs[lanes + b], x0, y0, x1, y1);
    pr0[b] = x0, pi0[b] = y0, pr1[b] = x1, pi1[b] = y1;
  }
}

// One pair of a backward rotation step on psi and lam, its angle's gradient
// first (Out: no_outer, or 2 for the one slot).
template <GateId G, int Out, bool Add, class T>
QSIM_FORCE_INLINE void rotation_pair(T* __restrict pr0, T* __restrict pi0, T* __restrict pr1, T* __restrict pi1,
                                     T* __restrict lr0, T* __restrict li0, T* __restrict lr1, T* __restrict li1,
                                     std::size_t lanes, const T* __restrict cs, T sign, const double* __restrict coef,
                                     double* __restrict out) {
  QSIM_LANE_LOOP
  for (std::size_t b = 0; b < lanes; ++b) {
    const T c = cs[b], s = sign * cs[lanes + b];
    T x0 = pr0[b], y0 = pi0[b], x1 = pr1[b], y1 = pi1[b];
    T u0 = lr0[b], v0 = li0[b], u1 = lr1[b], v1 = li1[b];
    put_outer<Out, Add>(out, lanes, coef, b, x0, y0, x1, y1, u0, v0, u1, v1);
    rotate<G>(c, s, u0, v0, u1, v1);
    rotate<G>(c, s, x0, y0, x1, y1);
    lr0[b] = u0, li0[b] = v0, lr1[b] = u1, li1[b] = v1;
    pr0[b] = x0, pi0[b] = y0, pr1[b] = x1, pi1[b] = y1;
  }
}

template <GateId G, class T>
void rotation_step_impl(T* psi_re, T* psi_im, T* lam_re, T* lam_im, unsigned n, std::size_t lanes, qubit_t t,
                        index_t cmask, const T* cs, bool dagger, const double* coef, double* grad) {
  const T sign = dagger ? T(-1) : T(1);
  double* out = lam_re != nullptr ? grad : nullptr;
  for_each_pair(n, t, cmask, lanes, out, 1, [&](index_t a, index_t c, bool first) {
    T *pr0 = psi_re + a, *pi0 = psi_im + a, *pr1 = psi_re + c, *pi1 = psi_im + c;
    if (lam_re == nullptr) return rotation_psi<G>(pr0, pi0, pr1, pi1, lanes, cs, sign);
    T *lr0 = lam_re + a, *li0 = lam_im + a, *lr1 = lam_re + c, *li1 = lam_im + c;
    if (out == nullptr)
      rotation_pair<G, no_outer, false>(pr0, pi0, pr1, pi1, lr0, li0, lr1, li1, lanes, cs, sign, coef, out);
    else if (first)
      rotation_pair<G, 2, false>(pr0, pi0, pr1, pi1, lr0, li0, lr1, li1, lanes, cs, sign, coef, out);
    else
      rotation_pair<G, 2, true>(pr0, pi0, pr1, pi1, lr0, li0, lr1, li1, lanes, cs, sign, coef, out);
  });
}

template <class T>
void rotation_step(GateId gate, T* psi_re, T* psi_im, T* lam_re, T* lam_im, unsigned n, std::size_t lanes, qubit_t t,
                   index_t cmask, const T* cs, bool dagger, const double* coef, double* grad) {
  switch (gate) {
    case GateId::rx:
      return rotation_step_impl<GateId::rx>(psi_re, psi_im, lam_re, lam_im, n, lanes, t, cmask, cs, dagger, coef, grad);
    case GateId::ry:
      return rotation_step_impl<GateId::ry>(psi_re, psi_im, lam_re, lam_im, n, lanes, t, cmask, cs, dagger, coef, grad);
    case GateId::rz:
      return rotation_step_impl<GateId::rz>(psi_re, psi_im, lam_re, lam_im, n, lanes, t, cmask, cs, dagger, coef, grad);
    default:  // p (callers pass rx, ry, rz or p: ProgramStep::simple_per_sample)
      return rotation_step_impl<GateId::p>(psi_re, psi_im, lam_re, lam_im, n, lanes, t, cmask, cs, dagger, coef, grad);
  }
}

template <class T>
void accumulate_rho(const T* psi_re, const T* psi_im, const T* lam_re, const T* lam_im, unsigned n, std::size_t lanes,
                    const qubit_t* targets, unsigned k, index_t cmask, double* rho) {
  const index_t dim = index_t{1} << k, size = index_t{1} << n;
  index_t off[index_t{1} << max_dense_qubits];
  const index_t mask = target_offsets(targets, k, off);
  for (index_t base = 0; base < size; ++base) {
    if ((base & mask) != 0 || (base & cmask) != cmask) continue;
    for (index_t r = 0; r < dim; ++r)
      for (index_t c = 0; c < dim; ++c) {
        const index_t ir = (base | off[r]) * lanes, ic = (base | off[c]) * lanes;
        add_rho(rho, lanes, r * dim + c, psi_re + ir, psi_im + ir, lam_re + ic, lam_im + ic);
      }
  }
}

inline bool odd_parity(index_t v) { return (__builtin_popcountll(v) & 1) != 0; }

template <class T>
void pauli_expectations(const T* re, const T* im, unsigned n, std::size_t lanes, const index_t* x, const index_t* z,
                        const std::complex<double>* w, std::size_t terms, double* out) {
  const index_t size = index_t{1} << n;
  for (std::size_t t = 0; t < terms; ++t) {
    const double wr = w[t].real(), wi = w[t].imag();
    for (index_t a = 0; a < size; ++a) {
      // w conj(psi[a ^ x]) psi[a] (-1)^{|a & z|}, real part.
      const double sr = odd_parity(a & z[t]) ? -wr : wr, si = odd_parity(a & z[t]) ? -wi : wi;
      const T* __restrict ur = re + (a ^ x[t]) * lanes;
      const T* __restrict ui = im + (a ^ x[t]) * lanes;
      const T* __restrict vr = re + a * lanes;
      const T* __restrict vi = im + a * lanes;
      QSIM_LANE_LOOP
      for (std::size_t b = 0; b < lanes; ++b) {
        const double pr = double(ur[b]) * vr[b] + double(ui[b]) * vi[b];
        const double pi = double(ur[b]) * vi[b] - double(ui[b]) * vr[b];
        out[b] += sr * pr - si * pi;
      }
    }
  }
}

template <class T>
void apply_pauli_strings(const T* re, const T* im, T* out_re, T* out_im, unsigned n, std::size_t lanes,
                         const index_t* x, const index_t* z, const T* w, std::size_t terms) {
  const index_t size = index_t{1} << n;
  for (index_t a = 0; a < size; ++a) {
    T* __restrict orr = out_re + a * lanes;
    T* __restrict oi = out_im + a * lanes;
    QSIM_LANE_LOOP
    for (std::size_t b = 0; b < lanes; ++b) orr[b] = oi[b] = 0;
    for (std::size_t t = 0; t < terms; ++t) {
      // (P psi)[a] = sign(a ^ x) psi[a ^ x] for P = X^x Z^z (Z acts first).
      const index_t src = a ^ x[t];
      const T sign = odd_parity(src & z[t]) ? T(-1) : T(1);
      const T* __restrict vr = re + src * lanes;
      const T* __restrict vi = im + src * lanes;
      const T* __restrict wr = w + (2 * t) * lanes;
      const T* __restrict wi = w + (2 * t + 1) * lanes;
      QSIM_LANE_LOOP
      for (std::size_t b = 0; b < lanes; ++b) {
        const T sr = sign * vr[b], si = sign * vi[b];
        orr[b] += wr[b] * sr - wi[b] * si;
        oi[b] += wr[b] * si + wi[b] * sr;
      }
    }
  }
}

// cos and sin of half of angle[b] (of angle[b] for p) for every lane, as
// rotation_step reads them (cs[b], cs[lanes + b]), by xsimd's vector sine
// and cosine: the same code for every lane (the last partial vector goes
// through a padded copy), so a lane's values do not depend on its position
// in the block.
template <class T>
void rotation_lanes(GateId gate, const double* angle, std::size_t lanes, T* cs) {
  using V = xsimd::batch<double>;
  constexpr std::size_t width = V::size;
  const V half(gate == GateId::p ? 1.0 : 0.5);
  for (std::size_t j = 0; j < lanes; j += width) {
    if constexpr (std::is_same_v<T, double>) {
      if (j + width <= lanes) {  // a whole vector, stored as it is
        const auto [s, c] = xsimd::sincos(V::load_unaligned(angle + j) * half);
        c.store_unaligned(cs + j);
        s.store_unaligned(cs + lanes + j);
        continue;
      }
    }
    alignas(64) double in[width] = {}, sn[width], cn[width];
    std::copy(angle + j, angle + std::min(lanes, j + width), in);
    const auto [s, c] = xsimd::sincos(V::load_aligned(in) * half);
    s.store_aligned(sn);
    c.store_aligned(cn);
    for (std::size_t v = 0; v < width && j + v < lanes; ++v)
      cs[j + v] = static_cast<T>(cn[v]), cs[lanes + j + v] = static_cast<T>(sn[v]);
  }
}

template <class T>
const BatchKernels<T>& batch_kernels() {
  static const BatchKernels<T> set{&apply_matrix<T>,       &adjoint_step<T>,        &accumulate_rho<T>,
                                   &pauli_expectations<T>, &apply_pauli_strings<T>, &rotation_lanes<T>,
                                   &rotation_step<T>};
  return set;
}

}  // namespace detail_batch
QSIM_END_KERNEL_NAMESPACE
