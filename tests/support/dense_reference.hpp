#pragma once
// An independent reference for the tests: full 2^n x 2^n operators built with
// Eigen Kronecker products, and gate matrices written from their textbook
// definitions (Pauli algebra), not taken from the library.
#include <Eigen/Dense>
#include <complex>
#include <random>
#include <unsupported/Eigen/KroneckerProduct>
#include <vector>

#include <qsim/qsim.hpp>

namespace ref {

using cd = std::complex<double>;
using Mat = Eigen::MatrixXcd;
using Vec = Eigen::VectorXcd;

inline Mat I2() { return Mat::Identity(2, 2); }
inline Mat X() {
  Mat m(2, 2);
  m << 0, 1, 1, 0;
  return m;
}
inline Mat Y() {
  Mat m(2, 2);
  m << 0, cd(0, -1), cd(0, 1), 0;
  return m;
}
inline Mat Z() {
  Mat m(2, 2);
  m << 1, 0, 0, -1;
  return m;
}
inline Mat H() { return (X() + Z()) / std::sqrt(2.0); }
inline Mat phase(double l) {
  Mat m = Mat::Identity(2, 2);
  m(1, 1) = std::polar(1.0, l);
  return m;
}
// exp(-i t P / 2) for a Pauli product P (P^2 = I).
inline Mat pauli_rotation(const Mat& P, double t) {
  return std::cos(t / 2) * Mat::Identity(P.rows(), P.cols()) - cd(0, 1) * std::sin(t / 2) * P;
}
inline Mat U3(double t, double p, double l) {
  // Qiskit: U(t,p,l) = RZ(p) RY(t) RZ(l) times the global phase e^{i(p+l)/2}.
  return std::polar(1.0, (p + l) / 2) * pauli_rotation(Z(), p) * pauli_rotation(Y(), t) * pauli_rotation(Z(), l);
}
inline Mat E(int a, int b) {
  Mat m = Mat::Zero(2, 2);
  m(a, b) = 1;
  return m;
}

// kron over qubits n-1 ... 0 (qubit n-1 is the most significant factor).
inline Mat kron_all(const std::vector<Mat>& per_qubit) {
  Mat out = Mat::Identity(1, 1);
  for (std::size_t q = per_qubit.size(); q-- > 0;) {
    Mat next = Eigen::kroneckerProduct(out, per_qubit[q]).eval();
    out = next;
  }
  return out;
}

// The full operator of `m` (2^k x 2^k, bit j = targets[j]) on `targets`,
// applied where all `controls` are 1: I - P + sum_ab m_ab (|a><b| on targets, |1><1| on controls).
inline Mat embed(int n, const Mat& m, const std::vector<unsigned>& targets, const std::vector<unsigned>& controls) {
  const auto dim = Eigen::Index{1} << n;
  std::vector<Mat> proj(static_cast<std::size_t>(n), I2());
  for (auto c : controls) proj[c] = E(1, 1);
  Mat full = Mat::Identity(dim, dim) - kron_all(proj);
  const int k = static_cast<int>(targets.size());
  for (int a = 0; a < (1 << k); ++a)
    for (int b = 0; b < (1 << k); ++b) {
      if (m(a, b) == cd(0)) continue;
      std::vector<Mat> f = proj;
      for (int j = 0; j < k; ++j) f[targets[static_cast<std::size_t>(j)]] = E((a >> j) & 1, (b >> j) & 1);
      full += m(a, b) * kron_all(f);
    }
  return full;
}

inline Vec random_state(int n, std::mt19937_64& rng) {
  std::normal_distribution<double> g;
  Vec v(Eigen::Index{1} << n);
  for (Eigen::Index i = 0; i < v.size(); ++i) v(i) = cd(g(rng), g(rng));
  return v / v.norm();
}

template <class T>
qsim::StateVector<T> to_state(const Vec& v) {
  std::vector<std::complex<T>> amps(static_cast<std::size_t>(v.size()));
  for (Eigen::Index i = 0; i < v.size(); ++i) amps[static_cast<std::size_t>(i)] = std::complex<T>(v(i));
  return qsim::StateVector<T>(amps, 1e-4);
}

template <class T>
double max_diff(const qsim::StateVector<T>& psi, const Vec& v) {
  double d = 0;
  for (Eigen::Index i = 0; i < v.size(); ++i)
    d = std::max(d, std::abs(std::complex<double>(psi[static_cast<qsim::index_t>(i)]) - v(i)));
  return d;
}

template <class T>
constexpr double tolerance() {
  return std::is_same_v<T, float> ? 1e-5 : 1e-12;
}

inline qsim::Matrix to_qsim(const Mat& m) {
  qsim::Matrix out(static_cast<std::size_t>(m.size()));
  for (Eigen::Index r = 0; r < m.rows(); ++r)
    for (Eigen::Index c = 0; c < m.cols(); ++c) out[static_cast<std::size_t>(r * m.cols() + c)] = m(r, c);
  return out;
}

// A Haar-ish random unitary on k qubits (QR of a Gaussian matrix).
inline Mat random_unitary(int k, std::mt19937_64& rng) {
  std::normal_distribution<double> g;
  const auto d = Eigen::Index{1} << k;
  Mat a(d, d);
  for (Eigen::Index i = 0; i < a.size(); ++i) a(i) = cd(g(rng), g(rng));
  Eigen::HouseholderQR<Mat> qr(a);
  return qr.householderQ() * Mat::Identity(d, d);
}

}  // namespace ref
