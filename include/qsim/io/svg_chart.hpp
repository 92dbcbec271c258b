#pragma once
// Small dependency-free SVG charts: plain SVG text, laid out with the
// estimates of chart_axes.hpp (nice ticks, number labels, text widths), so
// that titles wrap instead of being clipped and labels never run into each
// other. bar_chart_svg() lives here; histogram.hpp and line_chart.hpp build
// on the same pieces.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/io/chart_axes.hpp"

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

// A coordinate: at most 2 decimals, no trailing zeros.
inline std::string num(double v) { return strip_zeros(fixed(std::abs(v) < 0.005 ? 0.0 : v, 2)); }

// The chart fonts (pixels) and colours.
inline constexpr double font_size = 12, title_size = 16, title_line = 20;
inline constexpr const char* palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
inline constexpr const char* grid_colour = "#e3e3e3";
inline constexpr const char* axis_colour = "#444444";

// Plain SVG text built element by element. Only bars are written as
// `<rect x=`; every other rectangle starts with another attribute (the
// energy example's test counts the bars).
class Svg {
 public:
  Svg(double width, double height) : width_(width), height_(height) {
    s_ << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << num(width) << "\" height=\"" << num(height)
       << "\" viewBox=\"0 0 " << num(width) << ' ' << num(height)
       << "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"" << num(font_size) << "\">\n"
       << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  }
  double width() const { return width_; }
  double height() const { return height_; }

  // Text at (x, y) (the baseline), anchored start/middle/end, optionally rotated about (x, y).
  // A decade label "10^k" (is_decade_label) is drawn as 10 with a superscript k.
  void text(double x, double y, const std::string& t, const char* anchor = "middle", double size = font_size,
            double rotate = 0, const std::string& cls = "", const std::string& fill = "", bool bold = false) {
    s_ << "<text";
    if (!cls.empty()) s_ << " class=\"" << cls << '"';
    s_ << " x=\"" << num(x) << "\" y=\"" << num(y) << "\" text-anchor=\"" << anchor << '"';
    if (size != font_size) s_ << " font-size=\"" << num(size) << '"';
    if (rotate != 0) s_ << " transform=\"rotate(" << num(rotate) << ' ' << num(x) << ' ' << num(y) << ")\"";
    if (!fill.empty()) s_ << " fill=\"" << fill << '"';
    if (bold) s_ << " font-weight=\"bold\"";
    s_ << '>';
    if (is_decade_label(t))
      s_ << "10<tspan dy=\"" << num(-0.4 * size) << "\" font-size=\"" << num(0.75 * size) << "\">"
         << xml_escape(t.substr(3)) << "</tspan>";
    else
      s_ << xml_escape(t);
    s_ << "</text>\n";
  }
  void line(double x1, double y1, double x2, double y2, const std::string& stroke, double width = 1,
            const std::string& dash = "") {
    s_ << "<line x1=\"" << num(x1) << "\" y1=\"" << num(y1) << "\" x2=\"" << num(x2) << "\" y2=\"" << num(y2)
       << "\" stroke=\"" << stroke << '"';
    if (width != 1) s_ << " stroke-width=\"" << num(width) << '"';
    if (!dash.empty()) s_ << " stroke-dasharray=\"" << dash << '"';
    s_ << "/>\n";
  }
  // A bar: the only element written as `<rect x=`.
  void bar(double x, double y, double w, double h, const std::string& fill) {
    s_ << "<rect x=\"" << num(x) << "\" y=\"" << num(y) << "\" width=\"" << num(w) << "\" height=\"" << num(h)
       << "\" fill=\"" << fill << "\"/>\n";
  }
  // Any other rectangle (frames, key boxes).
  void box(double x, double y, double w, double h, const std::string& fill, const std::string& stroke) {
    s_ << "<rect fill=\"" << fill << "\" stroke=\"" << stroke << "\" x=\"" << num(x) << "\" y=\"" << num(y)
       << "\" width=\"" << num(w) << "\" height=\"" << num(h) << "\"/>\n";
  }
  void circle(double x, double y, double r, const std::string& fill) {
    s_ << "<circle cx=\"" << num(x) << "\" cy=\"" << num(y) << "\" r=\"" << num(r) << "\" fill=\"" << fill << "\"/>\n";
  }
  void polyline(const std::vector<std::pair<double, double>>& points, const std::string& stroke) {
    s_ << "<polyline fill=\"none\" stroke=\"" << stroke << "\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"";
    for (std::size_t i = 0; i < points.size(); ++i)
      s_ << (i ? " " : "") << num(points[i].first) << ',' << num(points[i].second);
    s_ << "\"/>\n";
  }
  // The title lines, centred on the whole width.
  void title(const std::vector<std::string>& lines) {
    for (std::size_t i = 0; i < lines.size(); ++i)
      text(width_ / 2, 10 + title_line * static_cast<double>(i + 1) - 4, lines[i], "middle", title_size, 0, "title");
  }
  std::string finish() {
    s_ << "</svg>\n";
    return s_.str();
  }

 private:
  double width_, height_;
  std::ostringstream s_;
};

// The title wrapped to fit `width` with 10 pixels each side, into lines of
// about equal length (no lone last word), and the height of its block.
inline std::vector<std::string> title_lines(const std::string& title, double width) {
  if (title.empty()) return {};
  std::vector<std::string> lines = wrap_text(title, width - 20, title_size);
  const double step = title_size * char_width_em;
  for (double w = width - 20 - step; lines.size() > 1 && w > step; w -= step) {
    std::vector<std::string> narrower = wrap_text(title, w, title_size);
    if (narrower.size() != lines.size()) break;
    lines = std::move(narrower);
  }
  return lines;
}
inline double title_height(const std::vector<std::string>& lines) {
  return 10 + title_line * static_cast<double>(lines.size());
}

inline double widest(const std::vector<std::string>& texts, double size = font_size) {
  double w = 0;
  for (const auto& t : texts) w = std::max(w, text_width(t, size));
  return w;
}

// A y axis label wrapped to the plot's height: its lines, outermost first.
inline std::vector<std::string> y_label_lines(const std::string& label, double plot_height) {
  return label.empty() ? std::vector<std::string>{} : wrap_text(label, plot_height - 4, font_size);
}
inline constexpr double y_label_line = font_size * 1.3;
// The room the lines take beside the tick labels.
inline double y_label_room(const std::vector<std::string>& lines) {
  return lines.empty() ? 0 : y_label_line * static_cast<double>(lines.size()) + 8;
}
// Rotated (-90) axis label lines centred on y; the first line's glyphs lie
// left of `x` (its baseline), each next line one line further right.
inline void y_axis_label(Svg& svg, double x, double y, const std::vector<std::string>& lines) {
  for (std::size_t k = 0; k < lines.size(); ++k)
    svg.text(x + y_label_line * static_cast<double>(k), y, lines[k], "middle", font_size, -90, "axis-label");
}
}  // namespace detail

/// Options of bar_chart_svg(); the defaults suit most charts.
struct BarChartOptions {
  /// The label under the bar names (the x axis).
  std::string x_label;
  /// Each bar's value above it (below it when negative), with `significant_digits`;
  /// rotated when too wide for the bar, dropped when the bars are too narrow even for that.
  bool value_labels = true;
  int significant_digits = 3;
  /// A key beside the chart explaining short bar names: {code, meaning} rows.
  std::vector<std::pair<std::string, std::string>> key;
  std::string key_title = "key";
  /// The height of the plot area in pixels.
  double plot_height = 300;
  /// A logarithmic y axis with decade ticks, for values spanning decades (every value must be positive).
  bool log_y = false;
};

/**
 * A labelled SVG bar chart, one bar per label: a y axis on 1-2-5 ticks with
 * a light grid, the y label rotated left of the tick labels, each bar's
 * value (3 significant digits) above it, bar names under the bars (rotated
 * when too long for a bar, some skipped when even that does not fit), an
 * optional x label and key table, and the title wrapped onto more lines
 * rather than clipped. Throws qsim::invalid_argument for no bars, labels and
 * values of different lengths, or non-finite values.
 * @code
 *   qsim::io::write_bar_chart_svg("energy.svg", {"a", "b"}, {1.5, 2.25}, "Energy", "joules");
 * @endcode
 */
inline std::string bar_chart_svg(const std::vector<std::string>& labels, const std::vector<double>& values,
                                 const std::string& title, const std::string& y_label,
                                 const BarChartOptions& options = BarChartOptions()) {
  using detail::font_size;
  if (labels.size() != values.size())
    throw invalid_argument("bar chart: " + std::to_string(labels.size()) + " labels but " +
                           std::to_string(values.size()) + " values");
  if (labels.empty()) throw invalid_argument("bar chart: no bars to draw");
  // A linear axis always shows 0, where the bars start; a log axis starts at its lowest decade.
  double vmin = options.log_y ? values[0] : 0, vmax = options.log_y ? values[0] : 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i]))
      throw invalid_argument("bar chart: the value of bar '" + labels[i] + "' is not finite");
    if (options.log_y && !(values[i] > 0))
      throw invalid_argument("bar chart: the value of bar '" + labels[i] + "' is <= 0 on a log axis");
    vmin = std::min(vmin, values[i]);
    vmax = std::max(vmax, values[i]);
  }
  const std::size_t n = labels.size();
  // Slots wide enough for the bar names when the width allows (then they need no rotation).
  const double name_w = detail::widest(labels);
  const double plot_w = std::clamp(std::max(56.0, name_w + 10) * static_cast<double>(n), 240.0,
                                   std::max(900.0, std::min(1100.0, 56.0 * static_cast<double>(n))));
  const double pad = 8;  // between the axis and the first bar, and after the last
  const double slot = (plot_w - 2 * pad) / static_cast<double>(n), bar_w = std::min(slot * 0.72, 64.0);
  const double plot_h = std::max(options.plot_height, 60.0);
  // On a log axis the lowest value goes a little above the axis's start: a bar exactly on a decade would have no
  // height.
  const AxisTicks yt = options.log_y ? log_ticks(vmin * 0.999, vmax) : nice_ticks(vmin, vmax, 5);
  auto depth = [&](double v) {  // below the plot's top
    return options.log_y ? plot_h * (std::log10(yt.hi) - std::log10(v)) / (std::log10(yt.hi) - std::log10(yt.lo))
                         : plot_h * (yt.hi - v) / (yt.hi - yt.lo);
  };
  const double base = options.log_y ? yt.lo : 0;  // where the bars start

  // Value labels: horizontal when the widest fits a slot, else rotated when a line of text fits, else none.
  std::vector<std::string> value_text;
  enum { none, flat, upright } value_mode = none;
  double extra_top = 0, extra_bottom = 0;
  if (options.value_labels) {
    for (double v : values) value_text.push_back(format_significant(v, options.significant_digits));
    const double w = detail::widest(value_text);
    value_mode = w <= slot - 6 ? flat : slot >= font_size + 4 ? upright : none;
    if (value_mode != none)
      for (std::size_t i = 0; i < n; ++i) {
        const double extent = (value_mode == flat ? font_size : text_width(value_text[i], font_size)) + 6;
        if (values[i] >= 0)
          extra_top = std::max(extra_top, extent - depth(values[i]));
        else
          extra_bottom = std::max(extra_bottom, extent - (plot_h - depth(values[i])));
      }
  }

  // Bar names: horizontal when the widest fits a slot, else at -45 degrees, every k-th when the slots are narrow.
  const bool names_flat = name_w <= slot - 4;
  const double diag = std::sqrt(0.5);
  const std::size_t every =
      names_flat ? 1 : std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil((font_size + 3) / (slot * diag))));
  const double names_h = names_flat ? font_size + 10 : (name_w + font_size) * diag + 10;

  const std::vector<std::string>& tick_labels = yt.labels;
  const std::vector<std::string> y_lines = detail::y_label_lines(y_label, plot_h);
  double left = 10 + detail::y_label_room(y_lines) + detail::widest(tick_labels) + 10;
  if (!names_flat)
    for (std::size_t i = 0; i < n; i += every)
      left = std::max(left, text_width(labels[i], font_size) * diag + 8 - pad - slot * (static_cast<double>(i) + 0.5));

  // The key table beside the chart.
  double key_c1 = 0, key_c2 = 0;
  for (const auto& [code, meaning] : options.key) {
    key_c1 = std::max(key_c1, text_width(code, font_size));
    key_c2 = std::max(key_c2, text_width(meaning, font_size));
  }
  key_c2 = std::max(key_c2, text_width(options.key_title, font_size) - key_c1 - 12);
  const double key_w = options.key.empty() ? 0 : 24 + 10 + key_c1 + 12 + key_c2 + 10;
  const double key_h = options.key.empty() ? 0 : 18 * static_cast<double>(options.key.size() + 1) + 12;

  const double width = left + plot_w + 20 + key_w;
  const std::vector<std::string> title_text = detail::title_lines(title, width);
  const std::vector<std::string> x_label =
      options.x_label.empty() ? std::vector<std::string>{} : wrap_text(options.x_label, width - 20, font_size);
  const double top = detail::title_height(title_text) + 14 + extra_top;
  const double plot_bottom = top + plot_h;
  const double names_top = plot_bottom + extra_bottom;
  const double x_label_top = names_top + names_h;
  double height = x_label_top + 16 * static_cast<double>(x_label.size()) + 10;
  height = std::max(height, top + key_h + 10);

  detail::Svg svg(width, height);
  svg.title(title_text);
  detail::y_axis_label(svg, 10 + font_size, top + plot_h / 2, y_lines);
  for (std::size_t k = 0; k < yt.values.size(); ++k) {
    const double y = top + depth(yt.values[k]);
    if (yt.values[k] != 0) svg.line(left, y, left + plot_w, y, detail::grid_colour);
    svg.line(left - 4, y, left, y, detail::axis_colour);
    svg.text(left - 7, y + font_size * 0.35, yt.labels[k], "end", font_size, 0, "tick");
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double cx = left + pad + slot * (static_cast<double>(i) + 0.5);
    const double y0 = top + depth(base), y1 = top + depth(values[i]);
    svg.bar(cx - bar_w / 2, std::min(y0, y1), bar_w, std::abs(y1 - y0), detail::palette[0]);
    if (value_mode == flat)
      svg.text(cx, values[i] >= 0 ? y1 - 5 : y1 + font_size + 3, value_text[i], "middle", font_size, 0, "value");
    else if (value_mode == upright)
      svg.text(cx + font_size * 0.35, values[i] >= 0 ? y1 - 5 : y1 + 5, value_text[i], values[i] >= 0 ? "start" : "end",
               font_size, -90, "value");
    if (i % every == 0) {
      if (names_flat)
        svg.text(cx, names_top + font_size + 4, labels[i], "middle", font_size, 0, "name");
      else
        svg.text(cx + font_size * 0.3, names_top + 8, labels[i], "end", font_size, -45, "name");
    }
  }
  svg.line(left, top, left, plot_bottom, detail::axis_colour);
  svg.line(left, top + depth(base), left + plot_w, top + depth(base), detail::axis_colour);
  for (std::size_t i = 0; i < x_label.size(); ++i) {
    const double w = text_width(x_label[i], font_size);
    const double cx = std::clamp(left + plot_w / 2, 10 + w / 2, width - 10 - w / 2);
    svg.text(cx, x_label_top + 12 + 16 * static_cast<double>(i), x_label[i], "middle", font_size, 0, "axis-label");
  }
  if (!options.key.empty()) {
    const double kx = left + plot_w + 24;
    svg.box(kx, top, key_w - 24, key_h - 4, "#fafafa", "#cccccc");
    svg.text(kx + 10, top + 18, options.key_title, "start", font_size, 0, "key", "", true);
    for (std::size_t r = 0; r < options.key.size(); ++r) {
      const double y = top + 18 * static_cast<double>(r + 2);
      svg.text(kx + 10, y, options.key[r].first, "start", font_size, 0, "key", "", true);
      svg.text(kx + 10 + key_c1 + 12, y, options.key[r].second, "start", font_size, 0, "key");
    }
  }
  return svg.finish();
}

/// Writes bar_chart_svg() to `path`.
inline void write_bar_chart_svg(const std::string& path, const std::vector<std::string>& labels,
                                const std::vector<double>& values, const std::string& title, const std::string& y_label,
                                const BarChartOptions& options = BarChartOptions()) {
  detail::write_file(path, bar_chart_svg(labels, values, title, y_label, options));
}

}  // namespace io
QSIM_END_NAMESPACE
