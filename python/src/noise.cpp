// Noise from Python: the channel builder methods of qsim.Circuit,
// qsim.NoiseModel, qsim.DensityMatrixSimulator and qsim.NoisySimulator.
#include <pybind11/complex.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "bindings.hpp"

namespace qsim_python {

namespace {

using qsim::Circuit;
constexpr auto self = py::return_value_policy::reference_internal;

qsim::NoiseMethod to_method(const std::string& name) {
  if (name == "auto" || name == "automatic") return qsim::NoiseMethod::automatic;
  if (name == "trajectories") return qsim::NoiseMethod::trajectories;
  if (name == "density_matrix") return qsim::NoiseMethod::density_matrix;
  throw qsim::invalid_argument("method must be \"auto\", \"trajectories\" or \"density_matrix\", got \"" + name + "\"");
}

std::string method_name(qsim::NoiseMethod m) {
  switch (m) {
    case qsim::NoiseMethod::trajectories:
      return "trajectories";
    case qsim::NoiseMethod::density_matrix:
      return "density_matrix";
    case qsim::NoiseMethod::automatic:
      break;
  }
  return "auto";
}

py::dict counts_dict(const qsim::Counts& counts) {
  py::dict d;
  for (const auto& [key, count] : counts) d[py::str(key)] = count;
  return d;
}

// rho as a 2^n x 2^n complex128 array (row, column).
py::array rho_array(const qsim::DensityMatrix<double>& rho) {
  const auto d = static_cast<py::ssize_t>(rho.dim());
  py::array_t<std::complex<double>> out({d, d});
  auto view = out.mutable_unchecked<2>();
  for (py::ssize_t r = 0; r < d; ++r)
    for (py::ssize_t c = 0; c < d; ++c)
      view(r, c) = rho.at(static_cast<qsim::index_t>(r), static_cast<qsim::index_t>(c));
  return out;
}

std::vector<qsim::Matrix> to_kraus(const py::iterable& ops) {
  std::vector<qsim::Matrix> out;
  for (auto m : ops) out.push_back(to_matrix(m, "kraus()"));
  return out;
}

}  // namespace

void register_noise(py::module_& m) {
  auto circuit_class = py::reinterpret_borrow<py::class_<Circuit>>(m.attr("Circuit"));
  const auto q1 = [](std::int64_t q) { return to_unsigned(q, "qubit"); };
  circuit_class
      .def(
          "bit_flip", [q1](Circuit& k, double p, std::int64_t q) -> Circuit& { return k.bit_flip(p, q1(q)); },
          py::arg("p"), py::arg("qubit"), self, "X with probability p.")
      .def(
          "phase_flip", [q1](Circuit& k, double p, std::int64_t q) -> Circuit& { return k.phase_flip(p, q1(q)); },
          py::arg("p"), py::arg("qubit"), self, "Z with probability p.")
      .def(
          "pauli_channel",
          [q1](Circuit& k, double px, double py_, double pz, std::int64_t q) -> Circuit& {
            return k.pauli_channel(px, py_, pz, q1(q));
          },
          py::arg("px"), py::arg("py"), py::arg("pz"), py::arg("qubit"), self)
      .def(
          "depolarizing",
          [](Circuit& k, double p, const py::args& qubits) -> Circuit& {
            std::vector<qsim::qubit_t> qs;
            for (auto q : qubits) qs.push_back(to_unsigned(py::cast<std::int64_t>(q), "qubit"));
            if (qs.size() == 1) return k.depolarizing(p, qs[0]);
            if (qs.size() == 2) return k.depolarizing(p, qs[0], qs[1]);
            throw qsim::invalid_argument("depolarizing takes 1 or 2 qubits, got " + std::to_string(qs.size()));
          },
          py::arg("p"), self,
          "depolarizing(p, q): X, Y, Z each with p/3; depolarizing(p, a, b): each of the 15 Pauli pairs with p/15.")
      .def(
          "amplitude_damping",
          [q1](Circuit& k, double g, std::int64_t q) -> Circuit& { return k.amplitude_damping(g, q1(q)); },
          py::arg("gamma"), py::arg("qubit"), self)
      .def(
          "generalized_amplitude_damping",
          [q1](Circuit& k, double g, double p, std::int64_t q) -> Circuit& {
            return k.generalized_amplitude_damping(g, p, q1(q));
          },
          py::arg("gamma"), py::arg("p"), py::arg("qubit"), self)
      .def(
          "phase_damping", [q1](Circuit& k, double g, std::int64_t q) -> Circuit& { return k.phase_damping(g, q1(q)); },
          py::arg("gamma"), py::arg("qubit"), self)
      .def(
          "thermal_relaxation",
          [q1](Circuit& k, double t1, double t2, double time, std::int64_t q, double pe) -> Circuit& {
            return k.thermal_relaxation(t1, t2, time, q1(q), pe);
          },
          py::arg("t1"), py::arg("t2"), py::arg("time"), py::arg("qubit"), py::arg("excited_population") = 0.0, self)
      .def(
          "kraus",
          [](Circuit& k, const py::iterable& ops, const py::object& qubits, double tolerance) -> Circuit& {
            return k.kraus(to_kraus(ops), to_qubits(qubits, "qubit"), tolerance);
          },
          py::arg("operators"), py::arg("qubits"), py::arg("tolerance") = 1e-8, self,
          "Any Kraus map on 1 or 2 qubits (sum K^dagger K = I is checked).");

  py::class_<qsim::ReadoutError>(m, "ReadoutError", "P(read 1 | 0) and P(read 0 | 1) of a measurement.")
      .def(py::init([](double p10, double p01) {
             return qsim::ReadoutError{p10, p01};
           }),
           py::arg("p1_given_0"), py::arg("p0_given_1"))
      .def_readonly("p1_given_0", &qsim::ReadoutError::p1_given_0)
      .def_readonly("p0_given_1", &qsim::ReadoutError::p0_given_1);

  // Channels for the noise model, by name and parameters.
  py::class_<qsim::Channel>(m, "Channel", "A noise channel (Kraus map); made by the functions of qsim.channels.")
      .def_readonly("name", &qsim::Channel::name)
      .def_readonly("num_qubits", &qsim::Channel::num_qubits)
      .def_property_readonly("kraus", [](const qsim::Channel& ch) {
        py::list out;
        const auto d = static_cast<py::ssize_t>(ch.dim());
        for (const auto& k : ch.kraus) {
          py::array_t<std::complex<double>> a({d, d});
          std::copy(k.begin(), k.end(), a.mutable_data());
          out.append(a);
        }
        return out;
      });
  auto ch = m.def_submodule("channels", "Noise channels (docs/noise.md), for qsim.NoiseModel.");
  ch.def("bit_flip", &qsim::channels::bit_flip, py::arg("p"));
  ch.def("phase_flip", &qsim::channels::phase_flip, py::arg("p"));
  ch.def("pauli_channel", &qsim::channels::pauli_channel, py::arg("px"), py::arg("py"), py::arg("pz"));
  ch.def("depolarizing", &qsim::channels::depolarizing, py::arg("p"));
  ch.def("depolarizing2", &qsim::channels::depolarizing2, py::arg("p"));
  ch.def("aer_depolarizing", &qsim::channels::aer_depolarizing, py::arg("lam"), py::arg("num_qubits"));
  ch.def("amplitude_damping", &qsim::channels::amplitude_damping, py::arg("gamma"));
  ch.def("generalized_amplitude_damping", &qsim::channels::generalized_amplitude_damping, py::arg("gamma"),
         py::arg("p"));
  ch.def("phase_damping", &qsim::channels::phase_damping, py::arg("gamma"));
  ch.def("thermal_relaxation", &qsim::channels::thermal_relaxation, py::arg("t1"), py::arg("t2"), py::arg("time"),
         py::arg("excited_population") = 0.0);
  ch.def(
      "kraus", [](const py::iterable& ops, double tol) { return qsim::channels::kraus(to_kraus(ops), tol); },
      py::arg("operators"), py::arg("tolerance") = 1e-8);

  py::class_<qsim::NoiseModel>(m, "NoiseModel", "Errors attached to gate names and readout errors, as in Qiskit Aer.")
      .def(py::init<>())
      .def("add_all_qubit_error", &qsim::NoiseModel::add_all_qubit_error, py::arg("error"), py::arg("gates"), self)
      .def(
          "add_quantum_error",
          [](qsim::NoiseModel& nm, const qsim::Channel& e, const std::vector<std::string>& gates,
             const py::object& qubits) -> qsim::NoiseModel& {
            return nm.add_quantum_error(e, gates, to_qubits(qubits, "qubit"));
          },
          py::arg("error"), py::arg("gates"), py::arg("qubits"), self)
      .def(
          "add_readout_error",
          [](qsim::NoiseModel& nm, const qsim::ReadoutError& e, std::int64_t q) -> qsim::NoiseModel& {
            return nm.add_readout_error(e, to_unsigned(q, "qubit"));
          },
          py::arg("error"), py::arg("qubit"), self)
      .def("add_all_qubit_readout_error", &qsim::NoiseModel::add_all_qubit_readout_error, py::arg("error"), self)
      .def("apply", &qsim::NoiseModel::apply, py::arg("circuit"), "The circuit with the model's errors inserted.")
      .def_property_readonly("empty", &qsim::NoiseModel::empty);

  py::class_<qsim::DensityMatrixSimulator<double>>(m, "DensityMatrixSimulator",
                                                   "Exact noisy simulation on a density matrix (double precision).")
      .def(py::init([](std::int64_t threads) {
             qsim::SimulatorOptions o;
             o.threads = to_unsigned(threads, "threads");
             return qsim::DensityMatrixSimulator<double>(o);
           }),
           py::arg("threads") = 0)
      .def(
          "density_matrix",
          [](const qsim::DensityMatrixSimulator<double>& s, Circuit c) {
            qsim::DensityMatrix<double> rho;
            {
              py::gil_scoped_release nogil;
              rho = s.density_matrix(c);
            }
            return rho_array(rho);
          },
          py::arg("circuit"), "rho as a 2^n x 2^n numpy array; entry (r, c), bit i of r is qubit i.")
      .def(
          "probabilities",
          [](const qsim::DensityMatrixSimulator<double>& s, Circuit c) {
            std::vector<double> p;
            {
              py::gil_scoped_release nogil;
              p = s.probabilities(c);
            }
            return vector_array(std::move(p));
          },
          py::arg("circuit"))
      .def(
          "run",
          [](const qsim::DensityMatrixSimulator<double>& s, Circuit c, std::int64_t shots, std::int64_t seed) {
            qsim::Counts counts;
            {
              py::gil_scoped_release nogil;
              counts = s.run(c, to_count(shots, "shots"), to_count(seed, "seed"));
            }
            return counts_dict(counts);
          },
          py::arg("circuit"), py::arg("shots") = 1024, py::arg("seed") = 0);

  py::class_<qsim::NoisySimulator<double>>(m, "NoisySimulator",
                                           "Runs circuits under a NoiseModel by trajectories or the density matrix.")
      .def(py::init([](const qsim::NoiseModel& model, const std::string& method, std::int64_t threads,
                       std::int64_t max_density_qubits) {
             qsim::NoisySimulatorOptions o;
             o.method = to_method(method);
             o.simulator.threads = to_unsigned(threads, "threads");
             o.max_density_qubits = to_unsigned(max_density_qubits, "max_density_qubits");
             return qsim::NoisySimulator<double>(model, o);
           }),
           py::arg("noise_model"), py::arg("method") = "auto", py::arg("threads") = 0,
           py::arg("max_density_qubits") = 12)
      .def_property_readonly("method",
                             [](const qsim::NoisySimulator<double>& s) { return method_name(s.options().method); })
      .def(
          "method_for",
          [](const qsim::NoisySimulator<double>& s, const Circuit& c, std::int64_t shots) {
            return method_name(s.method_for(c, to_count(shots, "shots")));
          },
          py::arg("circuit"), py::arg("shots"))
      .def(
          "run",
          [](const qsim::NoisySimulator<double>& s, Circuit c, std::int64_t shots, std::int64_t seed) {
            qsim::Counts counts;
            {
              py::gil_scoped_release nogil;
              counts = s.run(c, to_count(shots, "shots"), to_count(seed, "seed"));
            }
            return counts_dict(counts);
          },
          py::arg("circuit"), py::arg("shots") = 1024, py::arg("seed") = 0)
      .def(
          "probabilities",
          [](const qsim::NoisySimulator<double>& s, Circuit c) {
            std::vector<double> p;
            {
              py::gil_scoped_release nogil;
              p = s.probabilities(c);
            }
            return vector_array(std::move(p));
          },
          py::arg("circuit"));
}

}  // namespace qsim_python
