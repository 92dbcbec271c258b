// The layer behind qsim.torch.QuantumLayer (stateless forward / backward
// over a whole batch: one call into qsim per batch) and PennyLane's templates.
#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "bindings.hpp"

namespace qsim_python {

namespace {

qsim::ml::Rotation to_rotation(const std::string& r) {
  if (r == "X" || r == "x") return qsim::ml::Rotation::x;
  if (r == "Y" || r == "y") return qsim::ml::Rotation::y;
  if (r == "Z" || r == "z") return qsim::ml::Rotation::z;
  throw qsim::invalid_argument("rotation must be \"X\", \"Y\" or \"Z\", got \"" + r + "\"");
}

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// A 2-D float64 array as an Eigen matrix; refuses other ranks with a clear message.
Eigen::MatrixXd to_matrix2d(const py::handle& h, const char* what) {
  auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(h);
  if (!a || a.ndim() != 2)
    throw qsim::invalid_argument(std::string(what) + " must be a 2-D array of numbers, got " +
                                 (a ? std::to_string(a.ndim()) + " dimensions" : std::string("something else")));
  return Eigen::Map<const RowMatrix>(a.data(), a.shape(0), a.shape(1));
}
Eigen::VectorXd to_vector(const py::handle& h, const char* what) {
  auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(h);
  if (!a || a.ndim() != 1) throw qsim::invalid_argument(std::string(what) + " must be a 1-D array of numbers");
  return Eigen::Map<const Eigen::VectorXd>(a.data(), a.shape(0));
}

qsim::ml::Engine engine_named(const std::string& name) {
  for (auto e : {qsim::ml::Engine::automatic, qsim::ml::Engine::batched, qsim::ml::Engine::per_sample,
                 qsim::ml::Engine::reference})
    if (name == qsim::ml::engine_name(e)) return e;
  throw qsim::invalid_argument("unknown engine '" + name + "' (automatic, batched, per_sample, reference)");
}

template <class T>
void register_layer(py::module_& m, const char* name) {
  using Layer = qsim::ml::QuantumLayer<T>;
  using Tape = typename Layer::Tape;
  py::class_<Tape, std::shared_ptr<Tape>>(m, (std::string(name) + "Tape").c_str(),
                                          "What forward() hands to backward(); opaque.");
  py::class_<Layer>(m, name, "A circuit with trainable weights as a batch-in, expectations-out function.")
      .def(py::init([](const qsim::Circuit& c, const std::vector<qsim::ml::PauliSum>& obs, std::int64_t threads,
                       std::int64_t seed, std::int64_t cache_bytes, const std::string& engine) {
             qsim::ml::LayerOptions o;
             o.threads = to_unsigned(threads, "threads");
             o.seed = to_count(seed, "seed");
             o.cache_bytes = static_cast<std::size_t>(to_count(cache_bytes, "cache_bytes"));
             o.engine = engine_named(engine);
             return std::make_unique<Layer>(c, obs, o);
           }),
           py::arg("circuit"), py::arg("observables"), py::arg("threads") = 1, py::arg("seed") = 0,
           py::arg("cache_bytes") = std::int64_t{256} << 20, py::arg("engine") = "automatic")
      .def_property_readonly(
          "engine", [](const Layer& l) { return std::string(qsim::ml::engine_name(l.engine())); },
          "The engine forward() runs on: batched, per_sample or reference.")
      .def_property_readonly("num_weights", &Layer::num_weights)
      .def_property_readonly("num_features", &Layer::num_features)
      .def_property_readonly("num_outputs", &Layer::num_outputs)
      .def_property_readonly("initial_weights", [](const Layer& l) { return Eigen::VectorXd(l.weights()); })
      .def(
          "jacobian",
          [](const Layer& l, const py::object& x) {
            const Eigen::VectorXd xv = to_vector(x, "the input");
            Eigen::MatrixXd jw, jx;
            {
              py::gil_scoped_release nogil;
              jw = l.jacobian(xv, &jx);
            }
            return py::make_tuple(RowMatrix(jw), RowMatrix(jx));
          },
          py::arg("x"),
          "(d outputs / d initial_weights, d outputs / d x) at one input: one adjoint gradient per output.")
      .def(
          "forward",
          [](const Layer& l, const py::object& w, const py::object& x) {
            const Eigen::VectorXd wv = to_vector(w, "weights");
            const Eigen::MatrixXd xm = to_matrix2d(x, "the input");
            auto tape = std::make_shared<Tape>();
            Eigen::MatrixXd y;
            {
              py::gil_scoped_release nogil;
              y = l.forward(wv, xm, *tape);
            }
            return py::make_tuple(RowMatrix(y), tape);
          },
          py::arg("weights"), py::arg("x"), "(y [batch, outputs], tape) for weights and inputs [batch, features].")
      .def(
          "backward",
          [](const Layer& l, const std::shared_ptr<Tape>& tape, const py::object& dy) {
            if (!tape) throw qsim::invalid_argument("backward() needs the tape that forward() returned");
            const Eigen::MatrixXd d = to_matrix2d(dy, "dL/dY");
            typename Layer::BackwardResult g;
            {
              py::gil_scoped_release nogil;
              g = l.backward(*tape, d);
            }
            return py::make_tuple(g.weights, RowMatrix(g.inputs));
          },
          py::arg("tape"), py::arg("dy"),
          "(dL/dweights, dL/dX): the adjoint vector-Jacobian product, one sweep per sample.");
}

}  // namespace

void register_ml(py::module_& m) {
  register_layer<double>(m, "QuantumLayer64");
  register_layer<float>(m, "QuantumLayer32");

  m.def(
      "angle_embedding",
      [](qsim::Circuit& c, std::int64_t features, const std::string& rotation, double scale) {
        qsim::ml::angle_embedding(c, to_count(features, "number of features"), to_rotation(rotation), scale);
      },
      py::arg("circuit"), py::arg("num_features"), py::arg("rotation") = "X", py::arg("scale") = 1.0,
      "PennyLane's AngleEmbedding: feature i as the angle of a rotation on qubit i.");
  m.def(
      "basic_entangler_layers",
      [](qsim::Circuit& c, std::int64_t layers, std::int64_t qubits, std::int64_t first_weight,
         const std::string& rotation) {
        return qsim::ml::basic_entangler_layers(c, to_count(layers, "layers"), to_unsigned(qubits, "qubits"),
                                                to_count(first_weight, "first_weight"), to_rotation(rotation));
      },
      py::arg("circuit"), py::arg("layers"), py::arg("qubits"), py::arg("first_weight") = 0, py::arg("rotation") = "X",
      "PennyLane's BasicEntanglerLayers, weights (layers, qubits); returns their number.");
  m.def(
      "amplitude_embedding",
      [](qsim::Circuit& c, std::int64_t features, bool normalize, std::optional<double> pad,
         std::int64_t first_feature) {
        qsim::ml::amplitude_embedding(c, to_count(features, "number of features"),
                                      qsim::AmplitudeEmbedding{normalize, pad},
                                      to_count(first_feature, "first_feature"));
      },
      py::arg("circuit"), py::arg("num_features"), py::arg("normalize") = true, py::arg("pad") = py::none(),
      py::arg("first_feature") = 0,
      "PennyLane's AmplitudeEmbedding as the circuit's first operation: features first_feature.. become the "
      "amplitudes of all qubits (amplitude j: bit t is qubit t, Qiskit's order), padded with `pad`.");
  using Template = std::size_t (*)(qsim::Circuit&, std::size_t, unsigned, std::size_t);
  for (auto [name, make, doc] :
       {std::tuple<const char*, Template, const char*>{
            "strongly_entangling_layers", &qsim::ml::strongly_entangling_layers,
            "PennyLane's StronglyEntanglingLayers, weights (layers, qubits, 3); returns their number."},
        {"hardware_efficient_ansatz", &qsim::ml::hardware_efficient_ansatz,
         "RY and RZ on every qubit, then a CNOT chain; weights (layers, qubits, 2); returns their "
         "number."}})
    m.def(
        name,
        [make = make](qsim::Circuit& c, std::int64_t layers, std::int64_t qubits, std::int64_t first_weight) {
          return make(c, to_count(layers, "layers"), to_unsigned(qubits, "qubits"),
                      to_count(first_weight, "first_weight"));
        },
        py::arg("circuit"), py::arg("layers"), py::arg("qubits"), py::arg("first_weight") = 0, doc);
  // Feature maps: (circuit, features, repetitions, first feature).
  using FeatureMap = void (*)(qsim::Circuit&, unsigned, std::size_t, std::size_t);
  for (auto [name, make, repetitions, default_repetitions, doc] :
       {std::tuple<const char*, FeatureMap, const char*, std::int64_t, const char*>{
            "zz_feature_map", &qsim::ml::zz_feature_map, "reps", 2,
            "Qiskit's ZZFeatureMap (full entanglement): P(2 x_i) and P(2 (pi - x_i)(pi - x_j)) between CXs."},
        {"iqp_embedding", &qsim::ml::iqp_embedding, "n_repeats", 1,
         "PennyLane's IQPEmbedding: H, RZ(x_i), then RZZ(x_i x_j) on every pair."}})
    m.def(
        name,
        [make = make, repetitions = repetitions](qsim::Circuit& c, std::int64_t features, std::int64_t reps,
                                                 std::int64_t first_feature) {
          make(c, to_unsigned(features, "number of features"), to_count(reps, repetitions),
               to_count(first_feature, "first_feature"));
        },
        py::arg("circuit"), py::arg("num_features"), py::arg(repetitions) = default_repetitions,
        py::arg("first_feature") = 0, doc);
}

}  // namespace qsim_python
