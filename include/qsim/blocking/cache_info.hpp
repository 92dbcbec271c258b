#pragma once
// The cache sizes cache blocking is planned for: a chunk must fit in one
// core's L2, and blocking pays only for states larger than the last-level
// cache. Read once from the OS (Linux sysfs, then sysconf), with safe defaults
// where neither answers.
#include <cstdint>
#include <fstream>
#include <string>

#include "qsim/core/config.hpp"

#if defined(__linux__)
#include <unistd.h>
#endif

QSIM_BEGIN_NAMESPACE
namespace blocking {

struct CacheInfo {
  /// One core's L2 (or, without an L2, its L1d) in bytes.
  std::uint64_t l2_bytes = 512 * 1024;
  /// The largest cache level, in bytes (shared by the cores).
  std::uint64_t last_level_bytes = 32ULL << 20;
};

namespace detail {

// "1024K" / "32M" / "512" as sysfs prints cache sizes; 0 if unreadable.
inline std::uint64_t parse_cache_size(const std::string& text) {
  std::uint64_t value = 0;
  std::size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9')
    value = value * 10 + static_cast<unsigned>(text[i++] - '0');
  if (i < text.size() && (text[i] == 'K' || text[i] == 'k')) value <<= 10;
  if (i < text.size() && (text[i] == 'M' || text[i] == 'm')) value <<= 20;
  return value;
}

inline CacheInfo read_cache_info() {
  CacheInfo info;
  std::uint64_t l2 = 0, last = 0;
#if defined(__linux__)
  unsigned last_level = 0;
  for (int index = 0; index < 8; ++index) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
    std::ifstream level_file(dir + "level"), type_file(dir + "type"), size_file(dir + "size");
    unsigned level = 0;
    std::string type, size;
    if (!(level_file >> level) || !(type_file >> type) || !(size_file >> size)) break;
    if (type == "Instruction") continue;
    const std::uint64_t bytes = parse_cache_size(size);
    if (level == 2) l2 = bytes;
    if (level >= last_level && bytes > 0) last_level = level, last = bytes;
  }
#if defined(_SC_LEVEL2_CACHE_SIZE)
  if (l2 == 0) {
    const long v = sysconf(_SC_LEVEL2_CACHE_SIZE);
    if (v > 0) l2 = static_cast<std::uint64_t>(v);
  }
#endif
#endif
  // Hypervisors report odd sizes; anything outside these bounds is ignored.
  if (l2 >= (64U << 10) && l2 <= (64U << 20)) info.l2_bytes = l2;
  if (last >= info.l2_bytes && last <= (4ULL << 30)) info.last_level_bytes = last;
  return info;
}

}  // namespace detail

/// This machine's cache sizes (read on the first call).
inline const CacheInfo& cache_info() {
  static const CacheInfo info = detail::read_cache_info();
  return info;
}

}  // namespace blocking
QSIM_END_NAMESPACE
