// qsim-run: runs an OpenQASM 2.0 file from the shell.
// Usage: qsim-run FILE.qasm [--shots N] [--seed S] [--precision float|double] [--threads T]
//                 [--statevector] [--probabilities] [--json] [--svg FILE]
// FILE '-' reads standard input. Exit code 0 on success, 2 on bad arguments,
// a file that does not parse or a circuit that cannot run; errors go to stderr.
#include <charconv>
#include <complex>
#include <cstdint>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <qsim/qsim.hpp>

namespace {

const char* const usage =
    "usage: qsim-run FILE.qasm [--shots N] [--seed S] [--precision float|double] [--threads T]\n"
    "                [--statevector] [--probabilities] [--json] [--svg FILE]\n"
    "Runs an OpenQASM 2.0 circuit (FILE '-' reads standard input) and prints the counts\n"
    "as 'key: count' lines sorted by key (Qiskit's key order) and a text histogram.\n"
    "  --shots N          number of shots (default 1024)\n"
    "  --seed S           random seed (default 42); the same seed gives the same counts\n"
    "  --precision P      float or double amplitudes (default double)\n"
    "  --threads T        OpenMP threads (default 0: all)\n"
    "  --statevector      also print the final amplitudes (measurements collapse with the seed)\n"
    "  --probabilities    also print the probability of every basis state (measurements ignored)\n"
    "  --json             print one JSON object instead of text\n"
    "  --svg FILE         write the counts as an SVG bar chart\n";

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Options {
  std::string file;
  std::uint64_t shots = 1024;
  std::uint64_t seed = 42;
  bool single = false;
  unsigned threads = 0;
  bool statevector = false;
  bool probabilities = false;
  bool json = false;
  std::optional<std::string> svg;
};

template <class Int>
Int parse_number(const std::string& option, const std::string& text) {
  Int v{};
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size())
    throw usage_error(option + " expects a non-negative integer, got '" + text + "'");
  return v;
}

Options parse_arguments(int argc, char** argv) {
  Options o;
  bool have_file = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::optional<std::string> inline_value;
    if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos) {
      inline_value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
    }
    auto value = [&]() -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 >= argc) throw usage_error(arg + " needs a value");
      return argv[++i];
    };
    auto flag = [&](bool& target) {
      if (inline_value) throw usage_error(arg + " takes no value");
      target = true;
    };
    if (arg == "--shots") {
      o.shots = parse_number<std::uint64_t>(arg, value());
      if (o.shots == 0) throw usage_error("--shots must be at least 1");
    } else if (arg == "--seed") {
      o.seed = parse_number<std::uint64_t>(arg, value());
    } else if (arg == "--threads") {
      o.threads = parse_number<unsigned>(arg, value());
    } else if (arg == "--precision") {
      const std::string p = value();
      if (p != "float" && p != "double") throw usage_error("--precision expects float or double, got '" + p + "'");
      o.single = p == "float";
    } else if (arg == "--statevector") {
      flag(o.statevector);
    } else if (arg == "--probabilities") {
      flag(o.probabilities);
    } else if (arg == "--json") {
      flag(o.json);
    } else if (arg == "--svg") {
      o.svg = value();
    } else if (arg.size() > 1 && arg[0] == '-') {
      throw usage_error("unknown option '" + arg + "'");
    } else if (have_file) {
      throw usage_error("more than one input file ('" + o.file + "' and '" + arg + "')");
    } else {
      o.file = arg;
      have_file = true;
    }
  }
  if (!have_file) throw usage_error("no input file (use '-' for standard input)");
  return o;
}

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

template <class T>
int run(const Options& o, const qsim::Circuit& c) {
  qsim::SimulatorOptions so;
  so.threads = o.threads;
  const qsim::Simulator<T> sim(so);
  const bool measured = c.num_clbits() > 0;
  if (!measured && !o.statevector && !o.probabilities)
    throw qsim::invalid_argument(
        "the circuit has no classical bits to count: add measure statements, or use --statevector or --probabilities");
  if (!measured && o.svg) throw qsim::invalid_argument("--svg needs counts, but the circuit has no classical bits");

  qsim::Counts counts;
  if (measured) counts = sim.run(c, o.shots, o.seed);
  std::vector<double> probs;
  if (o.probabilities) probs = sim.probabilities(c);
  std::optional<qsim::StateVector<T>> psi;
  if (o.statevector) psi.emplace(sim.statevector(c, o.seed));
  if (o.svg) qsim::io::write_histogram_svg(*o.svg, counts, o.file + ", " + std::to_string(o.shots) + " shots");

  std::vector<qsim::qubit_t> all(c.num_qubits());
  for (unsigned q = 0; q < c.num_qubits(); ++q) all[q] = q;
  std::ostringstream out;
  // Amplitudes and probabilities with the digits that round-trip the
  // precision (9 for float, 17 for double); the histogram keeps the default.
  auto exact = [&o](double v) {
    std::ostringstream s;
    s.precision(o.single ? 9 : 17);
    s << v;
    return s.str();
  };
  if (o.json) {
    out << "{\"file\": " << json_string(o.file) << ", \"num_qubits\": " << c.num_qubits()
        << ", \"num_clbits\": " << c.num_clbits() << ", \"shots\": " << o.shots << ", \"seed\": " << o.seed
        << ", \"precision\": \"" << (o.single ? "float" : "double") << "\"";
    if (measured) {
      out << ", \"counts\": {";
      const char* sep = "";
      for (const auto& [key, n] : counts) out << std::exchange(sep, ", ") << json_string(key) << ": " << n;
      out << "}";
    }
    if (o.probabilities) {
      out << ", \"probabilities\": {";
      for (std::size_t i = 0; i < probs.size(); ++i)
        out << (i ? ", " : "") << json_string(qsim::format_bits(i, all)) << ": " << exact(probs[i]);
      out << "}";
    }
    if (psi) {
      out << ", \"statevector\": {";
      for (std::size_t i = 0; i < psi->size(); ++i) {
        const std::complex<double> a((*psi)[i]);
        out << (i ? ", " : "") << json_string(qsim::format_bits(i, all)) << ": [" << exact(a.real()) << ", "
            << exact(a.imag()) << "]";
      }
      out << "}";
    }
    out << "}\n";
  } else {
    if (measured) {
      qsim::io::print_counts(out, counts);
      out << '\n';
      qsim::io::print_histogram(out, counts);
    }
    if (o.probabilities) {
      out << (measured ? "\n" : "") << "probabilities:\n";
      for (std::size_t i = 0; i < probs.size(); ++i)
        out << qsim::format_bits(i, all) << ": " << exact(probs[i]) << '\n';
    }
    if (psi) {
      out << (measured || o.probabilities ? "\n" : "") << "statevector:\n";
      for (std::size_t i = 0; i < psi->size(); ++i) {
        const std::complex<double> a((*psi)[i]);
        out << qsim::format_bits(i, all) << ": " << exact(a.real()) << (a.imag() < 0 ? " - " : " + ")
            << exact(std::abs(a.imag())) << "i\n";
      }
    }
  }
  std::cout << out.str();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
      std::cout << usage;
      return 0;
    }
    const Options o = parse_arguments(argc, argv);
    qsim::Circuit circuit;
    if (o.file == "-") {
      const std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
      circuit = qsim::qasm::parse(text, "<stdin>");
    } else {
      circuit = qsim::qasm::parse_file(o.file);
    }
    return o.single ? run<float>(o, circuit) : run<double>(o, circuit);
  } catch (const usage_error& e) {
    std::cerr << "qsim-run: " << e.what() << "\n" << usage;
    return 2;
  } catch (const qsim::error& e) {
    std::cerr << "qsim-run: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "qsim-run: unexpected error: " << e.what() << '\n';
    return 1;
  }
}
