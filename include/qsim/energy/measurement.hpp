#pragma once
/// What a meter returns for one region of code: time, energy, and where the
/// energy figure came from.

#include <string>

#include "qsim/core/config.hpp"

QSIM_BEGIN_NAMESPACE
namespace energy {

/**
 * Energy and time of one measured region.
 * @code
 *   qsim::energy::Meter meter;
 *   qsim::energy::Scope scope(meter, "forward pass");
 *   run_circuit();
 *   qsim::energy::Measurement m = scope.stop();
 *   std::cout << m.joules << " J (" << m.source << ")\n";   // "estimated: ..." on machines without sensors
 * @endcode
 */
struct Measurement {
  std::string label;       ///< what was measured ("epoch 3", "random circuit, float, fused")
  double seconds = 0;      ///< wall-clock duration (steady clock)
  double cpu_seconds = 0;  ///< CPU time of the whole process (all threads) over the region
  double cpu_joules = 0;   ///< energy of the CPU side: RAPL package + DRAM, or the CPU-time estimate
  double gpu_joules = 0;   ///< energy of NVIDIA GPUs read through NVML (0 without one)
  double joules = 0;       ///< cpu_joules + gpu_joules
  bool estimated = false;  ///< true when any part of `joules` is an estimate rather than a sensor reading
  std::string source;      ///< which sources gave `joules`, e.g. "rapl: package-0+dram" or "estimated: ..."

  /// Average power over the region in W (0 for an empty region).
  double watts() const noexcept { return seconds > 0 ? joules / seconds : 0.0; }
};

}  // namespace energy
QSIM_END_NAMESPACE
