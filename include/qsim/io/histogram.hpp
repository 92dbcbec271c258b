#pragma once
#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/io/svg_chart.hpp"
#include "qsim/measure/counts.hpp"

QSIM_BEGIN_NAMESPACE
namespace io {

/// `key: count` lines sorted by key, as `qsim-run` and the examples print them.
inline void print_counts(std::ostream& out, const Counts& counts) {
  for (const auto& [key, n] : counts) out << key << ": " << n << '\n';
}

/// A text histogram: one bar of '#' per outcome, scaled to `width` columns.
inline void print_histogram(std::ostream& out, const Counts& counts, unsigned width = 50) {
  std::uint64_t most = 0;
  for (const auto& kv : counts) most = std::max(most, kv.second);
  const std::uint64_t total = total_shots(counts);
  for (const auto& [key, n] : counts) {
    const auto len = most ? static_cast<std::size_t>(n * width / most) : 0;
    out << key << " | " << std::string(len, '#') << ' ' << n << " ("
        << (total ? 100.0 * double(n) / double(total) : 0.0) << "%)\n";
  }
}

/// An SVG bar chart of the counts, like Qiskit's plot_histogram.
inline void write_histogram_svg(const std::string& path, const Counts& counts, const std::string& title) {
  std::vector<std::string> labels;
  std::vector<double> values;
  for (const auto& [key, n] : counts) {
    labels.push_back(key);
    values.push_back(static_cast<double>(n));
  }
  write_bar_chart_svg(path, labels, values, title, "counts");
}

}  // namespace io
QSIM_END_NAMESPACE
