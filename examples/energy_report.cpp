// What does a run cost? The same workloads -- a random circuit and one
// training epoch -- in double and float, fused and unfused, on one and on all
// threads, each measured by an energy meter. The epoch runs twice: as a
// parameter-shift loop over the Simulator (which honours fusion), and through
// the ML layer (qsim::ml::QuantumLayer, adjoint gradients, threads over
// samples, no fusion). Prints a table of time, energy and efficiency per
// variant, writes the rows to <prefix>.csv and the energy per variant to <prefix>.svg.
// Usage: energy_report [qubits=22] [output prefix=energy_report]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <qsim/qsim.hpp>

#include "cli_args.hpp"

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
  char workload;  // c: circuit, e: epoch (parameter shift), l: epoch through the ML layer
  bool is_double;
  bool fused;  // not applicable to the ML layer, which does not fuse
  unsigned threads;
  std::string name() const {
    const char* what = workload == 'c' ? "circuit" : workload == 'e' ? "epoch" : "epoch ml-layer";
    return std::string(what) + " " + (is_double ? "double" : "float") +
           (workload == 'l' ? ""
            : fused         ? " fused"
                            : " unfused") +
           " " + std::to_string(threads) + "t";
  }
  // Short bar label for the chart: workload, 64/32 bits, F/U fusion, threads ("c64U1t").
  std::string bar() const {
    return std::string(1, workload) + (is_double ? "64" : "32") +
           (workload == 'l' ? ""
            : fused         ? "F"
                            : "U") +
           std::to_string(threads) + "t";
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

// The same epoch through the ML layer: the classifier circuit with
// qsim::feature / qsim::weight angles, <Z> of the last qubit, MSE loss,
// forward and adjoint backward over the batch, one SGD step. Work counts the
// forward gates and the backward sweep's gates, whose traffic is two states
// (the state and the adjoint vector).
template <class T>
energy::Work run_layer_epoch(const qsim::Circuit& model, unsigned threads, const std::vector<std::vector<double>>& x,
                             const std::vector<double>& y) {
  qsim::ml::LayerOptions options;
  options.threads = threads;
  qsim::ml::QuantumLayer<T> layer(model, {qsim::ml::PauliSum{{1.0, "Z" + std::to_string(model.num_qubits() - 1)}}},
                                  options);
  layer.set_weights(Eigen::Vector2d(0.1, -0.2));
  Eigen::MatrixXd xs(static_cast<Eigen::Index>(x.size()), 2), ys(static_cast<Eigen::Index>(y.size()), 1);
  for (std::size_t s = 0; s < x.size(); ++s) {
    xs(static_cast<Eigen::Index>(s), 0) = x[s][0];
    xs(static_cast<Eigen::Index>(s), 1) = x[s][1];
    ys(static_cast<Eigen::Index>(s), 0) = y[s];
  }
  layer.zero_grad();
  const qsim::ml::Loss loss = qsim::ml::mse_loss(layer.forward(xs), ys);
  layer.backward(loss.grad);
  qsim::ml::SGD(0.1).step(0, layer.weights(), layer.weight_gradient());
  const double gates = static_cast<double>(model.size() * x.size());
  const double state_bytes = static_cast<double>((std::size_t{1} << model.num_qubits()) * sizeof(std::complex<T>));
  return {2 * gates, static_cast<double>(x.size()), 2.0 * state_bytes * (gates + 2 * gates)};
}

unsigned all_threads() {
#ifdef _OPENMP
  return static_cast<unsigned>(omp_get_max_threads());
#else
  return std::max(1U, std::thread::hardware_concurrency());
#endif
}

}  // namespace

const char* const usage =
    "usage: energy_report [QUBITS] [PREFIX]\n"
    "Measures the energy of each simulator variant and writes PREFIX.csv and PREFIX.svg.\n"
    "  QUBITS  state size, 2..30 (default 22)\n"
    "  PREFIX  output file prefix (default energy_report)\n";

int main(int argc, char** argv) {
  return cli::run_main("energy_report", usage, argc, argv, [&] {
    const cli::Positional args(argc, argv, 2);
    const auto n = args.number<unsigned>(0, "QUBITS", 22, 2, 30);
    const std::string prefix = args.text(1, "energy_report");

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
    for (char workload : {'c', 'e', 'l'}) {
      for (bool is_double : {true, false}) {
        for (bool fused : {false, true}) {
          if (workload == 'l' && fused) continue;  // the ML layer does not fuse
          for (std::size_t ti = 0; ti < thread_counts.size(); ++ti) {
            const Variant v{workload, is_double, fused, thread_counts[ti]};
            const qsim::SimulatorOptions opts{v.threads, fused, 0};
            std::vector<double> w = {0.1, -0.2};
            energy::Work work;
            energy::Scope scope(meter, v.name());
            if (workload == 'c') {
              work = is_double ? run_circuit(qsim::Simulator<double>(opts), circuit)
                               : run_circuit(qsim::Simulator<float>(opts), circuit);
            } else if (workload == 'e') {
              work = is_double ? run_epoch(qsim::Simulator<double>(opts), model, w, x, y)
                               : run_epoch(qsim::Simulator<float>(opts), model, w, x, y);
            } else {
              work = is_double ? run_layer_epoch<double>(model, v.threads, x, y)
                               : run_layer_epoch<float>(model, v.threads, x, y);
            }
            const energy::Measurement m = scope.stop();
            reports.push_back(energy::make_report(m, work, {energy::default_grid_gco2e_per_kwh, copy_bw[ti]}));
            bars.push_back(v.bar());
            joules.push_back(m.joules);
          }
        }
      }
    }

    energy::print_table(std::cout, reports);
    std::remove((prefix + ".csv").c_str());  // this run only; append_csv adds the header
    energy::append_csv(prefix + ".csv", reports);
    const bool estimated = meter.estimates();
    // Millijoules when every bar is under a joule; the short bar names are explained in a key.
    const bool milli = *std::max_element(joules.begin(), joules.end()) < 1;
    if (milli)
      for (double& j : joules) j *= 1e3;
    qsim::io::BarChartOptions chart;
    chart.x_label = "variant (see the key)";
    // A log axis when the bars span two decades or more, so that the small ones stay readable.
    const auto [smallest, largest] = std::minmax_element(joules.begin(), joules.end());
    chart.log_y = *smallest > 0 && *largest >= 100 * *smallest;
    chart.key = {{"c", "random circuit"},
                 {"e", "training epoch, parameter shift"},
                 {"l", "training epoch via the ML layer"},
                 {"64 / 32", "double / float"},
                 {"F / U", "fused / unfused"},
                 {"1t, 2t, ...", "threads"}};
    qsim::io::write_bar_chart_svg(
        prefix + ".svg", bars, joules,
        std::string(estimated ? "Estimated energy" : "Energy") + " per variant, " + std::to_string(n) + " qubits",
        std::string(milli ? "millijoules" : "joules") + (estimated ? " (estimated)" : ""), chart);
    std::cout << "wrote " << prefix << ".csv and " << prefix << ".svg\n";
    return 0;
  });
}
