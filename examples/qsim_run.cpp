// qsim-run: runs an OpenQASM 2.0 file from the shell.
// Usage: qsim-run FILE.qasm [--shots N] [--seed S] [--precision float|double] [--threads T]
//                 [--statevector] [--probabilities] [--json] [--svg FILE]
//                 [--noise MODEL.json] [--method auto|trajectories|density_matrix]
// FILE '-' reads standard input. Exit code 0 on success, 2 on bad arguments,
// a file that does not parse or a circuit that cannot run; errors go to stderr.
#include <complex>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <qsim/qsim.hpp>

#include "qsim_run_cli.hpp"

namespace {

using qsim_run::Options;
using qsim_run::usage;
using qsim_run::usage_error;

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (u < 0x20) {
      static const char hex[] = "0123456789abcdef";
      out += "\\u00";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

qsim::NoiseModel read_noise_model(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw qsim::invalid_argument("cannot open noise model file '" + path + "'");
  try {
    return qsim::noise_model_from_json(qsim::qasm::read_bounded(in, path, max_bytes));
  } catch (const qsim::invalid_argument& e) {
    throw qsim::invalid_argument(path + ": " + e.what());
  }
}

// Everything is written straight to `out` as it is computed: a 30-qubit
// state's listing is tens of GB of text and must never be held in memory.
// The counts, the probabilities and the state are computed one after the
// other, each freed before the next.
template <class T>
int run(const Options& o, const qsim::Circuit& c, std::ostream& out) {
  qsim::SimulatorOptions so;
  so.threads = o.threads;
  so.cache_blocking = o.cache_blocking == "on"    ? qsim::CacheBlocking::on
                      : o.cache_blocking == "off" ? qsim::CacheBlocking::off
                                                  : qsim::CacheBlocking::automatic;
  so.chunk_qubits = o.chunk_qubits;
  so.max_shots = o.max_shots;
  const qsim::Simulator<T> sim(so);
  // Noise: the model's copy of the circuit, run by the chosen method.
  qsim::NoisySimulatorOptions no;
  no.simulator = so;
  no.method = o.method == "trajectories"     ? qsim::NoiseMethod::trajectories
              : o.method == "density_matrix" ? qsim::NoiseMethod::density_matrix
                                             : qsim::NoiseMethod::automatic;
  const qsim::NoisySimulator<T> noisy(o.noise ? read_noise_model(*o.noise, o.max_input_bytes) : qsim::NoiseModel{}, no);
  const bool with_noise = o.noise || o.method != "auto";
  if (with_noise && o.statevector && no.method == qsim::NoiseMethod::density_matrix)
    throw qsim::invalid_argument("--statevector needs a state vector: use --method trajectories (one trajectory)");
  const bool measured = c.num_clbits() > 0;
  if (!measured && !o.statevector && !o.probabilities)
    throw qsim::invalid_argument(
        "the circuit has no classical bits to count: add measure statements, or use --statevector or --probabilities");
  if (!measured && o.svg) throw qsim::invalid_argument("--svg needs counts, but the circuit has no classical bits");

  std::vector<qsim::qubit_t> all(c.num_qubits());
  for (unsigned q = 0; q < c.num_qubits(); ++q) all[q] = q;
  // Amplitudes and probabilities with the digits that round-trip the
  // precision (9 for float, 17 for double); the histogram keeps the default.
  const auto default_precision = out.precision();
  const auto exact_digits = o.single ? 9 : 17;
  if (o.json)
    out << "{\"file\": " << json_string(o.file) << ", \"num_qubits\": " << c.num_qubits()
        << ", \"num_clbits\": " << c.num_clbits() << ", \"shots\": " << o.shots << ", \"seed\": " << o.seed
        << ", \"precision\": \"" << (o.single ? "float" : "double") << "\"";
  if (o.json && o.noise) out << ", \"noise\": " << json_string(*o.noise);
  if (o.json && with_noise && measured)
    out << ", \"method\": \""
        << (noisy.method_for(c, o.shots) == qsim::NoiseMethod::density_matrix ? "density_matrix" : "trajectories")
        << "\"";
  if (measured) {
    const qsim::Counts counts = with_noise ? noisy.run(c, o.shots, o.seed) : sim.run(c, o.shots, o.seed);
    if (o.svg) qsim::io::write_histogram_svg(*o.svg, counts, o.file + ", " + std::to_string(o.shots) + " shots");
    if (o.json) {
      out << ", \"counts\": {";
      const char* sep = "";
      for (const auto& [key, n] : counts) out << std::exchange(sep, ", ") << json_string(key) << ": " << n;
      out << "}";
    } else {
      qsim::io::print_counts(out, counts);
      out << '\n';
      qsim::io::print_histogram(out, counts);
    }
  }
  if (o.probabilities) {
    const std::vector<double> probs = with_noise ? noisy.probabilities(c) : sim.probabilities(c);
    out.precision(exact_digits);
    if (o.json) {
      out << ", \"probabilities\": {";
      for (std::size_t i = 0; i < probs.size(); ++i)
        out << (i ? ", \"" : "\"") << qsim::format_bits(i, all) << "\": " << probs[i];
      out << "}";
    } else {
      out << (measured ? "\n" : "") << "probabilities:\n";
      for (std::size_t i = 0; i < probs.size(); ++i) out << qsim::format_bits(i, all) << ": " << probs[i] << '\n';
    }
    out.precision(default_precision);
  }
  if (o.statevector) {
    const qsim::StateVector<T> psi =
        sim.statevector(o.noise ? noisy.noise_model().apply(c) : c, o.seed);  // with noise: one trajectory
    out.precision(exact_digits);
    if (o.json) out << ", \"statevector\": {";
    if (!o.json) out << (measured || o.probabilities ? "\n" : "") << "statevector:\n";
    for (std::size_t i = 0; i < psi.size(); ++i) {
      const std::complex<double> a(psi[i]);
      if (o.json)
        out << (i ? ", \"" : "\"") << qsim::format_bits(i, all) << "\": [" << a.real() << ", " << a.imag() << "]";
      else
        out << qsim::format_bits(i, all) << ": " << a.real() << (a.imag() < 0 ? " - " : " + ") << std::abs(a.imag())
            << "i\n";
    }
    if (o.json) out << "}";
    out.precision(default_precision);
  }
  if (o.json) out << "}\n";
  out.flush();
  if (!out) throw qsim::error("could not write the output (disk full or closed pipe?)");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);  // buffered output: the listings can be long
  try {
    const Options o = qsim_run::parse_arguments(argc, argv);
    if (o.help) {
      std::cout << usage;
      return 0;
    }
    if (o.version || o.info) {
      std::cout << "qsim-run " << qsim::version_string() << '\n';
      if (o.info) {
        std::cout << qsim::kernels::kernel_description() << '\n'
                  << "threads: " << qsim::kernels::ParallelFor(o.threads).threads_for(~qsim::index_t{0})
                  << (o.threads == 0 ? " (OpenMP default)" : "") << '\n';
      }
      return 0;
    }
    qsim::qasm::ParseOptions parse_options;
    parse_options.max_input_bytes = o.max_input_bytes;
    qsim::Circuit circuit;
    if (o.file == "-") {
      circuit =
          qsim::qasm::parse(qsim::qasm::read_bounded(std::cin, "<stdin>", o.max_input_bytes), "<stdin>", parse_options);
    } else {
      circuit = qsim::qasm::parse_file(o.file, parse_options);
    }
    return o.single ? run<float>(o, circuit, std::cout) : run<double>(o, circuit, std::cout);
  } catch (const usage_error& e) {
    std::cerr << "qsim-run: " << e.what() << "\n" << usage;
    return 2;
  } catch (const qsim::error& e) {
    std::cerr << "qsim-run: " << e.what() << '\n';
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr
        << "qsim-run: out of memory (an allocation failed; try a smaller circuit, fewer shots or --precision float)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "qsim-run: unexpected error: " << e.what() << '\n';
    return 1;
  }
}
