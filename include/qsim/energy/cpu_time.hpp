#pragma once
/// The fallback when no energy sensor is readable: process CPU time times a
/// per-core power figure.

#include <cmath>
#include <ctime>
#include <string>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

QSIM_BEGIN_NAMESPACE
namespace energy {

/**
 * Default power drawn by one fully busy core, in W: the default TDP of an AMD
 * EPYC 9654 (Zen 4 "Genoa", the microarchitecture of the machine this library
 * is tuned on), 360 W, shared by its 96 cores. It sits close to Cloud Carbon
 * Footprint's AWS average of 3.5 W per busy vCPU. It leaves out DRAM, idle
 * uncore power and the power supply, so estimates are low rather than high.
 */
inline constexpr double default_watts_per_core = 360.0 / 96.0;

/// CPU time used so far by all threads of this process, in seconds (0 if the clock is unavailable).
inline double process_cpu_seconds() noexcept {
  timespec ts{};
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) return 0.0;
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

/**
 * Energy from CPU time: each second one core spends running this process
 * costs `watts_per_core` joules. Two threads busy for 1 s are 2 CPU-seconds.
 * @code
 *   qsim::energy::CpuTimeEstimator est(4.0);   // 4 W per busy core
 *   double j = est.joules(2.5);                // 10 J
 * @endcode
 */
class CpuTimeEstimator {
 public:
  /// Throws invalid_argument for a negative or non-finite power.
  explicit CpuTimeEstimator(double watts_per_core = default_watts_per_core) : watts_(watts_per_core) {
    if (!(std::isfinite(watts_per_core) && watts_per_core >= 0))
      throw invalid_argument("power per core must be a finite number of watts >= 0, got " +
                             std::to_string(watts_per_core));
  }

  double watts_per_core() const noexcept { return watts_; }
  /// Joules for `cpu_seconds` of process CPU time (negative intervals count as 0).
  double joules(double cpu_seconds) const noexcept { return cpu_seconds > 0 ? cpu_seconds * watts_ : 0.0; }
  /// How the estimate is made, for the `source` of a Measurement.
  std::string describe() const {
    std::string w = std::to_string(watts_);
    w.erase(w.find_last_not_of('0') + 1);  // "3.750000" -> "3.75"
    if (!w.empty() && w.back() == '.') w.pop_back();
    return "estimated: process CPU time x " + w + " W/core";
  }

 private:
  double watts_;
};

}  // namespace energy
QSIM_END_NAMESPACE
