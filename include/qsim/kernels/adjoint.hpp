#pragma once
// The fused backward kernels of the adjoint method for gates on one target
// qubit (any number of controls). Per amplitude pair it reads the ket psi and
// the bra lambda once, adds Re <lambda| D_k |psi> for each derivative matrix
// D_k = (dU/dtheta_k) U^dagger, and writes U^dagger psi and U^dagger lambda:
// one pass over two vectors, where the forward gate makes one pass over one.
// Complex arithmetic is spelled out on real/imaginary parts so that GCC
// vectorises it (std::complex multiplication calls __muldc3 for NaN rules).
#include <complex>
#include <cstddef>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/gates/gate_id.hpp"
#include "qsim/gates/matrices.hpp"
#include "qsim/kernels/arch.hpp"

QSIM_BEGIN_KERNEL_NAMESPACE
namespace detail {

/// A 2x2 complex matrix split into real and imaginary parts (row-major).
template <class T>
struct Mat2 {
  T re[4] = {};
  T im[4] = {};
  Mat2() = default;
  explicit Mat2(const Matrix& m) {
    for (int e = 0; e < 4; ++e) {
      re[e] = static_cast<T>(m[static_cast<std::size_t>(e)].real());
      im[e] = static_cast<T>(m[static_cast<std::size_t>(e)].imag());
    }
  }
};

/// Which entries are nonzero: lets the compiler drop the zero products.
/// rot_y / rot_z: RY / RZ (real / diagonal U) whose derivative matrix is
/// D = -i/2 Y or -i/2 Z, so Re <l|D|p> needs no products with D at all.
enum class Shape { general, real, diagonal, swap, rot_y, rot_z };

// (x, y) = m (a, b) on one complex pair.
template <Shape S, class T>
inline void mul2(const Mat2<T>& m, T ar, T ai, T br, T bi, T& xr, T& xi, T& yr, T& yi) {
  if constexpr (S == Shape::swap) {
    xr = br, xi = bi, yr = ar, yi = ai;
  } else if constexpr (S == Shape::diagonal || S == Shape::rot_z) {
    xr = m.re[0] * ar - m.im[0] * ai;
    xi = m.re[0] * ai + m.im[0] * ar;
    yr = m.re[3] * br - m.im[3] * bi;
    yi = m.re[3] * bi + m.im[3] * br;
  } else if constexpr (S == Shape::real || S == Shape::rot_y) {
    xr = m.re[0] * ar + m.re[1] * br;
    xi = m.re[0] * ai + m.re[1] * bi;
    yr = m.re[2] * ar + m.re[3] * br;
    yi = m.re[2] * ai + m.re[3] * bi;
  } else {
    xr = m.re[0] * ar - m.im[0] * ai + m.re[1] * br - m.im[1] * bi;
    xi = m.re[0] * ai + m.im[0] * ar + m.re[1] * bi + m.im[1] * br;
    yr = m.re[2] * ar - m.im[2] * ai + m.re[3] * br - m.im[3] * bi;
    yi = m.re[2] * ai + m.im[2] * ar + m.re[3] * bi + m.im[3] * br;
  }
}

/**
 * The sweep over all pairs (j, j + 2^t) with the control bits set. `psi`
 * and `lam` are interleaved re/im arrays of 2^n amplitudes; acc[k] receives
 * Re <lam|D_k|psi> (before the update). ND = -1 is a plain forward
 * application of `m` to psi alone (lam unused).
 */
// Re <l| -i/2 G |p> on one pair for RY (G = Y) and RZ (G = Z): D = dU/dt U^dagger.
template <Shape S, class T>
inline T rotation_term(T l0r, T l0i, T l1r, T l1i, T p0r, T p0i, T p1r, T p1i) {
  if constexpr (S == Shape::rot_y)
    return T(0.5) * (l1r * p0r + l1i * p0i - l0r * p1r - l0i * p1i);
  else
    return T(0.5) * (l0r * p0i - l0i * p0r - l1r * p1i + l1i * p1r);
}

// Lets the compiler reorder the derivative sums so that the pair loop
// vectorises (a plain floating-point reduction forbids it).
#if defined(_OPENMP)
#define QSIM_ML_SIMD_REDUCTION _Pragma("omp simd reduction(+ : a0, a1, a2, a3)")
#else
#define QSIM_ML_SIMD_REDUCTION
#endif

/**
 * Calls pair(j, a0, a1, a2, a3) for every amplitude pair (j, j + 2^t) whose
 * control bits are set, and adds the four per-pair sums to total[].
 */
template <bool Controlled, class T, class Pair>
[[gnu::always_inline]] inline void for_each_pair(index_t size, qubit_t t, index_t cmask, double* total, Pair&& pair) {
  const index_t s = index_t{1} << t;
  if (s < 8) {
    // Short runs: one flat loop over all pairs, the index of pair `idx` made
    // by inserting a 0 at bit t, so the loop is long enough to vectorise.
    T a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    QSIM_ML_SIMD_REDUCTION
    for (index_t idx = 0; idx < size / 2; ++idx) {
      const index_t j = ((idx >> t) << (t + 1)) | (idx & (s - 1));
      if constexpr (Controlled)
        if ((j & cmask) != cmask) continue;
      pair(j, a0, a1, a2, a3);
    }
    total[0] += static_cast<double>(a0), total[1] += static_cast<double>(a1);
    total[2] += static_cast<double>(a2), total[3] += static_cast<double>(a3);
    return;
  }
  for (index_t base = 0; base < size; base += 2 * s) {
    T a0 = 0, a1 = 0, a2 = 0, a3 = 0;  // per block in T, summed in double
    QSIM_ML_SIMD_REDUCTION
    for (index_t j = base; j < base + s; ++j) {
      if constexpr (Controlled)
        if ((j & cmask) != cmask) continue;
      pair(j, a0, a1, a2, a3);
    }
    total[0] += static_cast<double>(a0), total[1] += static_cast<double>(a1);
    total[2] += static_cast<double>(a2), total[3] += static_cast<double>(a3);
  }
}

template <Shape S, bool Controlled, int ND, class T>
void fused_pairs(T* __restrict psi, T* __restrict lam, index_t size, qubit_t t, index_t cmask, const Mat2<T>& m,
                 const Mat2<T>* d, double* acc) {
  static_assert(ND <= 4, "at most 4 angles per gate");
  const index_t s = index_t{1} << t;
  double total[4] = {0, 0, 0, 0};
  // One amplitude pair (j, j + s): derivative terms first, then the update.
  const auto pair = [&](index_t j, T& a0, T& a1, T& a2, T& a3) {
    const index_t i0 = 2 * j, i1 = 2 * (j + s);
    const T p0r = psi[i0], p0i = psi[i0 + 1], p1r = psi[i1], p1i = psi[i1 + 1];
    mul2<S>(m, p0r, p0i, p1r, p1i, psi[i0], psi[i0 + 1], psi[i1], psi[i1 + 1]);
    if constexpr (ND >= 0) {
      const T l0r = lam[i0], l0i = lam[i0 + 1], l1r = lam[i1], l1i = lam[i1 + 1];
      // Re(conj(l) * (D_k p)) for each derivative matrix.
      auto term = [&](const Mat2<T>& dk) {
        T xr, xi, yr, yi;
        mul2<S>(dk, p0r, p0i, p1r, p1i, xr, xi, yr, yi);
        return l0r * xr + l0i * xi + l1r * yr + l1i * yi;
      };
      if constexpr (S == Shape::rot_y || S == Shape::rot_z) {
        a0 += rotation_term<S>(l0r, l0i, l1r, l1i, p0r, p0i, p1r, p1i);
      } else if constexpr (ND > 0) {
        a0 += term(d[0]);
      }
      if constexpr (ND > 1) a1 += term(d[1]);
      if constexpr (ND > 2) a2 += term(d[2]);
      if constexpr (ND > 3) a3 += term(d[3]);
      mul2<S>(m, l0r, l0i, l1r, l1i, lam[i0], lam[i0 + 1], lam[i1], lam[i1 + 1]);
    }
  };
  for_each_pair<Controlled, T>(size, t, cmask, total, pair);
  for (int k = 0; k < ND; ++k) acc[k] += total[k];
}

/**
 * Two uncontrolled RY/RZ rotations on the same qubit t, A after B in the
 * circuit (so A is undone first), in ONE pass over both vectors: per pair,
 * A's derivative term, A^dagger on both, B's term, B^dagger on both. Valid
 * even when other gates sit between them in the circuit, provided those act
 * on other qubits: they commute with B and with its derivative.
 */
template <Shape SA, Shape SB, class T>
void fused_rotation_pair(T* __restrict psi, T* __restrict lam, index_t size, qubit_t t, const Mat2<T>& ma,
                         const Mat2<T>& mb, double* acc) {
  const index_t s = index_t{1} << t;
  double total[4] = {0, 0, 0, 0};
  const auto pair = [&](index_t j, T& a0, T& a1, T&, T&) {
    const index_t i0 = 2 * j, i1 = 2 * (j + s);
    T p0r = psi[i0], p0i = psi[i0 + 1], p1r = psi[i1], p1i = psi[i1 + 1];
    T l0r = lam[i0], l0i = lam[i0 + 1], l1r = lam[i1], l1i = lam[i1 + 1];
    a0 += rotation_term<SA>(l0r, l0i, l1r, l1i, p0r, p0i, p1r, p1i);
    mul2<SA>(ma, p0r, p0i, p1r, p1i, p0r, p0i, p1r, p1i);
    mul2<SA>(ma, l0r, l0i, l1r, l1i, l0r, l0i, l1r, l1i);
    a1 += rotation_term<SB>(l0r, l0i, l1r, l1i, p0r, p0i, p1r, p1i);
    mul2<SB>(mb, p0r, p0i, p1r, p1i, psi[i0], psi[i0 + 1], psi[i1], psi[i1 + 1]);
    mul2<SB>(mb, l0r, l0i, l1r, l1i, lam[i0], lam[i0 + 1], lam[i1], lam[i1 + 1]);
  };
  for_each_pair<false, T>(size, t, 0, total, pair);
  acc[0] += total[0];
  acc[1] += total[1];
}

#undef QSIM_ML_SIMD_REDUCTION

// Picks the instantiation for the runtime shape, control and derivative count.
template <Shape S, bool Controlled, class T>
void fused_dispatch_nd(T* psi, T* lam, index_t size, qubit_t t, index_t cmask, const Mat2<T>& m, const Mat2<T>* d,
                       int nd, double* acc) {
  switch (nd) {
    case -1:
      return fused_pairs<S, Controlled, -1>(psi, lam, size, t, cmask, m, d, acc);
    case 0:
      return fused_pairs<S, Controlled, 0>(psi, lam, size, t, cmask, m, d, acc);
    case 1:
      return fused_pairs<S, Controlled, 1>(psi, lam, size, t, cmask, m, d, acc);
    case 2:
      return fused_pairs<S, Controlled, 2>(psi, lam, size, t, cmask, m, d, acc);
    case 3:
      return fused_pairs<S, Controlled, 3>(psi, lam, size, t, cmask, m, d, acc);
    default:
      return fused_pairs<S, Controlled, 4>(psi, lam, size, t, cmask, m, d, acc);
  }
}

template <Shape S, class T>
void fused_dispatch_control(T* psi, T* lam, index_t size, qubit_t t, index_t cmask, const Mat2<T>& m, const Mat2<T>* d,
                            int nd, double* acc) {
  if (cmask == 0)
    fused_dispatch_nd<S, false>(psi, lam, size, t, cmask, m, d, nd, acc);
  else
    fused_dispatch_nd<S, true>(psi, lam, size, t, cmask, m, d, nd, acc);
}

inline bool is_real(const Matrix& m) {
  for (const auto& v : m)
    if (v.imag() != 0) return false;
  return true;
}

/**
 * Applies `m` (2x2) on target t where `cmask` is set, to psi and (when
 * lam is not null) lam, accumulating acc[k] += Re <lam|d_k|psi> on the way; the shape
 * of m and all d_k (and `gate`, for RY and RZ whose d is known) chooses the
 * specialised loop.
 */
template <class T>
void fused_one_target(std::complex<T>* psi, std::complex<T>* lam, unsigned num_qubits, qubit_t t, index_t cmask,
                      const Matrix& m, const std::vector<Matrix>& d, double* acc, GateId gate = GateId::unitary) {
  bool real = is_real(m), diag = qsim::is_diagonal(m, 2);
  for (const auto& dk : d) real = real && is_real(dk), diag = diag && qsim::is_diagonal(dk, 2);
  const bool swap = d.empty() && m[0] == 0.0 && m[3] == 0.0 && m[1] == 1.0 && m[2] == 1.0;
  Mat2<T> mm(m), dd[4];
  for (std::size_t k = 0; k < d.size() && k < 4; ++k) dd[k] = Mat2<T>(d[k]);
  const int nd = lam == nullptr ? -1 : static_cast<int>(d.size());
  T* p = reinterpret_cast<T*>(psi);  // std::complex<T> is layout-compatible with T[2]
  T* l = reinterpret_cast<T*>(lam);
  const index_t size = index_t{1} << num_qubits;
  if (nd == 1 && gate == GateId::ry && real)
    fused_dispatch_control<Shape::rot_y>(p, l, size, t, cmask, mm, dd, nd, acc);
  else if (nd == 1 && gate == GateId::rz && diag)
    fused_dispatch_control<Shape::rot_z>(p, l, size, t, cmask, mm, dd, nd, acc);
  else if (swap)
    fused_dispatch_control<Shape::swap>(p, l, size, t, cmask, mm, dd, nd, acc);
  else if (diag && nd <= 1)
    fused_dispatch_control<Shape::diagonal>(p, l, size, t, cmask, mm, dd, nd, acc);
  else if (real && nd <= 1)
    fused_dispatch_control<Shape::real>(p, l, size, t, cmask, mm, dd, nd, acc);
  else
    fused_dispatch_control<Shape::general>(p, l, size, t, cmask, mm, dd, nd, acc);
}

/// fused_rotation_pair for RY/RZ in any combination; `ua`, `ub` are the
/// inverse matrices (A undone first). acc[0] gets A's term, acc[1] B's.
template <class T>
void fused_rotations(std::complex<T>* psi, std::complex<T>* lam, unsigned num_qubits, qubit_t t, GateId a,
                     const Matrix& ua, GateId b, const Matrix& ub, double* acc) {
  const Mat2<T> ma(ua), mb(ub);
  T* p = reinterpret_cast<T*>(psi);
  T* l = reinterpret_cast<T*>(lam);
  const index_t size = index_t{1} << num_qubits;
  const bool ay = a == GateId::ry, by = b == GateId::ry;
  if (ay && by)
    fused_rotation_pair<Shape::rot_y, Shape::rot_y>(p, l, size, t, ma, mb, acc);
  else if (ay)
    fused_rotation_pair<Shape::rot_y, Shape::rot_z>(p, l, size, t, ma, mb, acc);
  else if (by)
    fused_rotation_pair<Shape::rot_z, Shape::rot_y>(p, l, size, t, ma, mb, acc);
  else
    fused_rotation_pair<Shape::rot_z, Shape::rot_z>(p, l, size, t, ma, mb, acc);
}

}  // namespace detail
QSIM_END_KERNEL_NAMESPACE
