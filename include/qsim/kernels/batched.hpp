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

// One pass per pair: rho from psi and lam as they are, then the matrix on
// both (the three sweeps of accumulate_rho and two apply_matrix in one).
template <bool PerLane, class T>
void adjoint_step_impl(T* psi_re, T* psi_im, T* lam_re, T* lam_im, unsigned n, std::size_t lanes, qubit_t t,
                       index_t cmask, const T* m, double* rho) {
  if (rho == nullptr) {
    one_target<PerLane>(psi_re, psi_im, n, lanes, t, cmask, m, MatrixKind::dense);
    one_target<PerLane>(lam_re, lam_im, n, lanes, t, cmask, m, MatrixKind::dense);
    return;
  }
  const index_t pairs = index_t{1} << (n - 1), bit = index_t{1} << t;
  double* __restrict q[8];
  for (std::size_t v = 0; v < 8; ++v) q[v] = rho + v * lanes;
  for (index_t p = 0; p < pairs; ++p) {
    const index_t i0 = pair_base(p, t);
    if ((i0 & cmask) != cmask) continue;
    const index_t a = i0 * lanes, c = (i0 | bit) * lanes;
    T* __restrict pr0 = psi_re + a;
    T* __restrict pi0 = psi_im + a;
    T* __restrict pr1 = psi_re + c;
    T* __restrict pi1 = psi_im + c;
    T* __restrict lr0 = lam_re + a;
    T* __restrict li0 = lam_im + a;
    T* __restrict lr1 = lam_re + c;
    T* __restrict li1 = lam_im + c;
    double* __restrict q0 = q[0], * __restrict q1 = q[1], * __restrict q2 = q[2], * __restrict q3 = q[3];
    double* __restrict q4 = q[4], * __restrict q5 = q[5], * __restrict q6 = q[6], * __restrict q7 = q[7];
    QSIM_LANE_LOOP
    for (std::size_t b = 0; b < lanes; ++b) {
      const T x0 = pr0[b], y0 = pi0[b], x1 = pr1[b], y1 = pi1[b];
      const T u0 = lr0[b], v0 = li0[b], u1 = lr1[b], v1 = li1[b];
      // rho(r, c) += psi_r conj(lam_c), entry r * 2 + c
      q0[b] += double(x0) * u0 + double(y0) * v0, q1[b] += double(y0) * u0 - double(x0) * v0;
      q2[b] += double(x0) * u1 + double(y0) * v1, q3[b] += double(y0) * u1 - double(x0) * v1;
      q4[b] += double(x1) * u0 + double(y1) * v0, q5[b] += double(y1) * u0 - double(x1) * v0;
      q6[b] += double(x1) * u1 + double(y1) * v1, q7[b] += double(y1) * u1 - double(x1) * v1;
      const T ar = entry<PerLane>(m, 0, lanes, b), ai = entry<PerLane>(m, 1, lanes, b);
      const T br = entry<PerLane>(m, 2, lanes, b), bi = entry<PerLane>(m, 3, lanes, b);
      const T cr = entry<PerLane>(m, 4, lanes, b), ci = entry<PerLane>(m, 5, lanes, b);
      const T dr = entry<PerLane>(m, 6, lanes, b), di = entry<PerLane>(m, 7, lanes, b);
      pr0[b] = ar * x0 - ai * y0 + br * x1 - bi * y1, pi0[b] = ar * y0 + ai * x0 + br * y1 + bi * x1;
      pr1[b] = cr * x0 - ci * y0 + dr * x1 - di * y1, pi1[b] = cr * y0 + ci * x0 + dr * y1 + di * x1;
      lr0[b] = ar * u0 - ai * v0 + br * u1 - bi * v1, li0[b] = ar * v0 + ai * u0 + br * v1 + bi * u1;
      lr1[b] = cr * u0 - ci * v0 + dr * u1 - di * v1, li1[b] = cr * v0 + ci * u0 + dr * v1 + di * u1;
    }
  }
}

template <class T>
void adjoint_step(T* psi_re, T* psi_im, T* lam_re, T* lam_im, unsigned n, std::size_t lanes, qubit_t t, index_t cmask,
                  const T* m, bool per_lane, double* rho) {
  if (per_lane)
    adjoint_step_impl<true>(psi_re, psi_im, lam_re, lam_im, n, lanes, t, cmask, m, rho);
  else
    adjoint_step_impl<false>(psi_re, psi_im, lam_re, lam_im, n, lanes, t, cmask, m, rho);
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

// The 2 x 2 matrix of rx, ry, rz or p at angle[b] for every lane, by
// xsimd's vector sine and cosine: the same code for every lane (the last
// partial vector goes through a padded copy), so a lane's matrix does not
// depend on its position in the block.
template <class T>
void rotation_lanes(GateId gate, const double* angle, std::size_t lanes, T* lm) {
  using V = xsimd::batch<double>;
  constexpr std::size_t width = V::size, chunk = 256;
  std::fill(lm, lm + 8 * lanes, T(0));
  const double half = gate == GateId::p ? 1.0 : 0.5;
  alignas(64) double sn[chunk], cs[chunk];
  for (std::size_t b0 = 0; b0 < lanes; b0 += chunk) {
    const std::size_t count = std::min(chunk, lanes - b0);
    for (std::size_t j = 0; j < count; j += width) {
      alignas(64) double in[width] = {};
      std::copy(angle + b0 + j, angle + b0 + std::min(count, j + width), in);
      const auto [s, c] = xsimd::sincos(V::load_aligned(in) * V(half));
      s.store_aligned(sn + j);
      c.store_aligned(cs + j);
    }
    const auto row = [&](std::size_t v) { return lm + v * lanes + b0; };
    const auto put = [&](std::size_t v, const double* from, double sign) {
      T* __restrict out = row(v);
      for (std::size_t j = 0; j < count; ++j) out[j] = static_cast<T>(sign * from[j]);
    };
    switch (gate) {
      case GateId::rx:  // [[c, -i s], [-i s, c]]
        put(0, cs, 1), put(3, sn, -1), put(5, sn, -1), put(6, cs, 1);
        break;
      case GateId::ry:  // [[c, -s], [s, c]]
        put(0, cs, 1), put(2, sn, -1), put(4, sn, 1), put(6, cs, 1);
        break;
      case GateId::rz:  // diag(e^{-i t/2}, e^{i t/2})
        put(0, cs, 1), put(1, sn, -1), put(6, cs, 1), put(7, sn, 1);
        break;
      default:  // p: diag(1, e^{i t})
        std::fill(row(0), row(0) + count, T(1));
        put(6, cs, 1), put(7, sn, 1);
    }
  }
}

template <class T>
const BatchKernels<T>& batch_kernels() {
  static const BatchKernels<T> set{&apply_matrix<T>,       &adjoint_step<T>,        &accumulate_rho<T>,
                                   &pauli_expectations<T>, &apply_pauli_strings<T>, &rotation_lanes<T>};
  return set;
}

}  // namespace detail_batch
QSIM_END_KERNEL_NAMESPACE
