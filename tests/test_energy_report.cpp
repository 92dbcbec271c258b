// Energy reports: derived figures against hand arithmetic, the CSV format
// parsed back, and the table's labels.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <qsim/qsim.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/fake_powercap.hpp"

using qsim::energy::Measurement;
using qsim::energy::Report;
using qsim::energy::Work;

namespace {

Measurement measured(std::string label, double seconds, double joules, bool estimated) {
  Measurement m;
  m.label = std::move(label);
  m.seconds = seconds;
  m.cpu_seconds = seconds * 2;
  m.cpu_joules = joules;
  m.joules = joules;
  m.estimated = estimated;
  m.source = estimated ? "estimated: process CPU time x 3.75 W/core" : "rapl: package-0+dram";
  return m;
}

// RFC 4180 reader: quoted fields may hold commas, doubled quotes and newlines.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, field_started = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (quoted) {
      if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch == '"') {
      quoted = field_started = true;
    } else if (ch == ',') {
      rows.back().push_back(field);
      field.clear();
    } else if (ch == '\n') {
      rows.back().push_back(field);
      field.clear();
      rows.emplace_back();
    } else {
      field += ch;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("Report figures follow from the measurement and the work", "[energy][report]") {
  // 7.2 MJ over 1 hour = 2 kWh at 2 kW.
  const auto m = measured("run", 3600, 7.2e6, false);
  const Work w{3.6e6, 720, 2.0e12};
  const Report r = qsim::energy::make_report(m, w, {400.0, 1.0e9});
  CHECK(r.kwh() == Approx(2.0));
  CHECK(r.watts() == Approx(2000.0));
  CHECK(r.gco2e() == Approx(800.0));
  CHECK(r.gates_per_joule() == Approx(0.5));
  CHECK(r.samples_per_joule() == Approx(1e-4));
  CHECK(r.bytes_per_second() == Approx(2.0e12 / 3600));
  CHECK(r.eta() == Approx(2.0e12 / 3600 / 1.0e9));
  CHECK_FALSE(r.estimated());

  const Report d = qsim::energy::make_report(m, {});
  CHECK(d.grid_gco2e_per_kwh == qsim::energy::default_grid_gco2e_per_kwh);
  CHECK(d.gco2e() == Approx(2.0 * 475.0));
  CHECK(std::isnan(d.gates_per_joule()));
  CHECK(std::isnan(d.samples_per_joule()));
  CHECK(std::isnan(d.eta()));

  CHECK_THROWS_AS(qsim::energy::make_report(m, Work{-1, 0, 0}), qsim::invalid_argument);
  CHECK_THROWS_AS(qsim::energy::make_report(m, {}, {std::nan(""), 0}), qsim::invalid_argument);
  CHECK_THROWS_WITH(qsim::energy::make_report(m, {}, {475, -3}), Catch::Contains("copy bandwidth"));
}

TEST_CASE("CSV rows parse back to the same figures", "[energy][csv]") {
  test_support::FakePowercap dir;  // a private temporary folder
  const auto path = (dir.root() / "energy.csv").string();
  const std::vector<Report> reports = {
      qsim::energy::make_report(measured("epoch 0", 1.5, 30.0, true), {100, 8, 4096}, {475, 1e10}),
      qsim::energy::make_report(measured("a \"quoted\", comma label", 0.25, 1.0 / 3.0, false), {}, {}),
  };
  qsim::energy::append_csv(path, {reports[0]});
  qsim::energy::append_csv(path, {reports[1]});  // appends; no second header

  const auto rows = parse_csv(slurp(path));
  REQUIRE(rows.size() == 3);
  std::vector<std::string> header;
  {
    std::stringstream s(qsim::energy::csv_header());
    for (std::string col; std::getline(s, col, ',');) header.push_back(col);
  }
  REQUIRE(rows[0] == header);
  auto col = [&](const std::string& name) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    FAIL("no column " << name);
    return std::size_t{0};
  };
  for (std::size_t i = 1; i < rows.size(); ++i) REQUIRE(rows[i].size() == header.size());
  const auto& a = rows[1];
  const auto& b = rows[2];
  CHECK(a[col("label")] == "epoch 0");
  CHECK(a[col("estimated")] == "true");
  CHECK(a[col("source")] == reports[0].measurement.source);
  CHECK(std::stod(a[col("seconds")]) == Approx(1.5));
  CHECK(std::stod(a[col("energy_j")]) == Approx(30.0));
  CHECK(std::stod(a[col("energy_kwh")]) == Approx(30.0 / 3.6e6));
  CHECK(std::stod(a[col("avg_power_w")]) == Approx(20.0));
  CHECK(std::stod(a[col("co2e_g")]) == Approx(30.0 / 3.6e6 * 475));
  CHECK(std::stod(a[col("gates_per_j")]) == Approx(100 / 30.0));
  CHECK(std::stod(a[col("samples_per_j")]) == Approx(8 / 30.0));
  CHECK(std::stod(a[col("bandwidth_gbs")]) == Approx(4096 / 1.5 * 1e-9));
  CHECK(std::stod(a[col("copy_bandwidth_gbs")]) == Approx(10.0));
  CHECK(std::stod(a[col("eta")]) == Approx(4096 / 1.5 / 1e10));

  CHECK(b[col("label")] == "a \"quoted\", comma label");
  CHECK(b[col("estimated")] == "false");
  CHECK(std::stod(b[col("energy_j")]) == Approx(1.0 / 3.0).epsilon(1e-9));  // 10 significant digits
  CHECK(b[col("gates_per_j")].empty());                                     // unknown: empty cell
  CHECK(b[col("eta")].empty());

  SECTION("a file with another header is refused, not corrupted") {
    const auto other = (dir.root() / "other.csv").string();
    std::ofstream(other) << "x,y\n1,2\n";
    CHECK_THROWS_AS(qsim::energy::append_csv(other, reports), qsim::error);
    CHECK(slurp(other) == "x,y\n1,2\n");
  }
  SECTION("an unwritable path throws a qsim::error naming it") {
    CHECK_THROWS_WITH(qsim::energy::append_csv((dir.root() / "no/such/dir.csv").string(), reports),
                      Catch::Contains("no/such/dir.csv"));
  }
}

TEST_CASE("The table labels estimated figures and names every source", "[energy][table]") {
  const std::vector<Report> reports = {
      qsim::energy::make_report(measured("estimated row", 2.0, 10.0, true), {50, 0, 0}, {}),
      qsim::energy::make_report(measured("measured row", 1.0, 4.0, false), {0, 0, 0}, {}),
  };
  std::ostringstream out;
  qsim::energy::print_table(out, reports);
  const std::string s = out.str();
  std::vector<std::string> lines;
  {
    std::stringstream ss(s);
    for (std::string l; std::getline(ss, l);) lines.push_back(l);
  }
  REQUIRE(lines.size() >= 6);
  CHECK(lines[2].rfind("estimated row", 0) == 0);
  CHECK(lines[2].find("~10") != std::string::npos);  // J
  CHECK(lines[2].find("~5") != std::string::npos);   // gates/J and W
  CHECK(lines[2].find("~-") == std::string::npos);   // unknown samples/J: "-", not an estimate
  CHECK(lines[3].rfind("measured row", 0) == 0);
  CHECK(lines[3].find('~') == std::string::npos);
  CHECK(s.find("~ estimated") != std::string::npos);
  CHECK(s.find("energy source: estimated: process CPU time x 3.75 W/core") != std::string::npos);
  CHECK(s.find("energy source: rapl: package-0+dram") != std::string::npos);
  CHECK(s.find("emissions at 475 gCO2e/kWh") != std::string::npos);
}
