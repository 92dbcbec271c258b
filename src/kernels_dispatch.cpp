// Run-time choice among the builds of the prebuilt library: the best one
// this CPU supports (qsim/kernels/cpu_features.hpp), unless QSIM_KERNEL_ARCH
// names one.
// CMake defines QSIM_BUILD_<NAME> for each build compiled into the library.
#include <cstdlib>
#include <string>
#include <vector>

#include "kernel_builds.hpp"
#include "qsim/core/error.hpp"
#include "qsim/kernels/cpu_features.hpp"
#include "qsim/kernels/dispatch.hpp"

QSIM_BEGIN_NAMESPACE
namespace kernels {
namespace {

struct Build {
  const char* name;  // as QSIM_KERNEL_ARCH spells it
  bool runs_here;
};

// The builds compiled in, from the weakest to the best.
std::vector<Build> builds_in_library() {
  std::vector<Build> out;
#if defined(QSIM_BUILD_BASELINE)
#if defined(__x86_64__) || defined(__i386__)
  out.push_back({"sse2", true});
#else
  out.push_back({"baseline", true});
#endif
#endif
#if defined(QSIM_BUILD_AVX2)
  out.push_back({"avx2", cpu_runs_build("avx2")});
#endif
#if defined(QSIM_BUILD_AVX512)
  out.push_back({"avx512", cpu_runs_build("avx512")});
#endif
  return out;
}

template <class T>
const KernelSet<T>& build_named(const std::string& name) {
#if defined(QSIM_BUILD_AVX512)
  if (name == "avx512") return builds::avx512<T>();
#endif
#if defined(QSIM_BUILD_AVX2)
  if (name == "avx2") return builds::avx2<T>();
#endif
  (void)name;
  return builds::baseline<T>();
}

template <class T>
const KernelSet<T>& choose() {
  const auto builds = builds_in_library();
  const char* forced = std::getenv("QSIM_KERNEL_ARCH");
  if (forced != nullptr && *forced != '\0' && std::string(forced) != "best") {
    std::string known;
    for (const auto& b : builds) {
      if (b.name == std::string(forced)) {
        if (!b.runs_here)
          throw invalid_argument("QSIM_KERNEL_ARCH=" + std::string(forced) + ": this CPU cannot run that build");
        return build_named<T>(b.name);
      }
      known += std::string(" ") + b.name;
    }
    throw invalid_argument("QSIM_KERNEL_ARCH=" + std::string(forced) +
                           " is not a build of this library (it has:" + known + ", or best)");
  }
  const Build* best = nullptr;
  for (const auto& b : builds)
    if (b.runs_here) best = &b;
  return build_named<T>(best != nullptr ? best->name : "sse2");
}

}  // namespace

template <class T>
std::vector<const KernelSet<T>*> prebuilt_kernel_sets() {
  std::vector<const KernelSet<T>*> out;
  for (const auto& b : builds_in_library())
    if (b.runs_here) out.push_back(&build_named<T>(b.name));
  return out;
}

template <class T>
const KernelSet<T>& prebuilt_kernels() {
  static const KernelSet<T>& chosen = choose<T>();
  return chosen;
}

template std::vector<const KernelSet<float>*> prebuilt_kernel_sets<float>();
template std::vector<const KernelSet<double>*> prebuilt_kernel_sets<double>();
template const KernelSet<float>& prebuilt_kernels<float>();
template const KernelSet<double>& prebuilt_kernels<double>();

}  // namespace kernels
QSIM_END_NAMESPACE
