// Energy sources: the RAPL reader against fake powercap trees (wrap-around,
// unreadable files), the CPU-time estimator, and the Meter's fallback.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <map>
#include <qsim/qsim.hpp>
#include <string>
#include <vector>

#include "support/fake_powercap.hpp"

using qsim::energy::counter_delta;
using qsim::energy::Meter;
using qsim::energy::MeterOptions;
using qsim::energy::RaplReader;
using test_support::FakePowercap;

namespace {

MeterOptions fake_options(const FakePowercap& tree, double watts = 5.0) {
  MeterOptions o;
  o.powercap_root = tree.root();
  o.use_nvml = false;
  o.watts_per_core = watts;
  return o;
}

// Burns about `seconds` of CPU time in this thread.
double spin(double seconds) {
  const double start = qsim::energy::process_cpu_seconds();
  volatile double x = 0;
  while (qsim::energy::process_cpu_seconds() - start < seconds)
    for (int i = 0; i < 10000; ++i) x = x + std::sqrt(static_cast<double>(i));
  return x;
}

// A package with a core subzone, a dram zone, psys and the mmio duplicate:
// only package-0 and dram count.
void typical_tree(FakePowercap& t) {
  t.zone("intel-rapl:0", "package-0", 1000000, 262143328850);
  t.zone("intel-rapl:0:0", "core", 500000, 262143328850);
  t.zone("intel-rapl:0:1", "dram", 200000, 65712999613);
  t.zone("intel-rapl:1", "psys", 9000000, 262143328850);
  t.zone("intel-rapl-mmio:0", "package-0", 1000000, 262143328850);
}

}  // namespace

TEST_CASE("counter_delta handles one wrap-around", "[energy][rapl]") {
  CHECK(counter_delta(100, 250, 1000) == 150);
  CHECK(counter_delta(900, 900, 1000) == 0);
  CHECK(counter_delta(900, 50, 1000) == 150);  // 900 -> 1000 -> 0 -> 50
  CHECK(counter_delta(1000, 0, 1000) == 0);    // exactly at the range: wrapped to 0
  CHECK(counter_delta(500, 10, 100) == 10);    // inconsistent range: count only what is certain
}

TEST_CASE("RAPL reader finds package and dram zones and skips overlapping ones", "[energy][rapl]") {
  FakePowercap t;
  typical_tree(t);
  RaplReader r(t.root());
  REQUIRE(r.available());
  REQUIRE(r.domains().size() == 2);
  CHECK(r.domains()[0].name == "package-0");
  CHECK(r.domains()[1].name == "dram");
  CHECK(r.domains()[1].max_range_uj == 65712999613ULL);
  CHECK(r.describe() == "rapl: package-0+dram");
  CHECK(r.problem().empty());

  auto before = r.read();
  REQUIRE(before);
  CHECK(*before == std::vector<std::uint64_t>{1000000, 200000});
  t.set("intel-rapl:0", 4500000);    // +3.5 J
  t.set("intel-rapl:0:0", 9000000);  // core: inside the package, not added
  t.set("intel-rapl:0:1", 700000);   // +0.5 J
  t.set("intel-rapl:1", 99000000);   // psys: not added
  auto after = r.read();
  REQUIRE(after);
  CHECK(r.joules_between(*before, *after) == Approx(4.0));
}

TEST_CASE("RAPL reader handles wrap-around through max_energy_range_uj", "[energy][rapl]") {
  FakePowercap t;
  t.zone("intel-rapl:0", "package-0", 999000000, 1000000000);  // a 1 kJ range, 1 J before its end
  t.zone("intel-rapl:0:2", "dram", 10, 500000000);
  RaplReader r(t.root());
  auto before = r.read();
  t.set("intel-rapl:0", 2000000);   // wrapped: 1 J to the end + 2 J after
  t.set("intel-rapl:0:2", 250000);  // no wrap: 0.24999 J
  auto after = r.read();
  REQUIRE((before && after));
  CHECK(r.joules_between(*before, *after) == Approx(3.0 + 0.24999));
}

TEST_CASE("RAPL reader skips unreadable zones and never throws", "[energy][rapl]") {
  SECTION("no powercap folder") {
    RaplReader r("/nonexistent/qsim/powercap");
    CHECK_FALSE(r.available());
    CHECK(r.problem().find("no powercap folder") != std::string::npos);
    REQUIRE(r.read().has_value());  // zero domains read as an empty vector
    CHECK(r.read()->empty());
  }
  SECTION("energy_uj is not a readable file") {
    FakePowercap t;
    t.zone("intel-rapl:0", "package-0", 1, 1000);
    t.remove("intel-rapl:0/energy_uj");
    std::filesystem::create_directories(t.root() / "intel-rapl:0/energy_uj");  // reading a folder fails
    RaplReader r(t.root());
    CHECK_FALSE(r.available());
    CHECK(r.problem().find("energy_uj") != std::string::npos);
  }
  SECTION("garbage, empty and missing files") {
    FakePowercap t;
    t.zone("intel-rapl:0", "package-0", 1, 1000);
    t.write("intel-rapl:0/energy_uj", "n/a\n");
    t.zone("intel-rapl:1", "package-1", 1, 1000);
    t.write("intel-rapl:1/max_energy_range_uj", "");
    t.zone("intel-rapl:2", "package-2", 1, 1000);
    t.remove("intel-rapl:2/name");
    t.zone("intel-rapl:3", "package-3", 5, 1000);  // the one good zone
    t.zone("intel-rapl:4", "package-4", 1, 1000);
    t.write("intel-rapl:4/energy_uj", "99999999999999999999999\n");  // overflows 64 bits
    RaplReader r(t.root());
    REQUIRE(r.domains().size() == 1);
    CHECK(r.domains()[0].name == "package-3");
    CHECK(r.problem().find("intel-rapl:0/energy_uj") != std::string::npos);
    CHECK(r.problem().find("intel-rapl:1/max_energy_range_uj") != std::string::npos);
    CHECK(r.problem().find("intel-rapl:2/name") != std::string::npos);
    CHECK(r.problem().find("intel-rapl:4/energy_uj") != std::string::npos);
  }
  SECTION("a counter that disappears after discovery") {
    FakePowercap t;
    typical_tree(t);
    RaplReader r(t.root());
    REQUIRE(r.available());
    t.remove("intel-rapl:0:1/energy_uj");
    CHECK_FALSE(r.read().has_value());
  }
}

TEST_CASE("CPU-time estimator arithmetic", "[energy][estimate]") {
  qsim::energy::CpuTimeEstimator est(4.0);
  CHECK(est.joules(2.5) == Approx(10.0));
  CHECK(est.joules(0) == 0);
  CHECK(est.joules(-1) == 0);
  CHECK(est.describe() == "estimated: process CPU time x 4 W/core");
  CHECK(qsim::energy::CpuTimeEstimator().watts_per_core() == Approx(3.75));
  CHECK(qsim::energy::CpuTimeEstimator(3.75).describe() == "estimated: process CPU time x 3.75 W/core");
  CHECK_THROWS_AS(qsim::energy::CpuTimeEstimator(-1.0), qsim::invalid_argument);
  CHECK_THROWS_AS(qsim::energy::CpuTimeEstimator(std::nan("")), qsim::invalid_argument);
  CHECK_THROWS_WITH(qsim::energy::CpuTimeEstimator(-2.0), Catch::Contains("-2"));
}

TEST_CASE("Meter reads RAPL when the tree is readable", "[energy][meter]") {
  FakePowercap t;
  typical_tree(t);
  Meter meter(fake_options(t));
  REQUIRE(meter.has_rapl());
  CHECK_FALSE(meter.estimates());
  const auto a = meter.snapshot();
  t.set("intel-rapl:0", 3000000);
  t.set("intel-rapl:0:1", 300000);
  const auto b = meter.snapshot();
  const auto m = meter.between(a, b, "region");
  CHECK_FALSE(m.estimated);
  CHECK(m.source == "rapl: package-0+dram");
  CHECK(m.joules == Approx(2.1));
  CHECK(m.cpu_joules == Approx(2.1));
  CHECK(m.gpu_joules == 0);
  CHECK(m.label == "region");
  CHECK(m.seconds >= 0);
}

TEST_CASE("Meter falls back to the labelled estimate and never throws", "[energy][meter]") {
  SECTION("no sensors at all") {
    MeterOptions o;
    o.powercap_root = "/nonexistent/qsim/powercap";
    o.nvml_library = "libqsim-no-such-nvml.so";
    o.watts_per_core = 5.0;
    Meter meter(o);
    CHECK_FALSE(meter.has_rapl());
    CHECK_FALSE(meter.has_nvml());
    CHECK(meter.estimates());
    CHECK(meter.nvml()->problem().find("libqsim-no-such-nvml.so") != std::string::npos);
    const auto m = meter.measure("spin", [] { spin(0.05); });
    CHECK(m.estimated);
    CHECK(m.source.rfind("estimated: process CPU time x 5 W/core", 0) == 0);
    CHECK(m.source.find("no powercap folder") != std::string::npos);
    CHECK(m.cpu_seconds >= 0.05);
    CHECK(m.joules == Approx(5.0 * m.cpu_seconds));
    CHECK(m.watts() == Approx(m.joules / m.seconds));
    CHECK(meter.describe().rfind("estimated", 0) == 0);
  }
  SECTION("the RAPL counter fails during the region") {
    FakePowercap t;
    typical_tree(t);
    Meter meter(fake_options(t, 2.0));
    REQUIRE(meter.has_rapl());
    const auto a = meter.snapshot();
    spin(0.02);
    t.remove("intel-rapl:0/energy_uj");
    const auto m = meter.between(a, meter.snapshot());
    CHECK(m.estimated);
    CHECK(m.source.find("rapl read failed") != std::string::npos);
    CHECK(m.joules == Approx(2.0 * m.cpu_seconds));
  }
  SECTION("RAPL disabled") {
    FakePowercap t;
    typical_tree(t);
    auto o = fake_options(t);
    o.use_rapl = false;
    Meter meter(o);
    CHECK(meter.estimates());
    CHECK(meter.describe().find("(rapl disabled)") != std::string::npos);
  }
  SECTION("the default meter on this machine") {
    const Meter& meter = qsim::energy::default_meter();
    const auto m = meter.measure("spin", [] { spin(0.01); });
    CHECK(m.joules > 0);
    CHECK(m.estimated == meter.estimates());
    CHECK(m.source.find(meter.estimates() ? "estimated" : "rapl") != std::string::npos);
  }
}

TEST_CASE("Scope measures a region, logs it on destruction and polls across wraps", "[energy][meter]") {
  FakePowercap t;
  t.zone("intel-rapl:0", "package-0", 100, 1000);  // a tiny range: 1 mJ
  Meter meter(fake_options(t));
  std::vector<qsim::energy::Measurement> log;
  {
    qsim::energy::Scope scope(meter, "epoch 0", &log);
    // Three wraps over the region, each seen by a poll: 900 + 999 + 999 + 49 µJ.
    t.set("intel-rapl:0", 0);
    CHECK(scope.poll().joules == Approx(900e-6));
    t.set("intel-rapl:0", 999);
    scope.poll();
    t.set("intel-rapl:0", 998);
    scope.poll();
    t.set("intel-rapl:0", 47);
  }
  REQUIRE(log.size() == 1);
  CHECK(log[0].label == "epoch 0");
  CHECK(log[0].joules == Approx((900 + 999 + 999 + 49) * 1e-6));
  CHECK_FALSE(log[0].estimated);

  qsim::energy::Scope scope(meter, "stopped", &log);
  const auto first = scope.stop();
  t.set("intel-rapl:0", 500);
  CHECK(scope.stop().joules == first.joules);  // stop() is final
}

TEST_CASE("BenchmarkEnergy sets joules per gate, power and label", "[energy][bench]") {
  struct FakeBenchState {
    std::map<std::string, double> counters;
    std::string label;
    std::int64_t iterations() const { return 4; }
    void SetLabel(const std::string& s) { label = s; }
  };
  FakePowercap t;
  t.zone("intel-rapl:0", "package-0", 0, 1000000000);
  Meter meter(fake_options(t));
  FakeBenchState st;
  {
    qsim::energy::BenchmarkEnergy<FakeBenchState> energy(st, 10.0, "gate", meter);
    t.set("intel-rapl:0", 8000000);  // 8 J over 4 iterations x 10 gates
  }
  CHECK(st.counters.at("J_per_gate") == Approx(0.2));
  CHECK(st.counters.count("W") == 1);
  CHECK(st.label == "rapl: package-0");
}

TEST_CASE("copy bandwidth measurement", "[energy][bandwidth]") {
  CHECK(qsim::energy::measure_copy_bandwidth(std::size_t{1} << 20, 2, 1) > 0);
  CHECK_THROWS_AS(qsim::energy::measure_copy_bandwidth(16), qsim::invalid_argument);
  CHECK_THROWS_AS(qsim::energy::measure_copy_bandwidth(1 << 20, 0), qsim::invalid_argument);
}
