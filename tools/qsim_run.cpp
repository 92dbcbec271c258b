// qsim-run: runs an OpenQASM 2.0 file from the shell.
// Usage: qsim-run FILE.qasm [--shots N] [--seed S] [--precision float|double] [--threads T]
//                 [--statevector] [--probabilities] [--json] [--svg FILE]
//                 [--noise MODEL.json] [--method auto|trajectories|density_matrix]
//                 [--expectation H] [--npy FILE] [--draw] [--progress]
// FILE '-' reads standard input. Exit code 0 on success, 2 on bad arguments,
// a file that does not parse or a circuit that cannot run; errors go to stderr.
#include <unistd.h>

#include <chrono>
#include <complex>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <thread>
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

/**
 * Progress on stderr while the run computes: on a terminal one line that is
 * rewritten in place, shown once the run has taken a second and cleared
 * before results are printed; with --progress plain lines from the start
 * (for logs). JSON output gets no terminal line (a partial JSON line would
 * be overwritten). A thread ticks the elapsed time.
 */
class Progress {
 public:
  Progress(bool forced, bool terminal_allowed, std::string what)
      : plain_(forced), shown_(forced || (terminal_allowed && isatty(STDERR_FILENO) == 1)), what_(std::move(what)) {
    if (!shown_) return;
    if (plain_) std::cerr << "qsim-run: " << what_ << ": started" << std::endl;
    ticker_ = std::thread([this] { tick(); });
  }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress() {
    if (!shown_) return;
    output();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    ticker_.join();
    if (plain_)
      std::cerr << "qsim-run: " << what_ << (std::uncaught_exceptions() > 0 ? ": failed after " : ": done in ")
                << seconds() << " s" << std::endl;
  }
  /// A computing step starts: the results printed so far go out first.
  void phase(const std::string& name) {
    if (!shown_) return;
    std::cout.flush();
    std::lock_guard<std::mutex> lock(mutex_);
    phase_ = name;
    computing_ = true;
    if (plain_) std::cerr << "qsim-run: " << what_ << ": " << name << " (" << seconds() << " s)" << std::endl;
  }
  /// Results are about to be printed: the terminal line goes.
  void output() {
    if (!shown_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    computing_ = false;
    if (drawn_) std::cerr << "\r\033[K" << std::flush;
    drawn_ = false;
  }

 private:
  void tick() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return done_; })) {
      if (plain_ || !computing_ || seconds() < 1.0) continue;
      std::cerr << "\rqsim-run: " << what_ << ": " << phase_ << ", " << seconds() << " s\033[K" << std::flush;
      drawn_ = true;
    }
  }
  double seconds() const {
    const std::chrono::duration<double> d = std::chrono::steady_clock::now() - start_;
    return static_cast<double>(static_cast<long long>(d.count() * 10)) / 10;
  }

  const bool plain_;
  const bool shown_;
  const std::string what_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::string phase_;
  bool computing_ = false;
  bool done_ = false;
  bool drawn_ = false;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread ticker_;
};

// The circuit without its measurements (registers kept), for --expectation.
qsim::Circuit without_measurements(const qsim::Circuit& c) {
  qsim::Circuit out;
  for (const auto& r : c.qregs()) out.add_qreg(r.name, r.size);
  for (const auto& r : c.cregs()) out.add_creg(r.name, r.size);
  for (const auto& op : c.operations())
    if (op.kind != qsim::OpKind::measure) out.append(op);
  return out;
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
  if (!measured && !o.statevector && !o.probabilities && !o.expectation && !o.draw)
    throw qsim::invalid_argument(
        "the circuit has no classical bits to count: add measure statements, or use --statevector, --probabilities, "
        "--expectation or --draw");
  // The observable is read (and checked against the circuit) before anything runs.
  std::optional<qsim::PauliSum> observable;
  if (o.expectation) {
    try {
      observable = qsim::PauliSum::from_text(*o.expectation);
    } catch (const qsim::invalid_argument& e) {
      throw qsim::invalid_argument(std::string("--expectation: ") + e.what());
    }
    observable->check_fits(c.num_qubits());
    // Refused before anything runs: the exact state needs no shot-by-shot branches.
    for (const auto& op : c.operations())
      if ((op.condition && op.kind != qsim::OpKind::measure) || (op.kind == qsim::OpKind::reset && !with_noise))
        throw qsim::invalid_argument(std::string("--expectation needs a circuit without ") +
                                     (op.condition ? "classically conditioned operations" : "reset") +
                                     " (it is the exact value before the measurements)" +
                                     (op.condition ? "" : "; under --noise the density matrix resets exactly"));
    if (with_noise && no.method == qsim::NoiseMethod::trajectories)
      throw qsim::invalid_argument(
          "--expectation under noise is exact, on the density matrix: use --method auto or density_matrix");
  }
  if (!measured && o.svg) throw qsim::invalid_argument("--svg needs counts, but the circuit has no classical bits");
  if (o.draw && !o.json) {
    const std::string diagram = qsim::draw(c);
    out << diagram << (diagram.empty() || diagram.back() != '\n' ? "\n" : "");
    if (measured || o.statevector || o.probabilities || o.expectation) out << '\n';
  }
  const bool runs = measured || o.statevector || o.probabilities || o.expectation;
  Progress progress(o.progress && runs, runs && !o.json,
                    std::to_string(c.num_qubits()) + " qubits, " + std::to_string(c.size()) + " operations, " +
                        (measured ? std::to_string(o.shots) + " shots" : "exact"));

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
  if (o.json && o.draw) out << ", \"diagram\": " << json_string(qsim::draw(c, 0));  // unfolded
  if (o.json && o.noise) out << ", \"noise\": " << json_string(*o.noise);
  if (o.json && with_noise && measured)
    out << ", \"method\": \""
        << (noisy.method_for(c, o.shots) == qsim::NoiseMethod::density_matrix ? "density_matrix" : "trajectories")
        << "\"";
  if (measured) {
    progress.phase("shots");
    const qsim::Counts counts = with_noise ? noisy.run(c, o.shots, o.seed) : sim.run(c, o.shots, o.seed);
    progress.output();
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
    progress.phase("probabilities");
    const std::vector<double> probs = with_noise ? noisy.probabilities(c) : sim.probabilities(c);
    progress.output();
    out.precision(exact_digits);
    if (o.npy) {
      progress.phase("writing " + *o.npy);
      qsim::io::write_npy(*o.npy, probs.data(), probs.size());
    } else if (o.json) {
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
    progress.phase("state vector");
    const qsim::StateVector<T> psi =
        sim.statevector(o.noise ? noisy.noise_model().apply(c) : c, o.seed);  // with noise: one trajectory
    if (o.npy) {
      progress.phase("writing " + *o.npy);
      qsim::io::write_npy(*o.npy, psi.data(), psi.size());
    }
    progress.output();
    out.precision(exact_digits);
    if (o.json && !o.npy) out << ", \"statevector\": {";
    if (!o.json && !o.npy) out << (measured || o.probabilities ? "\n" : "") << "statevector:\n";
    for (std::size_t i = 0; i < (o.npy ? 0 : psi.size()); ++i) {
      const std::complex<double> a(psi[i]);
      if (o.json)
        out << (i ? ", \"" : "\"") << qsim::format_bits(i, all) << "\": [" << a.real() << ", " << a.imag() << "]";
      else
        out << qsim::format_bits(i, all) << ": " << a.real() << (a.imag() < 0 ? " - " : " + ") << std::abs(a.imag())
            << "i\n";
    }
    if (o.json && !o.npy) out << "}";
    out.precision(default_precision);
  }
  if (observable) {
    progress.phase("expectation");
    // Of the state before the measurements on both paths (the density matrix
    // would otherwise dephase measured qubits, the state vector ignores them).
    const qsim::Circuit unmeasured = without_measurements(c);
    const double value =
        with_noise ? noisy.expectation(unmeasured, *observable) : sim.expectation(unmeasured, *observable);
    progress.output();
    out.precision(exact_digits);
    if (o.json)
      out << ", \"expectation\": " << value;
    else
      out << (measured || o.probabilities || (o.statevector && !o.npy) ? "\n" : "") << "expectation: " << value << '\n';
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
      std::cout << "qsim-run " << qsim::version_string() << '\n' << qsim::kernels::kernel_description() << '\n';
      if (o.info) {
        std::cout << "threads: " << qsim::kernels::ParallelFor(o.threads).threads_for(~qsim::index_t{0})
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
