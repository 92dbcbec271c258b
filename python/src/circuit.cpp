// qsim.Circuit, qsim.Param (weight / feature) and OpenQASM in and out.
#include <pybind11/complex.h>
#include <pybind11/stl.h>

#include <cmath>
#include <tuple>

#include "bindings.hpp"

namespace qsim_python {

namespace {

using qsim::Circuit;

// Chaining as in Qiskit's builder style: every gate method returns the circuit.
constexpr auto self = py::return_value_policy::reference_internal;

template <Circuit& (Circuit::*F)(qsim::qubit_t)>
void gate1(py::class_<Circuit>& c, const char* name) {
  c.def(
      name, [](Circuit& k, std::int64_t q) -> Circuit& { return (k.*F)(to_unsigned(q, "qubit")); }, py::arg("qubit"),
      self);
}
template <Circuit& (Circuit::*F)(qsim::qubit_t, qsim::qubit_t)>
void gate2(py::class_<Circuit>& c, const char* name, const char* a, const char* b) {
  c.def(
      name,
      [](Circuit& k, std::int64_t x, std::int64_t y) -> Circuit& {
        return (k.*F)(to_unsigned(x, "qubit"), to_unsigned(y, "qubit"));
      },
      py::arg(a), py::arg(b), self);
}
template <Circuit& (Circuit::*F)(qsim::Param, qsim::qubit_t)>
void rot1(py::class_<Circuit>& c, const char* name) {
  c.def(
      name,
      [](Circuit& k, const py::object& t, std::int64_t q) -> Circuit& {
        return (k.*F)(to_param(t), to_unsigned(q, "qubit"));
      },
      py::arg("theta"), py::arg("qubit"), self);
}
template <Circuit& (Circuit::*F)(qsim::Param, qsim::qubit_t, qsim::qubit_t)>
void rot2(py::class_<Circuit>& c, const char* name, const char* a, const char* b) {
  c.def(
      name,
      [](Circuit& k, const py::object& t, std::int64_t x, std::int64_t y) -> Circuit& {
        return (k.*F)(to_param(t), to_unsigned(x, "qubit"), to_unsigned(y, "qubit"));
      },
      py::arg("theta"), py::arg(a), py::arg(b), self);
}

}  // namespace

void register_circuit(py::module_& m) {
  py::class_<qsim::Param>(m, "Param", "A gate angle: a constant, or scale * w[i] + offset of a weight or feature.")
      .def_property_readonly("kind",
                             [](const qsim::Param& p) {
                               return p.source == qsim::Param::Source::weight    ? "weight"
                                      : p.source == qsim::Param::Source::feature ? "feature"
                                                                                 : "constant";
                             })
      .def_readonly("index", &qsim::Param::index)
      .def_readonly("scale", &qsim::Param::scale)
      .def_readonly("offset", &qsim::Param::offset)
      .def("__repr__", [](const qsim::Param& p) {
        if (p.is_constant()) return "Param(" + std::to_string(p.offset) + ")";
        return std::string(p.source == qsim::Param::Source::weight ? "weight(" : "feature(") + std::to_string(p.index) +
               ", scale=" + std::to_string(p.scale) + ", offset=" + std::to_string(p.offset) + ")";
      });
  using Source = qsim::Param (*)(std::size_t, double, double);
  for (auto [name, make, what] :
       {std::tuple<const char*, Source, const char*>{"weight", &qsim::weight, "Trainable weight"},
        {"feature", &qsim::feature, "Input feature"}})
    m.def(
        name,
        [make = make, name = name](std::int64_t i, double scale, double offset) {
          if (!std::isfinite(scale) || !std::isfinite(offset))
            throw qsim::invalid_argument("scale and offset must be finite, got " + std::to_string(scale) + " and " +
                                         std::to_string(offset));
          return make(to_count(i, (std::string(name) + " index").c_str()), scale, offset);
        },
        py::arg("i"), py::arg("scale") = 1.0, py::arg("offset") = 0.0,
        (std::string(what) + " i as a gate angle: scale * value[i] + offset.").c_str());

  py::class_<Circuit> c(m, "Circuit", "A quantum circuit with Qiskit's gate names, argument order and bit order.");
  c.def(py::init([](std::int64_t n, std::int64_t clbits) {
          return Circuit(to_unsigned(n, "number of qubits"), to_unsigned(clbits, "number of classical bits"));
        }),
        py::arg("num_qubits") = 0, py::arg("num_clbits") = 0);
  c.def_property_readonly("num_qubits", &Circuit::num_qubits)
      .def_property_readonly("num_clbits", &Circuit::num_clbits)
      .def_property_readonly("num_weights", &Circuit::num_weights)
      .def_property_readonly("num_features", &Circuit::num_features)
      .def("__len__", &Circuit::size)
      .def("copy", [](const Circuit& k) { return Circuit(k); })
      .def("to_qasm", &qsim::qasm::to_qasm, "The circuit as OpenQASM 2.0 text.")
      .def("__repr__", [](const Circuit& k) {
        return "<qsim.Circuit: " + std::to_string(k.num_qubits()) + " qubits, " + std::to_string(k.num_clbits()) +
               " classical bits, " + std::to_string(k.size()) + " operations>";
      });
  gate1<&Circuit::id>(c, "id");
  gate1<&Circuit::x>(c, "x");
  gate1<&Circuit::y>(c, "y");
  gate1<&Circuit::z>(c, "z");
  gate1<&Circuit::h>(c, "h");
  gate1<&Circuit::s>(c, "s");
  gate1<&Circuit::sdg>(c, "sdg");
  gate1<&Circuit::t>(c, "t");
  gate1<&Circuit::tdg>(c, "tdg");
  gate1<&Circuit::sx>(c, "sx");
  gate1<&Circuit::sxdg>(c, "sxdg");
  rot1<&Circuit::rx>(c, "rx");
  rot1<&Circuit::ry>(c, "ry");
  rot1<&Circuit::rz>(c, "rz");
  rot1<&Circuit::p>(c, "p");
  c.def(
      "u",
      [](Circuit& k, const py::object& t, const py::object& ph, const py::object& l, std::int64_t q) -> Circuit& {
        return k.u(to_param(t), to_param(ph), to_param(l), to_unsigned(q, "qubit"));
      },
      py::arg("theta"), py::arg("phi"), py::arg("lam"), py::arg("qubit"), self);
  gate2<&Circuit::cx>(c, "cx", "control", "target");
  gate2<&Circuit::cy>(c, "cy", "control", "target");
  gate2<&Circuit::cz>(c, "cz", "control", "target");
  gate2<&Circuit::ch>(c, "ch", "control", "target");
  gate2<&Circuit::swap>(c, "swap", "qubit1", "qubit2");
  gate2<&Circuit::iswap>(c, "iswap", "qubit1", "qubit2");
  rot2<&Circuit::crx>(c, "crx", "control", "target");
  rot2<&Circuit::cry>(c, "cry", "control", "target");
  rot2<&Circuit::crz>(c, "crz", "control", "target");
  rot2<&Circuit::cp>(c, "cp", "control", "target");
  rot2<&Circuit::rxx>(c, "rxx", "qubit1", "qubit2");
  rot2<&Circuit::ryy>(c, "ryy", "qubit1", "qubit2");
  rot2<&Circuit::rzz>(c, "rzz", "qubit1", "qubit2");
  c.def(
      "cu",
      [](Circuit& k, const py::object& t, const py::object& ph, const py::object& l, const py::object& g,
         std::int64_t ctl, std::int64_t q) -> Circuit& {
        return k.cu(to_param(t), to_param(ph), to_param(l), to_param(g), to_unsigned(ctl, "qubit"),
                    to_unsigned(q, "qubit"));
      },
      py::arg("theta"), py::arg("phi"), py::arg("lam"), py::arg("gamma"), py::arg("control"), py::arg("target"), self);
  c.def(
      "ccx",
      [](Circuit& k, std::int64_t c1, std::int64_t c2, std::int64_t q) -> Circuit& {
        return k.ccx(to_unsigned(c1, "qubit"), to_unsigned(c2, "qubit"), to_unsigned(q, "qubit"));
      },
      py::arg("control1"), py::arg("control2"), py::arg("target"), self);
  c.def(
      "cswap",
      [](Circuit& k, std::int64_t ctl, std::int64_t a, std::int64_t b) -> Circuit& {
        return k.cswap(to_unsigned(ctl, "qubit"), to_unsigned(a, "qubit"), to_unsigned(b, "qubit"));
      },
      py::arg("control"), py::arg("qubit1"), py::arg("qubit2"), self);
  c.def(
      "mcx",
      [](Circuit& k, const py::object& controls, std::int64_t q) -> Circuit& {
        return k.mcx(to_qubits(controls, "control qubit"), to_unsigned(q, "qubit"));
      },
      py::arg("controls"), py::arg("target"), self);
  c.def(
      "unitary",
      [](Circuit& k, const py::object& matrix, const py::object& qubits) -> Circuit& {
        return k.unitary(to_matrix(matrix), to_qubits(qubits, "qubit"));
      },
      py::arg("matrix"), py::arg("qubits"), self,
      "A user matrix on the given qubits; bit j of the matrix index is qubits[j] (Qiskit's order).");
  c.def(
      "measure",
      [](Circuit& k, const py::object& qubits, const py::object& clbits) -> Circuit& {
        return k.measure(to_qubits(qubits, "qubit"), to_qubits(clbits, "classical bit"));
      },
      py::arg("qubit"), py::arg("clbit"), self);
  c.def("measure_all", &Circuit::measure_all, self,
        "Adds a register 'meas' and measures qubit i into its bit i, as Qiskit does.");
  c.def(
      "reset", [](Circuit& k, std::int64_t q) -> Circuit& { return k.reset(to_unsigned(q, "qubit")); },
      py::arg("qubit"), self);
  c.def(
      "barrier",
      [](Circuit& k, const py::args& qubits) -> Circuit& {
        std::vector<qsim::qubit_t> qs;
        for (auto q : qubits) {
          const auto more = to_qubits(q, "qubit");
          qs.insert(qs.end(), more.begin(), more.end());
        }
        return k.barrier(qs);
      },
      self, "A barrier on the given qubits (all when none are given).");
  c.def(
      "c_if",
      [](Circuit& k, const std::string& creg, std::int64_t value) -> Circuit& {
        return k.c_if(creg, to_count(value, "condition value"));
      },
      py::arg("creg"), py::arg("value"), self, "Makes the most recently added operation conditional on creg == value.");

  m.def(
      "from_qasm", [](const std::string& text) { return qsim::qasm::parse(text); }, py::arg("text"),
      "Parses OpenQASM 2.0 text (qiskit.qasm2.dumps output, say) into a Circuit.");
  m.def(
      "_load_qasm", [](const std::string& path) { return qsim::qasm::parse_file(path); }, py::arg("path"));
}

}  // namespace qsim_python
