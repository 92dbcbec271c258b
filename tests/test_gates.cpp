// Every gate of the core set, through the simulator, against a dense operator
// built independently from Kronecker products, for every ordered choice of
// its qubits on n = 1..6 qubits (1..5 under the sanitizers).
#include <catch2/catch.hpp>
#include <functional>

#include "support/dense_reference.hpp"
#include "support/kernel_checks.hpp"

namespace {

using ref::Mat;
using Qs = std::vector<unsigned>;

struct GateCase {
  std::string name;
  unsigned num_controls;
  unsigned num_targets;
  std::function<void(qsim::Circuit&, const Qs&)> add;  // qs: controls, then targets
  Mat target_matrix;                                   // bit j = j-th target
};

std::vector<GateCase> gate_cases() {
  const double a = 0.7312, b = -1.913, g = 2.417, d = 0.389;
  const Mat XX = Eigen::kroneckerProduct(ref::X(), ref::X()).eval();
  const Mat YY = Eigen::kroneckerProduct(ref::Y(), ref::Y()).eval();
  const Mat ZZ = Eigen::kroneckerProduct(ref::Z(), ref::Z()).eval();
  const Mat II = Mat::Identity(4, 4);
  const Mat SWAP = (II + XX + YY + ZZ) / 2.0;
  const Mat ISWAP = (II + ZZ) / 2.0 + ref::cd(0, 0.5) * (XX + YY);
  const Mat S = ref::phase(qsim::detail::pi / 2), T = ref::phase(qsim::detail::pi / 4);
  const Mat SX = (ref::I2() + ref::cd(0, 1) * ref::I2() + ref::X() - ref::cd(0, 1) * ref::X()) / 2.0;  // sqrt(X)
  std::mt19937_64 rng(99);
  const Mat U1 = ref::random_unitary(1, rng), U2 = ref::random_unitary(2, rng);
  using C = qsim::Circuit;
  return {
      {"id", 0, 1, [](C& c, const Qs& q) { c.id(q[0]); }, ref::I2()},
      {"x", 0, 1, [](C& c, const Qs& q) { c.x(q[0]); }, ref::X()},
      {"y", 0, 1, [](C& c, const Qs& q) { c.y(q[0]); }, ref::Y()},
      {"z", 0, 1, [](C& c, const Qs& q) { c.z(q[0]); }, ref::Z()},
      {"h", 0, 1, [](C& c, const Qs& q) { c.h(q[0]); }, ref::H()},
      {"s", 0, 1, [](C& c, const Qs& q) { c.s(q[0]); }, S},
      {"sdg", 0, 1, [](C& c, const Qs& q) { c.sdg(q[0]); }, S.adjoint()},
      {"t", 0, 1, [](C& c, const Qs& q) { c.t(q[0]); }, T},
      {"tdg", 0, 1, [](C& c, const Qs& q) { c.tdg(q[0]); }, T.adjoint()},
      {"sx", 0, 1, [](C& c, const Qs& q) { c.sx(q[0]); }, SX},
      {"sxdg", 0, 1, [](C& c, const Qs& q) { c.sxdg(q[0]); }, SX.adjoint()},
      {"rx", 0, 1, [=](C& c, const Qs& q) { c.rx(a, q[0]); }, ref::pauli_rotation(ref::X(), a)},
      {"ry", 0, 1, [=](C& c, const Qs& q) { c.ry(b, q[0]); }, ref::pauli_rotation(ref::Y(), b)},
      {"rz", 0, 1, [=](C& c, const Qs& q) { c.rz(g, q[0]); }, ref::pauli_rotation(ref::Z(), g)},
      {"p", 0, 1, [=](C& c, const Qs& q) { c.p(d, q[0]); }, ref::phase(d)},
      {"u", 0, 1, [=](C& c, const Qs& q) { c.u(a, b, g, q[0]); }, ref::U3(a, b, g)},
      {"cx", 1, 1, [](C& c, const Qs& q) { c.cx(q[0], q[1]); }, ref::X()},
      {"cy", 1, 1, [](C& c, const Qs& q) { c.cy(q[0], q[1]); }, ref::Y()},
      {"cz", 1, 1, [](C& c, const Qs& q) { c.cz(q[0], q[1]); }, ref::Z()},
      {"ch", 1, 1, [](C& c, const Qs& q) { c.ch(q[0], q[1]); }, ref::H()},
      {"crx", 1, 1, [=](C& c, const Qs& q) { c.crx(a, q[0], q[1]); }, ref::pauli_rotation(ref::X(), a)},
      {"cry", 1, 1, [=](C& c, const Qs& q) { c.cry(b, q[0], q[1]); }, ref::pauli_rotation(ref::Y(), b)},
      {"crz", 1, 1, [=](C& c, const Qs& q) { c.crz(g, q[0], q[1]); }, ref::pauli_rotation(ref::Z(), g)},
      {"cp", 1, 1, [=](C& c, const Qs& q) { c.cp(d, q[0], q[1]); }, ref::phase(d)},
      {"cu", 1, 1, [=](C& c, const Qs& q) { c.cu(a, b, g, d, q[0], q[1]); }, std::polar(1.0, d) * ref::U3(a, b, g)},
      {"swap", 0, 2, [](C& c, const Qs& q) { c.swap(q[0], q[1]); }, SWAP},
      {"iswap", 0, 2, [](C& c, const Qs& q) { c.iswap(q[0], q[1]); }, ISWAP},
      {"rxx", 0, 2, [=](C& c, const Qs& q) { c.rxx(a, q[0], q[1]); }, ref::pauli_rotation(XX, a)},
      {"ryy", 0, 2, [=](C& c, const Qs& q) { c.ryy(b, q[0], q[1]); }, ref::pauli_rotation(YY, b)},
      {"rzz", 0, 2, [=](C& c, const Qs& q) { c.rzz(g, q[0], q[1]); }, ref::pauli_rotation(ZZ, g)},
      {"ccx", 2, 1, [](C& c, const Qs& q) { c.ccx(q[0], q[1], q[2]); }, ref::X()},
      {"cswap", 1, 2, [](C& c, const Qs& q) { c.cswap(q[0], q[1], q[2]); }, SWAP},
      {"mcx3", 3, 1,
       [](C& c, const Qs& q) {
         c.mcx({q[0], q[1], q[2]}, q[3]);
       },
       ref::X()},
      {"unitary1", 0, 1, [=](C& c, const Qs& q) { c.unitary(ref::to_qsim(U1), {q[0]}); }, U1},
      {"unitary2", 0, 2,
       [=](C& c, const Qs& q) {
         c.unitary(ref::to_qsim(U2), {q[0], q[1]});
       },
       U2},
      {"controlled ry", 2, 1,
       [=](C& c, const Qs& q) {
         c.controlled({q[0], q[1]}, qsim::make_gate(qsim::GateId::ry, {q[2]}, {b}));
       },
       ref::pauli_rotation(ref::Y(), b)},
      {"controlled unitary2", 1, 2,
       [=](C& c, const Qs& q) {
         c.controlled({q[0]}, qsim::make_unitary(ref::to_qsim(U2), {q[1], q[2]}));
       },
       U2},
  };
}

// Every ordered tuple of `k` distinct qubits out of n.
void for_each_tuple(unsigned n, unsigned k, const std::function<void(const Qs&)>& f, Qs& prefix) {
  if (prefix.size() == k) return f(prefix);
  for (unsigned q = 0; q < n; ++q) {
    if (std::find(prefix.begin(), prefix.end(), q) != prefix.end()) continue;
    prefix.push_back(q);
    for_each_tuple(n, k, f, prefix);
    prefix.pop_back();
  }
}

}  // namespace

TEMPLATE_TEST_CASE("every gate matches its dense Kronecker-product operator", "[gates]", float, double) {
  std::mt19937_64 rng(1234);
  qsim::Simulator<TestType> sim;
  for (const auto& gc : gate_cases()) {
    const unsigned arity = gc.num_controls + gc.num_targets;
    // Up to 5 qubits under the sanitizers (30 s at 6): that still places targets and
    // controls on both sides of the in-register qubits (0-2 in float with AVX-512).
    for (unsigned n = std::max(1U, arity); n <= kcheck::max_qubits(6, 5); ++n) {
      Qs prefix;
      for_each_tuple(
          n, arity,
          [&](const Qs& qs) {
            const Qs controls(qs.begin(), qs.begin() + gc.num_controls);
            const Qs targets(qs.begin() + gc.num_controls, qs.end());
            const ref::Vec v = ref::random_state(static_cast<int>(n), rng);
            const ref::Vec expected = ref::embed(static_cast<int>(n), gc.target_matrix, targets, controls) * v;
            qsim::Circuit c(n);
            gc.add(c, qs);
            auto psi = ref::to_state<TestType>(v);
            sim.apply(c, psi);
            INFO("gate " << gc.name << " on n=" << n << " qubits " << Catch::Detail::stringify(qs));
            REQUIRE(ref::max_diff(psi, expected) < ref::tolerance<TestType>());
          },
          prefix);
    }
  }
}

TEST_CASE("library gate matrices equal the textbook definitions", "[gates]") {
  // A direct check of gate_matrix() itself, independent of any kernel.
  const double t = 0.918;
  auto same = [](const qsim::Matrix& m, const Mat& e) {
    for (Eigen::Index r = 0; r < e.rows(); ++r)
      for (Eigen::Index c = 0; c < e.cols(); ++c)
        if (std::abs(m[static_cast<std::size_t>(r * e.cols() + c)] - e(r, c)) > 1e-14) return false;
    return true;
  };
  CHECK(same(qsim::gate_matrix(qsim::GateId::rx, {t}), ref::pauli_rotation(ref::X(), t)));
  CHECK(same(qsim::gate_matrix(qsim::GateId::u, {t, 0.2, -0.4}), ref::U3(t, 0.2, -0.4)));
  const Mat ZZ = Eigen::kroneckerProduct(ref::Z(), ref::Z()).eval();
  CHECK(same(qsim::gate_matrix(qsim::GateId::rzz, {t}), ref::pauli_rotation(ZZ, t)));
  // RZ differs from P by a global phase only: RZ(t) = e^{-it/2} P(t).
  CHECK(same(qsim::gate_matrix(qsim::GateId::rz, {t}), std::polar(1.0, -t / 2) * ref::phase(t)));
}

TEST_CASE("gate matrices stay unitary for angles of very different sizes", "[gates]") {
  // phi + lambda rounds to lambda when lambda is 1e300: a matrix formed from the
  // rounded sum is no longer unitary (found by fuzz_api on cu).
  const std::vector<double> angles{7.125, -1.875, 1e300, -1e300, 3e17, 0.5};
  for (unsigned id = 0; id < qsim::num_gate_ids; ++id) {
    const auto gate = static_cast<qsim::GateId>(id);
    const qsim::GateInfo& info = qsim::gate_info(gate);
    if (info.matrix == nullptr) continue;
    const unsigned count = info.num_params == 3 ? 4 : info.num_params;  // u also takes Qiskit's global phase
    std::size_t combinations = 1;
    for (unsigned j = 0; j < count; ++j) combinations *= angles.size();
    for (std::size_t pick = 0; pick < combinations; ++pick) {  // every choice of angles: digit j picks angle j
      std::vector<double> a;
      for (std::size_t j = 0, rest = pick; j < count; ++j, rest /= angles.size())
        a.push_back(angles[rest % angles.size()]);
      const qsim::Matrix m = qsim::gate_matrix(gate, a);
      const auto dim = static_cast<Eigen::Index>(std::llround(std::sqrt(static_cast<double>(m.size()))));
      Mat u(dim, dim);
      for (Eigen::Index r = 0; r < dim; ++r)
        for (Eigen::Index c = 0; c < dim; ++c) u(r, c) = m[static_cast<std::size_t>(r * dim + c)];
      INFO(info.name << " angle pick " << pick);
      CHECK((u.adjoint() * u - Mat::Identity(dim, dim)).cwiseAbs().maxCoeff() < 1e-14);
    }
  }
}

TEST_CASE("bit order is Qiskit's: qubit 0 is the rightmost character", "[gates][order]") {
  qsim::Simulator<double> sim;
  qsim::Circuit c0(3);
  c0.x(0).measure_all();
  CHECK(sim.run(c0, 10, 1) == qsim::Counts{{"001", 10}});
  qsim::Circuit c2(3);
  c2.x(2).measure_all();
  CHECK(sim.run(c2, 10, 1) == qsim::Counts{{"100", 10}});
  // Control qubit 0 set, target 1 flips: basis index 0b011 = 3.
  qsim::Circuit c(2);
  c.x(0).cx(0, 1);
  const auto psi = sim.statevector(c);
  CHECK(std::abs(psi[3] - std::complex<double>(1)) < 1e-15);
  // A 2-qubit matrix's bit 0 is its first target: unitary(CX-matrix, {0, 1}) has control 0.
  const qsim::Matrix cx01 = {1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0};
  qsim::Circuit u(2);
  u.x(0).unitary(cx01, {0, 1});
  CHECK(std::abs(sim.statevector(u)[3] - std::complex<double>(1)) < 1e-15);
  CHECK(qsim::to_big_endian(qsim::Counts{{"001", 4}}) == qsim::Counts{{"100", 4}});
}
