#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <new>
#include <sstream>
#include <string>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

QSIM_BEGIN_NAMESPACE
namespace detail {

/// Bytes the OS says can still be allocated without swapping. Linux's
/// MemAvailable counts reclaimable cache too, which is what matters for a big
/// state; elsewhere we cannot tell and report "unlimited".
inline std::uint64_t available_memory_bytes() {
#if defined(__linux__)
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t value = 0;
  std::string unit;
  while (meminfo >> key >> value >> unit) {
    if (key == "MemAvailable:") return value * 1024ULL;
  }
  const long pages = sysconf(_SC_AVPHYS_PAGES);
  const long page_size = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page_size > 0) return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size);
#endif
  return std::numeric_limits<std::uint64_t>::max();
}

inline std::string human_bytes(long double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024.0L && u < 6) {
    bytes /= 1024.0L;
    ++u;
  }
  std::ostringstream out;
  out.precision(3);
  out << static_cast<double>(bytes) << ' ' << units[u];
  return out.str();
}

/// Refuses, before any allocation, a state the machine cannot hold.
inline void check_state_fits(unsigned num_qubits, std::size_t amplitude_bytes, const char* type_name) {
  if (num_qubits > max_qubits) {
    std::ostringstream msg;
    msg << "a " << num_qubits << "-qubit state is not supported (at most " << max_qubits << " qubits); it would need 2^"
        << num_qubits << " x " << amplitude_bytes << " bytes";
    throw out_of_memory(msg.str());
  }
  const long double needed = std::ldexp(static_cast<long double>(amplitude_bytes), static_cast<int>(num_qubits));
  const std::uint64_t available = available_memory_bytes();
  if (needed > static_cast<long double>(available)) {
    std::ostringstream msg;
    msg << "a " << num_qubits << "-qubit state of " << type_name << " needs " << static_cast<unsigned long long>(needed)
        << " bytes (" << human_bytes(needed) << ") but only " << available << " bytes ("
        << human_bytes(static_cast<long double>(available)) << ") of memory are available";
    throw out_of_memory(msg.str());
  }
}

/// Cache-line aligned buffers; large ones are 2 MiB aligned and advised to use
/// transparent huge pages, which removes most TLB misses of high-qubit gates.
inline constexpr std::size_t cache_line = 64;
inline constexpr std::size_t huge_page = std::size_t{2} << 20;

inline void* aligned_allocate(std::size_t bytes) {
  const std::size_t alignment = bytes >= huge_page ? huge_page : cache_line;
  const std::size_t rounded = (bytes + alignment - 1) / alignment * alignment;
  void* p = std::aligned_alloc(alignment, rounded == 0 ? alignment : rounded);
  if (p == nullptr)
    throw out_of_memory("could not allocate " + std::to_string(bytes) + " bytes (" + human_bytes(bytes) + ")");
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (alignment == huge_page) madvise(p, rounded, MADV_HUGEPAGE);
#endif
  return p;
}

struct aligned_free {
  void operator()(void* p) const noexcept { std::free(p); }
};

}  // namespace detail
QSIM_END_NAMESPACE
