#pragma once
#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/io/svg_chart.hpp"

QSIM_BEGIN_NAMESPACE
namespace io {

/// One named curve of a line chart: y values at x = 0, 1, 2, ...
struct Series {
  std::string name;
  std::vector<double> values;
};

/**
 * An SVG line chart (training curves): every series drawn against its index,
 * with axis ticks and a legend. Non-finite values are refused.
 * @code
 *   qsim::io::write_line_chart_svg("loss.svg", {{"train loss", losses}}, "Training", "epoch", "loss");
 * @endcode
 */
inline std::string line_chart_svg(const std::vector<Series>& series, const std::string& title,
                                  const std::string& x_label, const std::string& y_label) {
  double lo = 0, hi = 0;
  std::size_t len = 0;
  bool first = true;
  for (const auto& s : series)
    for (double v : s.values) {
      if (!std::isfinite(v)) throw invalid_argument("line chart: series '" + s.name + "' has a non-finite value");
      lo = first ? v : std::min(lo, v);
      hi = first ? v : std::max(hi, v);
      first = false;
      len = std::max(len, s.values.size());
    }
  if (first) throw invalid_argument("line chart: no values to draw");
  if (hi - lo < 1e-12) hi = lo + 1, lo -= 1;
  const double left = 80, right = 160, top = 50, bottom = 60, w = 560, h = 320;
  const double xmax = len > 1 ? static_cast<double>(len - 1) : 1.0;
  auto px = [&](double i) { return left + w * i / xmax; };
  auto py = [&](double v) { return top + h * (hi - v) / (hi - lo); };
  static const char* colours[] = {"#4a78c2", "#d9534f", "#5cb85c", "#f0ad4e", "#8e44ad"};
  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << left + w + right << "\" height=\"" << top + h + bottom
    << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    << "<text x=\"" << left + w / 2 << "\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">"
    << detail::xml_escape(title) << "</text>\n"
    << "<text x=\"" << left + w / 2 << "\" y=\"" << top + h + 44 << "\" text-anchor=\"middle\">"
    << detail::xml_escape(x_label) << "</text>\n"
    << "<text transform=\"translate(18," << top + h / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
    << detail::xml_escape(y_label) << "</text>\n"
    << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << w << "\" height=\"" << h
    << "\" fill=\"none\" stroke=\"black\"/>\n";
  for (int tick = 0; tick <= 4; ++tick) {
    const double v = lo + (hi - lo) * tick / 4, xi = xmax * tick / 4;
    s << "<text x=\"" << left - 6 << "\" y=\"" << py(v) + 4 << "\" text-anchor=\"end\">" << v << "</text>\n"
      << "<text x=\"" << px(xi) << "\" y=\"" << top + h + 18 << "\" text-anchor=\"middle\">" << std::round(xi)
      << "</text>\n";
  }
  for (std::size_t k = 0; k < series.size(); ++k) {
    const char* colour = colours[k % 5];
    s << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"2\" points=\"";
    for (std::size_t i = 0; i < series[k].values.size(); ++i)
      s << (i ? " " : "") << px(static_cast<double>(i)) << ',' << py(series[k].values[i]);
    s << "\"/>\n<text x=\"" << left + w + 10 << "\" y=\"" << top + 16 + 18 * static_cast<double>(k) << "\" fill=\""
      << colour << "\">" << detail::xml_escape(series[k].name) << "</text>\n";
  }
  s << "</svg>\n";
  return s.str();
}

/// Writes line_chart_svg() to `path`.
inline void write_line_chart_svg(const std::string& path, const std::vector<Series>& series, const std::string& title,
                                 const std::string& x_label, const std::string& y_label) {
  detail::write_file(path, line_chart_svg(series, title, x_label, y_label));
}

}  // namespace io
QSIM_END_NAMESPACE
