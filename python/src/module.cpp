// The extension module qsim._qsim; the package qsim (python/qsim/) wraps it.
#include "bindings.hpp"

PYBIND11_MODULE(_qsim, m) {
  m.doc() = "qsim: a state-vector quantum circuit simulator (C++ core, prebuilt run-time dispatched kernels)";
  qsim_python::register_errors(m);
  qsim_python::register_circuit(m);
  qsim_python::register_simulator(m);
  qsim_python::register_ml(m);
  qsim_python::register_energy(m);
  qsim_python::register_noise(m);
  m.attr("__version__") = QSIM_PYTHON_VERSION;
}
