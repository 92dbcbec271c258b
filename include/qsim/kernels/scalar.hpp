#pragma once
// Portable scalar kernel in the state's own precision: the fallback for
// states smaller than one SIMD register and for gates wider than the
// vector kernels' limit (a 5-qubit fused gate with extra controls).
#include <complex>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/gates/gather.hpp"
#include "qsim/gates/matrices.hpp"
#include "qsim/kernels/arch.hpp"
#include "qsim/kernels/index.hpp"
#include "qsim/kernels/parallel.hpp"

QSIM_BEGIN_KERNEL_NAMESPACE
namespace detail {

template <class T>
void apply_matrix_scalar(StateVector<T>& psi, const std::vector<qubit_t>& targets, const std::vector<qubit_t>& controls,
                         const Matrix& m, const ParallelFor& par) {
  using C = std::complex<T>;
  const std::vector<C> mt(m.begin(), m.end());
  const auto offset = qsim::detail::gate_offsets(targets);
  index_t control_mask = 0;
  for (auto q : controls) control_mask |= index_t{1} << q;
  std::vector<qubit_t> fixed = targets;
  fixed.insert(fixed.end(), controls.begin(), controls.end());
  const ZeroInserter insert(fixed, control_mask);
  const index_t groups = psi.size() >> fixed.size();
  C* data = psi.data();
  auto amp = [data](index_t i) -> C& { return data[i]; };
  par.ranges(groups, psi.size(), [&](index_t begin, index_t end) {
    std::vector<C> in(offset.size());
    for (index_t g = begin; g < end; ++g) qsim::detail::multiply_group(mt, offset, insert(g), amp, in);
  });
}

}  // namespace detail
QSIM_END_KERNEL_NAMESPACE
