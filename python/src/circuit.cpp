// qsim.Circuit, qsim.Param (weight / feature) and OpenQASM in and out.
#include <pybind11/complex.h>
#include <pybind11/stl.h>

#include <cmath>
#include <optional>
#include <tuple>

#include "bindings.hpp"
#include "qsim/circuit/draw.hpp"

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

// A weight or feature read as scale * v + offset (not an expression, not a constant).
bool affine_variable(const qsim::Param& p) {
  return p.source == qsim::Param::Source::weight || p.source == qsim::Param::Source::feature;
}

}  // namespace

void register_circuit(py::module_& m) {
  py::class_<qsim::Param> param(
      m, "Param",
      "A gate angle: a constant, scale * w[i] + offset of a weight or feature, or an expression over them "
      "(+ - * / and qsim.sin / qsim.cos), differentiated by the chain rule.");
  param
      .def_property_readonly("kind",
                             [](const qsim::Param& p) {
                               return p.source == qsim::Param::Source::weight       ? "weight"
                                      : p.source == qsim::Param::Source::feature    ? "feature"
                                      : p.source == qsim::Param::Source::expression ? "expression"
                                                                                    : "constant";
                             })
      // scale * w[index] + offset: None where the form does not apply (an expression; index and scale of a constant).
      .def_property_readonly(
          "index",
          [](const qsim::Param& p) -> py::object { return affine_variable(p) ? py::cast(p.index) : py::none(); })
      .def_property_readonly(
          "scale",
          [](const qsim::Param& p) -> py::object { return affine_variable(p) ? py::cast(p.scale) : py::none(); })
      .def_property_readonly(
          "offset",
          [](const qsim::Param& p) -> py::object { return p.is_expression() ? py::none() : py::cast(p.offset); })
      .def(
          "value",
          [](const qsim::Param& p, const py::object& weights, const py::object& features) {
            return p.value(bind_values(weights, features).binding());
          },
          py::arg("weights") = py::none(), py::arg("features") = py::none(), "The angle for these values.")
      .def("__repr__", [](const qsim::Param& p) {
        if (p.is_constant()) return "Param(" + std::to_string(p.offset) + ")";
        if (p.is_expression()) return "Param(" + p.expr->text() + ")";
        return std::string(p.source == qsim::Param::Source::weight ? "weight(" : "feature(") + std::to_string(p.index) +
               ", scale=" + std::to_string(p.scale) + ", offset=" + std::to_string(p.offset) + ")";
      });
  // Arithmetic with Params and numbers on either side.
  param.def("__neg__", [](const qsim::Param& a) { return -a; });
  param.def("__pos__", [](const qsim::Param& a) { return a; });
  // NotImplemented for operands that are no angle, so Python tries the other
  // side (a numpy array broadcasts) or raises its own TypeError.
  using Op = qsim::Param (*)(const qsim::Param&, const qsim::Param&);
  const Op add = [](const qsim::Param& x, const qsim::Param& y) { return x + y; };
  const Op sub = [](const qsim::Param& x, const qsim::Param& y) { return x - y; };
  const Op mul = [](const qsim::Param& x, const qsim::Param& y) { return x * y; };
  const Op div = [](const qsim::Param& x, const qsim::Param& y) { return x / y; };
  for (auto [name, op, reflected] : {std::tuple<const char*, Op, bool>{"__add__", add, false},
                                     {"__radd__", add, true},
                                     {"__sub__", sub, false},
                                     {"__rsub__", sub, true},
                                     {"__mul__", mul, false},
                                     {"__rmul__", mul, true},
                                     {"__truediv__", div, false},
                                     {"__rtruediv__", div, true}})
    param.def(name, [op = op, reflected = reflected](const qsim::Param& a, const py::object& b) -> py::object {
      if (!is_angle(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
      const qsim::Param other = to_param(b);
      return py::cast(reflected ? op(other, a) : op(a, other));
    });
  m.def(
      "sin", [](const py::object& a) { return qsim::sin(to_param(a)); }, py::arg("angle"),
      "sin of a gate angle (a Param or a number), for angle expressions.");
  m.def(
      "cos", [](const py::object& a) { return qsim::cos(to_param(a)); }, py::arg("angle"),
      "cos of a gate angle (a Param or a number), for angle expressions.");
  py::class_<qsim::WeightGroup>(m, "WeightGroup",
                                "Consecutive weights with a shape: w = WeightGroup((layers, qubits, 3)); w[l, q, k] "
                                "is a Param; the next group starts at w.end.")
      .def(py::init([](const std::vector<std::int64_t>& shape, std::int64_t first) {
             std::vector<std::size_t> dims;
             for (auto d : shape) dims.push_back(to_count(d, "dimension"));
             return qsim::WeightGroup(dims, to_count(first, "first"));
           }),
           py::arg("shape"), py::arg("first") = 0)
      .def_property_readonly("shape", &qsim::WeightGroup::shape)
      .def_property_readonly("size", &qsim::WeightGroup::size)
      .def_property_readonly("first", &qsim::WeightGroup::first)
      .def_property_readonly("end", &qsim::WeightGroup::end)
      .def("__len__", &qsim::WeightGroup::size)
      .def("__getitem__",
           [](const qsim::WeightGroup& w, const py::object& at) {
             std::vector<std::size_t> idx;
             if (py::isinstance<py::tuple>(at)) {
               for (auto i : at.cast<py::tuple>()) idx.push_back(to_count(i.cast<std::int64_t>(), "index"));
             } else {
               idx.push_back(to_count(at.cast<std::int64_t>(), "index"));
             }
             return qsim::weight(w.index(idx));
           })
      .def("index", [](const qsim::WeightGroup& w, const std::vector<std::int64_t>& at) {
        std::vector<std::size_t> idx;
        for (auto i : at) idx.push_back(to_count(i, "index"));
        return w.index(idx);
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
      .def("copy", &Circuit::copy)
      .def("inverse", &Circuit::inverse,
           "The inverse: operations reversed, each gate inverted (measure, reset, channels and conditions refused).")
      .def(
          "compose",
          [](const Circuit& k, const Circuit& other, const py::object& qubits, const py::object& clbits, bool front) {
            return k.compose(other, qubits.is_none() ? std::vector<qsim::qubit_t>{} : to_qubits(qubits, "qubit"),
                             clbits.is_none() ? std::vector<qsim::clbit_t>{} : to_qubits(clbits, "classical bit"),
                             front);
          },
          py::arg("other"), py::arg("qubits") = py::none(), py::arg("clbits") = py::none(), py::arg("front") = false,
          "A new circuit: this one, then `other` with its qubit j on qubits[j] (before it when front).")
      .def("depth", &Circuit::depth, "The longest path of operations on any wire (barriers add none), as Qiskit.")
      .def(
          "count_ops",
          [](const Circuit& k) {
            py::dict d;  // insertion order: most frequent first
            for (const auto& [name, n] : k.count_ops()) d[py::str(name)] = n;
            return d;
          },
          "Operations by name, most frequent first.")
      .def_property_readonly("num_parameters", &Circuit::num_parameters)
      .def(
          "draw", [](const Circuit& k, std::int64_t width) { return qsim::draw(k, to_unsigned(width, "width")); },
          py::arg("width") = 80, "A text diagram in Qiskit's style, folded at `width` columns (0: never).")
      .def("__str__", [](const Circuit& k) { return qsim::draw(k); })
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
      "prepare_state",
      [](Circuit& k, const std::vector<std::complex<double>>& amplitudes, const py::object& qubits) -> Circuit& {
        return k.prepare_state(amplitudes, to_qubits(qubits, "qubit"));
      },
      py::arg("amplitudes"), py::arg("qubits"), self,
      "Maps |0...0> on `qubits` to `amplitudes` (norm 1; bit j of an index is qubits[j]).");
  c.def(
      "amplitude_embedding",
      [](Circuit& k, const py::iterable& values, const py::object& qubits, bool normalize,
         std::optional<double> pad) -> Circuit& {
        std::vector<qsim::Param> params;
        for (auto v : values) params.push_back(to_param(v));
        return k.amplitude_embedding(std::move(params), to_qubits(qubits, "qubit"),
                                     qsim::AmplitudeEmbedding{normalize, pad});
      },
      py::arg("values"), py::arg("qubits"), py::arg("normalize") = true, py::arg("pad") = py::none(), self,
      "PennyLane's AmplitudeEmbedding as the first operation: the values (qsim.feature(i), weights, numbers) "
      "become the amplitudes of `qubits` (bit j of an index is qubits[j]), padded with `pad`, normalised when "
      "`normalize`.");
  c.def(
      "initialize",
      [](Circuit& k, const std::vector<std::complex<double>>& amplitudes, const py::object& qubits) -> Circuit& {
        return k.initialize(amplitudes, to_qubits(qubits, "qubit"));
      },
      py::arg("amplitudes"), py::arg("qubits"), self, "Resets `qubits`, then prepare_state (Qiskit's initialize).");
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
