// The SVG charts (qsim/io/chart_axes.hpp, svg_chart.hpp, histogram.hpp,
// line_chart.hpp): nice ticks and their labels, log-axis ticks, and the
// layout promises -- well-formed SVG, titles within the width, value labels
// and bar names that do not overlap by the same width estimate the layout
// uses -- and the refusals; the progress line of long loops (io/progress.hpp).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <qsim/io/chart_axes.hpp>
#include <qsim/io/histogram.hpp>
#include <qsim/io/line_chart.hpp>
#include <qsim/io/progress.hpp>
#include <qsim/io/svg_chart.hpp>

namespace {

using Strings = std::vector<std::string>;

// Every element closed in order, attribute values quoted, '&' only in entities.
bool well_formed(const std::string& svg, std::string& why) {
  std::vector<std::string> open;
  std::size_t at = 0;
  while ((at = svg.find('<', at)) != std::string::npos) {
    const std::size_t end = svg.find('>', at);
    if (end == std::string::npos) return why = "unterminated tag", false;
    const std::string tag = svg.substr(at + 1, end - at - 1);
    if (tag.empty()) return why = "empty tag", false;
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return why = "mismatched </" + tag.substr(1) + ">", false;
      open.pop_back();
    } else {
      if (std::count(tag.begin(), tag.end(), '"') % 2) return why = "unbalanced quotes in <" + tag + ">", false;
      if (tag.find('<') != std::string::npos) return why = "'<' inside a tag", false;
      const std::string name = tag.substr(0, tag.find_first_of(" /"));
      if (tag.back() != '/') open.push_back(name);
    }
    at = end + 1;
  }
  for (std::size_t amp = svg.find('&'); amp != std::string::npos; amp = svg.find('&', amp + 1)) {
    const std::string rest = svg.substr(amp, 6);
    if (rest.rfind("&lt;", 0) && rest.rfind("&gt;", 0) && rest.rfind("&amp;", 0) && rest.rfind("&quot;", 0))
      return why = "bare '&'", false;
  }
  if (!open.empty()) return why = "<" + open.back() + "> never closed", false;
  if (svg.rfind("<svg", 0) != 0) return why = "does not start with <svg", false;
  return true;
}

std::string attr(const std::string& tag, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const std::size_t at = tag.find(key);
  if (at == std::string::npos) return "";
  const std::size_t from = at + key.size();
  return tag.substr(from, tag.find('"', from) - from);
}

struct Text {
  std::map<std::string, std::string> a;  // cls, x, y, anchor, size, transform
  std::string text;                      // tspans folded in: "10^-4"
  double x() const { return std::stod(a.at("x")); }
  double size() const { return a.at("size").empty() ? 12.0 : std::stod(a.at("size")); }
  double width() const { return qsim::io::text_width(text, size()); }
  bool rotated() const { return !a.at("transform").empty(); }
};

std::string unescape(std::string s) {
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&amp;", "&"}}) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
      s.replace(at, from.size(), to);
  }
  return s;
}

std::vector<Text> texts(const std::string& svg, const std::string& cls = "") {
  std::vector<Text> out;
  for (std::size_t at = svg.find("<text"); at != std::string::npos; at = svg.find("<text", at + 1)) {
    const std::size_t close = svg.find('>', at), end = svg.find("</text>", at);
    const std::string tag = svg.substr(at, close - at);
    Text t;
    t.a["cls"] = attr(tag, "class");
    t.a["x"] = attr(tag, "x");
    t.a["anchor"] = attr(tag, "text-anchor");
    t.a["size"] = attr(tag, "font-size");
    t.a["transform"] = attr(tag, "transform");
    std::string inner = svg.substr(close + 1, end - close - 1);
    const std::size_t span = inner.find("<tspan");
    if (span != std::string::npos) {
      const std::size_t from = inner.find('>', span) + 1;
      inner = inner.substr(0, span) + "^" + inner.substr(from, inner.find("</tspan>") - from);
    }
    t.text = unescape(inner);
    if (cls.empty() || t.a["cls"] == cls) out.push_back(t);
  }
  return out;
}

double svg_width(const std::string& svg) { return std::stod(attr(svg.substr(0, svg.find('>')), "width")); }

// The horizontal extent of a text by the estimate, as anchored.
std::pair<double, double> extent(const Text& t) {
  const double w = t.width(), x = t.x();
  if (t.a.at("anchor") == "start") return {x, x + w};
  if (t.a.at("anchor") == "end") return {x - w, x};
  return {x - w / 2, x + w / 2};
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

void check_well_formed(const std::string& svg) {
  std::string why;
  INFO(why);
  CHECK(well_formed(svg, why));
  INFO(why);
}

// Labels of one class never overlap: flat ones by their extents, rotated ones
// (-90 or -45) by the distance between their parallel baselines.
void check_no_overlap(const std::string& svg, const std::string& cls) {
  const std::vector<Text> ts = texts(svg, cls);
  for (std::size_t i = 1; i < ts.size(); ++i) {
    INFO(cls << " '" << ts[i - 1].text << "' and '" << ts[i].text << "'");
    if (ts[i].rotated()) {
      const double angle = ts[i].a.at("transform").find("rotate(-45") == 0 ? std::sqrt(0.5) : 1.0;
      CHECK((ts[i].x() - ts[i - 1].x()) * angle >= ts[i].size());
    } else {
      CHECK(extent(ts[i - 1]).second <= extent(ts[i]).first);
    }
  }
}

// Every text lies inside the SVG's width by the estimate (rotated ones by their anchor).
void check_inside(const std::string& svg) {
  const double w = svg_width(svg);
  for (const Text& t : texts(svg)) {
    INFO("'" << t.text << "' in a chart " << w << " wide");
    if (t.rotated()) {
      CHECK(t.x() >= 0);
      CHECK(t.x() <= w);
    } else {
      CHECK(extent(t).first >= 0);
      CHECK(extent(t).second <= w);
    }
  }
}

Strings tick_labels(double lo, double hi) { return qsim::io::nice_ticks(lo, hi).labels; }

}  // namespace

TEST_CASE("nice ticks step by 1, 2 or 5 times a power of ten", "[charts]") {
  using qsim::io::nice_ticks;
  CHECK(tick_labels(0, 0.266) == Strings{"0", "0.05", "0.1", "0.15", "0.2", "0.25", "0.3"});
  CHECK(tick_labels(0.0217582, 0.266319) == Strings{"0", "0.05", "0.1", "0.15", "0.2", "0.25", "0.3"});
  CHECK(tick_labels(0, 149) == Strings{"0", "50", "100", "150"});
  CHECK(tick_labels(0, 1) == Strings{"0", "0.2", "0.4", "0.6", "0.8", "1"});
  CHECK(tick_labels(-3.7, 1.2) == Strings{"-4", "-3", "-2", "-1", "0", "1", "2"});
  CHECK(tick_labels(-0.266, -0.01) == Strings{"-0.3", "-0.25", "-0.2", "-0.15", "-0.1", "-0.05", "0"});
  // Tiny and huge spans.
  CHECK(tick_labels(1e-9, 5e-9) == Strings{"1e-9", "2e-9", "3e-9", "4e-9", "5e-9"});
  CHECK(tick_labels(1000, 1000.004) == Strings{"1000", "1000.001", "1000.002", "1000.003", "1000.004"});
  CHECK(tick_labels(0, 3e12) == Strings{"0", "5e11", "1e12", "1.5e12", "2e12", "2.5e12", "3e12"});
  // A single value gets a range around it.
  const qsim::io::AxisTicks five = nice_ticks(5, 5);
  CHECK(five.lo < 5);
  CHECK(five.hi > 5);
  CHECK(five.labels == Strings{"4.4", "4.6", "4.8", "5", "5.2", "5.4", "5.6"});
  CHECK(tick_labels(0, 0) == Strings{"0", "0.2", "0.4", "0.6", "0.8", "1"});
  // The range is the outer ticks, the step exact enough for labels.
  const qsim::io::AxisTicks t = nice_ticks(0.0217582, 0.266319);
  CHECK(t.lo == 0);
  CHECK(t.hi == Approx(0.3));
  CHECK(t.step == Approx(0.05));
  // An index axis keeps whole-number steps.
  CHECK(nice_ticks(0, 2, 5, true).labels == Strings{"0", "1", "2"});
  CHECK(nice_ticks(0, 0, 5, true).labels == Strings{"0", "1"});
  CHECK_THROWS_AS(nice_ticks(0, std::nan("")), qsim::invalid_argument);
  CHECK_THROWS_AS(nice_ticks(2, 1), qsim::invalid_argument);
  CHECK_THROWS_AS(nice_ticks(-1e308, 1e308), qsim::invalid_argument);
}

TEST_CASE("tick and value labels carry just enough digits", "[charts]") {
  using qsim::io::format_significant;
  using qsim::io::format_tick;
  CHECK(format_tick(0.1, 0.05) == "0.1");
  CHECK(format_tick(0.30000000000000004, 0.1) == "0.3");
  CHECK(format_tick(-0.0, 0.1) == "0");
  CHECK(format_tick(1e-17, 0.1) == "0");
  CHECK(format_tick(0.0001, 0.0001) == "0.0001");
  CHECK(format_tick(2.5e-7, 5e-8) == "2.5e-7");
  CHECK(format_tick(1234, 1) == "1234");
  CHECK(format_tick(150, 50) == "150");
  CHECK(format_significant(0.0217582) == "0.0218");
  CHECK(format_significant(0.266319) == "0.266");
  CHECK(format_significant(0.5) == "0.5");
  CHECK(format_significant(12.345) == "12.3");
  CHECK(format_significant(1024) == "1024");
  CHECK(format_significant(1234.56) == "1235");
  CHECK(format_significant(-0.123456) == "-0.123");
  CHECK(format_significant(1.2345e-5) == "1.23e-5");
  CHECK(format_significant(2.5e7) == "2.5e7");
  CHECK(format_significant(0) == "0");
  CHECK(format_significant(0.123456, 2) == "0.12");
  CHECK_THROWS_AS(format_significant(INFINITY), qsim::invalid_argument);
  CHECK_THROWS_AS(format_tick(1, 0), qsim::invalid_argument);
}

TEST_CASE("log axes tick every decade, labelled as powers of ten", "[charts]") {
  using qsim::io::log_ticks;
  const qsim::io::AxisTicks t = log_ticks(2e-4, 0.3);
  CHECK(t.log);
  CHECK(t.labels == Strings{"10^-4", "10^-3", "10^-2", "10^-1", "1"});
  REQUIRE(t.values.size() == 5);
  CHECK(t.values.front() == Approx(1e-4));
  CHECK(t.values.back() == Approx(1));
  CHECK(log_ticks(3, 40).labels == Strings{"1", "10", "10^2"});
  CHECK(log_ticks(0.5, 0.5).labels == Strings{"10^-1", "1"});
  // Sixteen decades: every second one labelled.
  const qsim::io::AxisTicks wide = log_ticks(1e-16, 0.1);
  CHECK(wide.step == 2);
  CHECK(wide.labels == Strings{"10^-16", "10^-14", "10^-12", "10^-10", "10^-8", "10^-6", "10^-4", "10^-2", "1"});
  CHECK_THROWS_AS(log_ticks(0, 1), qsim::invalid_argument);
  CHECK_THROWS_AS(log_ticks(-1, 1), qsim::invalid_argument);
  CHECK_THROWS_AS(log_ticks(1, INFINITY), qsim::invalid_argument);
}

TEST_CASE("text wraps to a width by the conservative estimate", "[charts]") {
  using qsim::io::text_width;
  using qsim::io::wrap_text;
  CHECK(text_width("abcd", 10) == Approx(4 * 10 * qsim::io::char_width_em));
  CHECK(text_width("\xCE\xB8=1", 10) == Approx(3 * 10 * qsim::io::char_width_em));   // UTF-8: 3 characters
  CHECK(text_width("10^-4", 10) < text_width("10-4", 10));                           // a superscript exponent
  CHECK(text_width("10^3 shots", 10) == Approx(10 * 10 * qsim::io::char_width_em));  // not a decade label
  CHECK(qsim::io::is_decade_label("10^-16"));
  CHECK_FALSE(qsim::io::is_decade_label("10^"));
  CHECK_FALSE(qsim::io::is_decade_label("10^-"));
  CHECK_FALSE(qsim::io::is_decade_label("10^x"));
  const std::string plain = qsim::io::bar_chart_svg({"a"}, {1}, "10^3 shots", "y");
  CHECK(plain.find("<tspan") == std::string::npos);
  const std::string title = "Estimated energy per variant, 10 qubits (c circuit, e epoch, l epoch via ML layer)";
  const Strings lines = wrap_text(title, 300, 16);
  CHECK(lines.size() > 1);
  for (const auto& l : lines) CHECK(text_width(l, 16) <= 300);
  const Strings path =
      wrap_text("/very/long/path/to/some/deeply/nested/directory/of/circuits/file.qasm, 1024 shots", 200, 16);
  for (const auto& l : path) CHECK(text_width(l, 16) <= 200);
  CHECK(wrap_text("", 100, 12) == Strings{""});
}

TEST_CASE("bar charts: well-formed, titles within the width, labels apart", "[charts]") {
  const std::string long_title =
      "Estimated energy per variant, 22 qubits (c circuit, e epoch, l epoch via ML layer; 64/32-bit; F fused, "
      "U unfused; threads)";
  SECTION("two bars and a long title") {
    const std::string svg = qsim::io::bar_chart_svg({"000", "111"}, {498, 526}, long_title, "counts");
    check_well_formed(svg);
    CHECK(texts(svg, "title").size() >= 2);
    check_inside(svg);
    check_no_overlap(svg, "value");
    CHECK(count(svg, "<rect x=") == 2);
  }
  SECTION("twenty bars of six-digit values, with a key") {
    Strings names;
    std::vector<double> values;
    for (int i = 0; i < 20; ++i) {
      names.push_back("c64U" + std::to_string(i));
      values.push_back(0.0123456789 * (i + 1));
    }
    qsim::io::BarChartOptions o;
    o.x_label = "variant";
    o.key = {{"c", "circuit"}, {"64", "double"}};
    const std::string svg = qsim::io::bar_chart_svg(names, values, long_title, "joules", o);
    check_well_formed(svg);
    check_inside(svg);
    check_no_overlap(svg, "value");
    check_no_overlap(svg, "name");
    CHECK(count(svg, "<rect x=") == 20);  // tests/run_energy_example.cmake counts the bars so
    CHECK(texts(svg, "value").size() == 20);
    CHECK(texts(svg, "value")[0].text == "0.0123");
    CHECK(svg.find(">variant<") != std::string::npos);
    CHECK(svg.find(">circuit<") != std::string::npos);
    for (const auto& t : texts(svg, "tick")) CHECK(t.text.size() <= 5);  // 0, 0.05, ... 0.25
  }
  SECTION("many narrow bars drop their value labels and thin their names") {
    Strings names;
    std::vector<double> values;
    for (int i = 0; i < 300; ++i) {
      names.push_back("outcome " + std::to_string(i));
      values.push_back(1 + i % 7);
    }
    const std::string svg = qsim::io::bar_chart_svg(names, values, "many", "counts");
    check_well_formed(svg);
    check_inside(svg);
    CHECK(texts(svg, "value").empty());
    check_no_overlap(svg, "name");
    CHECK(texts(svg, "name").size() < 300);
  }
  SECTION("negative values") {
    const std::string svg = qsim::io::bar_chart_svg({"a", "b", "c"}, {-1.5, 0.25, 3}, "mixed", "value");
    check_well_formed(svg);
    check_no_overlap(svg, "value");
    CHECK(texts(svg, "tick").front().text == "-2");
  }
  SECTION("values spanning decades on a log axis: bar heights follow log10") {
    qsim::io::BarChartOptions o;
    o.log_y = true;
    const std::vector<double> values{0.002, 0.05, 3, 400};
    const std::string svg = qsim::io::bar_chart_svg({"a", "b", "c", "d"}, values, "decades", "joules", o);
    check_well_formed(svg);
    check_inside(svg);
    check_no_overlap(svg, "value");
    const auto ticks = texts(svg, "tick");
    REQUIRE(ticks.size() >= 2);
    CHECK(ticks.front().text == "10^-3");
    CHECK(ticks.back().text == "10^3");
    std::vector<double> heights;
    for (std::size_t at = svg.find("<rect x="); at != std::string::npos; at = svg.find("<rect x=", at + 1))
      heights.push_back(std::stod(attr(svg.substr(at, svg.find('>', at) - at), "height")));
    REQUIRE(heights.size() == 4);
    for (std::size_t i = 1; i < 4; ++i) {
      INFO("bars " << i - 1 << " and " << i);
      const double per_decade = (heights[i] - heights[i - 1]) / std::log10(values[i] / values[i - 1]);
      const double expected = (heights[3] - heights[0]) / std::log10(values[3] / values[0]);
      CHECK(std::abs(per_decade - expected) < 0.05);  // the heights are written with 2 decimals
    }
    CHECK(texts(svg, "value")[0].text == "0.002");
    // A value exactly on a decade still gets a bar: the axis starts a decade lower.
    const std::string on_decade = qsim::io::bar_chart_svg({"a", "b"}, {1, 100}, "decades", "joules", o);
    const std::size_t at = on_decade.find("<rect x=");
    REQUIRE(at != std::string::npos);
    CHECK(std::stod(attr(on_decade.substr(at, on_decade.find('>', at) - at), "height")) > 10);
    CHECK(texts(on_decade, "tick").front().text == "10^-1");
  }
  SECTION("a y label longer than the plot is tall wraps onto more lines") {
    qsim::io::BarChartOptions o;
    o.plot_height = 100;
    const std::string label = "energy of each variant in millijoules, estimated from the CPU time";
    const std::string svg = qsim::io::bar_chart_svg({"a", "b"}, {1, 2}, "wrapped", label, o);
    check_well_formed(svg);
    check_inside(svg);
    const auto lines = texts(svg, "axis-label");
    REQUIRE(lines.size() >= 2);
    std::string joined;
    for (const auto& t : lines) {
      CHECK(qsim::io::text_width(t.text, 12) <= 100);
      joined += (joined.empty() ? "" : " ") + t.text;
    }
    CHECK(joined == label);
    for (const auto& t : texts(svg, "tick")) CHECK(extent(t).first > lines.back().x());  // ticks right of the label
  }
  SECTION("escaping") {
    const std::string svg = qsim::io::bar_chart_svg({"<a&b>"}, {1}, "\"quoted\" & <tagged>", "y");
    check_well_formed(svg);
    CHECK(svg.find("&lt;a&amp;b&gt;") != std::string::npos);
  }
}

TEST_CASE("bar charts refuse what they cannot draw", "[charts]") {
  using qsim::io::bar_chart_svg;
  CHECK_THROWS_AS(bar_chart_svg({"a"}, {1, 2}, "t", "y"), qsim::invalid_argument);
  CHECK_THROWS_WITH(bar_chart_svg({"a"}, {1, 2}, "t", "y"), Catch::Contains("1 labels but 2 values"));
  CHECK_THROWS_WITH(bar_chart_svg({}, {}, "t", "y"), Catch::Contains("no bars"));
  CHECK_THROWS_WITH(bar_chart_svg({"a", "b"}, {1, std::nan("")}, "t", "y"), Catch::Contains("'b' is not finite"));
  CHECK_THROWS_AS(bar_chart_svg({"a"}, {INFINITY}, "t", "y"), qsim::invalid_argument);
  qsim::io::BarChartOptions log;
  log.log_y = true;
  CHECK_THROWS_WITH(bar_chart_svg({"a", "b"}, {1, 0}, "t", "y", log), Catch::Contains("'b' is <= 0 on a log axis"));
}

TEST_CASE("histograms: counts or probabilities, x label, long titles wrapped", "[charts]") {
  const qsim::Counts counts = {{"000", 498}, {"111", 526}};
  const std::string svg = qsim::io::histogram_svg(counts, "3-qubit GHZ, 1024 shots");
  check_well_formed(svg);
  CHECK(svg.find(">counts<") != std::string::npos);
  CHECK(svg.find(">outcome<") != std::string::npos);
  CHECK(svg.find(">526<") != std::string::npos);
  qsim::io::HistogramOptions o;
  o.probability = true;
  o.x_label = "bit string";
  const std::string p =
      qsim::io::histogram_svg(counts, "/a/very/long/path/that/goes/on/and/on/ghz.qasm, 1024 shots", o);
  check_well_formed(p);
  check_inside(p);
  CHECK(p.find(">probability<") != std::string::npos);
  CHECK(p.find(">0.514<") != std::string::npos);  // 526 / 1024
  CHECK(p.find(">bit string<") != std::string::npos);
  CHECK_THROWS_WITH(qsim::io::histogram_svg({}, "t"), Catch::Contains("no counts"));
}

TEST_CASE("line charts: two axes, log axis, legends, refusals", "[charts]") {
  using qsim::io::line_chart_svg;
  using qsim::io::Series;
  using qsim::io::YAxis;
  std::vector<double> loss, acc, epochs;
  for (int i = 1; i <= 150; ++i) {
    loss.push_back(0.7 * std::exp(-i / 40.0) + 0.0217582);
    acc.push_back(0.5 + 0.45 * (1 - std::exp(-i / 30.0)));
    epochs.push_back(i);
  }
  SECTION("loss left, accuracy right") {
    qsim::io::LineChartOptions o;
    o.x = epochs;
    o.y2_label = "accuracy";
    const std::string svg = line_chart_svg({{"train loss", loss}, {"test accuracy", acc, YAxis::right}},
                                           "Variational classifier on two moons", "epoch", "loss", o);
    check_well_formed(svg);
    check_inside(svg);
    CHECK(count(svg, "<polyline") == 2);
    CHECK(svg.find(">train loss (left axis)<") != std::string::npos);
    CHECK(svg.find(">test accuracy (right axis)<") != std::string::npos);
    Strings ticks;
    for (const auto& t : texts(svg, "tick")) ticks.push_back(t.text);
    for (const auto& t : ticks) CHECK(t.size() <= 4);  // no 0.0217582
    CHECK((std::find(ticks.begin(), ticks.end(), "150") != ticks.end() ||
           std::find(ticks.begin(), ticks.end(), "160") != ticks.end()));
    CHECK(std::find(ticks.begin(), ticks.end(), "37") == ticks.end());
    // The y label sits left of every left tick label.
    const std::vector<Text> labels = texts(svg, "axis-label");
    REQUIRE(labels.size() == 3);  // loss, accuracy, epoch
    REQUIRE(labels[0].text == "loss");
    for (const auto& t : texts(svg, "tick"))
      if (t.a.at("anchor") == "end") CHECK(extent(t).first > labels[0].x() + 4);
  }
  SECTION("a log axis over many decades, with a reference line") {
    std::vector<double> error;
    for (int i = 0; i < 60; ++i) error.push_back(std::max(0.3 * std::pow(0.6, i), 1e-16));
    qsim::io::LineChartOptions o;
    o.log_y = true;
    o.lines = {{1.6e-3, "chemical accuracy"}};
    const std::string svg = line_chart_svg({{"E - E_exact", error}}, "VQE", "iteration", "error (Ha)", o);
    check_well_formed(svg);
    check_inside(svg);
    CHECK(svg.find("10<tspan") != std::string::npos);
    CHECK(svg.find(">chemical accuracy<") != std::string::npos);
    CHECK(svg.find("stroke-dasharray") != std::string::npos);
  }
  SECTION("index x, series of different lengths, few points get markers") {
    const std::string svg = line_chart_svg({{"loss", {1.0, 0.5, 0.25}}, {"acc", {0.2, 0.9}}}, "t", "x", "y");
    check_well_formed(svg);
    CHECK(count(svg, "<polyline") == 2);
    CHECK(count(svg, "<circle") == 5 + 2);  // points and legend swatches
    for (const auto& t : texts(svg, "tick")) {
      const bool whole = t.text.find('.') == std::string::npos;
      CHECK((whole || t.a.at("anchor") == "end"));  // x ticks of an index axis are whole numbers
    }
  }
  SECTION("refusals") {
    qsim::io::LineChartOptions log;
    log.log_y = true;
    qsim::io::LineChartOptions xs;
    xs.x = {0, 1, 2};
    qsim::io::LineChartOptions unsorted;
    unsorted.x = {0, 2, 1};
    CHECK_THROWS_WITH(line_chart_svg({}, "t", "x", "y"), Catch::Contains("no series"));
    CHECK_THROWS_WITH(line_chart_svg({{"empty", {}}}, "t", "x", "y"), Catch::Contains("'empty' has no values"));
    CHECK_THROWS_WITH(line_chart_svg({{"bad", {1.0, std::nan("")}}}, "t", "x", "y"), Catch::Contains("non-finite"));
    CHECK_THROWS_WITH(line_chart_svg({{"s", {1.0, 2.0}}}, "t", "x", "y", xs), Catch::Contains("2 values for 3 x"));
    CHECK_THROWS_WITH(line_chart_svg({{"s", {1.0, 0.0}}}, "t", "x", "y", log), Catch::Contains("log axis"));
    CHECK_THROWS_WITH(line_chart_svg({{"s", {1.0, 2.0, 3.0}}}, "t", "x", "y", unsorted), Catch::Contains("increase"));
    CHECK_THROWS_WITH(line_chart_svg({{"s", {1.0}, YAxis::right}}, "t", "x", "y"), Catch::Contains("right axis"));
    qsim::io::LineChartOptions bad_line;
    bad_line.log_y = true;
    bad_line.lines = {{-1, "below zero"}};
    CHECK_THROWS_WITH(line_chart_svg({{"s", {1.0}}}, "t", "x", "y", bad_line), Catch::Contains("'below zero'"));
  }
}

TEST_CASE("Progress reports the step, the metrics, the time per step and the time left", "[io][progress]") {
  std::ostringstream out;
  {
    qsim::io::Progress p("epoch", 30, qsim::io::Progress::Mode::lines, out);
    CHECK(p.line(12, "loss 0.42", 0.24) == "epoch 12/30  loss 0.42  20.0 ms/epoch  360.0 ms left");
    CHECK(p.line(30, "", 45.0) == "epoch 30/30  1.5 s/epoch  45.0 s in all");
    for (std::size_t e = 1; e <= 30; ++e) p.step(e, "loss 1");
  }
  // Line mode: the first step, every tenth of the run, the last: 1, 3, 6, ..., 30.
  const std::string text = out.str();
  CHECK(std::count(text.begin(), text.end(), '\n') == 11);
  CHECK(text.rfind("epoch 1/30  loss 1  ", 0) == 0);
  CHECK(text.find('\r') == std::string::npos);
  CHECK(qsim::io::Progress::duration(200.0) == "3 min 20 s");
  CHECK(qsim::io::Progress::duration(0.00085) == "850 us");
  std::ostringstream tty;
  {
    qsim::io::Progress p("iteration", 3, qsim::io::Progress::Mode::terminal, tty);
    for (std::size_t e = 1; e <= 3; ++e) p.step(e);
  }
  const std::string t = tty.str();
  CHECK(std::count(t.begin(), t.end(), '\r') == 3);
  CHECK(std::count(t.begin(), t.end(), '\n') == 1);  // one line, ended once
  CHECK_THROWS_AS(qsim::io::Progress("epoch", 0), qsim::invalid_argument);
}
