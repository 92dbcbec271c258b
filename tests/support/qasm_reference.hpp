#pragma once
// An independent dense simulator for the OpenQASM tests: gate matrices from
// their textbook definitions (tests/support/dense_reference.hpp, not the
// library's gate_matrix), applied with Eigen to an explicit state vector, and
// an exact outcome distribution that follows every measurement branch, so
// circuits with mid-circuit measurement, reset and `if` have an exact answer.
// The chi-square helpers come from support/chi_square.hpp.
#include <map>
#include <string>
#include <vector>

#include "support/chi_square.hpp"
#include "support/dense_reference.hpp"

namespace qref {

using ref::cd;
using ref::Mat;
using ref::Vec;

inline Mat kron(const Mat& a, const Mat& b) { return Eigen::kroneckerProduct(a, b).eval(); }

// The matrix of a base gate on its targets (bit j = targets[j]).
inline Mat gate(const qsim::Operation& op) {
  const double pi = 3.14159265358979323846;
  std::vector<double> a;
  for (const auto& p : op.params) a.push_back(p.value());
  const Mat X = ref::X(), Y = ref::Y(), Z = ref::Z(), I = Mat::Identity(2, 2);
  const Mat SX = std::polar(1.0, pi / 4) * ref::pauli_rotation(X, pi / 2);
  switch (op.gate) {
    case qsim::GateId::i:
      return I;
    case qsim::GateId::x:
      return X;
    case qsim::GateId::y:
      return Y;
    case qsim::GateId::z:
      return Z;
    case qsim::GateId::h:
      return ref::H();
    case qsim::GateId::s:
      return ref::phase(pi / 2);
    case qsim::GateId::sdg:
      return ref::phase(-pi / 2);
    case qsim::GateId::t:
      return ref::phase(pi / 4);
    case qsim::GateId::tdg:
      return ref::phase(-pi / 4);
    case qsim::GateId::sx:
      return SX;
    case qsim::GateId::sxdg:
      return SX.adjoint();
    case qsim::GateId::rx:
      return ref::pauli_rotation(X, a.at(0));
    case qsim::GateId::ry:
      return ref::pauli_rotation(Y, a.at(0));
    case qsim::GateId::rz:
      return ref::pauli_rotation(Z, a.at(0));
    case qsim::GateId::p:
      return ref::phase(a.at(0));
    case qsim::GateId::u:
      return (a.size() > 3 ? std::polar(1.0, a[3]) : cd(1)) * ref::U3(a.at(0), a.at(1), a.at(2));
    case qsim::GateId::swap:
      return (kron(I, I) + kron(X, X) + kron(Y, Y) + kron(Z, Z)) / 2.0;
    case qsim::GateId::iswap:
      return (kron(I, I) + kron(Z, Z)) / 2.0 + cd(0, 0.5) * (kron(X, X) + kron(Y, Y));
    case qsim::GateId::rxx:
      return ref::pauli_rotation(kron(X, X), a.at(0));
    case qsim::GateId::ryy:
      return ref::pauli_rotation(kron(Y, Y), a.at(0));
    case qsim::GateId::rzz:
      return ref::pauli_rotation(kron(Z, Z), a.at(0));
    case qsim::GateId::unitary:
      break;
  }
  Mat m(Eigen::Index{1} << op.targets.size(), Eigen::Index{1} << op.targets.size());
  for (Eigen::Index r = 0; r < m.rows(); ++r)
    for (Eigen::Index c = 0; c < m.cols(); ++c) m(r, c) = (*op.matrix)[static_cast<std::size_t>(r * m.cols() + c)];
  return m;
}

// psi <- (m on targets, where all controls are 1) psi, by gathering each
// group of 2^k amplitudes into an Eigen vector.
inline void apply(Vec& psi, const Mat& m, const std::vector<unsigned>& targets, const std::vector<unsigned>& controls) {
  unsigned long long cmask = 0, tmask = 0;
  for (auto c : controls) cmask |= 1ULL << c;
  for (auto t : targets) tmask |= 1ULL << t;
  const auto k = targets.size();
  Vec block(Eigen::Index{1} << k);
  for (unsigned long long i = 0; i < static_cast<unsigned long long>(psi.size()); ++i) {
    if ((i & cmask) != cmask || (i & tmask) != 0) continue;
    auto index = [&](Eigen::Index a) {
      unsigned long long j = i;
      for (std::size_t b = 0; b < k; ++b)
        if ((a >> b) & 1) j |= 1ULL << targets[b];
      return static_cast<Eigen::Index>(j);
    };
    for (Eigen::Index a = 0; a < block.size(); ++a) block(a) = psi(index(a));
    const Vec out = m * block;
    for (Eigen::Index a = 0; a < block.size(); ++a) psi(index(a)) = out(a);
  }
}

// The state after the gates of c (measurements, barriers ignored).
inline Vec final_state(const qsim::Circuit& c) {
  Vec psi = Vec::Zero(Eigen::Index{1} << c.num_qubits());
  psi(0) = 1;
  for (const auto& op : c.operations())
    if (op.is_gate()) apply(psi, gate(op), op.targets, op.controls);
  return psi;
}

// Exact distribution of count keys, following both outcomes of every
// measurement and reset (branches below 1e-15 are dropped).
inline std::map<std::string, double> exact_counts(const qsim::Circuit& c) {
  struct Branch {
    Vec psi;
    std::vector<bool> bits;
    double p;
  };
  Vec start = Vec::Zero(Eigen::Index{1} << c.num_qubits());
  start(0) = 1;
  std::vector<Branch> branches{{start, std::vector<bool>(c.num_clbits()), 1.0}};
  // Projects qubit q of b onto `outcome`; returns the branch weight.
  auto project = [](const Branch& b, unsigned q, int outcome) {
    Branch out = b;
    for (Eigen::Index i = 0; i < out.psi.size(); ++i)
      if (((i >> q) & 1) != outcome) out.psi(i) = 0;
    const double norm2 = out.psi.squaredNorm();
    out.p = b.p * norm2;
    if (norm2 > 0) out.psi /= std::sqrt(norm2);
    return out;
  };
  for (const auto& op : c.operations()) {
    std::vector<Branch> next;
    for (auto& b : branches) {
      bool run = true;
      if (op.condition)
        for (unsigned k = 0; k < op.condition->width; ++k)
          run = run && b.bits[op.condition->first + k] == (k < 64 && ((op.condition->value >> k) & 1));
      if (!run || op.kind == qsim::OpKind::barrier) {
        next.push_back(std::move(b));
        continue;
      }
      if (op.is_gate()) {
        apply(b.psi, gate(op), op.targets, op.controls);
        next.push_back(std::move(b));
        continue;
      }
      std::vector<Branch> cur{b};
      for (std::size_t j = 0; j < op.targets.size(); ++j) {
        std::vector<Branch> split;
        for (const auto& x : cur)
          for (int outcome = 0; outcome < 2; ++outcome) {
            Branch y = project(x, op.targets[j], outcome);
            if (y.p < 1e-15) continue;
            if (op.kind == qsim::OpKind::measure) y.bits[op.clbits[j]] = outcome == 1;
            if (op.kind == qsim::OpKind::reset && outcome == 1) apply(y.psi, ref::X(), {op.targets[j]}, {});
            split.push_back(std::move(y));
          }
        cur = std::move(split);
      }
      for (auto& x : cur) next.push_back(std::move(x));
    }
    branches = std::move(next);
  }
  std::map<std::string, double> dist;
  for (const auto& b : branches) dist[qsim::format_key(b.bits, c.cregs())] += b.p;
  return dist;
}

// Teleportation of RY(1.0)|0> with conditions, then a reset and a
// re-measurement: a dynamic circuit for the runners that exact_counts checks.
inline qsim::Circuit teleportation_circuit() {
  qsim::Circuit c(3);
  c.add_creg("m0", 1);
  c.add_creg("m1", 1);
  c.add_creg("out", 2);
  c.ry(1.0, 0).h(1).cx(1, 2).cx(0, 1).h(0).measure(0, 0).measure(1, 1);
  c.x(2).c_if("m1", 1);
  c.z(2).c_if("m0", 1);
  c.measure(2, 2);
  c.reset(2).ry(0.6, 2).measure(2, 3);
  return c;
}

}  // namespace qref
