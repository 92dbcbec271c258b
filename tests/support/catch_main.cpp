// Catch2's main, shared by the test programs. A run with QSIM_KERNEL_ARCH
// naming a build this CPU cannot run is skipped (exit code 77, which ctest
// reports as skipped) instead of failing on its first gate.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

#include <qsim/kernels/cpu_features.hpp>

int main(int argc, char* argv[]) {
  const char* arch = std::getenv("QSIM_KERNEL_ARCH");
  if (arch != nullptr && *arch != '\0' && std::string(arch) != "best" && !qsim::kernels::cpu_runs_build(arch)) {
    std::cout << "skipped: this CPU does not run the " << arch << " kernels (QSIM_KERNEL_ARCH)\n";
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
