#pragma once
// The instruction set this translation unit's kernels are compiled for, as a
// namespace. The kernels are templates and inline functions: compiled once
// per instruction set into one program (the prebuilt library holds SSE2,
// AVX2 and AVX-512 builds side by side), each build must have its own
// symbols, or the linker would keep one build's copy for all of them and an
// AVX-512 copy could run on a CPU without AVX-512. The chain follows the
// order in which xsimd picks its default architecture.
#include "qsim/core/config.hpp"

#if defined(__AVX512BW__) && defined(__AVX512DQ__) && defined(__AVX512CD__)
#define QSIM_KERNEL_ARCH_NS arch_avx512bw
#elif defined(__AVX512F__)
#define QSIM_KERNEL_ARCH_NS arch_avx512f
#elif defined(__AVX2__) && defined(__FMA__)
#define QSIM_KERNEL_ARCH_NS arch_fma3_avx2
#elif defined(__AVX2__)
#define QSIM_KERNEL_ARCH_NS arch_avx2
#elif defined(__AVX__)
#define QSIM_KERNEL_ARCH_NS arch_avx
#elif defined(__SSE4_2__)
#define QSIM_KERNEL_ARCH_NS arch_sse4_2
#elif defined(__SSE2__) || defined(_M_X64)
#define QSIM_KERNEL_ARCH_NS arch_sse2
#elif defined(__ARM_NEON)
#define QSIM_KERNEL_ARCH_NS arch_neon
#else
#define QSIM_KERNEL_ARCH_NS arch_generic
#endif

// The kernels' compile-time loops and group walks are nested lambdas and
// small templates; GCC's inliner gives up on some of them in the widest
// instantiations and in the prebuilt library's translation unit unless
// told, and the kernel body then reloads its captures for every group.
#if defined(__GNUC__)
#define QSIM_INLINE_LAMBDA __attribute__((always_inline))
#define QSIM_FORCE_INLINE __attribute__((always_inline)) inline
#else
#define QSIM_INLINE_LAMBDA
#define QSIM_FORCE_INLINE inline
#endif

// Inline: callers write qsim::kernels::detail::... and get this unit's build.
#define QSIM_BEGIN_KERNEL_NAMESPACE \
  QSIM_BEGIN_NAMESPACE              \
  namespace kernels {               \
  inline namespace QSIM_KERNEL_ARCH_NS {
#define QSIM_END_KERNEL_NAMESPACE \
  }                               \
  }                               \
  QSIM_END_NAMESPACE
