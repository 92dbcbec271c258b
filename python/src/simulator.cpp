// qsim.Simulator (float or double state vectors), qsim.PauliSum and the
// exception mapping.
#include <pybind11/complex.h>
#include <pybind11/stl.h>

#include <memory>

#include "bindings.hpp"

namespace qsim_python {

namespace {

// One Python class over Simulator<float> and Simulator<double>. Circuits
// arrive as copies: the GIL is released while they run, and another Python
// thread may add gates to the original meanwhile.
class PySimulator {
 public:
  PySimulator(const std::string& precision, std::int64_t threads, bool fusion, const std::string& cache_blocking,
              std::int64_t chunk_qubits) {
    if (precision == "double")
      single_ = false;
    else if (precision == "single" || precision == "float")
      single_ = true;
    else
      throw qsim::invalid_argument("precision must be \"double\" or \"single\", got \"" + precision + "\"");
    options_.threads = to_unsigned(threads, "threads");
    options_.fusion = fusion;
    if (cache_blocking == "auto")
      options_.cache_blocking = qsim::CacheBlocking::automatic;
    else if (cache_blocking == "on")
      options_.cache_blocking = qsim::CacheBlocking::on;
    else if (cache_blocking == "off")
      options_.cache_blocking = qsim::CacheBlocking::off;
    else
      throw qsim::invalid_argument("cache_blocking must be \"auto\", \"on\" or \"off\", got \"" + cache_blocking +
                                   "\"");
    options_.chunk_qubits = to_unsigned(chunk_qubits, "chunk_qubits");
    if (options_.chunk_qubits > qsim::Simulator<double>::max_chunk_qubits)
      throw qsim::invalid_argument("chunk_qubits " + std::to_string(options_.chunk_qubits) + " is not in 0.." +
                                   std::to_string(qsim::Simulator<double>::max_chunk_qubits));
  }

  std::string precision() const { return single_ ? "single" : "double"; }
  unsigned threads() const { return options_.threads; }
  bool fusion() const { return options_.fusion; }
  std::string cache_blocking() const {
    switch (options_.cache_blocking) {
      case qsim::CacheBlocking::on:
        return "on";
      case qsim::CacheBlocking::off:
        return "off";
      case qsim::CacheBlocking::automatic:
        break;
    }
    return "auto";
  }
  std::string kernel_arch() const {
    return single_ ? qsim::Simulator<float>::kernel_arch() : qsim::Simulator<double>::kernel_arch();
  }

  py::dict run(const qsim::Circuit& c, std::int64_t shots, std::int64_t seed, const BoundValues& v) const {
    qsim::Counts counts;
    const auto n = to_count(shots, "shots");
    const auto s = to_count(seed, "seed");
    {
      py::gil_scoped_release nogil;
      counts = single_ ? qsim::Simulator<float>(options_).run(c, n, s, v.binding())
                       : qsim::Simulator<double>(options_).run(c, n, s, v.binding());
    }
    py::dict d;
    for (const auto& [key, count] : counts) d[py::str(key)] = count;
    return d;
  }

  py::array statevector(const qsim::Circuit& c, std::int64_t seed, const BoundValues& v) const {
    const auto s = to_count(seed, "seed");
    if (single_) return state_array(simulate<float>(c, s, v));
    return state_array(simulate<double>(c, s, v));
  }

  py::array probabilities(const qsim::Circuit& c, const BoundValues& v) const {
    std::vector<double> p;
    {
      py::gil_scoped_release nogil;
      p = single_ ? qsim::Simulator<float>(options_).probabilities(c, v.binding())
                  : qsim::Simulator<double>(options_).probabilities(c, v.binding());
    }
    return vector_array(std::move(p));
  }

  py::array sample(const qsim::Circuit& c, std::int64_t shots, std::int64_t seed, const BoundValues& v) const {
    const auto n = to_count(shots, "shots");
    const auto s = to_count(seed, "seed");
    std::vector<qsim::index_t> idx;
    {
      py::gil_scoped_release nogil;
      idx = single_ ? qsim::Simulator<float>(options_).sample(c, n, s, v.binding())
                    : qsim::Simulator<double>(options_).sample(c, n, s, v.binding());
    }
    return vector_array(std::move(idx));
  }

  double expectation(const py::object& what, const qsim::ml::PauliSum& h, const BoundValues& v) const {
    if (py::isinstance<qsim::Circuit>(what)) {
      const auto c = what.cast<qsim::Circuit>();
      py::gil_scoped_release nogil;
      return single_ ? qsim::Simulator<float>(options_).expectation(c, h, v.binding())
                     : qsim::Simulator<double>(options_).expectation(c, h, v.binding());
    }
    // A state vector from numpy: its own dtype decides the precision.
    const auto arr = py::array::ensure(what);
    if (!arr || arr.ndim() != 1)
      throw qsim::invalid_argument("expectation() needs a qsim.Circuit or a 1-D numpy state vector");
    if (py::isinstance<py::array_t<std::complex<float>>>(arr)) return expect(from_numpy<float>(arr), h);
    return expect(from_numpy<double>(arr), h);
  }

 private:
  template <class T>
  qsim::StateVector<T> simulate(const qsim::Circuit& c, std::uint64_t seed, const BoundValues& v) const {
    py::gil_scoped_release nogil;
    return qsim::Simulator<T>(options_).statevector(c, seed, v.binding());
  }
  template <class T>
  static double expect(const qsim::StateVector<T>& psi, const qsim::ml::PauliSum& h) {
    h.check_fits(psi.num_qubits());
    py::gil_scoped_release nogil;
    return qsim::ml::expectation(psi, h);
  }
  template <class T>
  static qsim::StateVector<T> from_numpy(const py::array& arr) {
    const auto a = py::array_t<std::complex<T>, py::array::c_style | py::array::forcecast>::ensure(arr);
    if (!a) throw qsim::invalid_argument("the state vector must hold complex numbers");
    return qsim::StateVector<T>(std::vector<std::complex<T>>(a.data(), a.data() + a.size()));
  }

  qsim::SimulatorOptions options_;
  bool single_ = false;
};

}  // namespace

void register_errors(py::module_& m) {
  // Most derived first: pybind11 tries translators in reverse order of registration.
  static py::exception<qsim::error> base(m, "Error", PyExc_RuntimeError);
  static py::exception<qsim::qasm::parse_error> qasm_error(m, "QasmError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const qsim::qasm::parse_error& e) {
      PyErr_SetString(qasm_error.ptr(), e.what());
    } catch (const qsim::invalid_argument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const qsim::out_of_memory& e) {
      PyErr_SetString(PyExc_MemoryError, e.what());
    } catch (const qsim::error& e) {
      PyErr_SetString(base.ptr(), e.what());
    }
  });
}

void register_simulator(py::module_& m) {
  py::class_<qsim::ml::PauliSum>(m, "PauliSum",
                                 "A weighted sum of Pauli strings: PauliSum([(0.5, \"Z0 Z1\"), (-1.2, \"X2\")]).")
      .def(py::init([](const std::vector<std::pair<double, std::string>>& terms) {
             qsim::ml::PauliSum h;
             for (const auto& [coeff, pauli] : terms) h.add(coeff, pauli);
             return h;
           }),
           py::arg("terms"))
      .def(py::init([](const std::string& pauli) {
             return qsim::ml::PauliSum{{1.0, pauli}};
           }),
           py::arg("pauli"))
      .def_property_readonly("terms",
                             [](const qsim::ml::PauliSum& h) {
                               std::vector<std::pair<double, std::string>> out;
                               for (const auto& t : h.terms()) out.emplace_back(t.coeff, t.text());
                               return out;
                             })
      .def_static("from_label", &qsim::PauliSum::from_label, py::arg("label"), py::arg("coeff") = 1.0,
                  "Qiskit's label: one letter per qubit, the last one qubit 0 (\"XIZ\": Z on qubit 0).")
      .def_static("from_text", &qsim::PauliSum::from_text, py::arg("text"),
                  "A whole sum as text: \"0.5*Z0 Z1 - X2 + 0.25\".")
      .def("text", &qsim::PauliSum::text, "The sum as text that from_text reads back.")
      .def_property_readonly("num_qubits", &qsim::ml::PauliSum::width)
      .def("__len__", &qsim::ml::PauliSum::size)
      .def("__repr__", [](const qsim::ml::PauliSum& h) {
        std::string s = "PauliSum([";
        for (const auto& t : h.terms())
          s += (s.back() == '[' ? "(" : ", (") + std::to_string(t.coeff) + ", '" + t.text() + "')";
        return s + "])";
      });

  m.def("to_big_endian", &qsim::to_big_endian, py::arg("counts"),
        "Counts with reversed keys (qubit 0 leftmost), as Cirq and PennyLane print them.");

  py::class_<PySimulator>(m, "Simulator", "Runs circuits on a state vector of single or double precision.")
      .def(py::init<const std::string&, std::int64_t, bool, const std::string&, std::int64_t>(),
           py::arg("precision") = "double", py::arg("threads") = 0, py::arg("fusion") = true,
           py::arg("cache_blocking") = "auto", py::arg("chunk_qubits") = 0)
      .def_property_readonly("precision", &PySimulator::precision)
      .def_property_readonly("threads", &PySimulator::threads)
      .def_property_readonly("fusion", &PySimulator::fusion)
      .def_property_readonly("cache_blocking", &PySimulator::cache_blocking)
      .def_property_readonly("kernel_arch", &PySimulator::kernel_arch)
      .def(
          "run",
          [](const PySimulator& s, qsim::Circuit c, std::int64_t shots, std::int64_t seed, const py::object& weights,
             const py::object& features) { return s.run(c, shots, seed, bind_values(weights, features)); },
          py::arg("circuit"), py::arg("shots") = 1024, py::arg("seed") = 0, py::arg("weights") = py::none(),
          py::arg("features") = py::none(), "Counts keyed as Qiskit's get_counts(): classical bit 0 rightmost.")
      .def(
          "statevector",
          [](const PySimulator& s, qsim::Circuit c, std::int64_t seed, const py::object& weights,
             const py::object& features) { return s.statevector(c, seed, bind_values(weights, features)); },
          py::arg("circuit"), py::arg("seed") = 0, py::arg("weights") = py::none(), py::arg("features") = py::none(),
          "The final state as a numpy complex128 (double) or complex64 (single) array; basis index bit i is qubit i.")
      .def(
          "probabilities",
          [](const PySimulator& s, qsim::Circuit c, const py::object& weights, const py::object& features) {
            return s.probabilities(c, bind_values(weights, features));
          },
          py::arg("circuit"), py::arg("weights") = py::none(), py::arg("features") = py::none())
      .def(
          "sample",
          [](const PySimulator& s, qsim::Circuit c, std::int64_t shots, std::int64_t seed, const py::object& weights,
             const py::object& features) { return s.sample(c, shots, seed, bind_values(weights, features)); },
          py::arg("circuit"), py::arg("shots"), py::arg("seed") = 0, py::arg("weights") = py::none(),
          py::arg("features") = py::none(), "Basis indices (numpy uint64) drawn from the final state.")
      .def(
          "expectation",
          [](const PySimulator& s, const py::object& what, const qsim::ml::PauliSum& h, const py::object& weights,
             const py::object& features) { return s.expectation(what, h, bind_values(weights, features)); },
          py::arg("circuit_or_state"), py::arg("observable"), py::arg("weights") = py::none(),
          py::arg("features") = py::none(), "<psi|H|psi> of a circuit's final state or of a numpy state vector.");
}

}  // namespace qsim_python
