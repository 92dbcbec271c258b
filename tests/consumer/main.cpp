// A consumer of the installed package: exits 0 only if the GHZ counts are right.
#include <iostream>

#include <qsim/qsim.hpp>

int main() {
  qsim::Circuit c(3);
  c.h(0).cx(0, 1).cx(1, 2).measure_all();
  const auto counts = qsim::Simulator<float>().run(c, 1000, 7);
  std::uint64_t good = 0;
  for (const auto& [key, n] : counts) {
    std::cout << key << ": " << n << '\n';
    if (key == "000" || key == "111") good += n;
  }
  return good == 1000 && counts.size() == 2 ? 0 : 1;
}
