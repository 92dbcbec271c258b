// The NVML reader and the Meter's GPU share, against a fake libnvidia-ml
// (tests/support/fake_nvml.cpp) loaded the same way as the real one.
#include <dlfcn.h>

#include <catch2/catch.hpp>

#include <qsim/qsim.hpp>
#include <string>

#ifndef QSIM_FAKE_NVML
#error "QSIM_FAKE_NVML must name the fake NVML library"
#endif

namespace {
// The steering functions of the fake, from the copy the reader loaded
// (dlopen of the same path returns the same handle).
struct FakeControls {
  void* lib = dlopen(QSIM_FAKE_NVML, RTLD_NOW | RTLD_LOCAL);
  void (*add)(unsigned,
              unsigned long long) = reinterpret_cast<void (*)(unsigned, unsigned long long)>(dlsym(lib,
                                                                                                   "fake_nvml_add"));
  void (*fail)(bool) = reinterpret_cast<void (*)(bool)>(dlsym(lib, "fake_nvml_fail"));
  bool (*initialised)() = reinterpret_cast<bool (*)()>(dlsym(lib, "fake_nvml_initialised"));
  ~FakeControls() {
    if (lib) dlclose(lib);
  }
};
}  // namespace

TEST_CASE("NVML reader sums the energy counters of every GPU", "[energy][nvml]") {
  FakeControls fake;
  REQUIRE((fake.lib && fake.add && fake.fail && fake.initialised));
  {
    qsim::energy::NvmlReader gpu(QSIM_FAKE_NVML);
    REQUIRE(gpu.available());
    CHECK(gpu.num_devices() == 2);
    CHECK(gpu.describe() == "nvml: 2 gpu");
    CHECK(fake.initialised());
    const auto before = gpu.read_millijoules();
    REQUIRE(before);
    fake.add(0, 1500);
    fake.add(1, 250);
    const auto after = gpu.read_millijoules();
    REQUIRE(after);
    CHECK(*after - *before == 1750);
    fake.fail(true);
    CHECK_FALSE(gpu.read_millijoules().has_value());
    fake.fail(false);
  }
  CHECK_FALSE(fake.initialised());  // the reader shut NVML down
}

TEST_CASE("Meter adds GPU joules and keeps the CPU label", "[energy][nvml][meter]") {
  FakeControls fake;
  REQUIRE(fake.add);
  qsim::energy::MeterOptions o;
  o.powercap_root = "/nonexistent/qsim/powercap";
  o.nvml_library = QSIM_FAKE_NVML;
  o.watts_per_core = 2.0;
  qsim::energy::Meter meter(o);
  REQUIRE(meter.has_nvml());
  CHECK(meter.describe().find(" + nvml: 2 gpu") != std::string::npos);

  const auto a = meter.snapshot();
  fake.add(1, 3000);  // 3 J on the second GPU
  const auto m = meter.between(a, meter.snapshot(), "gpu region");
  CHECK(m.gpu_joules == Approx(3.0));
  CHECK(m.cpu_joules == Approx(2.0 * m.cpu_seconds));
  CHECK(m.joules == Approx(m.cpu_joules + 3.0));
  CHECK(m.estimated);  // the CPU side is still an estimate
  CHECK(m.source.find("estimated") == 0);
  CHECK(m.source.find("+ nvml: 2 gpu") != std::string::npos);

  fake.fail(true);  // a failing GPU read drops the GPU share, with a note, and does not throw
  const auto b = meter.snapshot();
  const auto m2 = meter.between(b, meter.snapshot());
  fake.fail(false);
  CHECK(m2.gpu_joules == 0);
  CHECK(m2.source.find("nvml read failed") != std::string::npos);
}

TEST_CASE("NVML reader without the library or its functions is unavailable, not an error", "[energy][nvml]") {
  qsim::energy::NvmlReader missing("libqsim-no-such-nvml.so");
  CHECK_FALSE(missing.available());
  CHECK(missing.problem().find("libqsim-no-such-nvml.so") != std::string::npos);
  CHECK_FALSE(missing.read_millijoules().has_value());

  qsim::energy::NvmlReader wrong("libm.so.6");  // a real library without NVML's functions
  CHECK_FALSE(wrong.available());
  CHECK(wrong.problem().find("lacks the NVML energy functions") != std::string::npos);
}
