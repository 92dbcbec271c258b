#pragma once
// The gate kernels for float and double, compiled here. Include this in
// exactly one .cpp of a program whose files are all compiled with
// QSIM_EXTERN_KERNELS (see qsim/kernels/apply.hpp); qsim's own tests,
// examples and benchmarks do (CMake option QSIM_SHARED_KERNELS).
#ifndef QSIM_EXTERN_KERNELS
#define QSIM_EXTERN_KERNELS
#endif
#include "qsim/kernels/apply.hpp"

QSIM_BEGIN_NAMESPACE
namespace kernels {
QSIM_KERNEL_INSTANCES(, float)
QSIM_KERNEL_INSTANCES(, double)
}  // namespace kernels
QSIM_END_NAMESPACE
