#pragma once
// Whether this CPU (and its OS, which must save the wide registers) runs a
// build of the kernels, by the name QSIM_KERNEL_ARCH uses: sse2, avx2, avx512.
#include <string>

#include "qsim/core/config.hpp"

QSIM_BEGIN_NAMESPACE
namespace kernels {

inline bool cpu_runs_build(const std::string& name) {
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (name == "sse2") return true;
  if (name == "avx2") return avx2;
  if (name == "avx512")
    return avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
  return false;
#else
  return name == "baseline";
#endif
}

}  // namespace kernels
QSIM_END_NAMESPACE
