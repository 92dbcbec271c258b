#pragma once
// Portable scalar kernel in the state's own precision: the fallback for
// states smaller than one SIMD register and for gates wider than the
// vector kernels' limit (a 5-qubit fused gate with extra controls).
#include <complex>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/gates/matrices.hpp"
#include "qsim/kernels/index.hpp"
#include "qsim/kernels/parallel.hpp"

QSIM_BEGIN_NAMESPACE
namespace kernels {
namespace detail {

template <class T>
void apply_matrix_scalar(StateVector<T>& psi, const std::vector<qubit_t>& targets, const std::vector<qubit_t>& controls,
                         const Matrix& m, unsigned threads) {
  using C = std::complex<T>;
  const std::size_t dim = std::size_t{1} << targets.size();
  std::vector<C> mt(m.begin(), m.end());
  std::vector<index_t> offset(dim);
  for (std::size_t j = 0; j < dim; ++j) offset[j] = spread(j, targets);
  index_t control_mask = 0;
  for (auto q : controls) control_mask |= index_t{1} << q;
  std::vector<qubit_t> fixed = targets;
  fixed.insert(fixed.end(), controls.begin(), controls.end());
  const ZeroInserter insert(fixed, control_mask);
  const index_t groups = psi.size() >> fixed.size();
  C* data = psi.data();
  parallel_ranges(groups, psi.size(), threads, [&](index_t begin, index_t end) {
    std::vector<C> in(dim);
    for (index_t g = begin; g < end; ++g) {
      const index_t base = insert(g);
      for (std::size_t j = 0; j < dim; ++j) in[j] = data[base | offset[j]];
      for (std::size_t r = 0; r < dim; ++r) {
        C s = 0;
        for (std::size_t c = 0; c < dim; ++c) s += mt[r * dim + c] * in[c];
        data[base | offset[r]] = s;
      }
    }
  });
}

}  // namespace detail
}  // namespace kernels
QSIM_END_NAMESPACE
