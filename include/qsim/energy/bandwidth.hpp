#pragma once
/// The machine's measured copy bandwidth: the denominator of the efficiency
/// figure eta = achieved bandwidth / copy bandwidth.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

QSIM_BEGIN_NAMESPACE
namespace energy {

/**
 * Best-of-`repeats` memcpy bandwidth in bytes per second, counting bytes
 * read plus bytes written (a copy of B bytes moves 2B), the same way a gate
 * pass over a state of B bytes counts 2B. `threads` = 0 uses OpenMP's
 * default; 1 measures one core. Use a buffer much larger than the last-level
 * cache (the default 256 MiB) or the figure is the cache's, not DRAM's.
 * @code
 *   double bw = qsim::energy::measure_copy_bandwidth();          // e.g. 5.6e10 (B/s)
 * @endcode
 */
inline double measure_copy_bandwidth(std::size_t bytes = std::size_t{256} << 20, int repeats = 3,
                                     unsigned threads = 0) {
  if (bytes < 4096) throw invalid_argument("copy bandwidth buffer of " + std::to_string(bytes) + " bytes is too small");
  if (repeats < 1) throw invalid_argument("copy bandwidth needs at least 1 repeat, got " + std::to_string(repeats));
  std::unique_ptr<char[]> src(new char[bytes]), dst(new char[bytes]);
  int nthreads = 1;
#ifdef _OPENMP
  nthreads = threads ? static_cast<int>(threads) : omp_get_max_threads();
#else
  (void)threads;
#endif
  const std::size_t chunk = (bytes + static_cast<std::size_t>(nthreads) - 1) / static_cast<std::size_t>(nthreads);
  // First touch from the same threads that copy, so pages land near them.
  auto copy_all = [&](bool fill) {
#ifdef _OPENMP
#pragma omp parallel for num_threads(nthreads) schedule(static)
#endif
    for (int t = 0; t < nthreads; ++t) {
      const std::size_t lo = std::min(bytes, chunk * static_cast<std::size_t>(t));
      const std::size_t len = std::min(bytes, lo + chunk) - lo;
      if (fill) {
        std::memset(src.get() + lo, t + 1, len);
        std::memset(dst.get() + lo, 0, len);
      } else {
        std::memcpy(dst.get() + lo, src.get() + lo, len);
      }
    }
  };
  copy_all(true);
  double best = 0;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    copy_all(false);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s > 0) best = std::max(best, 2.0 * static_cast<double>(bytes) / s);
  }
  if (dst[bytes - 1] != src[bytes - 1]) throw error("copy bandwidth: the copy did not happen");
  return best;
}

}  // namespace energy
QSIM_END_NAMESPACE
