#pragma once
// SIMD building blocks shared by the fast kernels: the batch type of the
// architecture chosen at compile time (xsimd::default_arch: AVX-512 with
// -march=native on this machine, SSE2 in a portable x86-64 build), and
// in-register lane permutations used for gates on the lowest qubits.
#include <complex>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <xsimd/xsimd.hpp>

#include "qsim/core/config.hpp"
#include "qsim/kernels/arch.hpp"

QSIM_BEGIN_KERNEL_NAMESPACE
namespace detail {

/// Interleaved (re, im) amplitudes: one batch holds lanes / 2 complex numbers.
template <class T>
using batch = xsimd::batch<T>;

/// Complex amplitudes per batch, and its log2: qubits below `low_qubits<T>`
/// live inside one register and need lane permutations instead of strides.
template <class T>
inline constexpr unsigned complex_lanes = static_cast<unsigned>(batch<T>::size / 2);

constexpr unsigned log2_floor(unsigned v) { return v <= 1 ? 0 : 1 + log2_floor(v / 2); }
template <class T>
inline constexpr unsigned low_qubits = log2_floor(complex_lanes<T>);

constexpr unsigned popcount(unsigned v) { return v == 0 ? 0 : (v & 1U) + popcount(v >> 1); }

/// Spreads the bits of `j` onto the set bits of `mask` (a compile-time pdep).
constexpr unsigned deposit(unsigned j, unsigned mask) {
  unsigned out = 0;
  for (unsigned bit = 0, k = 0; bit < 32; ++bit)
    if ((mask >> bit) & 1U) {
      if ((j >> k) & 1U) out |= 1U << bit;
      ++k;
    }
  return out;
}
/// Gathers the bits of `v` at the set bits of `mask` (a compile-time pext).
constexpr unsigned extract(unsigned v, unsigned mask) {
  unsigned out = 0;
  for (unsigned bit = 0, k = 0; bit < 32; ++bit)
    if ((mask >> bit) & 1U) {
      if ((v >> bit) & 1U) out |= 1U << k;
      ++k;
    }
  return out;
}

template <unsigned X>
struct XorLanes {
  static constexpr unsigned get(unsigned i, unsigned) { return i ^ X; }
};

/// Real lane i of the result is real lane i ^ X of `v`. X = 1 swaps re and
/// im of every amplitude; X = 2 << q exchanges the amplitudes of qubit q's
/// pairs inside the register. Generic: xsimd's swizzle.
template <unsigned X, class T>
QSIM_FORCE_INLINE batch<T> xor_lanes_generic(const batch<T>& v) {
  using index_type = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  return xsimd::swizzle(v, xsimd::make_batch_constant<xsimd::batch<index_type>, XorLanes<X>>());
}

#if XSIMD_WITH_AVX512F
// AVX-512: an XOR of lane indices is an in-lane shuffle (1 cycle) composed
// with a 128-bit block shuffle, instead of a full vpermps/pd. The masked
// forms with an all-ones mask compile to the plain instructions but avoid
// GCC 12's false -Wuninitialized from _mm512_undefined_* (GCC bug 105593),
// which users compiling with -Wall would otherwise see.
template <unsigned X, class T>
QSIM_FORCE_INLINE batch<T> xor_lanes_avx512(const batch<T>& v) {
  constexpr unsigned per_block = 16 / sizeof(T);  // lanes in 128 bits
  constexpr unsigned a = X % per_block, b = X / per_block;
  constexpr int blocks = static_cast<int>((0 ^ b) | (1 ^ b) << 2 | (2 ^ b) << 4 | (3 ^ b) << 6);
  if constexpr (sizeof(T) == 8) {
    __m512d r = v;
    if constexpr (a != 0) r = _mm512_mask_shuffle_pd(r, 0xFF, r, r, 0x55);
    if constexpr (b != 0) r = _mm512_mask_shuffle_f64x2(r, 0xFF, r, r, blocks);
    return r;
  } else {
    constexpr int in_block = static_cast<int>((0 ^ a) | (1 ^ a) << 2 | (2 ^ a) << 4 | (3 ^ a) << 6);
    __m512 r = v;
    if constexpr (a != 0) r = _mm512_mask_shuffle_ps(r, 0xFFFF, r, r, in_block);
    if constexpr (b != 0) r = _mm512_mask_shuffle_f32x4(r, 0xFFFF, r, r, blocks);
    return r;
  }
}
#endif

template <unsigned X, class T>
QSIM_FORCE_INLINE batch<T> xor_lanes(const batch<T>& v) {
  if constexpr (X == 0) {
    return v;
  } else {
#if XSIMD_WITH_AVX512F
    if constexpr (std::is_base_of_v<xsimd::avx512f, typename batch<T>::arch_type>) return xor_lanes_avx512<X, T>(v);
#endif
    return xor_lanes_generic<X, T>(v);
  }
}

/// Calls f(std::integral_constant<unsigned, I>) for I = 0..N-1, unrolled.
template <class F, unsigned... I>
QSIM_FORCE_INLINE void static_for_impl(F&& f, std::integer_sequence<unsigned, I...>) {
  (f(std::integral_constant<unsigned, I>{}), ...);
}
template <unsigned N, class F>
QSIM_FORCE_INLINE void static_for(F&& f) {
  static_for_impl(f, std::make_integer_sequence<unsigned, N>{});
}

/// A complex number c as two batches (A, B) such that c * v = A * v + B * swap_re_im(v)
/// for interleaved v: A = (re, re), B = (-im, im). `lane_value(l)` gives the
/// coefficient of complex lane l, so different lanes may hold different numbers.
template <class T, class F>
inline void complex_coefficients(F&& lane_value, batch<T>& a, batch<T>& b) {
  alignas(64) T ra[batch<T>::size];
  alignas(64) T rb[batch<T>::size];
  for (unsigned l = 0; l < complex_lanes<T>; ++l) {
    const std::complex<double> c = lane_value(l);
    ra[2 * l] = ra[2 * l + 1] = static_cast<T>(c.real());
    rb[2 * l] = static_cast<T>(-c.imag());
    rb[2 * l + 1] = static_cast<T>(c.imag());
  }
  a = batch<T>::load_aligned(ra);
  b = batch<T>::load_aligned(rb);
}

}  // namespace detail
QSIM_END_KERNEL_NAMESPACE
