#pragma once
// NumPy's .npy format (version 1.0) for one-dimensional arrays, written
// straight from memory: numpy.load reads states and probabilities without a
// text round trip (a 30-qubit state is 16 GiB of binary, far more as text).
#include <complex>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <ostream>
#include <string>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

QSIM_BEGIN_NAMESPACE
namespace io {

namespace detail {
template <class T>
struct NpyType;
template <>
struct NpyType<float> {
  static constexpr const char* descr = "<f4";
};
template <>
struct NpyType<double> {
  static constexpr const char* descr = "<f8";
};
template <>
struct NpyType<std::complex<float>> {
  static constexpr const char* descr = "<c8";
};
template <>
struct NpyType<std::complex<double>> {
  static constexpr const char* descr = "<c16";
};

inline bool little_endian() {
  const std::uint16_t one = 1;
  unsigned char first = 0;
  std::memcpy(&first, &one, 1);
  return first == 1;
}
}  // namespace detail

/// Writes `n` values of `data` as a 1-D .npy array (float32/64, complex64/128).
template <class T>
void write_npy(std::ostream& out, const T* data, std::size_t n) {
  if (!detail::little_endian()) throw error("write_npy supports little-endian machines only");
  std::string header = std::string("{'descr': '") + detail::NpyType<T>::descr +
                       "', 'fortran_order': False, 'shape': (" + std::to_string(n) + ",), }";
  // The data starts on a 64-byte boundary: magic (6) + version (2) + length (2) + header + '\n'.
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  const auto len = static_cast<std::uint16_t>(header.size());
  const char preamble[10] = {
      '\x93', 'N', 'U', 'M', 'P', 'Y', 1, 0, static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
  out.write(preamble, sizeof preamble);
  out << header;
  // In slices: a stream's write takes a signed count.
  const auto* bytes = reinterpret_cast<const char*>(data);
  std::size_t left = n * sizeof(T);
  constexpr std::size_t slice = std::size_t{1} << 30;
  while (left > 0 && out) {
    const std::size_t now = left < slice ? left : slice;
    out.write(bytes, static_cast<std::streamsize>(now));
    bytes += now;
    left -= now;
  }
}

/// Writes the array to the file `path` (created or replaced); throws when it cannot.
template <class T>
void write_npy(const std::string& path, const T* data, std::size_t n) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw invalid_argument("cannot open '" + path + "' for writing");
  write_npy(out, data, n);
  out.flush();
  if (!out) throw error("could not write '" + path + "' (disk full?)");
}

}  // namespace io
QSIM_END_NAMESPACE
