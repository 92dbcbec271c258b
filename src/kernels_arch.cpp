// One build of the kernels for the prebuilt library, for the instruction set
// of this file's compiler flags (see kernel_builds.hpp).
#include "kernel_builds.hpp"
#include "qsim/kernels/compiled.hpp"

#if !defined(QSIM_KERNEL_BUILD)
#error "compile with -DQSIM_KERNEL_BUILD=baseline|avx2|avx512 and the matching flags"
#endif

QSIM_BEGIN_NAMESPACE
namespace kernels {
namespace builds {
template <>
const KernelSet<float>& QSIM_KERNEL_BUILD<float>() {
  return compiled_kernels<float>();
}
template <>
const KernelSet<double>& QSIM_KERNEL_BUILD<double>() {
  return compiled_kernels<double>();
}
}  // namespace builds
}  // namespace kernels
QSIM_END_NAMESPACE
