#pragma once
// Pauli strings on the state, without matrices: a string is an X mask and a
// Z mask (Y = i X Z where both are set), so P|psi> at k is a sign times the
// amplitude at k ^ x. Expectation values are ordered sums (reduce.hpp).
#include <algorithm>
#include <complex>
#include <cstddef>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/state_vector.hpp"
#include "qsim/kernels/arch.hpp"
#include "qsim/kernels/parallel.hpp"
#include "qsim/kernels/reduce.hpp"

QSIM_BEGIN_KERNEL_NAMESPACE
namespace detail {

/**
 * The diagonal d_k = sum_t c_t (-1)^{|k & z_t|} of many Z strings, a run of
 * `run` (<= 256) outcomes at a time: with k = first + lo, each sign splits
 * into a sign of `first`, folded into the coefficient once per run, and a
 * sign of lo from a small table, so a run costs a few multiply-adds per term
 * instead of a popcount per term and outcome.
 */
class ZStringsDiagonal {
 public:
  static constexpr index_t max_run = 256;

  ZStringsDiagonal(const index_t* z_masks, const double* coeffs, std::size_t terms, index_t size)
      : z_(z_masks), c_(coeffs), terms_(terms), run_(std::min(size, max_run)), table_(terms * run_) {
    for (std::size_t t = 0; t < terms; ++t)
      for (index_t lo = 0; lo < run_; ++lo) table_[t * run_ + lo] = qsim::detail::parity_sign(lo & z_masks[t]);
  }
  index_t run() const noexcept { return run_; }
  /// d[lo] for the run starting at `first` (a multiple of run()).
  void fill(index_t first, double* d) const {
    std::fill(d, d + run_, 0.0);
    for (std::size_t t = 0; t < terms_; ++t) {
      const double c = c_[t] * qsim::detail::parity_sign(first & z_[t]);
      const double* row = &table_[t * run_];
      for (index_t lo = 0; lo < run_; ++lo) d[lo] += c * row[lo];
    }
  }

 private:
  const index_t* z_;
  const double* c_;
  std::size_t terms_;
  index_t run_;
  std::vector<double> table_;
};

/// sum_k (-1)^{|k & z|} conj(a[k ^ x]) a[k]: <psi|X^x Z^z|psi> up to the
/// phase i^{#Y} of the string.
template <class T>
std::complex<double> pauli_string_sum(const StateVector<T>& psi, index_t x_mask, index_t z_mask,
                                      const ParallelFor& par) {
  const std::complex<T>* a = psi.data();
  if (x_mask == 0)
    return ordered_sum<double>(psi.size(), par, [&](index_t lo, index_t hi) {
      double s = 0;
      for (index_t k = lo; k < hi; ++k) s += qsim::detail::parity_sign(k & z_mask) * qsim::detail::probability_of(a[k]);
      return s;
    });
  return ordered_sum<std::complex<double>>(psi.size(), par, [&](index_t lo, index_t hi) {
    double re = 0, im = 0;
    for (index_t k = lo; k < hi; ++k) {
      const std::complex<double> p(a[k ^ x_mask]), q(a[k]);
      const double sign = qsim::detail::parity_sign(k & z_mask);
      re += sign * (p.real() * q.real() + p.imag() * q.imag());
      im += sign * (p.real() * q.imag() - p.imag() * q.real());
    }
    return std::complex<double>(re, im);
  });
}

/// sum_t coeffs[t] <psi|Z^{z_masks[t]}|psi>, all strings in one pass.
template <class T>
double z_strings_expectation(const StateVector<T>& psi, const index_t* z_masks, const double* coeffs, std::size_t terms,
                             const ParallelFor& par) {
  const ZStringsDiagonal diag(z_masks, coeffs, terms, psi.size());
  const std::complex<T>* a = psi.data();
  return ordered_sum<double>(psi.size(), par, [&](index_t lo_block, index_t hi_block) {
    double d[ZStringsDiagonal::max_run], s = 0;
    for (index_t first = lo_block; first < hi_block; first += diag.run()) {
      diag.fill(first, d);
      for (index_t lo = 0; lo < diag.run(); ++lo) s += d[lo] * qsim::detail::probability_of(a[first + lo]);
    }
    return s;
  });
}

/**
 * out = sum_t w[t] X^{x[t]} Z^{z[t]} psi (w carries the coefficient and the
 * phase i^{#Y}): one pass for all diagonal strings together, one more per
 * string with an X or a Y (or a complex weight). `out` has psi's size.
 */
template <class T>
void apply_pauli_strings(const StateVector<T>& psi, StateVector<T>& out, const index_t* x_masks, const index_t* z_masks,
                         const std::complex<double>* w, std::size_t terms, const ParallelFor& par) {
  const index_t n = psi.size();
  const std::complex<T>* a = psi.data();
  std::complex<T>* o = out.data();
  std::vector<index_t> z_diag;
  std::vector<double> c_diag;
  // Diagonal strings with real weights (all of them, for a Hermitian sum) share one pass.
  const auto grouped = [&](std::size_t t) { return x_masks[t] == 0 && w[t].imag() == 0; };
  for (std::size_t t = 0; t < terms; ++t)
    if (grouped(t)) z_diag.push_back(z_masks[t]), c_diag.push_back(w[t].real());
  const ZStringsDiagonal diag(z_diag.data(), c_diag.data(), z_diag.size(), n);
  const index_t runs = n / diag.run();
  par.ranges(runs, n, [&](index_t first_run, index_t last_run) {
    double d[ZStringsDiagonal::max_run];
    for (index_t r = first_run; r < last_run; ++r) {
      const index_t first = r * diag.run();
      diag.fill(first, d);
      for (index_t lo = 0; lo < diag.run(); ++lo) o[first + lo] = a[first + lo] * static_cast<T>(d[lo]);
    }
  });
  for (std::size_t t = 0; t < terms; ++t) {
    if (grouped(t)) continue;
    const index_t x = x_masks[t], z = z_masks[t];
    const std::complex<double> wt = w[t];
    // (P psi)[k] = w (-1)^{|(k ^ x) & z|} psi[k ^ x].
    par.ranges(n, n, [&](index_t lo, index_t hi) {
      for (index_t k = lo; k < hi; ++k) {
        const index_t src = k ^ x;
        o[k] += std::complex<T>(wt * qsim::detail::parity_sign(src & z) * std::complex<double>(a[src]));
      }
    });
  }
}

}  // namespace detail
QSIM_END_KERNEL_NAMESPACE
