#pragma once
// Axis ticks, number labels and text-size estimates shared by the SVG charts
// (svg_chart.hpp, histogram.hpp, line_chart.hpp). Plain arithmetic, no
// dependencies: ticks on 1-2-5 steps, labels with just enough digits,
// decade ticks for log axes, and a conservative width estimate for laying
// out text without a font engine.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

QSIM_BEGIN_NAMESPACE
namespace io {

/// The ticks of one chart axis: their positions, labels and the range they span.
struct AxisTicks {
  double lo = 0, hi = 1;            ///< the axis range: the first and the last tick
  double step = 1;                  ///< linear: distance between ticks; log: decades between ticks
  bool log = false;                 ///< decade ticks of a logarithmic axis
  std::vector<double> values;       ///< tick positions in data units, ascending
  std::vector<std::string> labels;  ///< one per value; "10^-4" means 10 to the power -4
};

namespace detail {
// The decimal exponent of a 1-2-5 step (0.05 -> -2, 20 -> 1).
inline int step_exponent(double step) { return static_cast<int>(std::floor(std::log10(step) + 1e-9)); }

inline std::string strip_zeros(std::string s) {
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

inline std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", std::clamp(decimals, 0, 20), v);
  std::string s(buf);
  std::replace(s.begin(), s.end(), ',', '.');  // a program that set a decimal-comma locale
  return s;
}

// v as mantissa "e" exponent with `decimals` digits after the point (trailing zeros dropped).
inline std::string scientific(double v, int decimals) {
  if (v == 0) return "0";
  int e = static_cast<int>(std::floor(std::log10(std::abs(v))));
  std::string m = strip_zeros(fixed(v / std::pow(10.0, e), decimals));
  if (m == "10" || m == "-10") {  // rounding carried into the next decade
    ++e;
    m = v < 0 ? "-1" : "1";
  }
  return m + "e" + std::to_string(e);
}
}  // namespace detail

/**
 * The label of tick `v` on a linear axis whose ticks are `step` apart: just
 * the digits the step needs (step 0.05: 0, 0.05, 0.1, 0.15; step 20: 0, 20,
 * 40), in exponent form (2.5e-7, 3e9) only for very small or large ticks.
 */
inline std::string format_tick(double v, double step) {
  if (!std::isfinite(v) || !(step > 0) || !std::isfinite(step))
    throw invalid_argument("tick label: value and step must be finite, the step positive");
  if (std::abs(v) < step * 1e-6) v = 0;
  const int e = detail::step_exponent(step);
  const double biggest = std::max(std::abs(v), step);
  if (e >= 6 || (e <= -5 && biggest < 1e-3)) {
    const int tick_exp = v == 0 ? e : static_cast<int>(std::floor(std::log10(std::abs(v))));
    return detail::scientific(v, std::max(0, tick_exp - e));
  }
  return detail::strip_zeros(detail::fixed(v, std::max(0, -e)));
}

/**
 * `v` with `digits` significant digits (3: 0.0123, 1.23, 12.3, 123; whole
 * numbers up to 10^6 in full: 1024), trailing zeros dropped; exponent form
 * below 10^-4 and from 10^6.
 */
inline std::string format_significant(double v, int digits = 3) {
  if (!std::isfinite(v)) throw invalid_argument("number label: the value is not finite");
  digits = std::clamp(digits, 1, 15);
  if (v == 0) return "0";
  const double a = std::abs(v);
  if (a >= 1e6 || a < 1e-4) return detail::scientific(v, digits - 1);
  if (a >= std::pow(10.0, digits - 1) || (v == std::round(v) && a < 1e6)) return detail::fixed(std::round(v), 0);
  const int e = static_cast<int>(std::floor(std::log10(a)));
  std::string s = detail::strip_zeros(detail::fixed(v, digits - 1 - e));
  // Rounding may carry into the next decade (0.9996 -> "1.000" -> "1"): fine, still `digits` at most.
  return s;
}

/**
 * Ticks on 1, 2 or 5 times a power of ten covering [lo, hi], about `target`
 * intervals (the count nearest to it, fewer on a tie): 0..0.266 gives 0,
 * 0.05, ..., 0.3; 0..149 gives 0, 50, 100, 150. The range grows to the
 * outer ticks. A single value (lo == hi) gets a range around it. With
 * `integer`, steps are whole numbers (an index axis). Throws
 * qsim::invalid_argument for non-finite bounds or lo > hi.
 */
inline AxisTicks nice_ticks(double lo, double hi, int target = 5, bool integer = false) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) throw invalid_argument("axis ticks: the range is not finite");
  if (lo > hi) throw invalid_argument("axis ticks: the range is reversed (lo > hi)");
  target = std::max(target, 1);
  const double magnitude = std::max(std::abs(lo), std::abs(hi));
  if (hi - lo <= magnitude * 1e-12 || hi == lo) {  // one value: a range around it
    const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
    if (lo == 0) {
      hi = 1;
    } else {
      lo -= pad;
      hi += pad;
    }
  }
  const double span = hi - lo;
  if (!std::isfinite(span)) throw invalid_argument("axis ticks: the range is too large to draw");
  const int e0 = static_cast<int>(std::floor(std::log10(span / target)));
  double best_step = 0, best_count = 0, best_score = 1e300;
  for (int e = e0 - 1; e <= e0 + 1; ++e)
    for (double m : {1.0, 2.0, 5.0}) {
      const double step = m * std::pow(10.0, e);
      if (integer && step < 1) continue;
      const double count = std::ceil(hi / step - 1e-9) - std::floor(lo / step + 1e-9);
      const double score = std::abs(count - target);
      if (count >= 1 && (score < best_score || (score == best_score && count < best_count))) {
        best_step = step;
        best_count = count;
        best_score = score;
      }
    }
  if (best_step == 0) best_step = 1;  // integer axis over a span below 1
  AxisTicks t;
  t.step = best_step;
  const double k_lo = std::floor(lo / best_step + 1e-9), k_hi = std::ceil(hi / best_step - 1e-9);
  for (double k = k_lo; k <= k_hi + 0.5 && t.values.size() < 1000; ++k) {
    double v = k * best_step;
    if (std::abs(v) < best_step * 1e-6) v = 0;
    t.values.push_back(v);
    t.labels.push_back(format_tick(v, best_step));
  }
  if (t.values.size() < 2) {  // lo and hi on one tick
    t.values.push_back(t.values.back() + best_step);
    t.labels.push_back(format_tick(t.values.back(), best_step));
  }
  t.lo = t.values.front();
  t.hi = t.values.back();
  return t;
}

/// The label of 10^k on a log axis: "1", "10", else "10^k".
inline std::string decade_label(int k) {
  if (k == 0) return "1";
  if (k == 1) return "10";
  return "10^" + std::to_string(k);
}

/**
 * Decade ticks of a logarithmic axis covering [lo, hi] (both > 0): 10^-4,
 * 10^-3, ... with `step` decades between labelled ticks, so that at most
 * `max_ticks` + 1 are labelled. Throws qsim::invalid_argument for
 * non-positive or non-finite bounds.
 */
inline AxisTicks log_ticks(double lo, double hi, int max_ticks = 8) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) throw invalid_argument("log axis: the range is not finite");
  if (!(lo > 0) || !(hi > 0)) throw invalid_argument("log axis: values must be positive");
  if (lo > hi) throw invalid_argument("log axis: the range is reversed (lo > hi)");
  int d_lo = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  int d_hi = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
  if (d_hi <= d_lo) d_hi = d_lo + 1;
  const int every = std::max(1, (d_hi - d_lo + std::max(max_ticks, 1) - 1) / std::max(max_ticks, 1));
  auto floor_div = [](int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
  d_lo = floor_div(d_lo, every) * every;
  d_hi = -floor_div(-d_hi, every) * every;
  AxisTicks t;
  t.log = true;
  t.step = every;
  for (int k = d_lo; k <= d_hi; k += every) {
    t.values.push_back(std::pow(10.0, k));
    t.labels.push_back(decade_label(k));
  }
  t.lo = t.values.front();
  t.hi = t.values.back();
  return t;
}

/// Whether `text` is a decade label of log_ticks(): "10^" and a whole exponent ("10^-4").
inline bool is_decade_label(const std::string& text) {
  if (text.rfind("10^", 0) != 0 || text.size() < 4) return false;
  for (std::size_t i = 3; i < text.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(text[i])) && !(i == 3 && text[i] == '-' && text.size() > 4))
      return false;
  return true;
}

/// Characters of UTF-8 text (code points), the unit of the width estimate.
inline std::size_t text_length(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char ch : text) n += (ch & 0xC0) != 0x80;
  return n;
}

/// Conservative width per character, in units of the font size (sans-serif digits are 0.64).
inline constexpr double char_width_em = 0.65;

/**
 * The estimated width in pixels of `text` at `font_size` (a conservative
 * 0.65 em per character; "10^-4" counts its exponent as superscript, 0.75
 * of the size).
 */
inline double text_width(const std::string& text, double font_size) {
  if (is_decade_label(text)) return font_size * char_width_em * (2 + 0.75 * static_cast<double>(text.size() - 3));
  return font_size * char_width_em * static_cast<double>(text_length(text));
}

/**
 * `text` broken into lines no wider than `max_width` at `font_size` (by
 * text_width): at spaces, and words too long for a line at character
 * boundaries (after a '/' where one is near). Never returns an empty list.
 */
inline std::vector<std::string> wrap_text(const std::string& text, double max_width, double font_size) {
  const std::size_t per_line =
      std::max<std::size_t>(1, static_cast<std::size_t>(max_width / (font_size * char_width_em)));
  std::vector<std::string> words, lines;
  std::string word;
  for (char ch : text) {
    if (ch == ' ' || ch == '\n' || ch == '\t') {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word += ch;
    }
  }
  if (!word.empty()) words.push_back(word);
  std::string line;
  for (std::string w : words) {
    while (text_length(w) > per_line) {  // a word longer than a line: break it
      if (!line.empty()) lines.push_back(line), line.clear();
      std::size_t cut = 0, chars = 0, slash = 0;
      for (std::size_t i = 0; i < w.size(); ++i) {
        if ((static_cast<unsigned char>(w[i]) & 0xC0) == 0x80) continue;
        if (chars == per_line) break;
        ++chars;
        cut = i + 1;
        while (cut < w.size() && (static_cast<unsigned char>(w[cut]) & 0xC0) == 0x80) ++cut;
        if (w[i] == '/' && chars * 2 > per_line) slash = cut;
      }
      if (slash) cut = slash;
      lines.push_back(w.substr(0, cut));
      w = w.substr(cut);
    }
    if (w.empty()) continue;
    if (line.empty()) {
      line = w;
    } else if (text_length(line) + 1 + text_length(w) <= per_line) {
      line += ' ' + w;
    } else {
      lines.push_back(line);
      line = w;
    }
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

}  // namespace io
QSIM_END_NAMESPACE
