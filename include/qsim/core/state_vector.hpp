#pragma once
#include <cmath>
#include <complex>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/detail/memory.hpp"

QSIM_BEGIN_NAMESPACE

namespace detail {
template <class T>
constexpr const char* precision_name() {
  return std::is_same_v<T, float> ? "complex<float>" : "complex<double>";
}

/// |a|^2 in double from the components (std::norm of a complex<float>
/// rounds to float): the one formula every probability and sampler uses.
template <class T>
inline double probability_of(const std::complex<T>& a) {
  const double re = a.real(), im = a.imag();
  return re * re + im * im;
}

/// (-1)^{number of set bits}: the sign of a Z string on a basis state.
inline double parity_sign(index_t bits) { return (__builtin_popcountll(bits) & 1) ? -1.0 : 1.0; }
}  // namespace detail

/**
 * The 2^n complex amplitudes of an n-qubit pure state, 64-byte aligned
 * (2 MiB aligned, on huge pages, for large states).
 *
 * Basis index bit i is qubit i: amplitude(0b001) is qubit 0 in |1>.
 * @code
 *   qsim::StateVector<double> psi(3);       // |000>
 *   psi[0] = 0; psi[5] = 1;                 // |101>: qubits 0 and 2 set
 * @endcode
 */
template <class T>
class StateVector {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "StateVector<T> needs T = float or double");

 public:
  using value_type = std::complex<T>;
  using real_type = T;

  /// |0...0> on `num_qubits` qubits; refuses states that do not fit in memory.
  explicit StateVector(unsigned num_qubits = 0) : num_qubits_(num_qubits) {
    allocate();
    reset();
  }

  /// From explicit amplitudes; the length must be a power of two and the
  /// norm 1 within `tolerance`.
  explicit StateVector(const std::vector<value_type>& amplitudes, double tolerance = default_tolerance()) {
    const std::size_t len = amplitudes.size();
    if (len == 0 || (len & (len - 1)) != 0)
      throw invalid_argument("amplitude vector of length " + std::to_string(len) +
                             " is not a power of two (2^n for an n-qubit state)");
    unsigned n = 0;
    while ((std::size_t{1} << n) < len) ++n;
    num_qubits_ = n;
    allocate();
    std::memcpy(static_cast<void*>(data_.get()), amplitudes.data(), len * sizeof(value_type));
    const double nrm = norm();
    if (!(std::abs(nrm - 1.0) <= tolerance))
      throw invalid_argument("amplitudes have norm " + std::to_string(nrm) + ", expected 1 (tolerance " +
                             std::to_string(tolerance) + ")");
  }

  StateVector(const StateVector& other) : num_qubits_(other.num_qubits_) {
    if (!other.data_) return;  // a copy of an empty state is empty
    allocate();
    std::memcpy(static_cast<void*>(data_.get()), other.data_.get(), size() * sizeof(value_type));
  }
  /// Strong guarantee: a failed allocation leaves this state as it was.
  StateVector& operator=(const StateVector& other) {
    if (this != &other) {
      if (other.num_qubits_ != num_qubits_ || !data_ || !other.data_) {
        StateVector copy(other);
        swap(copy);
      } else {
        std::memcpy(static_cast<void*>(data_.get()), other.data_.get(), size() * sizeof(value_type));
      }
    }
    return *this;
  }
  /// A moved-from state is empty: 0 qubits, size() 0, no buffer, until reset().
  StateVector(StateVector&& other) noexcept
      : num_qubits_(std::exchange(other.num_qubits_, 0U)), data_(std::move(other.data_)) {}
  StateVector& operator=(StateVector&& other) noexcept {
    StateVector moved(std::move(other));
    swap(moved);
    return *this;
  }
  void swap(StateVector& other) noexcept {
    std::swap(num_qubits_, other.num_qubits_);
    data_.swap(other.data_);
  }

  static constexpr double default_tolerance() { return std::is_same_v<T, float> ? 1e-5 : 1e-10; }

  unsigned num_qubits() const noexcept { return num_qubits_; }
  /// 2^num_qubits(); 0 for a moved-from (empty) state.
  index_t size() const noexcept { return data_ ? index_t{1} << num_qubits_ : 0; }

  value_type* data() noexcept { return data_.get(); }
  const value_type* data() const noexcept { return data_.get(); }
  value_type* begin() noexcept { return data(); }
  value_type* end() noexcept { return data() + size(); }
  const value_type* begin() const noexcept { return data(); }
  const value_type* end() const noexcept { return data() + size(); }

  value_type& operator[](index_t i) noexcept { return data_[i]; }
  const value_type& operator[](index_t i) const noexcept { return data_[i]; }

  /// Bounds-checked access.
  value_type& at(index_t i) {
    check_index(i);
    return data_[i];
  }
  const value_type& at(index_t i) const {
    check_index(i);
    return data_[i];
  }

  /// Euclidean norm (1 for a valid state), accumulated in double.
  double norm() const noexcept { return std::sqrt(squared_norm()); }
  double squared_norm() const noexcept {
    double s = 0;
    for (index_t i = 0; i < size(); ++i) s += detail::probability_of(data_[i]);
    return s;
  }

  /// |amplitude|^2 of every basis state.
  std::vector<double> probabilities() const {
    auto p = detail::checked_vector<double>(size(),
                                            "the probabilities of a " + std::to_string(num_qubits_) + "-qubit state");
    for (index_t i = 0; i < size(); ++i) p[i] = detail::probability_of(data_[i]);
    return p;
  }

  /// <this|other>, conjugating this state.
  std::complex<double> inner(const StateVector& other) const {
    if (other.num_qubits_ != num_qubits_ || other.size() != size())
      throw invalid_argument("inner product of a " + std::to_string(num_qubits_) + "-qubit and a " +
                             std::to_string(other.num_qubits_) + "-qubit state");
    std::complex<double> s = 0;
    for (index_t i = 0; i < size(); ++i)
      s += std::conj(std::complex<double>(data_[i])) * std::complex<double>(other.data_[i]);
    return s;
  }

  /// Back to |0...0> (allocating again a moved-from state).
  void reset() {
    if (!data_) allocate();
    std::memset(static_cast<void*>(data_.get()), 0, size() * sizeof(value_type));
    data_[0] = value_type(1, 0);
  }

  /// Divides by the norm (after a projection, say).
  void normalize() {
    const double nrm = norm();
    if (!(nrm > 0)) throw invalid_argument("cannot normalise a state of norm " + std::to_string(nrm));
    const T inv = static_cast<T>(1.0 / nrm);
    for (index_t i = 0; i < size(); ++i) data_[i] *= inv;
  }

 private:
  void allocate() {
    detail::check_state_fits(num_qubits_, sizeof(value_type), detail::precision_name<T>());
    const std::size_t bytes = (std::size_t{1} << num_qubits_) * sizeof(value_type);  // size() is 0 until data_ is set
    data_.reset(static_cast<value_type*>(detail::aligned_allocate(bytes)));
  }
  void check_index(index_t i) const {
    if (i >= size())
      throw invalid_argument("basis index " + std::to_string(i) + " out of range for a " + std::to_string(num_qubits_) +
                             "-qubit state (size " + std::to_string(size()) + ")");
  }

  unsigned num_qubits_ = 0;
  std::unique_ptr<value_type[], detail::aligned_free> data_;
};

QSIM_END_NAMESPACE
