#pragma once
#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
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

/// Options of histogram_svg().
struct HistogramOptions {
  /// y = count / shots (probabilities) instead of counts.
  bool probability = false;
  /// The x axis label under the outcomes.
  std::string x_label = "outcome";
  /// Each bar's count (or probability, 3 significant digits) above it, when the bars are wide enough.
  bool value_labels = true;
};

/**
 * An SVG bar chart of the counts, like Qiskit's plot_histogram: one bar per
 * outcome in key order, counts (or probabilities) on a 1-2-5 axis. Throws
 * qsim::invalid_argument for empty counts.
 */
inline std::string histogram_svg(const Counts& counts, const std::string& title,
                                 const HistogramOptions& options = HistogramOptions()) {
  if (counts.empty()) throw invalid_argument("histogram: no counts to draw");
  const double total = static_cast<double>(total_shots(counts));
  if (!(total > 0)) throw invalid_argument("histogram: the counts add up to zero shots");
  std::vector<std::string> labels;
  std::vector<double> values;
  for (const auto& [key, n] : counts) {
    labels.push_back(key);
    values.push_back(options.probability ? static_cast<double>(n) / total : static_cast<double>(n));
  }
  BarChartOptions bars;
  bars.x_label = options.x_label;
  bars.value_labels = options.value_labels;
  return bar_chart_svg(labels, values, title, options.probability ? "probability" : "counts", bars);
}

/// Writes histogram_svg() to `path`.
inline void write_histogram_svg(const std::string& path, const Counts& counts, const std::string& title,
                                const HistogramOptions& options = HistogramOptions()) {
  detail::write_file(path, histogram_svg(counts, title, options));
}

}  // namespace io
QSIM_END_NAMESPACE
