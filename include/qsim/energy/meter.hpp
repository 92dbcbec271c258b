#pragma once
/// The meter: picks the best energy source of this machine, and the RAII
/// Scope that measures one region of code with it.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/energy/cpu_time.hpp"
#include "qsim/energy/measurement.hpp"
#include "qsim/energy/nvml.hpp"
#include "qsim/energy/rapl.hpp"

QSIM_BEGIN_NAMESPACE
namespace energy {

/// Where a Meter looks for energy and how it estimates without sensors.
struct MeterOptions {
  /// Folder of the powercap tree (tests point it at a fake one).
  std::filesystem::path powercap_root = "/sys/class/powercap";
  bool use_rapl = true;  ///< read RAPL package + DRAM counters when readable
  bool use_nvml = true;  ///< add NVIDIA GPU energy when the driver library and a GPU are present
  /// Power of one busy core for the CPU-time estimate (used when RAPL is absent or fails).
  double watts_per_core = default_watts_per_core;
  /// File name dlopen'ed for NVML.
  std::string nvml_library = "libnvidia-ml.so.1";
};

/// The counters of every source at one instant; Meter::between() turns two into a Measurement.
struct Snapshot {
  std::chrono::steady_clock::time_point time{};
  double cpu_seconds = 0;
  std::optional<std::vector<std::uint64_t>> rapl_uj;
  std::optional<std::uint64_t> nvml_mj;
};

/**
 * Measures energy with the best source the machine has: RAPL counters for
 * the CPU side when readable, otherwise an estimate from process CPU time
 * (labelled "estimated"); plus NVML for NVIDIA GPUs when present. Building a
 * Meter never throws because of a missing or unreadable sensor, and neither
 * does measuring: a sensor that fails mid-run falls back to the estimate for
 * that region, and the Measurement's `source` says so. One Meter may be
 * shared by many (nested or concurrent) Scopes.
 * @code
 *   qsim::energy::Meter meter;                      // or Meter({.watts_per_core = 5.0}) in C++20
 *   std::cout << meter.describe() << "\n";          // "estimated: process CPU time x 3.75 W/core"
 *   qsim::energy::Measurement m = meter.measure("circuit", [&] { sim.apply(c, psi); });
 * @endcode
 */
class Meter {
 public:
  /// Throws invalid_argument only for a bad `watts_per_core`; missing sensors never throw.
  explicit Meter(MeterOptions options = {}) : estimator_(options.watts_per_core), options_(std::move(options)) {
    if (options_.use_rapl) rapl_ = std::make_unique<RaplReader>(options_.powercap_root);
    if (options_.use_nvml) nvml_ = std::make_unique<NvmlReader>(options_.nvml_library);
  }

  bool has_rapl() const noexcept { return rapl_ && rapl_->available(); }
  bool has_nvml() const noexcept { return nvml_ && nvml_->available(); }
  /// True when figures will be estimates (no readable CPU sensor).
  bool estimates() const noexcept { return !has_rapl(); }
  const RaplReader* rapl() const noexcept { return rapl_.get(); }
  const NvmlReader* nvml() const noexcept { return nvml_.get(); }
  const CpuTimeEstimator& estimator() const noexcept { return estimator_; }
  const MeterOptions& options() const noexcept { return options_; }

  /// The sources a measurement will use, as its `source` will read.
  std::string describe() const {
    std::string s = has_rapl() ? rapl_->describe() : estimator_.describe() + why_no_rapl();
    if (has_nvml()) s += " + " + nvml_->describe();
    return s;
  }

  Snapshot snapshot() const noexcept {
    Snapshot s;
    s.time = std::chrono::steady_clock::now();
    s.cpu_seconds = process_cpu_seconds();
    if (has_rapl()) s.rapl_uj = rapl_->read();
    if (has_nvml()) s.nvml_mj = nvml_->read_millijoules();
    return s;
  }

  /// The Measurement of the interval between two snapshots of this meter.
  Measurement between(const Snapshot& a, const Snapshot& b, std::string label = {}) const {
    Measurement m;
    m.label = std::move(label);
    m.seconds = std::chrono::duration<double>(b.time - a.time).count();
    m.cpu_seconds = b.cpu_seconds - a.cpu_seconds;
    if (has_rapl() && a.rapl_uj && b.rapl_uj) {
      m.cpu_joules = rapl_->joules_between(*a.rapl_uj, *b.rapl_uj);
      m.source = rapl_->describe();
    } else {
      m.cpu_joules = estimator_.joules(m.cpu_seconds);
      m.estimated = true;
      m.source = estimator_.describe() + (has_rapl() ? " (rapl read failed)" : why_no_rapl());
    }
    if (has_nvml()) {
      if (a.nvml_mj && b.nvml_mj && *b.nvml_mj >= *a.nvml_mj) {
        m.gpu_joules = 1e-3 * static_cast<double>(*b.nvml_mj - *a.nvml_mj);
        m.source += " + " + nvml_->describe();
      } else {
        m.source += " + nvml read failed (gpu not counted)";
      }
    }
    m.joules = m.cpu_joules + m.gpu_joules;
    return m;
  }

  /// Runs `f()` and returns its Measurement.
  template <class F>
  Measurement measure(std::string label, F&& f) const {
    const Snapshot a = snapshot();
    std::forward<F>(f)();
    return between(a, snapshot(), std::move(label));
  }

 private:
  std::string why_no_rapl() const {
    if (!options_.use_rapl) return " (rapl disabled)";
    return rapl_->problem().empty() ? std::string() : " (" + rapl_->problem() + ")";
  }

  CpuTimeEstimator estimator_;
  MeterOptions options_;
  std::unique_ptr<RaplReader> rapl_;
  std::unique_ptr<NvmlReader> nvml_;
};

/// A process-wide Meter with default options, built on first use.
inline const Meter& default_meter() {
  static const Meter meter;
  return meter;
}

/**
 * Measures the region from its construction to stop() (or to its
 * destruction, which appends the Measurement to `sink` when one was given).
 * @code
 *   std::vector<qsim::energy::Measurement> log;
 *   for (int epoch = 0; epoch < 10; ++epoch) {
 *     qsim::energy::Scope scope(meter, "epoch " + std::to_string(epoch), &log);
 *     train_one_epoch();
 *   }                                               // one Measurement per epoch in log
 * @endcode
 */
class Scope {
 public:
  explicit Scope(const Meter& meter, std::string label = {}, std::vector<Measurement>* sink = nullptr)
      : meter_(meter), label_(std::move(label)), sink_(sink), start_(meter.snapshot()), last_(start_) {}
  explicit Scope(std::string label = {}, std::vector<Measurement>* sink = nullptr)
      : Scope(default_meter(), std::move(label), sink) {}
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

  ~Scope() {
    if (!stopped_ && sink_) {
      try {
        sink_->push_back(stop());
      } catch (...) {  // a destructor must not throw; the region is lost, not the program
      }
    }
  }

  /// The region so far, without ending it. Calling it at least once per
  /// counter period keeps long regions safe from double wrap-around.
  Measurement poll() {
    if (stopped_) return result_;
    const Snapshot now = meter_.snapshot();
    accumulate(now);
    Measurement m = total_;
    m.label = label_;
    m.seconds = std::chrono::duration<double>(now.time - start_.time).count();
    m.cpu_seconds = now.cpu_seconds - start_.cpu_seconds;
    return m;
  }

  /// Ends the region and returns its Measurement; later calls return the same.
  Measurement stop() {
    if (!stopped_) {
      result_ = poll();
      stopped_ = true;
    }
    return result_;
  }

 private:
  // Adds the interval since the previous poll, so each counter read is at
  // most one polling interval from the last.
  void accumulate(const Snapshot& now) {
    const Measurement step = meter_.between(last_, now);
    total_.cpu_joules += step.cpu_joules;
    total_.gpu_joules += step.gpu_joules;
    total_.joules += step.joules;
    total_.estimated = total_.estimated || step.estimated;
    if (total_.source.empty() || step.estimated) total_.source = step.source;
    last_ = now;
  }

  const Meter& meter_;
  std::string label_;
  std::vector<Measurement>* sink_;
  Snapshot start_, last_;
  Measurement total_, result_;
  bool stopped_ = false;
};

}  // namespace energy
QSIM_END_NAMESPACE
