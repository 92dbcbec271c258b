// Every primitive of the kernel seam (KernelSet), for every backend this
// program holds: the scalar oracle and each SIMD build the CPU runs. One
// test body per primitive, checked against an independent reference (Eigen
// vectors and Kronecker-product operators), on random states with n = 1..10 (fewer in the sanitizer build);
// the SIMD builds also give bitwise the same result on 1 and 2 threads.
#include <catch2/catch.hpp>

#include "support/kernel_checks.hpp"

namespace {

using qsim::index_t;
using ref::cd;
using ref::Mat;
using ref::Vec;

template <class T>
std::vector<const qsim::kernels::KernelSet<T>*> every_backend() {
  auto all = qsim::kernels::available_kernels<T>();
  all.insert(all.begin(), &qsim::kernels::reference_kernels<T>());
  return all;
}

template <class T>
Vec to_vec(const qsim::StateVector<T>& psi) {
  Vec v(static_cast<Eigen::Index>(psi.size()));
  for (index_t i = 0; i < psi.size(); ++i) v(static_cast<Eigen::Index>(i)) = cd(psi[i]);
  return v;
}

// X^x Z^z as a full operator (Z first, then X, on each qubit).
Mat pauli_operator(unsigned n, index_t x, index_t z) {
  std::vector<Mat> f(n, ref::I2());
  for (unsigned q = 0; q < n; ++q)
    f[q] = (((x >> q) & 1U) ? ref::X() : ref::I2()) * (((z >> q) & 1U) ? ref::Z() : ref::I2());
  return ref::kron_all(f);
}

template <class T>
constexpr double tol() {
  return std::is_same_v<T, float> ? 2e-5 : 1e-12;
}

// Runs check(kernels, par) for every backend at 1 and 2 forced threads and
// requires the two to agree exactly: `run` returns what is compared.
template <class T, class Run>
void for_every_backend(const Run& run) {
  for (const auto* ks : every_backend<T>()) {
    INFO("backend " << ks->arch);
    const auto one = run(*ks, kcheck::forced_threads(1));
    const auto two = run(*ks, kcheck::forced_threads(2));
    REQUIRE(one == two);
  }
}

}  // namespace

TEMPLATE_TEST_CASE("every backend: dense, diagonal and controlled matrices", "[backends]", float, double) {
  std::mt19937_64 rng(101);
  for (unsigned n = 1; n <= kcheck::max_qubits(9, 7); ++n)
    for (unsigned k = 1; k <= std::min(n, 3U); ++k)
      for (unsigned nc = 0; nc <= std::min(n - k, 2U); ++nc) {
        const auto qs = kcheck::pick(n, k + nc, rng);
        const std::vector<unsigned> targets(qs.begin(), qs.begin() + k), controls(qs.begin() + k, qs.end());
        const Mat u = ref::random_unitary(static_cast<int>(k), rng);
        const auto psi = kcheck::random_psi<TestType>(n, rng);
        const Vec expect = ref::embed(static_cast<int>(n), u, targets, controls) * to_vec(psi);
        INFO("n=" << n << " targets " << Catch::Detail::stringify(targets) << " controls "
                  << Catch::Detail::stringify(controls));
        for_every_backend<TestType>([&](const auto& ks, const auto& par) {
          auto out = psi;
          ks.apply_matrix(out, targets, controls, ref::to_qsim(u), par, qsim::kernels::MatrixKind::unknown);
          REQUIRE(ref::max_diff(out, expect) <= tol<TestType>());
          return to_vec(out);
        });
        // A diagonal on targets ++ controls, through apply_diagonal.
        std::vector<cd> diag(std::size_t{1} << qs.size());
        for (auto& d : diag) d = std::polar(1.0, std::uniform_real_distribution<double>(-3, 3)(rng));
        Mat dmat = Mat::Zero(static_cast<Eigen::Index>(diag.size()), static_cast<Eigen::Index>(diag.size()));
        for (std::size_t j = 0; j < diag.size(); ++j)
          dmat(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(j)) = diag[j];
        const Vec expect_diag = ref::embed(static_cast<int>(n), dmat, qs, {}) * to_vec(psi);
        for_every_backend<TestType>([&](const auto& ks, const auto& par) {
          auto out = psi;
          ks.apply_diagonal(out, qs, diag, par);
          REQUIRE(ref::max_diff(out, expect_diag) <= tol<TestType>());
          return to_vec(out);
        });
      }
}

TEMPLATE_TEST_CASE("every backend: probabilities, block sums, measurement and collapse", "[backends][measure]", float,
                   double) {
  std::mt19937_64 rng(102);
  for (unsigned n = 1; n <= kcheck::max_qubits(14, 11); ++n) {
    const auto psi = kcheck::random_psi<TestType>(n, rng);
    const Vec v = to_vec(psi);
    const Eigen::VectorXd p = v.cwiseAbs2();
    INFO("n=" << n);
    const index_t first = psi.size() / 4, count = psi.size() - first;
    for_every_backend<TestType>([&](const auto& ks, const auto& par) {
      std::vector<double> out(count);
      ks.probabilities(psi, first, count, out.data(), par);
      for (index_t j = 0; j < count; ++j) REQUIRE(std::abs(out[j] - p(static_cast<Eigen::Index>(first + j))) <= 1e-15);
      return out;
    });
    const index_t block = index_t{1} << (n / 2);
    for_every_backend<TestType>([&](const auto& ks, const auto& par) {
      std::vector<double> sums(psi.size() / block);
      ks.block_probabilities(psi, block, sums.data(), par);
      for (index_t b = 0; b < sums.size(); ++b)
        REQUIRE(std::abs(sums[b] -
                         p.segment(static_cast<Eigen::Index>(b * block), static_cast<Eigen::Index>(block)).sum()) <=
                1e-14);
      return sums;
    });
    for (unsigned q = 0; q < n; ++q) {
      double p1 = 0;
      for (index_t i = 0; i < psi.size(); ++i)
        if ((i >> q) & 1U) p1 += p(static_cast<Eigen::Index>(i));
      const int outcome = static_cast<int>((n + q) % 2);
      const double po = outcome ? p1 : 1 - p1;
      Vec projected = v;
      for (index_t i = 0; i < psi.size(); ++i)
        if (static_cast<int>((i >> q) & 1U) != outcome) projected(static_cast<Eigen::Index>(i)) = 0;
      projected /= std::sqrt(po);
      INFO("q=" << q);
      for_every_backend<TestType>([&](const auto& ks, const auto& par) {
        const double got = ks.probability_one(psi, q, par);
        // The oracle rounds each |amplitude|^2 to T; the SIMD builds sum in double.
        REQUIRE(std::abs(got - p1) <= (sizeof(TestType) == 4 ? 1e-6 : 1e-13));
        auto out = psi;
        ks.collapse(out, q, outcome, po, par);
        REQUIRE(ref::max_diff(out, projected) <= tol<TestType>());
        return std::make_pair(got, to_vec(out));
      });
    }
  }
}

TEMPLATE_TEST_CASE("every backend: Pauli strings, sums of Z strings, H|psi> and inner products", "[backends][ml]",
                   float, double) {
  std::mt19937_64 rng(103);
  for (unsigned n = 1; n <= kcheck::max_qubits(10, 8); ++n) {
    const auto psi = kcheck::random_psi<TestType>(n, rng), phi = kcheck::random_psi<TestType>(n, rng);
    const Vec v = to_vec(psi), w = to_vec(phi);
    std::uniform_int_distribution<index_t> mask(0, psi.size() - 1);
    std::uniform_real_distribution<double> coeff(-2, 2);
    INFO("n=" << n);
    for (int trial = 0; trial < 6; ++trial) {
      const index_t x = trial == 0 ? 0 : mask(rng), z = mask(rng);
      const cd expect = v.dot(pauli_operator(n, x, z) * v);  // Eigen's dot conjugates the first argument
      INFO("x=" << x << " z=" << z);
      for_every_backend<TestType>([&](const auto& ks, const auto& par) {
        const cd got = ks.pauli_string_sum(psi, x, z, par);
        REQUIRE(std::abs(got - expect) <= tol<TestType>());
        return got;
      });
    }
    std::vector<index_t> zs(5), xs(5);
    std::vector<double> cs(5);
    std::vector<cd> ws(5);
    Mat h = Mat::Zero(v.size(), v.size());
    double z_expect = 0;
    for (std::size_t t = 0; t < zs.size(); ++t) {
      zs[t] = mask(rng), cs[t] = coeff(rng);
      xs[t] = t % 2 ? mask(rng) : 0;  // some diagonal strings, some not
      ws[t] = cd(coeff(rng), t == 3 ? coeff(rng) : 0.0);
      z_expect += cs[t] * v.dot(pauli_operator(n, 0, zs[t]) * v).real();
      h += ws[t] * pauli_operator(n, xs[t], zs[t]);
    }
    const Vec hv = h * v;
    for_every_backend<TestType>([&](const auto& ks, const auto& par) {
      const double got = ks.z_strings_expectation(psi, zs.data(), cs.data(), zs.size(), par);
      REQUIRE(std::abs(got - z_expect) <= 10 * tol<TestType>());
      auto out = psi;
      ks.apply_pauli_strings(psi, out, xs.data(), zs.data(), ws.data(), ws.size(), par);
      REQUIRE(ref::max_diff(out, hv) <= 10 * tol<TestType>());
      return std::make_pair(got, to_vec(out));
    });
    const cd inner = v.dot(w);
    for_every_backend<TestType>([&](const auto& ks, const auto& par) {
      const cd got = ks.inner_product(psi, phi, par);
      REQUIRE(std::abs(got - inner) <= tol<TestType>());
      return got;
    });
  }
}

TEMPLATE_TEST_CASE("every backend: adjoint steps on one target and on rotation pairs", "[backends][ml]", float,
                   double) {
  std::mt19937_64 rng(104);
  for (unsigned n = 1; n <= kcheck::max_qubits(9, 7); ++n) {
    const auto psi = kcheck::random_psi<TestType>(n, rng), lam = kcheck::random_psi<TestType>(n, rng);
    const Vec p = to_vec(psi), l = to_vec(lam);
    const auto qs = kcheck::pick(n, std::min(n, 3U), rng);
    const unsigned t = qs[0];
    const std::vector<unsigned> controls(qs.begin() + 1, qs.end());
    index_t cmask = 0;
    for (auto c : controls) cmask |= index_t{1} << c;
    // A general step: u and two derivative matrices d0, d1 (any 2x2).
    const Mat u = ref::random_unitary(1, rng), d0 = ref::random_unitary(1, rng), d1 = ref::random_unitary(1, rng) * 0.5;
    const Mat zero = Mat::Zero(2, 2);
    const auto on_controls = [&](const Mat& m) {
      return Mat(ref::embed(static_cast<int>(n), m, {t}, controls) -
                 ref::embed(static_cast<int>(n), zero, {t}, controls));
    };
    const double e0 = l.dot(on_controls(d0) * p).real(), e1 = l.dot(on_controls(d1) * p).real();
    const Mat full_u = ref::embed(static_cast<int>(n), u, {t}, controls);
    const Vec p_after = full_u * p, l_after = full_u * l;
    INFO("n=" << n << " t=" << t << " controls " << Catch::Detail::stringify(controls));
    for_every_backend<TestType>([&](const auto& ks, const auto& par) {
      (void)par;  // the adjoint steps run on one thread
      auto a = psi, b = lam;
      double acc[4] = {0.25, -1, 0, 0};
      ks.adjoint_one_target(a, &b, t, cmask, ref::to_qsim(u), {ref::to_qsim(d0), ref::to_qsim(d1)}, acc,
                            qsim::GateId::unitary);
      REQUIRE(std::abs(acc[0] - 0.25 - e0) <= 10 * tol<TestType>());
      REQUIRE(std::abs(acc[1] + 1 - e1) <= 10 * tol<TestType>());
      REQUIRE(ref::max_diff(a, p_after) <= tol<TestType>());
      REQUIRE(ref::max_diff(b, l_after) <= tol<TestType>());
      auto c = psi;
      ks.adjoint_one_target(c, nullptr, t, cmask, ref::to_qsim(u), {}, acc, qsim::GateId::unitary);
      REQUIRE(ref::max_diff(c, p_after) <= tol<TestType>());
      return std::make_pair(to_vec(a), to_vec(b));
    });
    // RY then RZ on t, undone in one pass: the derivative of exp(-i a G / 2) times its inverse is -i/2 G.
    const double ay = 0.7, az = -1.9;
    const Mat ry_inv = ref::pauli_rotation(ref::Y(), -ay), rz_inv = ref::pauli_rotation(ref::Z(), -az);
    const Mat dy = cd(0, -0.5) * ref::Y(), dz = cd(0, -0.5) * ref::Z();
    const auto full = [&](const Mat& m) { return ref::embed(static_cast<int>(n), m, {t}, {}); };
    const double g_rz = l.dot(full(dz) * p).real();  // RZ came last, so it is undone first
    const Vec p1 = full(rz_inv) * p, l1 = full(rz_inv) * l;
    const double g_ry = l1.dot(full(dy) * p1).real();
    const Vec p2 = full(ry_inv) * p1, l2 = full(ry_inv) * l1;
    for_every_backend<TestType>([&](const auto& ks, const auto& par) {
      (void)par;
      auto a = psi, b = lam;
      double acc[2] = {0, 0};
      ks.adjoint_rotation_pair(a, b, t, qsim::GateId::rz, ref::to_qsim(rz_inv), qsim::GateId::ry, ref::to_qsim(ry_inv),
                               acc);
      REQUIRE(std::abs(acc[0] - g_rz) <= 10 * tol<TestType>());
      REQUIRE(std::abs(acc[1] - g_ry) <= 10 * tol<TestType>());
      REQUIRE(ref::max_diff(a, p2) <= tol<TestType>());
      REQUIRE(ref::max_diff(b, l2) <= tol<TestType>());
      return std::make_pair(to_vec(a), to_vec(b));
    });
  }
}

TEMPLATE_TEST_CASE("the seam's checked entry points refuse bad input", "[backends]", float, double) {
  qsim::StateVector<TestType> a(2), b(3);
  CHECK_THROWS_WITH(qsim::kernels::inner_product(a, b), Catch::Contains("2-qubit and a 3-qubit"));
  const auto p = qsim::kernels::probabilities(b);
  CHECK(p.size() == 8);
  CHECK(p[0] == 1.0);
}
