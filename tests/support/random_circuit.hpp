#pragma once
// Random circuits over the whole gate set, and the state the scalar oracle
// gives for them: what the fusion and cache-blocking tests compare against.
#include <random>
#include <type_traits>

#include "support/kernel_checks.hpp"

namespace kcheck {

// Appends a random gate of the core set (one to three qubits, a 3-qubit unitary).
inline void append_core_gate(qsim::Circuit& c, std::mt19937_64& rng) {
  const unsigned n = c.num_qubits();
  std::uniform_real_distribution<double> angle(-3.2, 3.2);
  const unsigned kinds = n >= 3 ? 32 : n == 2 ? 29 : 16;
  {
    const auto q = kcheck::pick(n, std::min(n, 3U), rng);
    const double a = angle(rng), b = angle(rng), d = angle(rng);
    switch (rng() % kinds) {
      case 0:
        c.x(q[0]);
        break;
      case 1:
        c.y(q[0]);
        break;
      case 2:
        c.z(q[0]);
        break;
      case 3:
        c.h(q[0]);
        break;
      case 4:
        c.s(q[0]);
        break;
      case 5:
        c.sdg(q[0]);
        break;
      case 6:
        c.t(q[0]);
        break;
      case 7:
        c.tdg(q[0]);
        break;
      case 8:
        c.sx(q[0]);
        break;
      case 9:
        c.sxdg(q[0]);
        break;
      case 10:
        c.rx(a, q[0]);
        break;
      case 11:
        c.ry(a, q[0]);
        break;
      case 12:
        c.rz(a, q[0]);
        break;
      case 13:
        c.p(a, q[0]);
        break;
      case 14:
        c.u(a, b, d, q[0]);
        break;
      case 15:
        c.id(q[0]);
        break;
      case 16:
        c.cx(q[0], q[1]);
        break;
      case 17:
        c.cy(q[0], q[1]);
        break;
      case 18:
        c.cz(q[0], q[1]);
        break;
      case 19:
        c.ch(q[0], q[1]);
        break;
      case 20:
        c.swap(q[0], q[1]);
        break;
      case 21:
        c.iswap(q[0], q[1]);
        break;
      case 22:
        c.crx(a, q[0], q[1]);
        break;
      case 23:
        c.cry(a, q[0], q[1]);
        break;
      case 24:
        c.crz(a, q[0], q[1]);
        break;
      case 25:
        c.cp(a, q[0], q[1]);
        break;
      case 26:
        c.rxx(a, q[0], q[1]);
        break;
      case 27:
        c.ryy(a, q[0], q[1]);
        break;
      case 28:
        c.rzz(a, q[0], q[1]);
        break;
      case 29:
        c.ccx(q[0], q[1], q[2]);
        break;
      case 30:
        c.cswap(q[0], q[1], q[2]);
        break;
      default:
        c.unitary(ref::to_qsim(ref::random_unitary(3, rng)), q);
        break;
    }
  }
}

// A random circuit on n qubits using every gate of the core set.
inline qsim::Circuit random_circuit(unsigned n, unsigned gates, std::mt19937_64& rng) {
  qsim::Circuit c(n);
  for (unsigned g = 0; g < gates; ++g) append_core_gate(c, rng);
  return c;
}

// Appends a wide gate (n >= 6): multi-controlled X, a doubly controlled
// 2-qubit unitary, a controlled diagonal on three qubits, a 4- or 5-qubit unitary.
inline void append_wide_gate(qsim::Circuit& c, std::mt19937_64& rng) {
  const auto q = pick(c.num_qubits(), 6, rng);
  switch (rng() % 5) {
    case 0:
      c.mcx({q[0], q[1], q[2], q[3]}, q[4]);
      break;
    case 1:
      c.controlled({q[0], q[1]}, qsim::make_unitary(ref::to_qsim(ref::random_unitary(2, rng)), {q[2], q[3]}));
      break;
    case 2: {
      std::uniform_real_distribution<double> angle(-3.2, 3.2);
      qsim::Matrix d(64, 0.0);
      for (std::size_t j = 0; j < 8; ++j) d[j * 8 + j] = std::polar(1.0, angle(rng));
      c.controlled({q[3]}, qsim::make_unitary(d, {q[0], q[1], q[2]}));
      break;
    }
    case 3:
      c.unitary(ref::to_qsim(ref::random_unitary(4, rng)), {q[0], q[1], q[2], q[3]});
      break;
    default:
      c.unitary(ref::to_qsim(ref::random_unitary(5, rng)), {q[0], q[1], q[2], q[3], q[4]});
      break;
  }
}

template <class T>
qsim::StateVector<T> oracle_state(const qsim::Circuit& c) {
  qsim::StateVector<T> psi(c.num_qubits());
  for (const auto& op : c.operations())
    if (op.is_gate()) qsim::kernels::reference::apply_matrix(psi, op.targets, op.controls, op.bound_matrix());
  return psi;
}

// Rounding grows with the number of passes; float carries about 1e-7 per pass.
template <class T>
double circuit_tolerance(unsigned gates) {
  return (std::is_same_v<T, float> ? 2e-7 : 1e-14) * gates;
}

}  // namespace kcheck
