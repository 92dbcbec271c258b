// qsim.energy: the meter (RAPL, NVML or the CPU-time estimate), reports and
// the per-epoch CSV that pandas reads.
#include <pybind11/stl.h>

#include "bindings.hpp"

namespace qsim_python {

void register_energy(py::module_& root) {
  namespace en = qsim::energy;
  py::module_ m = root.def_submodule("energy", "Energy accounting: joules, emissions and efficiency of a region.");
  py::class_<en::Measurement>(m, "Measurement")
      .def_readonly("label", &en::Measurement::label)
      .def_readonly("seconds", &en::Measurement::seconds)
      .def_readonly("cpu_seconds", &en::Measurement::cpu_seconds)
      .def_readonly("joules", &en::Measurement::joules)
      .def_readonly("source", &en::Measurement::source)
      .def_readonly("estimated", &en::Measurement::estimated);
  py::class_<en::Report>(m, "Report")
      .def_readonly("measurement", &en::Report::measurement)
      .def_property_readonly("joules", &en::Report::joules)
      .def_property_readonly("seconds", &en::Report::seconds)
      .def_property_readonly("eta", &en::Report::eta)
      .def_property_readonly("samples_per_joule", &en::Report::samples_per_joule)
      .def_property_readonly("gates_per_joule", &en::Report::gates_per_joule);
  py::class_<en::Meter>(m, "Meter", "The best energy source of this machine; describe() says which.")
      .def(py::init<>())
      .def("describe", &en::Meter::describe)
      .def_property_readonly("estimates", &en::Meter::estimates);
  py::class_<en::Scope>(m, "Scope", "Measures from its creation to stop().")
      .def(py::init<const en::Meter&, std::string>(), py::arg("meter"), py::arg("label") = "", py::keep_alive<1, 2>())
      .def("poll", &en::Scope::poll)
      .def("stop", &en::Scope::stop);
  m.def(
      "make_report",
      [](const en::Measurement& me, double gates, double samples, double bytes, double copy_bandwidth, double grid) {
        return en::make_report(me, {gates, samples, bytes}, {grid, copy_bandwidth});
      },
      py::arg("measurement"), py::arg("gates") = 0.0, py::arg("samples") = 0.0, py::arg("bytes") = 0.0,
      py::arg("copy_bandwidth") = 0.0, py::arg("grid_gco2e_per_kwh") = en::default_grid_gco2e_per_kwh,
      "A Report: the work done in a region (gates, samples, bytes moved) against its energy; eta needs copy_bandwidth "
      "(B/s).");
  m.def("append_csv", &en::append_csv, py::arg("path"), py::arg("reports"),
        "Appends one row per report (the header first when the file is new); pandas.read_csv reads it.");
  m.def("csv_header", &en::csv_header);
  m.def(
      "measure_copy_bandwidth",
      [](std::int64_t bytes, int repeats, std::int64_t threads) {
        const auto b = to_count(bytes, "bytes");
        const auto t = to_unsigned(threads, "threads");
        py::gil_scoped_release nogil;
        return en::measure_copy_bandwidth(static_cast<std::size_t>(b), repeats, t);
      },
      py::arg("bytes") = std::int64_t{64} << 20, py::arg("repeats") = 3, py::arg("threads") = 1,
      "The machine's copy bandwidth in B/s (read + write), the reference of eta.");
}

}  // namespace qsim_python
