#pragma once
// Which build of the kernels runs. A program linked with the prebuilt
// library (CMake target qsim::kernels, which defines QSIM_PREBUILT_KERNELS)
// holds SSE2, AVX2 and AVX-512 builds and picks the best one this CPU runs,
// once, at the first gate; the environment variable QSIM_KERNEL_ARCH
// (sse2, avx2, avx512) forces one. A header-only program runs the build of
// the flags it was compiled with (SSE2 unless -march says more).
#include <string>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/kernels/kernel_set.hpp"

#if !defined(QSIM_PREBUILT_KERNELS)
#include "qsim/kernels/compiled.hpp"
#endif

QSIM_BEGIN_NAMESPACE
namespace kernels {

#if defined(QSIM_PREBUILT_KERNELS)
/// Every build in the library that this CPU can run, best last (defined in src/kernels_dispatch.cpp).
template <class T>
std::vector<const KernelSet<T>*> prebuilt_kernel_sets();
/// The build chosen for this CPU (or by QSIM_KERNEL_ARCH); throws invalid_argument
/// when QSIM_KERNEL_ARCH names a build that is missing or that this CPU cannot run.
template <class T>
const KernelSet<T>& prebuilt_kernels();
extern template std::vector<const KernelSet<float>*> prebuilt_kernel_sets<float>();
extern template std::vector<const KernelSet<double>*> prebuilt_kernel_sets<double>();
extern template const KernelSet<float>& prebuilt_kernels<float>();
extern template const KernelSet<double>& prebuilt_kernels<double>();
#endif

/// True when the kernels come from the prebuilt library with run-time dispatch.
inline constexpr bool kernels_are_prebuilt =
#if defined(QSIM_PREBUILT_KERNELS)
    true;
#else
    false;
#endif

/// The kernels every gate of precision T runs on.
template <class T>
const KernelSet<T>& active_kernels() {
#if defined(QSIM_PREBUILT_KERNELS)
  return prebuilt_kernels<T>();
#else
  return compiled_kernels<T>();
#endif
}

/// Every build of the kernels this program holds and this CPU can run (the
/// kernel tests run each of them against the scalar oracle).
template <class T>
std::vector<const KernelSet<T>*> available_kernels() {
#if defined(QSIM_PREBUILT_KERNELS)
  return prebuilt_kernel_sets<T>();
#else
  return {&compiled_kernels<T>()};
#endif
}

/// One line for --info: the instruction set in use and how it was chosen.
inline std::string kernel_description() {
  std::string out = std::string("kernels: ") + active_kernels<double>().arch;
  if (kernels_are_prebuilt) {
    out += " (prebuilt, chosen at run time; this CPU runs:";
    for (const auto* set : available_kernels<double>()) out += std::string(" ") + set->arch;
    out += ")";
  } else {
    out += " (header-only, fixed by the compiler flags)";
  }
  return out;
}

}  // namespace kernels
QSIM_END_NAMESPACE
