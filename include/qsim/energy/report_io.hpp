#pragma once
/// Reports as a short text table and as CSV rows (one per region or epoch)
/// that pandas or a spreadsheet reads directly.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <locale>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/energy/report.hpp"

QSIM_BEGIN_NAMESPACE
namespace energy {

namespace detail {
// Compact number for the table: 3 significant digits, "-" when unknown.
inline std::string short_number(double v) {
  if (!std::isfinite(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

inline std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

// Round-trip precision, '.' as decimal point whatever the global locale; empty when unknown.
inline std::string csv_number(double v) {
  if (!std::isfinite(v)) return "";
  std::ostringstream s;
  s.imbue(std::locale::classic());
  s.precision(10);
  s << v;
  return s.str();
}
}  // namespace detail

/// The CSV header line (no newline); the columns of csv_row().
inline std::string csv_header() {
  return "label,source,estimated,seconds,cpu_seconds,energy_j,cpu_j,gpu_j,energy_kwh,avg_power_w,"
         "grid_gco2e_per_kwh,co2e_g,gates,gates_per_j,samples,samples_per_j,bytes,bandwidth_gbs,"
         "copy_bandwidth_gbs,eta";
}

/// One CSV row (no newline): numbers with 10 significant digits, unknown figures empty.
inline std::string csv_row(const Report& r) {
  using detail::csv_number;
  const Measurement& m = r.measurement;
  std::string row =
      detail::csv_field(m.label) + "," + detail::csv_field(m.source) + "," + (m.estimated ? "true" : "false");
  for (double v :
       {m.seconds, m.cpu_seconds, m.joules, m.cpu_joules, m.gpu_joules, r.kwh(), r.watts(), r.grid_gco2e_per_kwh,
        r.gco2e(), r.work.gates, r.gates_per_joule(), r.work.samples, r.samples_per_joule(), r.work.bytes,
        r.bytes_per_second() * 1e-9, r.copy_bytes_per_second * 1e-9, r.eta()})
    row += "," + csv_number(v);
  return row;
}

/**
 * Appends one row per report to the CSV file at `path`, writing the header
 * first when the file is new or empty. Throws qsim::error when the file
 * cannot be written or already starts with a different header.
 * @code
 *   qsim::energy::append_csv("energy.csv", {report});   // pandas.read_csv("energy.csv")
 * @endcode
 */
inline void append_csv(const std::string& path, const std::vector<Report>& reports) {
  std::string first_line;
  {
    std::ifstream in(path);
    if (in) std::getline(in, first_line);
  }
  if (!first_line.empty() && first_line != csv_header())
    throw error("'" + path + "' is not an energy CSV of this layout (first line: " + first_line.substr(0, 60) + ")");
  std::ofstream out(path, std::ios::app);
  if (!out) throw error("cannot open '" + path + "' for appending");
  if (first_line.empty()) out << csv_header() << '\n';
  for (const auto& r : reports) out << csv_row(r) << '\n';
  if (!out) throw error("could not write '" + path + "'");
}

/**
 * Prints reports as a table: time, energy, power, emissions and efficiency.
 * Energy-derived figures of estimated rows are prefixed with `~`; the
 * footer lists every source used and the grid intensity.
 * @code
 *   qsim::energy::print_table(std::cout, reports);
 * @endcode
 */
inline void print_table(std::ostream& os, const std::vector<Report>& reports) {
  const std::vector<std::string> head = {"time s", "energy J", "avg W", "gCO2e", "gates/J", "samples/J", "GB/s", "eta"};
  std::size_t label_width = 6;
  for (const auto& r : reports) label_width = std::max(label_width, r.measurement.label.size());
  auto pad = [](const std::string& s, std::size_t w, bool left) {
    const std::string fill(s.size() < w ? w - s.size() : 0, ' ');
    return left ? s + fill : fill + s;
  };
  const std::size_t w = 10;
  os << pad("region", label_width, true);
  for (const auto& h : head) os << ' ' << pad(h, w, false);
  os << '\n' << std::string(label_width + head.size() * (w + 1), '-') << '\n';
  std::set<std::string> sources, grids;
  bool any_estimated = false;
  for (const auto& r : reports) {
    // "~" marks estimated energy figures; unknown figures stay a bare "-".
    auto energy_cell = [&](double v) {
      return (r.estimated() && std::isfinite(v) ? "~" : "") + detail::short_number(v);
    };
    any_estimated = any_estimated || r.estimated();
    sources.insert(r.measurement.source);
    grids.insert(detail::short_number(r.grid_gco2e_per_kwh));
    const std::vector<std::string> cells = {detail::short_number(r.seconds()),
                                            energy_cell(r.joules()),
                                            energy_cell(r.watts()),
                                            energy_cell(r.gco2e()),
                                            energy_cell(r.gates_per_joule()),
                                            energy_cell(r.samples_per_joule()),
                                            detail::short_number(r.bytes_per_second() * 1e-9),
                                            detail::short_number(r.eta())};
    os << pad(r.measurement.label, label_width, true);
    for (const auto& c : cells) os << ' ' << pad(c, w, false);
    os << '\n';
  }
  if (any_estimated) os << "~ estimated, not measured by a sensor\n";
  for (const auto& s : sources) os << "energy source: " << s << '\n';
  for (const auto& g : grids) os << "emissions at " << g << " gCO2e/kWh\n";
}

}  // namespace energy
QSIM_END_NAMESPACE
