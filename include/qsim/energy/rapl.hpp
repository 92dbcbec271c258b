#pragma once
/// Linux powercap RAPL energy counters (package and DRAM domains).

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "qsim/core/config.hpp"

QSIM_BEGIN_NAMESPACE
namespace energy {

/// One RAPL counter: a package or DRAM zone of the powercap tree.
struct RaplDomain {
  std::string name;                 ///< the zone's `name` file: "package-0", "dram"
  std::filesystem::path directory;  ///< e.g. /sys/class/powercap/intel-rapl:0
  std::uint64_t max_range_uj = 0;   ///< max_energy_range_uj: the counter wraps to 0 past this value
};

namespace detail {
// Reads one unsigned decimal number from a sysfs file; nullopt when the file
// is missing, unreadable (energy_uj is root-only on recent kernels) or not a number.
inline std::optional<std::uint64_t> read_counter(const std::filesystem::path& file) noexcept {
  try {
    std::ifstream in(file);
    if (!in) return std::nullopt;
    std::string text;
    if (!(in >> text) || text.empty() || text.size() > 20) return std::nullopt;
    std::uint64_t v = 0;
    for (char ch : text) {
      if (ch < '0' || ch > '9') return std::nullopt;
      const auto digit = static_cast<std::uint64_t>(ch - '0');
      if (v > (UINT64_MAX - digit) / 10) return std::nullopt;
      v = v * 10 + digit;
    }
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

inline std::optional<std::string> read_word(const std::filesystem::path& file) noexcept {
  try {
    std::ifstream in(file);
    std::string word;
    if (in && (in >> word)) return word;
  } catch (...) {
  }
  return std::nullopt;
}
}  // namespace detail

/// Energy a counter advanced from `before` to `after`, with one wrap-around
/// past `max_range` allowed (the kernel resets the counter to 0 there).
inline std::uint64_t counter_delta(std::uint64_t before, std::uint64_t after, std::uint64_t max_range) noexcept {
  if (after >= before) return after - before;
  return max_range >= before ? (max_range - before) + after : after;
}

/**
 * Reads the RAPL energy counters under a powercap folder (by default
 * /sys/class/powercap; tests point it at a fake tree). It sums the top-level
 * package zones and the DRAM zones; core/uncore are parts of a package and
 * psys overlaps everything, so they are skipped to avoid counting twice.
 * Never throws: a missing folder or unreadable file leaves it unavailable,
 * with the reason in problem().
 * @code
 *   qsim::energy::RaplReader rapl;
 *   if (rapl.available()) {
 *     auto before = rapl.read();
 *     work();
 *     auto after = rapl.read();
 *     if (before && after) std::cout << rapl.joules_between(*before, *after) << " J\n";
 *   }
 * @endcode
 * A counter that wraps more than once between two reads cannot be told apart
 * from one wrap: read at least every max_range_uj / power (about an hour on
 * typical CPUs); Scope::poll() does that for long regions.
 */
class RaplReader {
 public:
  explicit RaplReader(std::filesystem::path root = "/sys/class/powercap") : root_(std::move(root)) { discover(); }

  bool available() const noexcept { return !domains_.empty(); }
  const std::vector<RaplDomain>& domains() const noexcept { return domains_; }
  const std::filesystem::path& root() const noexcept { return root_; }
  /// Why zones were skipped or nothing is available ("" when all is well).
  const std::string& problem() const noexcept { return problem_; }

  /// "rapl: package-0+dram"
  std::string describe() const {
    std::string s = "rapl: ";
    for (std::size_t i = 0; i < domains_.size(); ++i) s += (i ? "+" : "") + domains_[i].name;
    return s;
  }

  /// Current counter of every domain in µJ; nullopt if any of them cannot be read now.
  std::optional<std::vector<std::uint64_t>> read() const noexcept {
    try {
      std::vector<std::uint64_t> values;
      values.reserve(domains_.size());
      for (const auto& d : domains_) {
        auto v = detail::read_counter(d.directory / "energy_uj");
        if (!v) return std::nullopt;
        values.push_back(*v);
      }
      return values;
    } catch (...) {
      return std::nullopt;
    }
  }

  /// Joules between two read() results of this reader (wrap-around handled per domain).
  double joules_between(const std::vector<std::uint64_t>& before, const std::vector<std::uint64_t>& after) const {
    double uj = 0;
    const std::size_t n = std::min({before.size(), after.size(), domains_.size()});
    for (std::size_t i = 0; i < n; ++i)
      uj += static_cast<double>(counter_delta(before[i], after[i], domains_[i].max_range_uj));
    return uj * 1e-6;
  }

 private:
  void note(const std::string& what) { problem_ += (problem_.empty() ? "" : "; ") + what; }

  void discover() noexcept {
    try {
      namespace fs = std::filesystem;
      std::error_code ec;
      if (!fs::is_directory(root_, ec)) {
        note("no powercap folder " + root_.string());
        return;
      }
      std::vector<fs::path> zones;
      for (fs::directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string dir = it->path().filename().string();
        // intel-rapl:N (package) and intel-rapl:N:M (subzones); AMD CPUs use the
        // same names. intel-rapl-mmio repeats the package counter, so skip it.
        if (dir.rfind("intel-rapl:", 0) == 0) zones.push_back(it->path());
      }
      if (ec) note("cannot list " + root_.string() + ": " + ec.message());
      std::sort(zones.begin(), zones.end());
      for (const auto& zone : zones) add_zone(zone);
      if (domains_.empty() && problem_.empty()) note("no package or dram zone under " + root_.string());
    } catch (...) {
      domains_.clear();
      note("powercap discovery failed");
    }
  }

  void add_zone(const std::filesystem::path& zone) {
    const std::string dir = zone.filename().string();
    const bool top_level = std::count(dir.begin(), dir.end(), ':') == 1;
    const auto name = detail::read_word(zone / "name");
    if (!name) return note("unreadable " + (zone / "name").string());
    const bool package = top_level && name->rfind("package", 0) == 0;
    if (!package && *name != "dram") return;  // core, uncore, psys: overlap with the package total
    const auto range = detail::read_counter(zone / "max_energy_range_uj");
    if (!range || *range == 0) return note("unreadable " + (zone / "max_energy_range_uj").string());
    if (!detail::read_counter(zone / "energy_uj"))
      return note("unreadable " + (zone / "energy_uj").string() + " (needs root on recent kernels)");
    domains_.push_back({*name, zone, *range});
  }

  std::filesystem::path root_;
  std::vector<RaplDomain> domains_;
  std::string problem_;
};

}  // namespace energy
QSIM_END_NAMESPACE
