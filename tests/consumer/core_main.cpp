// A consumer of qsim::core alone (header-only kernels, no Eigen on the
// include path) or of qsim::core with qsim::kernels (prebuilt, run-time
// dispatch): exits 0 only if the GHZ counts are right and the kernels are
// the kind its target asked for.
#include <iostream>

#include <qsim/core.hpp>

int main() {
  qsim::Circuit c(3);
  c.h(0).cx(0, 1).cx(1, 2).measure_all();
  const auto counts = qsim::Simulator<double>().run(c, 1000, 7);
  std::uint64_t good = 0;
  for (const auto& [key, n] : counts) {
    std::cout << key << ": " << n << '\n';
    if (key == "000" || key == "111") good += n;
  }
  std::cout << qsim::kernels::kernel_description() << '\n';
  const bool right_kind = qsim::kernels::kernels_are_prebuilt == (EXPECT_PREBUILT != 0);
  return good == 1000 && counts.size() == 2 && right_kind ? 0 : 1;
}
