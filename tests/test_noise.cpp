// Noise: every channel against its closed form on the density matrix; the
// density matrix against a dense Eigen reference (rho -> sum K rho K^dagger
// with Kraus maps from random Stinespring unitaries); trajectories against
// the density matrix by chi-square with fixed seeds; a noisy GHZ whose
// error rates give known frequencies; noise-free circuits unchanged; and
// clear errors for bad channels, models and uses.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "support/chi_square.hpp"
#include "support/dense_reference.hpp"
#include "support/qasm_reference.hpp"
#include "support/random_circuit.hpp"

namespace {

using ref::cd;
using ref::Mat;

constexpr double pi = 3.14159265358979323846;

template <class T>
double tol() {
  return std::is_same_v<T, float> ? 2e-5 : 1e-11;
}

// Bloch vector components of qubit q: Tr(P rho).
template <class T>
double expect_x(const qsim::DensityMatrix<T>& rho, unsigned q) {
  return rho.pauli_expectation(qsim::index_t{1} << q, 0);
}
template <class T>
double expect_y(const qsim::DensityMatrix<T>& rho, unsigned q) {
  return rho.pauli_expectation(qsim::index_t{1} << q, qsim::index_t{1} << q);
}
template <class T>
double expect_z(const qsim::DensityMatrix<T>& rho, unsigned q) {
  return rho.pauli_expectation(0, qsim::index_t{1} << q);
}

// A one-qubit state with Bloch vector (sin t cos p, sin t sin p, cos t).
qsim::Circuit bloch_state(double theta, double phi) {
  qsim::Circuit c(1);
  c.ry(theta, 0).rz(phi, 0);
  return c;
}

template <class T>
qsim::DensityMatrix<T> run_dm(const qsim::Circuit& c) {
  return qsim::DensityMatrixSimulator<T>().density_matrix(c);
}

// The dense reference: rho as an Eigen matrix, gates from textbook matrices.
Mat reference_rho(const qsim::Circuit& c) {
  const int n = static_cast<int>(c.num_qubits());
  const auto dim = Eigen::Index{1} << n;
  Mat rho = Mat::Zero(dim, dim);
  rho(0, 0) = 1;
  for (const auto& op : c.operations()) {
    if (op.is_gate()) {
      const Mat u = ref::embed(n, qref::gate(op), op.targets, op.controls);
      rho = (u * rho * u.adjoint()).eval();
    } else if (op.kind == qsim::OpKind::channel || op.kind == qsim::OpKind::reset) {
      // A reset is the channel {|0><0|, |0><1|}.
      const std::vector<qsim::Matrix> reset_kraus{{1, 0, 0, 0}, {0, 1, 0, 0}};
      Mat next = Mat::Zero(dim, dim);
      for (const auto& k : op.kind == qsim::OpKind::reset ? reset_kraus : op.channel->kraus) {
        const auto d = Eigen::Index{1} << op.targets.size();
        Mat km(d, d);
        for (Eigen::Index r = 0; r < d; ++r)
          for (Eigen::Index col = 0; col < d; ++col) km(r, col) = k[static_cast<std::size_t>(r * d + col)];
        const Mat full = ref::embed(n, km, op.targets, {});
        next += full * rho * full.adjoint();
      }
      rho = next;
    }
  }
  return rho;
}

// Kraus matrices K_e = <e| U |0>_env of a random unitary on k system qubits
// and `env` environment qubits (the system on the low bits): a random channel.
std::vector<qsim::Matrix> random_kraus(int k, int env, std::mt19937_64& rng) {
  const Mat u = ref::random_unitary(k + env, rng);
  const auto d = Eigen::Index{1} << k;
  std::vector<qsim::Matrix> ops;
  for (Eigen::Index e = 0; e < (Eigen::Index{1} << env); ++e) {
    qsim::Matrix m(static_cast<std::size_t>(d * d));
    for (Eigen::Index r = 0; r < d; ++r)
      for (Eigen::Index col = 0; col < d; ++col) m[static_cast<std::size_t>(r * d + col)] = u(r + e * d, col);
    ops.push_back(m);
  }
  return ops;
}

template <class T>
double max_diff(const qsim::DensityMatrix<T>& rho, const Mat& expected) {
  REQUIRE(static_cast<Eigen::Index>(rho.dim()) == expected.rows());
  double worst = 0;
  for (Eigen::Index r = 0; r < expected.rows(); ++r)
    for (Eigen::Index col = 0; col < expected.cols(); ++col) {
      const double d =
          std::abs(std::complex<double>(rho.at(static_cast<qsim::index_t>(r), static_cast<qsim::index_t>(col))) -
                   expected(r, col));
      if (std::isnan(d)) return d;  // NaN fails every "<" check
      worst = std::max(worst, d);
    }
  return worst;
}

// Largest entry-by-entry difference of two density matrices of one size.
template <class T>
double max_diff(const qsim::DensityMatrix<T>& a, const qsim::DensityMatrix<T>& b) {
  REQUIRE(a.vectorised().size() == b.vectorised().size());
  double worst = 0;
  for (qsim::index_t i = 0; i < a.vectorised().size(); ++i) {
    const double d = std::abs(a.vectorised()[i] - b.vectorised()[i]);
    if (std::isnan(d)) return d;  // NaN fails every "<" check
    worst = std::max(worst, d);
  }
  return worst;
}

// Probabilities as count keys (qubit n-1 leftmost), zero entries left out.
std::map<std::string, double> as_keys(const std::vector<double>& p, unsigned n) {
  std::map<std::string, double> out;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] < 1e-12) continue;
    std::string key(n, '0');
    for (unsigned q = 0; q < n; ++q)
      if ((i >> q) & 1U) key[n - 1 - q] = '1';
    out[key] = p[i];
  }
  return out;
}

}  // namespace

TEST_CASE("every channel is trace preserving and refuses bad parameters", "[noise]") {
  using namespace qsim::channels;
  const std::vector<qsim::Channel> all = {bit_flip(0.1),
                                          phase_flip(0.3),
                                          pauli_channel(0.1, 0.2, 0.3),
                                          depolarizing(0.2),
                                          depolarizing2(0.4),
                                          aer_depolarizing(0.5, 1),
                                          aer_depolarizing(0.5, 2),
                                          amplitude_damping(0.3),
                                          generalized_amplitude_damping(0.3, 0.8),
                                          phase_damping(0.6),
                                          thermal_relaxation(50, 30, 10, 0.1),
                                          thermal_relaxation(50, 90, 10)};
  for (const auto& ch : all) {
    INFO(ch.name);
    CHECK(qsim::detail::completeness_error(ch.kraus, ch.dim()) < 1e-12);
  }
  CHECK_THROWS_AS(bit_flip(-0.1), qsim::invalid_argument);
  CHECK_THROWS_AS(depolarizing(1.5), qsim::invalid_argument);
  CHECK_THROWS_AS(depolarizing(std::nan("")), qsim::invalid_argument);
  CHECK_THROWS_AS(pauli_channel(0.5, 0.4, 0.3), qsim::invalid_argument);
  CHECK_THROWS_AS(aer_depolarizing(0.5, 3), qsim::invalid_argument);
  CHECK_THROWS_AS(aer_depolarizing(1.5, 1), qsim::invalid_argument);
  CHECK_THROWS_WITH(thermal_relaxation(10, 30, 1), Catch::Contains("exceeds 2 t1"));
  CHECK_THROWS_AS(thermal_relaxation(-1, 1, 1), qsim::invalid_argument);
  CHECK_THROWS_AS(thermal_relaxation(10, 10, -1), qsim::invalid_argument);
  CHECK_THROWS_WITH(kraus({{1, 0, 0, 1}, {0, 1, 0, 0}}), Catch::Contains("not trace preserving"));
  CHECK_THROWS_WITH(kraus({{1, 0, 0}}), Catch::Contains("is not 2^k x 2^k"));
  CHECK_THROWS_AS(kraus({}), qsim::invalid_argument);
  CHECK_THROWS_AS(kraus({{1, 0, 0, 1}, {1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}), qsim::invalid_argument);
  CHECK_THROWS_AS(kraus({{std::nan(""), 0, 0, 1}}), qsim::invalid_argument);

  qsim::Circuit c(2, 1);
  CHECK_THROWS_WITH(c.channel(depolarizing2(0.1), {0}), Catch::Contains("acts on 2 qubit(s), got 1"));
  CHECK_THROWS_WITH(c.depolarizing(0.1, 0, 0), Catch::Contains("used twice"));
  CHECK_THROWS_WITH(c.depolarizing(0.1, 2), Catch::Contains("out of range"));
  qsim::Channel broken = depolarizing(0.1);
  broken.kraus[0][0] *= 2;
  CHECK_THROWS_WITH(c.channel(broken, {0}), Catch::Contains("not trace preserving"));
  CHECK_THROWS_AS(c.measure(0, 0, qsim::ReadoutError{1.5, 0}), qsim::invalid_argument);
  CHECK(c.size() == 0);
}

TEMPLATE_TEST_CASE("channels match their closed forms on the density matrix", "[noise]", float, double) {
  const double theta = 1.1, phi = 0.7;
  const double bx = std::sin(theta) * std::cos(phi), by = std::sin(theta) * std::sin(phi), bz = std::cos(theta);
  const double eps = tol<TestType>();

  SECTION("depolarizing shrinks the Bloch vector by 1 - 4p/3") {
    for (double p : {0.0, 0.1, 0.45, 0.75, 1.0}) {
      auto c = bloch_state(theta, phi);
      c.depolarizing(p, 0);
      const auto rho = run_dm<TestType>(c);
      const double s = 1 - 4 * p / 3;
      CHECK(expect_x(rho, 0) == Approx(s * bx).epsilon(0).margin(eps));
      CHECK(expect_y(rho, 0) == Approx(s * by).epsilon(0).margin(eps));
      CHECK(expect_z(rho, 0) == Approx(s * bz).epsilon(0).margin(eps));
      CHECK(rho.trace() == Approx(1).epsilon(0).margin(eps));
    }
  }
  SECTION("Aer's depolarizing_error(lambda) gives (1 - lambda) rho + lambda I/2") {
    auto c = bloch_state(theta, phi);
    c.channel(qsim::channels::aer_depolarizing(0.3, 1), {0});
    const auto rho = run_dm<TestType>(c);
    CHECK(expect_x(rho, 0) == Approx(0.7 * bx).epsilon(0).margin(eps));
    CHECK(expect_z(rho, 0) == Approx(0.7 * bz).epsilon(0).margin(eps));
  }
  SECTION("bit flip, phase flip and the Pauli channel") {
    const double px = 0.1, py = 0.15, pz = 0.2;
    auto c = bloch_state(theta, phi);
    c.pauli_channel(px, py, pz, 0);
    auto rho = run_dm<TestType>(c);
    CHECK(expect_x(rho, 0) == Approx((1 - 2 * (py + pz)) * bx).epsilon(0).margin(eps));
    CHECK(expect_y(rho, 0) == Approx((1 - 2 * (px + pz)) * by).epsilon(0).margin(eps));
    CHECK(expect_z(rho, 0) == Approx((1 - 2 * (px + py)) * bz).epsilon(0).margin(eps));
    c = bloch_state(theta, phi);
    c.bit_flip(0.3, 0).phase_flip(0.1, 0);
    rho = run_dm<TestType>(c);
    CHECK(expect_x(rho, 0) == Approx(0.8 * bx).epsilon(0).margin(eps));
    CHECK(expect_y(rho, 0) == Approx(0.4 * 0.8 * by).epsilon(0).margin(eps));
    CHECK(expect_z(rho, 0) == Approx(0.4 * bz).epsilon(0).margin(eps));
  }
  SECTION("amplitude damping: populations decay by gamma, coherences by sqrt(1 - gamma)") {
    const double g = 0.35;
    auto c = bloch_state(theta, phi);
    c.amplitude_damping(g, 0);
    const auto rho = run_dm<TestType>(c);
    const double p1 = (1 - bz) / 2;
    CHECK(rho.probabilities()[1] == Approx((1 - g) * p1).epsilon(0).margin(eps));
    CHECK(expect_x(rho, 0) == Approx(std::sqrt(1 - g) * bx).epsilon(0).margin(eps));
    CHECK(expect_y(rho, 0) == Approx(std::sqrt(1 - g) * by).epsilon(0).margin(eps));
  }
  SECTION("generalized amplitude damping relaxes towards (p, 1 - p)") {
    const double g = 0.4, p = 0.7;
    qsim::Circuit c0(1), c1(1);
    c0.generalized_amplitude_damping(g, p, 0);
    c1.x(0).generalized_amplitude_damping(g, p, 0);
    CHECK(run_dm<TestType>(c0).probabilities()[1] == Approx(g * (1 - p)).epsilon(0).margin(eps));
    CHECK(run_dm<TestType>(c1).probabilities()[0] == Approx(g * p).epsilon(0).margin(eps));
    qsim::Circuit many(1);
    for (int i = 0; i < 60; ++i) many.generalized_amplitude_damping(g, p, 0);
    CHECK(run_dm<TestType>(many).probabilities()[0] == Approx(p).epsilon(0).margin(1e-4));
  }
  SECTION("phase damping keeps populations and shrinks coherences by sqrt(1 - gamma)") {
    const double g = 0.5;
    auto c = bloch_state(theta, phi);
    c.phase_damping(g, 0);
    const auto rho = run_dm<TestType>(c);
    CHECK(expect_z(rho, 0) == Approx(bz).epsilon(0).margin(eps));
    CHECK(expect_x(rho, 0) == Approx(std::sqrt(1 - g) * bx).epsilon(0).margin(eps));
  }
  SECTION("thermal relaxation: T1 decay of populations and T2 decay of coherences") {
    for (double t2 : {30.0, 80.0}) {  // below and above t1
      const double t1 = 50, t = 12, pe = 0.05;
      qsim::Circuit one(1), plus(1);
      one.x(0).thermal_relaxation(t1, t2, t, 0, pe);
      plus.h(0).thermal_relaxation(t1, t2, t, 0, pe);
      CHECK(run_dm<TestType>(one).probabilities()[1] ==
            Approx(pe + (1 - pe) * std::exp(-t / t1)).epsilon(0).margin(eps));
      CHECK(expect_x(run_dm<TestType>(plus), 0) == Approx(std::exp(-t / t2)).epsilon(0).margin(eps));
    }
  }
  SECTION("two-qubit depolarizing on a Bell state") {
    const double p = 0.3;
    qsim::Circuit c(2);
    c.h(0).cx(0, 1).depolarizing(p, 0, 1);
    const auto rho = run_dm<TestType>(c);
    CHECK(rho.pauli_expectation(0, 3) == Approx(1 - 16 * p / 15).epsilon(0).margin(eps));  // <ZZ>
    CHECK(rho.pauli_expectation(3, 0) == Approx(1 - 16 * p / 15).epsilon(0).margin(eps));  // <XX>
    // Fidelity with the Bell state: 1 - 4p/5.
    const double fidelity =
        0.5 * (std::real(std::complex<double>(rho.at(0, 0))) + std::real(std::complex<double>(rho.at(3, 3))) +
               2 * std::real(std::complex<double>(rho.at(0, 3))));
    CHECK(fidelity == Approx(1 - 4 * p / 5).epsilon(0).margin(eps));
  }
  SECTION("a Kraus map written out equals the named channel") {
    const double g = 0.3;
    auto a = bloch_state(theta, phi), b = bloch_state(theta, phi);
    a.amplitude_damping(g, 0);
    b.kraus({{1, 0, 0, std::sqrt(1 - g)}, {0, std::sqrt(g), 0, 0}}, {0});
    CHECK(max_diff(run_dm<TestType>(a), reference_rho(b)) < eps);
  }
}

TEMPLATE_TEST_CASE("the density matrix matches a dense reference on random noisy circuits", "[noise]", float, double) {
  std::mt19937_64 rng(2026);
  for (unsigned n : {1U, 2U, 3U, 4U}) {
    for (int trial = 0; trial < 3; ++trial) {
      qsim::Circuit c(n);
      for (int layer = 0; layer < 4; ++layer) {
        for (int g = 0; g < 3; ++g) kcheck::append_core_gate(c, rng);
        const unsigned q = static_cast<unsigned>(rng() % n);
        c.kraus(random_kraus(1, 2, rng), {q});
        if (n >= 2) {
          const unsigned a = static_cast<unsigned>(rng() % n), b = (a + 1 + static_cast<unsigned>(rng() % (n - 1))) % n;
          c.kraus(random_kraus(2, 1, rng), {a, b});
          c.depolarizing(0.1, b, a);
        }
        c.thermal_relaxation(40, 25, 3, q);
      }
      INFO("n = " << n << ", trial " << trial);
      const auto rho = run_dm<TestType>(c);
      CHECK(max_diff(rho, reference_rho(c)) < 20 * tol<TestType>());
      CHECK(rho.trace() == Approx(1).epsilon(0).margin(1e-5));
    }
  }
  SECTION("noise-free: |psi><psi| of the state vector, with fusion and blocking on the doubled register") {
    qsim::SimulatorOptions fused;
    fused.max_fused_qubits = 3;
    fused.cache_blocking = qsim::CacheBlocking::on;
    fused.chunk_qubits = 5;
    const auto c = kcheck::random_circuit(4, 40, rng);
    const auto psi = kcheck::oracle_state<double>(c);
    const auto rho = qsim::DensityMatrixSimulator<TestType>(fused).density_matrix(c);
    double worst = 0;
    for (qsim::index_t r = 0; r < 16; ++r)
      for (qsim::index_t col = 0; col < 16; ++col)
        worst = std::max(worst, std::abs(std::complex<double>(rho.at(r, col)) - psi[r] * std::conj(psi[col])));
    CHECK(worst < 50 * tol<TestType>());
    CHECK(rho.purity() == Approx(1).epsilon(0).margin(1e-4));
  }
}

TEMPLATE_TEST_CASE("Hermitian cache blocking of the density matrix matches the dense reference", "[noise][blocking]",
                   float, double) {
  // Every chunk size (half of it on the rows), gates of every kind and width,
  // channels and resets inside the runs (their superoperators join the
  // stages: dense, diagonal ones that may stay outside the chunk, two-qubit
  // ones), on 1 and 2 threads, and the same runs fused but unblocked: the
  // chunks below the diagonal are written from their mirrors, so each must
  // come out as the reference's.
  std::mt19937_64 rng(77);
  for (unsigned n : {3U, 6U}) {
    qsim::Circuit c(n);
    auto any_qubit = [&] { return static_cast<unsigned>(rng() % n); };
    for (int layer = 0; layer < 3; ++layer) {
      for (int g = 0; g < 8; ++g) {
        kcheck::append_core_gate(c, rng);
        switch (rng() % 6) {
          case 0:
            c.kraus(random_kraus(1, 1, rng), {any_qubit()});
            break;
          case 1:
            c.phase_damping(0.3, any_qubit());
            break;
          case 2:
            c.reset(any_qubit());
            break;
          case 3: {
            const unsigned a = any_qubit(), b = (a + 1 + static_cast<unsigned>(rng() % (n - 1))) % n;
            c.kraus(random_kraus(2, 1, rng), {a, b});
            break;
          }
          default:
            break;
        }
      }
      if (n >= 6) kcheck::append_wide_gate(c, rng);
      for (int g = 0; g < 4; ++g) kcheck::append_core_gate(c, rng);
      c.depolarizing(0.05, any_qubit());
    }
    const Mat expected = reference_rho(c);
    for (unsigned chunk = 2; chunk < 2 * n; ++chunk) {
      INFO("n = " << n << ", chunk " << chunk);
      qsim::SimulatorOptions o;
      o.cache_blocking = qsim::CacheBlocking::on;
      o.chunk_qubits = chunk;
      o.parallel_min_amplitudes = 0;
      o.threads = 1;
      const auto one = qsim::DensityMatrixSimulator<TestType>(o).density_matrix(c);
      o.threads = 2;
      const auto two = qsim::DensityMatrixSimulator<TestType>(o).density_matrix(c);
      CHECK(max_diff(one, expected) < 50 * tol<TestType>());
      const auto& a = one.vectorised();
      CHECK(std::equal(a.data(), a.data() + a.size(), two.vectorised().data()));
    }
    for (unsigned k = 1; k <= 4; ++k) {
      INFO("n = " << n << ", fused up to " << k << " qubits, unblocked");
      qsim::SimulatorOptions o;
      o.cache_blocking = qsim::CacheBlocking::off;
      o.max_fused_qubits = k;
      CHECK(max_diff(qsim::DensityMatrixSimulator<TestType>(o).density_matrix(c), expected) < 50 * tol<TestType>());
    }
  }
}

TEST_CASE("a superoperator is never taken for a permutation", "[noise]") {
  // A 0/1 matrix with one 1 per column is a move only if no two columns
  // share a row. No channel's superoperator is such a map (the reset's has
  // empty columns), so this guards the kernels, not a channel; the reset
  // alone in its run still goes through the kernels' inspection.
  qsim::Circuit c(4);
  c.x(3).barrier().reset(3);
  const auto rho = qsim::DensityMatrixSimulator<double>().density_matrix(c);
  CHECK(rho.at(0, 0).real() == Approx(1));
  CHECK(std::abs(rho.at(8, 8)) < 1e-15);
  qsim::StateVector<double> psi(6);
  for (qsim::index_t i = 0; i < psi.size(); ++i) psi[i] = {0.1 * static_cast<double>(i), 1.0};
  const qsim::StateVector<double> before = psi;
  qsim::kernels::active_kernels<double>().apply_matrix(psi, {5}, {}, {1, 1, 0, 0}, qsim::kernels::ParallelFor(1),
                                                       qsim::kernels::MatrixKind::unknown);
  for (qsim::index_t i = 0; i < 32; ++i) {
    CHECK(psi[i] == before[i] + before[i + 32]);
    CHECK(psi[i + 32] == std::complex<double>(0.0));
  }
}

TEST_CASE("Hermitian blocking: automatic and default chunk sizes, its cost and chunk order, and stages it cannot run",
          "[noise][blocking]") {
  std::mt19937_64 rng(78);
  const unsigned n = 7;
  qsim::Circuit c(n);
  for (int layer = 0; layer < 3; ++layer) {
    for (unsigned q = 0; q < n; ++q) c.ry(0.1 + 0.2 * q + layer, q).rz(0.3 * q - layer, q);
    for (unsigned q = 0; q + 1 < n; ++q) c.cx(q, q + 1);
    kcheck::append_wide_gate(c, rng);
  }
  qsim::SimulatorOptions automatic;
  automatic.chunk_qubits = 8;  // blocks of 4 of the 7 rows: the cost model decides
  qsim::SimulatorOptions off;
  off.cache_blocking = qsim::CacheBlocking::off;
  const auto got = qsim::DensityMatrixSimulator<double>(automatic).density_matrix(c);
  const auto plain = qsim::DensityMatrixSimulator<double>(off).density_matrix(c);
  const Mat expected = reference_rho(c);
  CHECK(max_diff(got, expected) < 1e-10);
  CHECK(max_diff(plain, expected) < 1e-10);
  // Channels in the runs: the cost model prices their superoperators with the gates.
  qsim::Circuit noisy(n);
  for (const auto& op : c.operations()) {
    noisy.append(op);
    if (op.targets.size() == 1)
      noisy.depolarizing(0.02, op.targets[0]);
    else
      noisy.phase_damping(0.1, op.targets.back());
  }
  // Against the unblocked run (checked against the dense reference above), which is cheaper to get at 7 qubits.
  const auto noisy_auto = qsim::DensityMatrixSimulator<double>(automatic).density_matrix(noisy);
  const auto noisy_plain = qsim::DensityMatrixSimulator<double>(off).density_matrix(noisy);
  CHECK(max_diff(noisy_auto, noisy_plain) < 1e-12);
  CHECK(noisy_auto.purity() < 0.99);  // the channels did act

  // Default chunk sizes (chunk_qubits = 0): in double the rows get half the L2 chunk here, one outside.
  qsim::SimulatorOptions on;
  on.cache_blocking = qsim::CacheBlocking::on;
  qsim::Circuit wide(8);
  for (int layer = 0; layer < 2; ++layer) {
    for (int g = 0; g < 12; ++g) kcheck::append_core_gate(wide, rng);
    kcheck::append_wide_gate(wide, rng);
  }
  const auto blocked_rho = qsim::DensityMatrixSimulator<double>(on).density_matrix(wide);
  const auto plain_rho = qsim::DensityMatrixSimulator<double>(off).density_matrix(wide);
  CHECK(max_diff(blocked_rho, plain_rho) < 1e-12);

  const auto& ops = c.operations();
  // Chunk i of a Hermitian sweep: every (a, b) with a <= b exactly once.
  for (unsigned rows : {1U, 3U, 5U}) {
    const qsim::blocking::detail::UpperChunks upper(0, rows);
    std::set<std::pair<qsim::index_t, qsim::index_t>> seen;
    for (qsim::index_t i = 0; i < upper.count(); ++i) {
      const auto ab = upper[i];
      CHECK(ab.first <= ab.second);
      CHECK(ab.second < (qsim::index_t{1} << rows));
      seen.insert(ab);
    }
    CHECK(seen.size() == upper.count());
    CHECK(upper.count() == (qsim::index_t{1} << rows) * ((qsim::index_t{1} << rows) + 1) / 2);
  }

  // The cost of a Hermitian stage: (2^m + 1) / 2^(m+1) of its chunks, and half a stage's traffic for the mirrors.
  qsim::blocking::Stage pair;
  pair.local = 0b011011;  // rows 0, 1 and columns 3, 4 of 3 rows: one row outside
  pair.ops = {&ops[0], &ops[1]};
  qsim::blocking::CostModel model;
  const std::vector<qsim::blocking::Stage> stages{pair};
  auto prepared = qsim::blocking::prepare(stages);
  const double full = qsim::blocking::stage_cost(prepared[0], model);
  CHECK(qsim::blocking::hermitian_blocked_cost(prepared, 3, model) == Approx(0.75 * full + 0.25 * model.stage / 2));
  CHECK(qsim::blocking::blocked_cost(prepared, model) == Approx(full));

  // The executor refuses a run whose stages do not pair rows with columns.
  qsim::StateVector<double> v(6);
  qsim::blocking::Stage stage;
  stage.local = 0b000011;  // rows 0, 1 but no columns
  stage.ops = {&ops[0], &ops[1]};
  qsim::blocking::ExecutorOptions hermitian;
  hermitian.hermitian_rows = 3;
  CHECK_THROWS_WITH(qsim::blocking::apply_stages(v, {stage}, {}, {}, hermitian),
                    Catch::Contains("same local qubits on the rows and the columns"));
  hermitian.hermitian_rows = 2;
  CHECK_THROWS_WITH(qsim::blocking::apply_stages(v, {stage}, {}, {}, hermitian), Catch::Contains("4-qubit vector"));
}

TEST_CASE("reset, measurement and conditions on the density matrix", "[noise]") {
  qsim::DensityMatrixSimulator<double> dm;
  SECTION("reset is exact: the ensemble goes to |0>") {
    qsim::Circuit c(2);
    c.h(0).cx(0, 1).reset(0);
    const auto p = dm.probabilities(c);
    CHECK(p[0] == Approx(0.5));
    CHECK(p[2] == Approx(0.5));
    CHECK(dm.density_matrix(c).purity() == Approx(0.5));
  }
  SECTION("a measurement nothing reads dephases its qubit") {
    qsim::Circuit c(1, 1);
    c.h(0).measure(0, 0).h(0);
    const auto p = dm.probabilities(c);
    CHECK(p[0] == Approx(0.5));
    CHECK(p[1] == Approx(0.5));
  }
  SECTION("conditioned channels and resets: applied where the condition holds, skipped where not") {
    qsim::Circuit c(2);
    c.add_creg("m", 1);
    c.add_creg("out", 1);
    c.x(0).ry(1.2, 1).depolarizing(0.1, 1);  // the shared prefix, channel included
    c.measure(0, 0);                         // m = 1 in every shot
    c.amplitude_damping(0.6, 1).c_if("m", 1);
    c.reset(1).c_if("m", 0);
    c.bit_flip(0.3, 1).c_if("m", 1);
    c.measure(1, 1);
    // <Z> = cos 1.2 shrunk by 1 - 4p/3, P(1) damped to 0.4 of it, then flipped with probability 0.3.
    const double damped = 0.4 * (1 - std::cos(1.2) * (1 - 0.4 / 3)) / 2;
    const double p1 = 0.7 * damped + 0.3 * (1 - damped);
    const std::map<std::string, double> expected{{qsim::format_key({true, true}, c.cregs()), p1},
                                                 {qsim::format_key({true, false}, c.cregs()), 1 - p1}};
    const auto counts = dm.run(c, 4000, 11);
    CHECK(stats::chi_square(counts, expected) < stats::critical(expected.size() - 1));
  }
  SECTION("teleportation with conditions and a reset: counts against the exact branch distribution") {
    const qsim::Circuit c = qref::teleportation_circuit();
    const auto counts = dm.run(c, 4000, 7);
    const auto expected = qref::exact_counts(c);
    CHECK(stats::chi_square(counts, expected) < stats::critical(expected.size() - 1));
    CHECK(counts == dm.run(c, 4000, 7));
  }
}

TEMPLATE_TEST_CASE("trajectories converge to the density matrix", "[noise]", float, double) {
  qsim::Circuit c(3);
  c.h(0).cx(0, 1).depolarizing(0.2, 1).ry(0.8, 2).amplitude_damping(0.4, 2);
  c.cx(1, 2)
      .thermal_relaxation(30, 20, 8, 0)
      .depolarizing(0.15, 0, 2)
      .kraus({{1, 0, 0, std::sqrt(0.7)}, {0, std::sqrt(0.3), 0, 0}}, {1});
  c.measure_all();
  const auto exact = as_keys(qsim::DensityMatrixSimulator<TestType>().probabilities(c), 3);
  qsim::SimulatorOptions one, two;
  one.threads = 1;
  two.threads = 2;
  two.parallel_min_amplitudes = 0;
  const auto counts = qsim::Simulator<TestType>(one).run(c, 20000, 11);
  CHECK(stats::chi_square(counts, exact) < stats::critical(exact.size() - 1));
  CHECK(counts == qsim::Simulator<TestType>(two).run(c, 20000, 11));
  qsim::SimulatorOptions parallel_shots;  // 3 qubits: the shots, not the kernels, take the threads
  parallel_shots.threads = 2;
  CHECK(counts == qsim::Simulator<TestType>(parallel_shots).run(c, 20000, 11));
  CHECK(counts == qsim::Simulator<TestType>(one).run(c, 20000, 11));
  // The density matrix's own samples follow the same distribution.
  const auto dm_counts = qsim::DensityMatrixSimulator<TestType>().run(c, 20000, 12);
  CHECK(stats::chi_square(dm_counts, exact) < stats::critical(exact.size() - 1));
}

TEST_CASE("a noisy GHZ gives the frequencies its error rates predict", "[noise]") {
  // GHZ, then readout errors: P(read 1 | 0) = a, P(read 0 | 1) = b on every qubit.
  const double a = 0.1, b = 0.2;
  qsim::Circuit ghz(3);
  ghz.h(0).cx(0, 1).cx(1, 2).measure_all();
  qsim::NoiseModel model;
  model.add_all_qubit_readout_error({a, b});
  std::map<std::string, double> expected;
  for (unsigned k = 0; k < 8; ++k) {
    const unsigned ones = static_cast<unsigned>(__builtin_popcount(k));
    const double from0 = std::pow(a, ones) * std::pow(1 - a, 3 - ones);
    const double from1 = std::pow(1 - b, ones) * std::pow(b, 3 - ones);
    std::string key = "000";
    for (unsigned q = 0; q < 3; ++q)
      if ((k >> q) & 1U) key[2 - q] = '1';
    expected[key] = 0.5 * from0 + 0.5 * from1;
  }
  for (auto method : {qsim::NoiseMethod::trajectories, qsim::NoiseMethod::density_matrix}) {
    qsim::NoisySimulatorOptions options;
    options.method = method;
    const qsim::NoisySimulator<double> sim(model, options);
    const auto counts = sim.run(ghz, 20000, 5);
    CHECK(stats::chi_square(counts, expected) < stats::critical(7));
  }
  SECTION("bit flips after every gate: X errors on the final qubit") {
    // Bit flips of probability 1/4 on both qubits of cx(1, 2) only (not after cx(0, 1)).
    qsim::NoiseModel flips;
    flips.add_quantum_error(qsim::channels::bit_flip(0.25), {"cx"}, {1, 2});
    const auto p = qsim::NoisySimulator<double>(flips).probabilities(ghz);
    const double none = 0.75 * 0.75, one = 0.25 * 0.75, both = 0.25 * 0.25;
    const std::vector<double> expected_p = {0.5 * none, 0.5 * both, 0.5 * one,  0.5 * one,
                                            0.5 * one,  0.5 * one,  0.5 * both, 0.5 * none};
    for (std::size_t i = 0; i < 8; ++i) CHECK(p[i] == Approx(expected_p[i]));
  }
}

TEST_CASE("the noise model inserts channels without editing the circuit", "[noise]") {
  qsim::Circuit c(2, 2);
  c.h(0).cx(0, 1).rz(0.3, 1).measure(0, 0).measure(1, 1);
  qsim::NoiseModel model;
  model.add_all_qubit_error(qsim::channels::depolarizing(0.01), {"h", "rz"});
  model.add_all_qubit_error(qsim::channels::depolarizing2(0.02), {"cx"});
  model.add_all_qubit_error(qsim::channels::bit_flip(0.03), {"measure"});
  model.add_readout_error({0.01, 0.02}, 1);
  const auto noisy = model.apply(c);
  std::vector<std::string> names;
  for (const auto& op : noisy.operations()) names.push_back(op.name());
  CHECK(names == std::vector<std::string>{"h", "depolarizing", "cx", "depolarizing2", "rz", "depolarizing", "bit_flip",
                                          "measure", "bit_flip", "measure"});
  CHECK(noisy.operations()[9].readout);
  CHECK_FALSE(noisy.operations()[7].readout);
  CHECK(c.size() == 5);
  CHECK_FALSE(c.has_channels());
  // A 1-qubit error on a 2-qubit gate acts on each of its qubits.
  qsim::NoiseModel each;
  each.add_all_qubit_error(qsim::channels::phase_flip(0.1), {"cx"});
  CHECK(each.apply(c).size() == 7);
  // A 2-qubit error cannot follow a 1-qubit gate.
  qsim::NoiseModel wrong;
  wrong.add_all_qubit_error(qsim::channels::depolarizing2(0.1), {"h"});
  CHECK_THROWS_WITH(wrong.apply(c), Catch::Contains("cannot follow h"));
  CHECK_THROWS_AS(qsim::NoiseModel().add_quantum_error(qsim::channels::depolarizing2(0.1), {"cx"}, {0, 1, 2}),
                  qsim::invalid_argument);
  CHECK_THROWS_AS(qsim::NoiseModel().add_readout_error({-0.1, 0}, 0), qsim::invalid_argument);
}

TEST_CASE("noise-free circuits run exactly as before", "[noise]") {
  qsim::Circuit c(4);
  c.h(0).cx(0, 1).ry(0.4, 2).cx(2, 3).measure_all();
  qsim::Simulator<double> sim;
  const qsim::NoisySimulator<double> empty{qsim::NoiseModel{}};
  CHECK(empty.run(c, 5000, 3) == sim.run(c, 5000, 3));
  CHECK(empty.method_for(c, 5000) == qsim::NoiseMethod::trajectories);
  // The density matrix's probabilities equal the state vector's.
  const auto p_sv = sim.probabilities(c);
  const auto p_dm = qsim::DensityMatrixSimulator<double>().probabilities(c);
  for (std::size_t i = 0; i < p_sv.size(); ++i) CHECK(p_dm[i] == Approx(p_sv[i]).epsilon(0).margin(1e-12));
}

TEST_CASE("noise is refused where it cannot run", "[noise]") {
  qsim::Circuit c(2);
  c.h(0).depolarizing(0.1, 0);
  qsim::Simulator<double> sim;
  CHECK_THROWS_WITH(sim.probabilities(c), Catch::Contains("noise channels"));
  CHECK_THROWS_WITH(qsim::qasm::to_qasm(c), Catch::Contains("noise channel"));
  CHECK_THROWS_WITH(qsim::ml::QuantumLayer(c, {qsim::ml::PauliSum{{1.0, "Z0"}}}), Catch::Contains("noise channel"));
  CHECK_THROWS_AS(qsim::DensityMatrix<double>(40), qsim::out_of_memory);
  qsim::NoisySimulatorOptions traj;
  traj.method = qsim::NoiseMethod::trajectories;
  CHECK_THROWS_AS(qsim::NoisySimulator<double>(qsim::NoiseModel{}, traj).probabilities(c), qsim::invalid_argument);
  // One trajectory: the state vector stays normalised.
  const auto psi = sim.statevector(c, 9);
  CHECK(psi.norm() == Approx(1));
}

TEST_CASE("noisy expectation values and parameter-shift gradients", "[noise][ml]") {
  // RY / RX on weights and features, entangled, under depolarizing, amplitude damping and thermal relaxation.
  qsim::Circuit c(3);
  c.ry(qsim::feature(0), 0).rx(qsim::feature(1), 1).ry(qsim::weight(0), 2);
  c.cx(0, 1).crz(qsim::weight(1), 1, 2).rx(qsim::weight(2, 2.0, 0.3), 0).cx(2, 0).ry(qsim::weight(0), 1);
  qsim::NoiseModel model;
  model.add_all_qubit_error(qsim::channels::depolarizing(0.05), {"ry", "rx"});
  model.add_all_qubit_error(qsim::channels::amplitude_damping(0.1), {"cx"});
  model.add_all_qubit_error(qsim::channels::thermal_relaxation(40, 30, 2), {"crz"});
  const qsim::ml::PauliSum h{{0.7, "Z0 Z1"}, {-0.4, "X2"}, {0.2, "Y0"}};
  const std::vector<double> w = {0.3, -1.1, 0.8}, x = {0.5, 1.7};
  const qsim::Binding b{w.data(), w.size(), x.data(), x.size()};
  const auto value = [&](const std::vector<double>& ww, const std::vector<double>& xx) {
    const qsim::Binding bb{ww.data(), ww.size(), xx.data(), xx.size()};
    return qsim::ml::noisy_expectations<double>(model.apply(c), {h}, bb).values[0];
  };
  const auto g = qsim::ml::noisy_parameter_shift_gradient<double>(c, h, b, model);
  CHECK(g.value == Approx(value(w, x)).epsilon(0).margin(1e-12));
  // Against central differences of the exact noisy expectation.
  const double step = 1e-5;
  for (std::size_t k = 0; k < w.size(); ++k) {
    auto up = w, down = w;
    up[k] += step;
    down[k] -= step;
    CHECK(g.weights[k] == Approx((value(up, x) - value(down, x)) / (2 * step)).epsilon(0).margin(1e-7));
  }
  for (std::size_t k = 0; k < x.size(); ++k) {
    auto up = x, down = x;
    up[k] += step;
    down[k] -= step;
    CHECK(g.features[k] == Approx((value(w, up) - value(w, down)) / (2 * step)).epsilon(0).margin(1e-7));
  }
  // Without noise it is the adjoint gradient.
  const auto clean = qsim::ml::noisy_parameter_shift_gradient<double>(c, h, b, qsim::NoiseModel{});
  const auto adjoint = qsim::ml::adjoint_gradient<double>(c, h, b);
  CHECK(clean.value == Approx(adjoint.value).epsilon(0).margin(1e-12));
  for (std::size_t k = 0; k < w.size(); ++k)
    CHECK(clean.weights[k] == Approx(adjoint.weights[k]).epsilon(0).margin(1e-12));
  // Trajectories estimate the same value within their standard error.
  qsim::ml::NoisyEvaluation traj;
  traj.method = qsim::NoiseMethod::trajectories;
  traj.trajectories = 4000;
  traj.seed = 9;
  const auto est = qsim::ml::noisy_expectations<double>(model.apply(c), {h}, b, traj);
  CHECK(est.standard_errors[0] > 0);
  CHECK(std::abs(est.values[0] - g.value) < 5 * est.standard_errors[0]);
}

TEST_CASE("a QuantumLayer with a noise model: forward, backward and the Jacobian", "[noise][ml]") {
  qsim::Circuit c(2);
  c.ry(qsim::feature(0), 0).ry(qsim::feature(1), 1).rx(qsim::weight(0), 0).cx(0, 1).ry(qsim::weight(1), 1);
  auto model = std::make_shared<qsim::NoiseModel>();
  model->add_all_qubit_error(qsim::channels::depolarizing(0.1), {"rx", "ry"});
  model->add_readout_error({0.1, 0.05}, 1);  // <Z1> as read through the error
  qsim::ml::LayerOptions options;
  options.noise = model;
  options.threads = 2;
  const std::vector<qsim::ml::PauliSum> obs = {qsim::ml::PauliSum{{1.0, "Z0"}}, qsim::ml::PauliSum{{1.0, "Z1"}}};
  qsim::ml::QuantumLayer<double> layer(c, obs, options);
  Eigen::MatrixXd x(3, 2);
  x << 0.1, 0.2, -0.7, 1.3, 2.0, 0.4;
  const Eigen::MatrixXd y = layer.forward(x);
  Eigen::MatrixXd dy(3, 2);
  dy << 1.0, -0.5, 0.3, 0.2, -1.0, 0.7;
  const Eigen::MatrixXd dx = layer.backward(dy);
  Eigen::VectorXd expected_dw = Eigen::VectorXd::Zero(2);
  for (Eigen::Index i = 0; i < 3; ++i) {
    const std::vector<double> xi = {x(i, 0), x(i, 1)};
    const qsim::Binding b{layer.weights().data(), 2, xi.data(), 2};
    const auto r = qsim::ml::noisy_expectations<double>(model->apply(c),
                                                        {obs[0], qsim::ml::readout_observable(obs[1], *model)}, b);
    CHECK(y(i, 0) == Approx(r.values[0]).epsilon(0).margin(1e-12));
    CHECK(y(i, 1) == Approx(r.values[1]).epsilon(0).margin(1e-12));
    const qsim::ml::PauliSum folded{{dy(i, 0), "Z0"}, {dy(i, 1), "Z1"}};
    const auto g = qsim::ml::noisy_parameter_shift_gradient<double>(c, folded, b, *model);
    CHECK(dx(i, 0) == Approx(g.features[0]).epsilon(0).margin(1e-12));
    CHECK(dx(i, 1) == Approx(g.features[1]).epsilon(0).margin(1e-12));
    expected_dw += Eigen::Map<const Eigen::VectorXd>(g.weights.data(), 2);
  }
  CHECK((layer.weight_gradient() - expected_dw).norm() < 1e-12);
  // Noise lowers |<Z>| against the noiseless layer with the same weights.
  qsim::ml::QuantumLayer<double> clean(c, obs);
  clean.set_weights(layer.weights());
  CHECK(std::abs(y(0, 0)) < std::abs(clean.expectation_values(x)(0, 0)));
  Eigen::MatrixXd dxj;
  const Eigen::MatrixXd jw = layer.jacobian(x.row(0).transpose(), &dxj);
  const std::vector<double> x0 = {x(0, 0), x(0, 1)};
  const qsim::Binding b0{layer.weights().data(), 2, x0.data(), 2};
  const auto g0 = qsim::ml::noisy_parameter_shift_gradient<double>(c, obs[0], b0, *model);
  CHECK(jw(0, 1) == Approx(g0.weights[1]).epsilon(0).margin(1e-12));
  CHECK(dxj(0, 0) == Approx(g0.features[0]).epsilon(0).margin(1e-12));
}

TEST_CASE("readout errors on observables: what the flipped records average to", "[noise][ml]") {
  // A 2-qubit state; every Z string's readout-noisy average, summed over true and recorded bits.
  qsim::Circuit c(2);
  c.ry(1.1, 0).ry(0.4, 1).cx(0, 1).rz(0.3, 1).h(1);
  const auto p = qsim::DensityMatrixSimulator<double>().probabilities(c);
  qsim::NoiseModel model;
  model.add_readout_error({0.1, 0.2}, 0);
  model.add_readout_error({0.03, 0.07}, 1);
  const double flip[2][2] = {{0.1, 0.2}, {0.03, 0.07}};  // [qubit][true bit]: P(recorded != true)
  for (const std::string pauli : {"Z0", "Z1", "Z0 Z1"}) {
    const bool on0 = pauli.find("Z0") != std::string::npos, on1 = pauli.find("Z1") != std::string::npos;
    double direct = 0;
    for (unsigned b = 0; b < 4; ++b)
      for (unsigned r = 0; r < 4; ++r) {
        double pr = p[b];
        for (unsigned q = 0; q < 2; ++q) {
          const unsigned tb = (b >> q) & 1U, rb = (r >> q) & 1U;
          pr *= tb == rb ? 1 - flip[q][tb] : flip[q][tb];
        }
        const unsigned parity = (on0 ? r & 1U : 0U) ^ (on1 ? (r >> 1) & 1U : 0U);
        direct += pr * (parity ? -1.0 : 1.0);
      }
    const auto read = qsim::ml::readout_observable(qsim::ml::PauliSum{{1.0, pauli}}, model);
    const auto value = qsim::ml::noisy_expectations<double>(c, {read}, {}).values[0];
    INFO(pauli);
    CHECK(value == Approx(direct).epsilon(0).margin(1e-12));
  }
  // No readout errors: the observable is unchanged.
  const qsim::ml::PauliSum h{{0.5, "X0 Y1"}};
  CHECK(qsim::ml::readout_observable(h, qsim::NoiseModel{}).terms().size() == 1);
}
