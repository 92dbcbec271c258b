#pragma once
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

QSIM_BEGIN_NAMESPACE
namespace io {

namespace detail {
inline std::string xml_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  if (!out) throw error("cannot open '" + path + "' for writing");
  out << text;
  if (!out) throw error("could not write '" + path + "'");
}
}  // namespace detail

/// A labelled SVG bar chart (one bar per label, value printed above each bar).
inline std::string bar_chart_svg(const std::vector<std::string>& labels, const std::vector<double>& values,
                                 const std::string& title, const std::string& y_label) {
  if (labels.size() != values.size()) throw invalid_argument("bar chart: labels and values differ in length");
  const double bar = 48, gap = 16, left = 70, bottom = 70, top = 50, height = 300;
  const double width = left + static_cast<double>(labels.size()) * (bar + gap) + gap + 20;
  double vmax = 0;
  for (double v : values) vmax = std::max(vmax, v);
  if (!(vmax > 0)) vmax = 1;
  // Round the axis up to 4 ticks of 1, 2, 2.5 or 5 times a power of ten.
  const double raw_step = vmax / 4, magnitude = std::pow(10.0, std::floor(std::log10(raw_step)));
  double step = 10 * magnitude;
  for (double m : {1.0, 2.0, 2.5, 5.0})
    if (m * magnitude >= raw_step) {
      step = m * magnitude;
      break;
    }
  vmax = 4 * step;
  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << top + height + bottom
    << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    << "<text x=\"" << width / 2 << "\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">" << detail::xml_escape(title)
    << "</text>\n"
    << "<text transform=\"translate(18," << top + height / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
    << detail::xml_escape(y_label) << "</text>\n"
    << "<line x1=\"" << left << "\" y1=\"" << top + height << "\" x2=\"" << width - 10 << "\" y2=\"" << top + height
    << "\" stroke=\"black\"/>\n<line x1=\"" << left << "\" y1=\"" << top << "\" x2=\"" << left << "\" y2=\""
    << top + height << "\" stroke=\"black\"/>\n";
  for (int tick = 0; tick <= 4; ++tick) {
    const double v = vmax * tick / 4, y = top + height - height * tick / 4;
    s << "<text x=\"" << left - 6 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">" << v << "</text>\n";
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double x = left + gap + static_cast<double>(i) * (bar + gap);
    const double h = height * values[i] / vmax;
    s << "<rect x=\"" << x << "\" y=\"" << top + height - h << "\" width=\"" << bar << "\" height=\"" << h
      << "\" fill=\"#4a78c2\"/>\n"
      << "<text x=\"" << x + bar / 2 << "\" y=\"" << top + height - h - 4 << "\" text-anchor=\"middle\">" << values[i]
      << "</text>\n"
      << "<text x=\"" << x + bar / 2 << "\" y=\"" << top + height + 16 << "\" text-anchor=\"middle\">"
      << detail::xml_escape(labels[i]) << "</text>\n";
  }
  s << "</svg>\n";
  return s.str();
}

/// Writes bar_chart_svg() to `path`.
inline void write_bar_chart_svg(const std::string& path, const std::vector<std::string>& labels,
                                const std::vector<double>& values, const std::string& title,
                                const std::string& y_label) {
  detail::write_file(path, bar_chart_svg(labels, values, title, y_label));
}

}  // namespace io
QSIM_END_NAMESPACE
