#pragma once
#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/io/chart_axes.hpp"
#include "qsim/io/svg_chart.hpp"

QSIM_BEGIN_NAMESPACE
namespace io {

/// The y axis a series of a line chart is drawn against.
enum class YAxis { left, right };

/// One named curve of a line chart: y values at x = 0, 1, 2, ... (or at LineChartOptions::x).
struct Series {
  std::string name;
  std::vector<double> values;
  YAxis axis = YAxis::left;  ///< right: against the secondary axis (another unit, e.g. accuracy next to loss)
};

/// A dashed horizontal line across the plot with a label (a threshold, a target).
struct ReferenceLine {
  double y = 0;
  std::string label;
  YAxis axis = YAxis::left;
};

/// Options of line_chart_svg(); the defaults suit most charts.
struct LineChartOptions {
  /// The x value of each point, shared by every series (each then has x.size() values);
  /// empty: the index 0, 1, 2, ... with whole-number ticks.
  std::vector<double> x;
  /// A logarithmic left axis with decade ticks (values spanning decades; every value must be positive).
  bool log_y = false;
  /// The label of the right axis, used by series with YAxis::right.
  std::string y2_label;
  /// A logarithmic right axis.
  bool log_y2 = false;
  /// Dashed horizontal lines drawn across the plot.
  std::vector<ReferenceLine> lines;
  /// A dot on every point: 1 always, 0 never, -1 when a series has at most 40 points.
  int markers = -1;
  /// The plot area in pixels.
  double plot_width = 560, plot_height = 320;
};

namespace detail {
// One y axis of a line chart: its ticks and the map from values to pixels.
struct LineAxis {
  AxisTicks ticks;
  double top = 0, height = 1;
  double y(double v) const {
    if (ticks.log)
      return top + height * (std::log10(ticks.hi) - std::log10(v)) / (std::log10(ticks.hi) - std::log10(ticks.lo));
    return top + height * (ticks.hi - v) / (ticks.hi - ticks.lo);
  }
};

inline AxisTicks line_axis_ticks(const std::vector<double>& values, bool log) {
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  return log ? log_ticks(*lo, *hi) : nice_ticks(*lo, *hi, 5);
}
}  // namespace detail

/**
 * An SVG line chart (training curves): every series drawn against x, on
 * 1-2-5 ticks (or decade ticks on a log axis) with a light grid, the axis
 * labels beside their tick labels, an optional right axis for series of
 * another unit, dashed reference lines and a legend naming each series.
 * Throws qsim::invalid_argument for no series, an empty series, a
 * non-finite value, x values that are not increasing or do not match a
 * series' length, and zero or negative values on a log axis.
 * @code
 *   qsim::io::LineChartOptions o;
 *   o.y2_label = "accuracy";
 *   qsim::io::write_line_chart_svg("training.svg", {{"loss", losses}, {"accuracy", acc, qsim::io::YAxis::right}},
 *                                  "Training", "epoch", "loss", o);
 * @endcode
 */
inline std::string line_chart_svg(const std::vector<Series>& series, const std::string& title,
                                  const std::string& x_label, const std::string& y_label,
                                  const LineChartOptions& options = LineChartOptions()) {
  using detail::font_size;
  if (series.empty()) throw invalid_argument("line chart: no series to draw");
  std::vector<double> left_values, right_values;
  std::size_t len = 0;
  for (const auto& s : series) {
    if (s.values.empty()) throw invalid_argument("line chart: series '" + s.name + "' has no values");
    if (!options.x.empty() && s.values.size() != options.x.size())
      throw invalid_argument("line chart: series '" + s.name + "' has " + std::to_string(s.values.size()) +
                             " values for " + std::to_string(options.x.size()) + " x values");
    const bool right = s.axis == YAxis::right;
    const bool log = right ? options.log_y2 : options.log_y;
    for (double v : s.values) {
      if (!std::isfinite(v)) throw invalid_argument("line chart: series '" + s.name + "' has a non-finite value");
      if (log && !(v > 0)) throw invalid_argument("line chart: series '" + s.name + "' has a value <= 0 on a log axis");
      (right ? right_values : left_values).push_back(v);
    }
    len = std::max(len, s.values.size());
  }
  if (left_values.empty()) throw invalid_argument("line chart: every series is on the right axis; none on the left");
  for (const auto& r : options.lines) {
    const bool right = r.axis == YAxis::right;
    if (!std::isfinite(r.y)) throw invalid_argument("line chart: reference line '" + r.label + "' is not finite");
    if ((right ? options.log_y2 : options.log_y) && !(r.y > 0))
      throw invalid_argument("line chart: reference line '" + r.label + "' is <= 0 on a log axis");
    if (right && right_values.empty())
      throw invalid_argument("line chart: reference line '" + r.label + "' is on the right axis, which has no series");
    (right ? right_values : left_values).push_back(r.y);
  }
  for (std::size_t i = 0; i < options.x.size(); ++i) {
    if (!std::isfinite(options.x[i])) throw invalid_argument("line chart: an x value is not finite");
    if (i > 0 && !(options.x[i] > options.x[i - 1])) throw invalid_argument("line chart: the x values must increase");
  }
  const bool dual = !right_values.empty();
  auto x_of_point = [&](std::size_t i) { return options.x.empty() ? static_cast<double>(i) : options.x[i]; };

  const double plot_w = std::max(options.plot_width, 120.0), plot_h = std::max(options.plot_height, 80.0);
  detail::LineAxis ly{detail::line_axis_ticks(left_values, options.log_y)}, ry;
  if (dual) ry.ticks = detail::line_axis_ticks(right_values, options.log_y2);

  // x ticks, fewer while their labels would crowd each other.
  const double x_lo = x_of_point(0), x_hi = x_of_point(options.x.empty() ? len - 1 : options.x.size() - 1);
  AxisTicks xt;
  for (int target = 6; target >= 2; --target) {
    xt = nice_ticks(x_lo, x_hi, target, options.x.empty());
    const double spacing = plot_w / static_cast<double>(xt.values.size() - 1);
    if (detail::widest(xt.labels) + 12 <= spacing) break;
  }
  auto px = [&](double x) { return plot_w * (x - xt.lo) / (xt.hi - xt.lo); };  // from the plot's left

  const bool markers = options.markers > 0 || (options.markers < 0 && len <= 40);
  std::vector<std::string> legend;
  for (const auto& s : series)
    legend.push_back(s.name + (dual ? (s.axis == YAxis::right ? " (right axis)" : " (left axis)") : ""));

  const std::vector<std::string> y_lines = detail::y_label_lines(y_label, plot_h),
                                 y2_lines = detail::y_label_lines(options.y2_label, plot_h);
  const double left = 10 + detail::y_label_room(y_lines) + detail::widest(ly.ticks.labels) + 10;
  const double last_x_label = text_width(xt.labels.back(), font_size) / 2 + 6;
  const double right =
      dual ? std::max(10 + detail::widest(ry.ticks.labels) + detail::y_label_room(y2_lines) + 10, last_x_label)
           : std::max(16.0, last_x_label);
  const double legend_w = 10 + 28 + detail::widest(legend) + 10;
  const double width = left + plot_w + right + legend_w;
  const std::vector<std::string> title_text = detail::title_lines(title, width);
  const std::vector<std::string> x_label_lines =
      x_label.empty() ? std::vector<std::string>{} : wrap_text(x_label, width - 20, font_size);
  const double top = detail::title_height(title_text) + 14;
  const double bottom = top + plot_h;
  const double legend_h = 18 * static_cast<double>(series.size()) + 16;
  const double height =
      std::max(bottom + 8 + font_size + 6 + 16 * static_cast<double>(x_label_lines.size()) + 10, top + legend_h + 10);
  ly.top = ry.top = top;
  ly.height = ry.height = plot_h;

  detail::Svg svg(width, height);
  svg.title(title_text);
  // Grid: the left axis's ticks and the x ticks (a log axis also marks 2..9 of each decade when few decades show).
  if (ly.ticks.log && ly.ticks.step == 1 && ly.ticks.values.size() <= 7)
    for (double decade : ly.ticks.values)
      for (int m = 2; m <= 9 && decade * m < ly.ticks.hi; ++m)
        svg.line(left, ly.y(decade * m), left + plot_w, ly.y(decade * m), "#f2f2f2");
  for (std::size_t k = 0; k < ly.ticks.values.size(); ++k) {
    const double y = ly.y(ly.ticks.values[k]);
    svg.line(left, y, left + plot_w, y, detail::grid_colour);
    svg.line(left - 4, y, left, y, detail::axis_colour);
    svg.text(left - 7, y + font_size * 0.35, ly.ticks.labels[k], "end", font_size, 0, "tick");
  }
  for (std::size_t k = 0; k < xt.values.size(); ++k) {
    const double x = left + px(xt.values[k]);
    svg.line(x, top, x, bottom, detail::grid_colour);
    svg.line(x, bottom, x, bottom + 4, detail::axis_colour);
    svg.text(x, bottom + 6 + font_size, xt.labels[k], "middle", font_size, 0, "tick");
  }
  if (dual)
    for (std::size_t k = 0; k < ry.ticks.values.size(); ++k) {
      const double y = ry.y(ry.ticks.values[k]);
      svg.line(left + plot_w, y, left + plot_w + 4, y, detail::axis_colour);
      svg.text(left + plot_w + 7, y + font_size * 0.35, ry.ticks.labels[k], "start", font_size, 0, "tick");
    }
  svg.box(left, top, plot_w, plot_h, "none", detail::axis_colour);
  detail::y_axis_label(svg, 10 + font_size, top + plot_h / 2, y_lines);
  if (dual)
    detail::y_axis_label(svg, left + plot_w + 10 + detail::widest(ry.ticks.labels) + 8 + font_size * 0.8,
                         top + plot_h / 2, y2_lines);
  for (std::size_t i = 0; i < x_label_lines.size(); ++i) {
    const double w = text_width(x_label_lines[i], font_size);
    const double cx = std::clamp(left + plot_w / 2, 10 + w / 2, width - 10 - w / 2);
    svg.text(cx, bottom + 6 + font_size + 20 + 16 * static_cast<double>(i), x_label_lines[i], "middle", font_size, 0,
             "axis-label");
  }
  for (const auto& r : options.lines) {
    const double y = (r.axis == YAxis::right ? ry : ly).y(r.y);
    svg.line(left, y, left + plot_w, y, "#777777", 1.2, "6 4");
    if (!r.label.empty()) svg.text(left + plot_w - 6, y - 5, r.label, "end", font_size, 0, "reference", "#555555");
  }
  for (std::size_t k = 0; k < series.size(); ++k) {
    const auto& s = series[k];
    const detail::LineAxis& axis = s.axis == YAxis::right ? ry : ly;
    const char* colour = detail::palette[k % 6];
    std::vector<std::pair<double, double>> points;
    for (std::size_t i = 0; i < s.values.size(); ++i)
      points.emplace_back(left + px(x_of_point(i)), axis.y(s.values[i]));
    svg.polyline(points, colour);
    if (markers)
      for (const auto& [x, y] : points) svg.circle(x, y, 3, colour);
    const double lx = left + plot_w + right + 10, ly_text = top + 14 + 18 * static_cast<double>(k);
    svg.line(lx, ly_text - 4, lx + 24, ly_text - 4, colour, 2);
    if (markers) svg.circle(lx + 12, ly_text - 4, 3, colour);
    svg.text(lx + 30, ly_text, legend[k], "start", font_size, 0, "legend");
  }
  return svg.finish();
}

/// Writes line_chart_svg() to `path`.
inline void write_line_chart_svg(const std::string& path, const std::vector<Series>& series, const std::string& title,
                                 const std::string& x_label, const std::string& y_label,
                                 const LineChartOptions& options = LineChartOptions()) {
  detail::write_file(path, line_chart_svg(series, title, x_label, y_label, options));
}

}  // namespace io
QSIM_END_NAMESPACE
