// VQE for the hydrogen molecule: the 4-qubit Jordan-Wigner Hamiltonian of H2
// in the STO-3G basis at a bond length of 0.7414 angstrom (the coefficients
// published in PennyLane's VQE tutorial, qubit i = spin orbital i), the
// Hartree-Fock state |0011> (two electrons in the lowest spin orbitals) and
// the double excitation exp(-i theta/2 Y0 X1 X2 X3), which mixes |0011> with
// |1100> as the ground state needs. Adam on the adjoint gradient; prints
// the energy per iteration and an energy report (joules, not hartrees),
// writes vqe_h2_energy.svg and vqe_h2_joules.csv (one row per iteration,
// each one energy + gradient evaluation counted as a sample), and ends with
// `energy: ... exact: ...`, exact being the lowest eigenvalue of the same
// Hamiltonian from dense diagonalisation with Eigen.
#include <Eigen/Dense>
#include <cstdio>
#include <iostream>
#include <string>
#include <unsupported/Eigen/KroneckerProduct>

#include <qsim/qsim.hpp>

#include "cli_args.hpp"

namespace {

qsim::ml::PauliSum h2_hamiltonian() {
  return {{-0.04207897647782276, "I"},
          {0.17771287465139946, "Z0"},
          {0.1777128746513994, "Z1"},
          {-0.24274280513140462, "Z2"},
          {-0.24274280513140462, "Z3"},
          {0.17059738328801052, "Z0 Z1"},
          {0.04475014401535161, "Y0 X1 X2 Y3"},
          {-0.04475014401535161, "Y0 Y1 X2 X3"},
          {-0.04475014401535161, "X0 X1 Y2 Y3"},
          {0.04475014401535161, "X0 Y1 Y2 X3"},
          {0.12293305056183798, "Z0 Z2"},
          {0.16768319457718958, "Z0 Z3"},
          {0.16768319457718958, "Z1 Z2"},
          {0.12293305056183798, "Z1 Z3"},
          {0.17627640804319591, "Z2 Z3"}};
}

// The dense 2^n x 2^n matrix of H, built independently from 2x2 Pauli
// matrices and Kronecker products (qubit n-1 is the most significant factor).
Eigen::MatrixXcd dense(const qsim::ml::PauliSum& h, unsigned n) {
  using M = Eigen::MatrixXcd;
  const std::complex<double> i(0, 1);
  M id = M::Identity(2, 2), x(2, 2), y(2, 2), z(2, 2);
  x << 0, 1, 1, 0;
  y << 0, -i, i, 0;
  z << 1, 0, 0, -1;
  M out = M::Zero(1 << n, 1 << n);
  for (const auto& t : h.terms()) {
    M term = M::Identity(1, 1);
    for (unsigned q = n; q-- > 0;) {
      const bool bx = (t.x_mask >> q) & 1U, bz = (t.z_mask >> q) & 1U;
      const M& f = bx && bz ? y : bx ? x : bz ? z : id;
      M next = Eigen::kroneckerProduct(term, f).eval();
      term = next;
    }
    out += t.coeff * term;
  }
  return out;
}

int run() {
  const unsigned n = 4;
  const qsim::ml::PauliSum h = h2_hamiltonian();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXcd> eig(dense(h, n));
  const double exact = eig.eigenvalues()[0];

  qsim::Circuit c(n);
  c.x(0).x(1);                                                  // Hartree-Fock |0011>
  qsim::ml::pauli_rotation(c, qsim::weight(0), "Y0 X1 X2 X3");  // double excitation

  Eigen::VectorXd theta = Eigen::VectorXd::Zero(1);
  qsim::ml::Adam adam(0.1);
  std::vector<double> energies;
  double energy = 0;
  const qsim::energy::Meter& meter = qsim::energy::default_meter();
  qsim::energy::Scope run(meter, "VQE run");
  std::vector<qsim::energy::Report> joules;
  for (int it = 0; it <= 100; ++it) {
    qsim::energy::Scope scope(meter, "iteration " + std::to_string(it));
    const qsim::Binding b{theta.data(), 1, nullptr, 0};
    const qsim::ml::Gradient g = qsim::ml::adjoint_gradient<double>(c, h, b);
    energy = g.value;
    energies.push_back(energy);
    std::printf("iteration %3d  theta % .6f  energy % .10f Ha\n", it, theta[0], energy);
    const bool done = it == 100 || (it > 0 && std::abs(energies[energies.size() - 2] - energy) < 1e-10);
    if (!done) adam.step(0, theta, Eigen::Map<const Eigen::VectorXd>(g.weights.data(), 1));
    joules.push_back(qsim::energy::make_report(scope.stop(), {0, 1, 0}));
    if (done) break;
  }
  // The error on a log axis (floored at 1e-16, double precision's resolution of E).
  std::vector<double> error;
  for (double e : energies) error.push_back(std::max(e - exact, 1e-16));
  qsim::io::LineChartOptions chart;
  chart.log_y = true;
  chart.lines = {{1.6e-3, "chemical accuracy, 1.6e-3 Ha"}};
  qsim::io::write_line_chart_svg("vqe_h2_energy.svg", {{"E - E_exact", error}},
                                 "VQE for H2 (STO-3G, 0.7414 A): error of the energy", "iteration", "E - E_exact (Ha)",
                                 chart);
  std::printf("wrote vqe_h2_energy.svg; error %.3e Ha (chemical accuracy: 1.6e-3)\n", energy - exact);
  std::remove("vqe_h2_joules.csv");  // this run's iterations only
  qsim::energy::append_csv("vqe_h2_joules.csv", joules);
  std::fflush(stdout);
  qsim::energy::print_table(std::cout,
                            {qsim::energy::make_report(run.stop(), {0, static_cast<double>(joules.size()), 0})});
  std::cout << "wrote vqe_h2_joules.csv (one row per iteration)" << std::endl;
  std::printf("energy: %.10f exact: %.10f\n", energy, exact);
  return std::abs(energy - exact) <= 1.6e-3 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const char* const usage =
      "usage: vqe_h2 (no arguments)\n"
      "Finds the H2 ground-state energy with VQE; writes vqe_h2_energy.svg and vqe_h2_joules.csv.\n";
  return cli::run_main("vqe_h2", usage, argc, argv, [&] {
    cli::Positional(argc, argv, 0);
    return run();
  });
}
