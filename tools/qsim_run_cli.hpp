#pragma once
// qsim-run's command line, apart from main() so that a fuzz target
// (tests/fuzz/fuzz_cli.cpp) can drive it: parse_arguments() returns the
// options or throws cli::usage_error, for any argv.
#include <cstdint>
#include <optional>
#include <string>

#include "cli_args.hpp"

namespace qsim_run {

using cli::usage_error;

const char* const usage =
    "usage: qsim-run FILE.qasm [--shots N] [--seed S] [--precision float|double] [--threads T]\n"
    "                [--statevector] [--probabilities] [--json] [--svg FILE]\n"
    "                [--cache-blocking auto|on|off] [--chunk-qubits K]\n"
    "                [--noise MODEL.json] [--method auto|trajectories|density_matrix]\n"
    "                [--expectation H] [--npy FILE] [--draw] [--progress]\n"
    "Runs an OpenQASM 2.0 circuit (FILE '-' reads standard input) and prints the counts\n"
    "as 'key: count' lines sorted by key (Qiskit's key order) and a text histogram.\n"
    "  --shots N          number of shots (default 1024)\n"
    "  --seed S           random seed (default 42); the same seed gives the same counts\n"
    "  --precision P      float or double amplitudes (default double)\n"
    "  --threads T        OpenMP threads (default 0: all)\n"
    "  --cache-blocking M auto (default: stages of gates applied chunk by chunk in L2 when the state\n"
    "                     is larger than the last-level cache), on or off\n"
    "  --chunk-qubits K   qubits of a cache-blocking chunk (default 0: half of one core's L2)\n"
    "  --noise FILE       run under the noise model in FILE (JSON, docs/noise.md)\n"
    "  --method M         how noise is simulated: auto (default), trajectories (one Kraus branch per\n"
    "                     shot on the state vector) or density_matrix (exact, 4^n entries)\n"
    "  --expectation H    print <H> after the circuit (exact), H as text: \"0.5*Z0 Z1 - X2\"\n"
    "  --draw             print the circuit as a text diagram first (alone: only the diagram)\n"
    "  --progress         report progress on stderr as plain lines (a terminal gets one updating\n"
    "                     line for runs over a second without it)\n"
    "  --statevector      also print the final amplitudes (measurements collapse with the seed)\n"
    "  --probabilities    also print the probability of every basis state (measurements ignored)\n"
    "  --json             print one JSON object instead of text\n"
    "  --svg FILE         write the counts as an SVG bar chart\n"
    "  --npy FILE         write the --statevector or --probabilities array to FILE as NumPy .npy\n"
    "                     (complex64/128 or float64) instead of printing it\n"
    "  --max-input-bytes B  refuse input files longer than B bytes (default 67108864, 64 MiB)\n"
    "  --max-shots N      refuse more than N shots (default 1000000000)\n"
    "  --info             print the version, the kernels' instruction set and the threads, then exit\n"
    "  --version          print the version and the kernels' instruction set, then exit\n"
    "  --help             print this text\n";

struct Options {
  std::string file;
  std::uint64_t shots = 1024;
  std::uint64_t seed = 42;
  bool single = false;
  unsigned threads = 0;
  std::string cache_blocking = "auto";
  unsigned chunk_qubits = 0;
  bool statevector = false;
  bool probabilities = false;
  bool json = false;
  std::optional<std::string> svg;
  std::optional<std::string> noise;
  std::optional<std::string> expectation;
  std::optional<std::string> npy;
  bool draw = false;
  bool progress = false;
  std::string method = "auto";
  std::size_t max_input_bytes = std::size_t{64} << 20;
  std::uint64_t max_shots = 1'000'000'000;
  bool help = false;
  bool version = false;
  bool info = false;
};

inline Options parse_arguments(int argc, char** argv) {
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
    if (arg == "--help" || arg == "-h") {
      if (inline_value) throw usage_error(arg + " takes no value");
      o.help = true;
    } else if (arg == "--version") {
      flag(o.version);
    } else if (arg == "--info") {
      flag(o.info);
    } else if (arg == "--shots") {
      o.shots = cli::parse_number<std::uint64_t>(arg, value(), 1);
    } else if (arg == "--seed") {
      o.seed = cli::parse_number<std::uint64_t>(arg, value());
    } else if (arg == "--threads") {
      o.threads = cli::parse_number<unsigned>(arg, value(), 0, 4096);
    } else if (arg == "--cache-blocking") {
      o.cache_blocking = value();
      if (o.cache_blocking != "auto" && o.cache_blocking != "on" && o.cache_blocking != "off")
        throw usage_error("--cache-blocking expects auto, on or off, got '" + o.cache_blocking + "'");
    } else if (arg == "--chunk-qubits") {
      o.chunk_qubits = cli::parse_number<unsigned>(arg, value(), 0, 30);
    } else if (arg == "--max-input-bytes") {
      o.max_input_bytes = cli::parse_number<std::size_t>(arg, value(), 1);
    } else if (arg == "--max-shots") {
      o.max_shots = cli::parse_number<std::uint64_t>(arg, value(), 1);
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
    } else if (arg == "--noise") {
      o.noise = value();
      if (o.noise->empty()) throw usage_error("--noise needs a file name");
    } else if (arg == "--method") {
      o.method = value();
      if (o.method != "auto" && o.method != "trajectories" && o.method != "density_matrix")
        throw usage_error("--method expects auto, trajectories or density_matrix, got '" + o.method + "'");
    } else if (arg == "--expectation") {
      o.expectation = value();
      if (o.expectation->empty()) throw usage_error("--expectation needs an observable, such as \"Z0 Z1\"");
    } else if (arg == "--npy") {
      o.npy = value();
      if (o.npy->empty()) throw usage_error("--npy needs a file name");
    } else if (arg == "--draw") {
      flag(o.draw);
    } else if (arg == "--progress") {
      flag(o.progress);
    } else if (arg == "--svg") {
      o.svg = value();
      if (o.svg->empty()) throw usage_error("--svg needs a file name");
    } else if (arg.size() > 1 && arg[0] == '-') {
      throw usage_error("unknown option '" + arg + "'");
    } else if (arg.empty()) {
      throw usage_error("an empty argument is not a file name");
    } else if (have_file) {
      throw usage_error("more than one input file ('" + o.file + "' and '" + arg + "')");
    } else {
      o.file = arg;
      have_file = true;
    }
  }
  if (o.help || o.version || o.info) return o;
  if (!have_file) throw usage_error("no input file (use '-' for standard input)");
  if (o.npy && o.statevector == o.probabilities)
    throw usage_error("--npy writes one array: give --statevector or --probabilities (one of them)");
  if (o.shots > o.max_shots)
    throw usage_error("--shots " + std::to_string(o.shots) + " exceeds the limit of " + std::to_string(o.max_shots) +
                      " (raise it with --max-shots)");
  return o;
}

}  // namespace qsim_run
