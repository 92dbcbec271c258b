// Shared pieces of the extension module qsim._qsim: argument conversion and
// the registration functions of each part (one translation unit each, so the
// module compiles in parallel and an edit rebuilds one part).
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <qsim/qsim.hpp>

namespace qsim_python {

namespace py = pybind11;

// Python integers may be negative or huge: refuse them with qsim's own
// message style instead of pybind11's "incompatible function arguments".
inline unsigned to_unsigned(std::int64_t v, const char* what) {
  if (v < 0 || v > static_cast<std::int64_t>(std::numeric_limits<unsigned>::max()))
    throw qsim::invalid_argument(std::string(what) + " " + std::to_string(v) + " is out of range");
  return static_cast<unsigned>(v);
}
inline std::uint64_t to_count(std::int64_t v, const char* what) {
  if (v < 0) throw qsim::invalid_argument(std::string(what) + " must be >= 0, got " + std::to_string(v));
  return static_cast<std::uint64_t>(v);
}

// A qubit index or a list of them.
inline std::vector<qsim::qubit_t> to_qubits(const py::handle& h, const char* what) {
  std::vector<qsim::qubit_t> qs;
  if (py::isinstance<py::int_>(h)) {
    qs.push_back(to_unsigned(h.cast<std::int64_t>(), what));
    return qs;
  }
  if (!py::isinstance<py::iterable>(h) || py::isinstance<py::str>(h))
    throw qsim::invalid_argument(std::string(what) + " must be an int or a list of ints");
  for (auto q : h) qs.push_back(to_unsigned(py::cast<std::int64_t>(q), what));
  return qs;
}

// A square complex matrix as qsim's row-major Matrix (2^k x 2^k for k targets).
inline qsim::Matrix to_matrix(const py::handle& h, const char* what = "unitary()") {
  auto a = py::array_t<std::complex<double>, py::array::c_style | py::array::forcecast>::ensure(h);
  if (!a || a.ndim() != 2 || a.shape(0) != a.shape(1))
    throw qsim::invalid_argument(std::string(what) + " needs a square 2-D matrix");
  return qsim::Matrix(a.data(), a.data() + a.size());
}

// True for what to_param accepts: a qsim.Param or a real number (not a bool).
inline bool is_angle(const py::handle& h) {
  return py::isinstance<qsim::Param>(h) ||
         (!py::isinstance<py::bool_>(h) && (py::isinstance<py::float_>(h) || py::isinstance<py::int_>(h) ||
                                            (py::hasattr(h, "__float__") && !py::hasattr(h, "__len__"))));
}

// A gate angle: a qsim.Param (weight/feature) or anything float() accepts.
inline qsim::Param to_param(const py::handle& h) {
  if (py::isinstance<qsim::Param>(h)) return h.cast<qsim::Param>();
  if (py::isinstance<py::bool_>(h) ||
      !(py::isinstance<py::float_>(h) || py::isinstance<py::int_>(h) || py::hasattr(h, "__float__")))
    throw qsim::invalid_argument("a gate angle must be a number or qsim.weight(i) / qsim.feature(i), got " +
                                 std::string(py::str(py::type::of(h).attr("__name__"))));
  return qsim::Param(py::float_(py::reinterpret_borrow<py::object>(h)).cast<double>());
}

// Weights and features bound to a circuit's parameters; the arrays are kept
// alive (and contiguous float64) for as long as the Binding is used.
struct BoundValues {
  py::array_t<double, py::array::c_style | py::array::forcecast> weights, features;
  qsim::Binding binding() const {
    qsim::Binding b;
    if (weights) b = {weights.data(), static_cast<std::size_t>(weights.size()), nullptr, 0};
    if (features) {
      b.features = features.data();
      b.num_features = static_cast<std::size_t>(features.size());
    }
    return b;
  }
};
inline BoundValues bind_values(const py::object& weights, const py::object& features) {
  BoundValues v;
  using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;
  if (!weights.is_none()) v.weights = Array::ensure(weights);
  if (!features.is_none()) v.features = Array::ensure(features);
  if ((!weights.is_none() && !v.weights) || (!features.is_none() && !v.features))
    throw qsim::invalid_argument("weights and features must be sequences of numbers");
  return v;
}

// numpy arrays that own the C++ result (moved to the heap and freed with
// the array): the amplitudes and probabilities are never copied.
template <class T>
py::array_t<std::complex<T>> state_array(qsim::StateVector<T>&& psi) {
  auto* heap = new qsim::StateVector<T>(std::move(psi));
  py::capsule owner(heap, [](void* p) { delete static_cast<qsim::StateVector<T>*>(p); });
  return py::array_t<std::complex<T>>({static_cast<py::ssize_t>(heap->size())}, heap->data(), owner);
}
template <class T>
py::array_t<T> vector_array(std::vector<T>&& v) {
  auto* heap = new std::vector<T>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(heap->size())}, heap->data(), owner);
}

void register_errors(py::module_& m);
void register_circuit(py::module_& m);
void register_simulator(py::module_& m);
void register_ml(py::module_& m);
void register_energy(py::module_& m);
void register_noise(py::module_& m);

}  // namespace qsim_python
