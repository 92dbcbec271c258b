#pragma once
// The builds of the kernels inside the prebuilt library: kernels_arch.cpp is
// compiled once per instruction set (CMake passes -DQSIM_KERNEL_BUILD=<name>
// and that set's -m flags) and defines the matching function here.
#include "qsim/kernels/kernel_set.hpp"

QSIM_BEGIN_NAMESPACE
namespace kernels {
namespace builds {
template <class T>
const KernelSet<T>& baseline();  // no -m flags: the compiler's default target (SSE2 on x86-64)
template <class T>
const KernelSet<T>& avx2();  // -mavx2 -mfma
template <class T>
const KernelSet<T>& avx512();  // -mavx512f -mavx512cd -mavx512dq -mavx512bw -mavx2 -mfma
}  // namespace builds
}  // namespace kernels
QSIM_END_NAMESPACE
