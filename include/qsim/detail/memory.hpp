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
#include <vector>

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

/// A byte count for messages: exact when it fits 64 bits, else as a power of two.
inline std::string describe_bytes(long double bytes) {
  std::ostringstream msg;
  if (bytes < 18446744073709551615.0L)
    msg << static_cast<unsigned long long>(bytes) << " bytes";
  else
    msg << "2^" << static_cast<int>(std::log2(bytes)) << " bytes";
  msg << " (" << human_bytes(bytes) << ")";
  return msg.str();
}

/// Buffers below this size skip the check: reading /proc/meminfo costs tens
/// of microseconds, more than simulating a small circuit, and training
/// allocates states of a few amplitudes per sample. A failed allocation of
/// such a buffer is still reported (out_of_memory or std::bad_alloc).
inline constexpr long double unchecked_bytes = 64.0L * 1024 * 1024;

/// Refuses, before allocating, a buffer of `bytes` for `what` (a
/// probability vector, a list of shots, ...) that the machine cannot hold.
inline void check_bytes_fit(long double bytes, const std::string& what) {
  if (bytes < unchecked_bytes) return;
  const std::uint64_t available = available_memory_bytes();
  if (bytes > static_cast<long double>(available))
    throw out_of_memory(what + " needs " + describe_bytes(bytes) + " but only " +
                        describe_bytes(static_cast<long double>(available)) + " of memory are available");
}

/// Refuses, before any allocation, a state the machine cannot hold.
inline void check_state_fits(unsigned num_qubits, std::size_t amplitude_bytes, const char* type_name) {
  const long double needed = std::ldexp(static_cast<long double>(amplitude_bytes), static_cast<int>(num_qubits));
  if (num_qubits > max_qubits) {
    std::ostringstream msg;
    msg << "a " << num_qubits << "-qubit state is not supported (at most " << max_qubits << " qubits); it would need "
        << describe_bytes(needed);
    throw out_of_memory(msg.str());
  }
  if (needed > static_cast<long double>(std::numeric_limits<std::size_t>::max())) {
    std::ostringstream msg;
    msg << "a " << num_qubits << "-qubit state of " << type_name << " needs " << describe_bytes(needed)
        << ", more than this machine can address";
    throw out_of_memory(msg.str());
  }
  std::ostringstream what;
  what << "a " << num_qubits << "-qubit state of " << type_name;
  check_bytes_fit(needed, what.str());
}

/// A vector of `count` values, refused (qsim::out_of_memory) before it is
/// allocated when the machine cannot hold it.
template <class V>
std::vector<V> checked_vector(std::size_t count, const std::string& what) {
  const long double bytes = static_cast<long double>(count) * sizeof(V);
  check_bytes_fit(bytes, what);
  try {
    return std::vector<V>(count);
  } catch (const std::bad_alloc&) {  // a cap (ulimit -v, cgroup) below what /proc/meminfo says
    throw out_of_memory("could not allocate " + describe_bytes(bytes) + " for " + what);
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
  if (p == nullptr) throw out_of_memory("could not allocate " + describe_bytes(static_cast<long double>(bytes)));
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
