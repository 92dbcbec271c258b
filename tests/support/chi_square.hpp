#pragma once
// Pearson's chi-square test of sampled counts against exact probabilities,
// for statistical tests with fixed seeds.
#include <cmath>
#include <map>
#include <string>

#include <qsim/qsim.hpp>

namespace stats {

// The statistic of `counts` against `expected` (key -> probability); an
// outcome that `expected` does not list makes it infinite.
inline double chi_square(const qsim::Counts& counts, const std::map<std::string, double>& expected) {
  const double total = static_cast<double>(qsim::total_shots(counts));
  double chi2 = 0;
  for (const auto& [key, p] : expected) {
    const auto it = counts.find(key);
    const double observed = it == counts.end() ? 0.0 : static_cast<double>(it->second);
    chi2 += (observed - total * p) * (observed - total * p) / (total * p);
  }
  for (const auto& kv : counts)
    if (!expected.count(kv.first)) return HUGE_VAL;
  return chi2;
}

// Upper 0.1% point of chi-square with `dof` degrees of freedom
// (Wilson-Hilferty approximation: at most 3% above the table, for dof 1,
// and closer as dof grows).
inline double critical(std::size_t dof) {
  if (dof == 0) return 1e-9;  // one possible outcome: the statistic is exactly 0
  const double d = static_cast<double>(dof), z = 3.0902;
  const double t = 1 - 2 / (9 * d) + z * std::sqrt(2 / (9 * d));
  return d * t * t * t;
}

}  // namespace stats
