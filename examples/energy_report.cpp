// What does a run cost? The same two workloads -- a random circuit and one
// training epoch -- in double and float, fused and unfused, on one and on all
// threads, each measured by an energy meter. Prints a table of time, energy
// and efficiency per variant, appends the rows to <prefix>.csv and draws the
// energy per variant in <prefix>.svg.
// Usage: energy_report [qubits=22] [output prefix=energy_report]
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <qsim/qsim.hpp>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

namespace energy = qsim::energy;

// Two layers of a random single-qubit gate on every qubit followed by CX on
// neighbouring pairs (offset alternating), as in random-circuit benchmarks.
qsim::Circuit random_circuit(unsigned n, unsigned layers, std::uint64_t seed) {
  qsim::Circuit c(n);
  qsim::Rng rng(seed);
  const double two_pi = 6.283185307179586;
  for (unsigned l = 0; l < layers; ++l) {
    for (unsigned q = 0; q < n; ++q) {
      switch (rng.below(6)) {
        case 0:
          c.h(q);
          break;
        case 1:
          c.sx(q);
          break;
        case 2:
          c.t(q);
          break;
        case 3:
          c.rx(two_pi * rng.uniform(), q);
          break;
        case 4:
          c.ry(two_pi * rng.uniform(), q);
          break;
        default:
          c.rz(two_pi * rng.uniform(), q);
          break;
      }
    }
    for (unsigned q = l % 2; q + 1 < n; q += 2) c.cx(q, q + 1);
  }
  return c;
}

// A two-feature classifier: angle-encode x on qubits 0 and 1, one trainable
// RY on each, then a CX chain that carries the parity to the last qubit,
// whose <Z> is the prediction in [-1, 1].
qsim::Circuit classifier(unsigned n) {
  qsim::Circuit c(n);
  c.ry(qsim::feature(0), 0).ry(qsim::feature(1), 1);
  c.ry(qsim::weight(0), 0).ry(qsim::weight(1), 1);
  for (unsigned q = 0; q + 1 < n; ++q) c.cx(q, q + 1);
  return c;
}

template <class T>
double expect_z(const qsim::StateVector<T>& psi, qsim::qubit_t q) {
  double z = 0;
  for (qsim::index_t i = 0; i < psi.size(); ++i) z += ((i >> q) & 1U ? -1.0 : 1.0) * std::norm(psi[i]);
  return z;
}

struct Variant {
  bool is_double;
  bool fused;
  unsigned threads;
  std::string name(const std::string& workload) const {
    return workload + " " + (is_double ? "double" : "float") + (fused ? " fused" : " unfused") + " " +
           std::to_string(threads) + "t";
  }
  // Short bar label for the chart: c/e workload, 64/32 bits, F/U fusion, threads.
  std::string bar(char workload) const {
    return std::string(1, workload) + (is_double ? "64" : "32") + (fused ? "F" : "U") + std::to_string(threads);
  }
};

// One pass of the circuit; returns the work done.
template <class T>
energy::Work run_circuit(const qsim::Simulator<T>& sim, const qsim::Circuit& c) {
  qsim::StateVector<T> psi(c.num_qubits());
  sim.apply(c, psi);
  const double state_bytes = static_cast<double>(psi.size() * sizeof(psi[0]));
  return {static_cast<double>(c.size()), 0, 2.0 * state_bytes * static_cast<double>(c.size())};
}

// One epoch of gradient descent on a mean squared error, gradients by the
// parameter-shift rule (exact for RY): two extra circuits per weight and sample.
template <class T>
energy::Work run_epoch(const qsim::Simulator<T>& sim, const qsim::Circuit& model, std::vector<double>& w,
                       const std::vector<std::vector<double>>& x, const std::vector<double>& y) {
  const double shift = 1.5707963267948966, rate = 0.1;
  const qsim::qubit_t readout = model.num_qubits() - 1;
  qsim::StateVector<T> psi(model.num_qubits());
  double passes = 0;
  auto predict = [&](const std::vector<double>& weights, const std::vector<double>& features) {
    psi.reset();
    sim.apply(model, psi, 0, qsim::Binding{weights.data(), weights.size(), features.data(), features.size()});
    passes += static_cast<double>(model.size());
    return expect_z(psi, readout);
  };
  std::vector<double> grad(w.size(), 0.0);
  for (std::size_t s = 0; s < x.size(); ++s) {
    const double residual = predict(w, x[s]) - y[s];
    for (std::size_t k = 0; k < w.size(); ++k) {
      std::vector<double> plus = w, minus = w;
      plus[k] += shift;
      minus[k] -= shift;
      const double derivative = 0.5 * (predict(plus, x[s]) - predict(minus, x[s]));
      grad[k] += 2.0 * residual * derivative / static_cast<double>(x.size());
    }
  }
  for (std::size_t k = 0; k < w.size(); ++k) w[k] -= rate * grad[k];
  const double state_bytes = static_cast<double>(psi.size() * sizeof(psi[0]));
  return {passes, static_cast<double>(x.size()), 2.0 * state_bytes * passes};
}

unsigned all_threads() {
#ifdef _OPENMP
  return static_cast<unsigned>(omp_get_max_threads());
#else
  return std::max(1U, std::thread::hardware_concurrency());
#endif
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const unsigned n = argc > 1 ? static_cast<unsigned>(std::stoul(argv[1])) : 22;
    const std::string prefix = argc > 2 ? argv[2] : "energy_report";
    if (n < 2 || n > 30) throw qsim::invalid_argument("qubits must be 2..30, got " + std::to_string(n));

    const energy::Meter& meter = energy::default_meter();
    const unsigned most = all_threads();
    std::vector<unsigned> thread_counts = {1};
    if (most > 1) thread_counts.push_back(most);
    std::vector<double> copy_bw;
    for (unsigned t : thread_counts) copy_bw.push_back(energy::measure_copy_bandwidth(std::size_t{256} << 20, 5, t));

    std::cout << "energy source: " << meter.describe() << '\n';
    for (std::size_t i = 0; i < thread_counts.size(); ++i)
      std::cout << "copy bandwidth, " << thread_counts[i] << " thread(s): " << copy_bw[i] * 1e-9
                << " GB/s (read + write)\n";

    const qsim::Circuit circuit = random_circuit(n, 2, 7);
    const qsim::Circuit model = classifier(n);
    const std::vector<std::vector<double>> x = {{0.3, 1.1}, {2.0, -0.4}};
    const std::vector<double> y = {1.0, -1.0};
    std::cout << n << " qubits: random circuit of " << circuit.size() << " gates; training epoch of " << x.size()
              << " samples x " << 1 + 2 * model.num_weights() << " circuits of " << model.size() << " gates\n\n";

    std::vector<energy::Report> reports;
    std::vector<std::string> bars;
    std::vector<double> joules;
    for (char workload : {'c', 'e'}) {
      for (bool is_double : {true, false}) {
        for (bool fused : {false, true}) {
          for (std::size_t ti = 0; ti < thread_counts.size(); ++ti) {
            const Variant v{is_double, fused, thread_counts[ti]};
            const qsim::SimulatorOptions opts{v.threads, fused, 0};
            std::vector<double> w = {0.1, -0.2};
            energy::Work work;
            energy::Scope scope(meter, v.name(workload == 'c' ? "circuit" : "epoch"));
            if (workload == 'c') {
              work = is_double ? run_circuit(qsim::Simulator<double>(opts), circuit)
                               : run_circuit(qsim::Simulator<float>(opts), circuit);
            } else {
              work = is_double ? run_epoch(qsim::Simulator<double>(opts), model, w, x, y)
                               : run_epoch(qsim::Simulator<float>(opts), model, w, x, y);
            }
            const energy::Measurement m = scope.stop();
            reports.push_back(energy::make_report(m, work, {energy::default_grid_gco2e_per_kwh, copy_bw[ti]}));
            bars.push_back(v.bar(workload));
            joules.push_back(m.joules);
          }
        }
      }
    }

    energy::print_table(std::cout, reports);
    std::remove((prefix + ".csv").c_str());  // this run only; append_csv adds the header
    energy::append_csv(prefix + ".csv", reports);
    const bool estimated = meter.estimates();
    qsim::io::write_bar_chart_svg(prefix + ".svg", bars, joules,
                                  std::string(estimated ? "Estimated energy" : "Energy") + " per variant, " +
                                      std::to_string(n) +
                                      " qubits (c circuit, e epoch; 64/32-bit; F fused, U unfused; threads)",
                                  estimated ? "joules (estimated)" : "joules");
    std::cout << "wrote " << prefix << ".csv and " << prefix << ".svg\n";
  } catch (const std::exception& e) {
    std::cerr << "energy_report: " << e.what() << '\n';
    return 2;
  }
  return 0;
}
