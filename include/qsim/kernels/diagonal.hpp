#pragma once
// Diagonal gates (z s t p rz cz cp crz rzz and merged diagonal runs) as one
// element-wise phase multiplication in a single contiguous sweep. The phase
// index of a run of batches is looked up byte by byte from small tables (a
// software pext), and runs whose phases are all 1 (a control at 0) are
// skipped without being read.
#include <algorithm>
#include <array>
#include <complex>
#include <cstdint>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/kernels/arch.hpp"
#include "qsim/kernels/index.hpp"
#include "qsim/kernels/parallel.hpp"
#include "qsim/kernels/simd.hpp"

QSIM_BEGIN_KERNEL_NAMESPACE
namespace detail {

/// The diagonal of a gate on `targets` with `controls` folded in: a diagonal
/// on targets ++ controls, 1 wherever a control bit is 0.
inline std::vector<std::complex<double>> fold_controls_diagonal(const std::vector<std::complex<double>>& d,
                                                                std::size_t k, std::size_t extra) {
  const std::size_t dim = std::size_t{1} << k, all = ((std::size_t{1} << extra) - 1) << k;
  std::vector<std::complex<double>> out(dim << extra, 1.0);
  for (std::size_t j = 0; j < dim; ++j) out[all | j] = d[j];
  return out;
}

/// Multiplies amplitude i by diag[index of i's bits at `qubits`] (bit b = qubits[b]).
template <class T>
void apply_diagonal(StateVector<T>& psi, const std::vector<qubit_t>& qubits,
                    const std::vector<std::complex<double>>& diag, const ParallelFor& par) {
  using B = batch<T>;
  constexpr unsigned lq = low_qubits<T>;
  std::complex<T>* amps = psi.data();
  if (psi.num_qubits() < lq) {
    for (index_t i = 0; i < psi.size(); ++i) {
      std::size_t d = 0;
      for (std::size_t b = 0; b < qubits.size(); ++b) d |= ((i >> qubits[b]) & 1U) << b;
      amps[i] *= std::complex<T>(diag[d]);
    }
    return;
  }
  // Split the phase index into the part fixed by the lane (low qubits) and
  // the compressed part given by the batch index (high qubits).
  unsigned low_part[complex_lanes<T>] = {};
  std::vector<std::size_t> high_bit;  // diag bit of each high qubit, in that qubit's order
  std::vector<qubit_t> high_pos;
  for (std::size_t b = 0; b < qubits.size(); ++b) {
    if (qubits[b] < lq) {
      for (unsigned l = 0; l < complex_lanes<T>; ++l)
        if ((l >> qubits[b]) & 1U) low_part[l] |= 1U << b;
    } else {
      high_bit.push_back(b);
      high_pos.push_back(qubits[b] - lq);
    }
  }
  const std::size_t nh = high_bit.size();
  std::vector<B> ca(std::size_t{1} << nh), cb(std::size_t{1} << nh);
  std::vector<unsigned char> skip(std::size_t{1} << nh);
  for (std::size_t h = 0; h < ca.size(); ++h) {
    std::size_t hi = 0;
    for (std::size_t k = 0; k < nh; ++k)
      if ((h >> k) & 1U) hi |= std::size_t{1} << high_bit[k];
    bool identity = true;
    complex_coefficients<T>(
        [&](unsigned l) {
          const auto c = diag[hi | low_part[l]];
          identity = identity && c == std::complex<double>(1.0);
          return c;
        },
        ca[h], cb[h]);
    skip[h] = identity;
  }
  // Byte tables: the compressed high index of batch number i is the OR of
  // table[t][byte t of i] over the bytes that hold a high qubit.
  struct ByteTable {
    unsigned shift;
    std::array<std::uint32_t, 256> value;
  };
  std::vector<ByteTable> tables;
  for (std::size_t k = 0; k < nh; ++k) {
    const unsigned shift = high_pos[k] / 8 * 8;
    auto it = std::find_if(tables.begin(), tables.end(), [&](const ByteTable& t) { return t.shift == shift; });
    if (it == tables.end()) {
      tables.push_back({shift, {}});
      it = tables.end() - 1;
    }
    for (unsigned v = 0; v < 256; ++v)
      if ((v >> (high_pos[k] - shift)) & 1U) it->value[v] |= 1U << k;
  }
  // Batches come in runs of 2^run_log that share one phase index (no high
  // qubit below run_log): the coefficients stay in registers along a run.
  const unsigned run_log = high_pos.empty() ? 62 : *std::min_element(high_pos.begin(), high_pos.end());
  T* data = reinterpret_cast<T*>(amps);
  const index_t batches = psi.size() >> lq;
  par.ranges(batches, psi.size(), [&](index_t begin, index_t end) {
    index_t i = begin;
    while (i < end) {
      const index_t stop = std::min(end, ((i >> run_log) + 1) << run_log);
      std::uint32_t h = 0;
      for (const auto& t : tables) h |= t.value[(i >> t.shift) & 255U];
      if (!skip[h]) {
        const B a = ca[h], b = cb[h];
        for (T* p = data + 2 * complex_lanes<T> * i; p != data + 2 * complex_lanes<T> * stop; p += B::size) {
          const B v = B::load_aligned(p);
          xsimd::fma(a, v, b * xor_lanes<1, T>(v)).store_aligned(p);
        }
      }
      i = stop;
    }
  });
}

}  // namespace detail
QSIM_END_KERNEL_NAMESPACE
