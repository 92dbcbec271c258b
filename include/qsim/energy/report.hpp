#pragma once
/// Turns a Measurement and the work done into the figures users act on:
/// kWh, average power, emissions and efficiency.

#include <cmath>
#include <limits>
#include <string>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/energy/measurement.hpp"

QSIM_BEGIN_NAMESPACE
namespace energy {

/**
 * Default grid carbon intensity in gCO2e per kWh: the world average that
 * CodeCarbon falls back to when it does not know the region (475 g/kWh,
 * from the IEA's Global Energy & CO2 Status Report 2019). Set
 * ReportOptions::grid_gco2e_per_kwh to your grid's figure: it varies from
 * about 20 (hydro, nuclear) to over 700 (coal) between countries.
 */
inline constexpr double default_grid_gco2e_per_kwh = 475.0;

/// The useful output of a region: what the efficiency figures divide by.
struct Work {
  double gates = 0;    ///< gates applied (count each gate of the circuit once, fused or not)
  double samples = 0;  ///< training samples processed (or shots drawn)
  double bytes = 0;    ///< memory traffic: read + written; an unfused gate pass over a state of B bytes is 2B
};

/// How a Report converts energy: grid intensity and the bandwidth eta is relative to.
struct ReportOptions {
  double grid_gco2e_per_kwh = default_grid_gco2e_per_kwh;
  /// Measured copy bandwidth in B/s (measure_copy_bandwidth()); 0 leaves eta unknown.
  double copy_bytes_per_second = 0;
};

/**
 * The figures of one region. Unknown figures (no gates, no bandwidth
 * reference, zero energy) are NaN; printing and CSV show them empty. When
 * `measurement.estimated` is true every energy-derived figure here (J, kWh,
 * W, gCO2e, gates/J, samples/J) is an estimate.
 */
struct Report {
  Measurement measurement;
  Work work;
  double grid_gco2e_per_kwh = default_grid_gco2e_per_kwh;
  double copy_bytes_per_second = 0;

  double joules() const noexcept { return measurement.joules; }
  double kwh() const noexcept { return measurement.joules / 3.6e6; }
  double seconds() const noexcept { return measurement.seconds; }
  double watts() const noexcept { return measurement.watts(); }
  double gco2e() const noexcept { return kwh() * grid_gco2e_per_kwh; }
  double gates_per_joule() const noexcept { return ratio(work.gates, measurement.joules); }
  double samples_per_joule() const noexcept { return ratio(work.samples, measurement.joules); }
  /// Achieved memory bandwidth in B/s (work.bytes / seconds).
  double bytes_per_second() const noexcept { return ratio(work.bytes, measurement.seconds); }
  /// eta: achieved bandwidth as a fraction of the measured copy bandwidth.
  /// It can pass 1: with fusion work.bytes counts the traffic of the unfused
  /// passes, and an in-place pass avoids the write-allocate read a copy pays.
  double eta() const noexcept { return ratio(bytes_per_second(), copy_bytes_per_second); }
  bool estimated() const noexcept { return measurement.estimated; }

 private:
  static double ratio(double num, double den) noexcept {
    return num > 0 && den > 0 && std::isfinite(num) ? num / den : std::numeric_limits<double>::quiet_NaN();
  }
};

/**
 * Builds a Report.
 * @code
 *   auto m = meter.measure("circuit", [&] { sim.apply(c, psi); });
 *   qsim::energy::Work w{double(c.size()), 0, 2.0 * c.size() * psi.size() * sizeof(psi[0])};
 *   auto r = qsim::energy::make_report(m, w, {qsim::energy::default_grid_gco2e_per_kwh, copy_bw});
 * @endcode
 */
inline Report make_report(const Measurement& m, const Work& work, const ReportOptions& options = {}) {
  auto check = [](double v, const char* what) {
    if (!(std::isfinite(v) && v >= 0))
      throw invalid_argument(std::string(what) + " must be finite and >= 0, got " + std::to_string(v));
  };
  check(work.gates, "work.gates");
  check(work.samples, "work.samples");
  check(work.bytes, "work.bytes");
  check(options.grid_gco2e_per_kwh, "grid intensity (gCO2e/kWh)");
  check(options.copy_bytes_per_second, "copy bandwidth (B/s)");
  return Report{m, work, options.grid_gco2e_per_kwh, options.copy_bytes_per_second};
}

}  // namespace energy
QSIM_END_NAMESPACE
