// The qsim-run command-line runner, run as a program: output formats, exit
// codes, standard input, and the GHZ circuit written as OpenQASM against the
// C++ example's output (same seed, same simulator).
#include <sys/wait.h>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <qsim/qsim.hpp>

#include "support/chi_square.hpp"

#ifdef QSIM_RUN_EXE
namespace fs = std::filesystem;

namespace {

struct Result {
  int code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path work_dir() {
  const fs::path dir = fs::temp_directory_path() / ("qsim_run_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

// Runs qsim-run with `args` (already shell-quoted where needed).
Result run(const std::string& args, const std::string& stdin_text = "") {
  const fs::path dir = work_dir();
  const fs::path in = dir / "stdin.txt", out = dir / "stdout.txt", err = dir / "stderr.txt";
  std::ofstream(in) << stdin_text;
  const std::string cmd = std::string("'") + QSIM_RUN_EXE + "' " + args + " <'" + in.string() + "' >'" + out.string() +
                          "' 2>'" + err.string() + "'";
  const int status = std::system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

fs::path write(const std::string& name, const std::string& text) {
  const fs::path p = work_dir() / name;
  std::ofstream(p) << text;
  return p;
}

}  // namespace

TEST_CASE("qsim-run examples/ghz.qasm prints exactly what the ghz example prints", "[qsim-run]") {
  // Both: 1024 shots, seed 42, Simulator<double>. ghz also says where it wrote its SVG.
  const fs::path dir = work_dir();
  const std::string cmd = "cd '" + dir.string() + "' && '" + QSIM_GHZ_EXE + "' > ghz_stdout.txt";
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::string expected = slurp(dir / "ghz_stdout.txt");
  const std::string wrote = "wrote ghz_histogram.svg\n";
  REQUIRE(expected.size() > wrote.size());
  REQUIRE(expected.compare(expected.size() - wrote.size(), wrote.size(), wrote) == 0);
  expected.resize(expected.size() - wrote.size());
  CHECK_THAT(expected, Catch::StartsWith("000: ") && Catch::Contains("\n111: "));

  const Result r = run(std::string("'") + QSIM_GHZ_QASM + "'");
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == expected);
  // Same through standard input, with the defaults spelled out.
  const Result s = run("- --shots 1024 --seed 42 --precision double", slurp(QSIM_GHZ_QASM));
  CHECK(s.code == 0);
  CHECK(s.out == expected);
}

TEST_CASE("qsim-run: counts sorted by key, JSON, probabilities, statevector and SVG", "[qsim-run]") {
  // x on q[0]: always "01" in register c (2 bits) and "1" in register d; key "1 01".
  const fs::path file = write("x.qasm",
                              "include \"qelib1.inc\"; qreg q[2]; creg c[2]; creg d[1];\n"
                              "x q[0]; h q[1]; measure q -> c; measure q[0] -> d[0];\n");
  Result r = run("'" + file.string() + "' --shots 400 --seed 5");
  REQUIRE(r.code == 0);
  std::istringstream lines(r.out);
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  CHECK_THAT(first, Catch::StartsWith("1 01: "));
  CHECK_THAT(second, Catch::StartsWith("1 11: "));
  CHECK(std::stoi(first.substr(6)) + std::stoi(second.substr(6)) == 400);
  CHECK_THAT(r.out, Catch::Contains("1 01 | #"));

  r = run("'" + file.string() + "' --json --probabilities --statevector --shots 10 --precision float");
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("{\"file\": "));
  CHECK_THAT(r.out, Catch::Contains("\"shots\": 10, \"seed\": 42, \"precision\": \"float\""));
  // The float amplitude of 1/sqrt 2 (0.70710677f) squared in double: 0.4999999832.
  CHECK_THAT(r.out, Catch::Contains("\"probabilities\": {\"00\": 0, \"01\": 0.499999983, "));
  CHECK_THAT(r.out, Catch::Contains("\"statevector\": {"));
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);

  const fs::path bell = write("bell.qasm", "include \"qelib1.inc\"; qreg q[2]; h q[0]; cx q[0],q[1];");
  r = run("'" + bell.string() + "' --statevector --probabilities");
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("probabilities:\n00: 0.49999999999999989\n01: 0\n"));
  CHECK_THAT(r.out, Catch::Contains("statevector:\n00: 0.70710678118654746 + 0i\n"));

  const fs::path svg = work_dir() / "chart.svg";
  r = run("'" + file.string() + "' --svg '" + svg.string() + "'");
  REQUIRE(r.code == 0);
  CHECK_THAT(slurp(svg), Catch::StartsWith("<svg") && Catch::Contains("1 01"));
}

TEST_CASE("qsim-run --cache-blocking on gives the unblocked probabilities and counts", "[qsim-run][blocking]") {
  // 6 qubits in chunks of 3: the cx and cp below read qubits outside the chunk.
  const fs::path file = write("blocked.qasm",
                              "include \"qelib1.inc\"; qreg q[6]; creg c[6];\n"
                              "h q; cx q[5], q[0]; ry(0.3) q[4]; cp(0.7) q[5], q[1]; cx q[0], q[4]; rz(1.1) q[5];\n"
                              "h q[3]; ccx q[3], q[4], q[2]; t q[0]; measure q -> c;\n");
  const std::string common = "'" + file.string() + "' --probabilities --shots 2000 --seed 3";
  const Result off = run(common + " --cache-blocking off");
  const Result on = run(common + " --cache-blocking on --chunk-qubits 3");
  REQUIRE(off.code == 0);
  REQUIRE(on.code == 0);
  // The counts are the same; the probabilities (printed with 17 digits) agree within rounding.
  const auto split = [](const std::string& out) {
    const auto at = out.find("probabilities:");
    REQUIRE(at != std::string::npos);
    std::vector<double> values;
    std::istringstream rest(out.substr(at + 14));
    std::string key;
    double p = 0;
    while (rest >> key >> p) values.push_back(p);
    return std::make_pair(out.substr(0, at), values);
  };
  const auto [counts_off, p_off] = split(off.out);
  const auto [counts_on, p_on] = split(on.out);
  CHECK(counts_on == counts_off);
  REQUIRE(p_on.size() == 64);
  REQUIRE(p_off.size() == 64);
  for (std::size_t i = 0; i < p_on.size(); ++i) CHECK(std::abs(p_on[i] - p_off[i]) <= 1e-14);
}

TEST_CASE("qsim-run --noise: readout errors give the predicted frequencies by both methods", "[qsim-run][noise]") {
  const fs::path file = write("bell.qasm",
                              "include \"qelib1.inc\"; qreg q[2]; creg c[2];\n"
                              "h q[0]; cx q[0], q[1]; measure q -> c;\n");
  // Readout flips only, so the exact probabilities of the records are known:
  // P(00) = 0.5 * 0.9^2 + 0.5 * 0.2^2, P(11) = 0.5 * 0.1^2 + 0.5 * 0.8^2, the rest split.
  const fs::path model = write("readout.json", R"({"readout": [{"p1_given_0": 0.1, "p0_given_1": 0.2}],
      "errors": [{"channel": "depolarizing", "params": [0.0], "gates": ["h"]}]})");
  const double p00 = 0.5 * 0.81 + 0.5 * 0.04, p11 = 0.5 * 0.01 + 0.5 * 0.64, p01 = (1 - p00 - p11) / 2;
  const std::map<std::string, double> expected{{"00", p00}, {"01", p01}, {"10", p01}, {"11", p11}};
  for (const std::string method : {"trajectories", "density_matrix", "auto"}) {
    const Result r = run("'" + file.string() + "' --noise '" + model.string() + "' --method " + method +
                         " --shots 20000 --seed 5 --json");
    INFO(method << ": " << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("\"method\": \"" + std::string(method == "auto" ? "density_matrix" : method) + "\"") !=
          std::string::npos);
    qsim::Counts counts;
    for (const auto& [key, p] : expected) {
      const auto at = r.out.find("\"" + key + "\": ");
      REQUIRE(at != std::string::npos);
      counts[key] = std::stoull(r.out.substr(at + key.size() + 4));
    }
    CHECK(stats::chi_square(counts, expected) < stats::critical(3));
  }
  // Exact probabilities from the density matrix: a depolarizing error of 0.3 after h.
  const fs::path dep =
      write("dep.json", R"({"errors": [{"channel": "depolarizing", "params": [0.3], "gates": ["h"]}]})");
  const Result p = run("'" + file.string() + "' --noise '" + dep.string() + "' --probabilities --shots 10");
  REQUIRE(p.code == 0);
  // After h on |0>, depolarizing leaves P(q0 = 1) = 1/2 (1/2 + (1 - 4p/3) / 2 of |+> in X, not in Z);
  // the cx copies q0 to q1: P(00) = P(11) = 1/2.
  const auto at = p.out.find("probabilities:");
  REQUIRE(at != std::string::npos);
  std::istringstream rest(p.out.substr(at + 14));
  std::map<std::string, double> probs;
  std::string key;
  double value = 0;
  while (rest >> key >> value) probs[key.substr(0, key.size() - 1)] = value;
  CHECK(probs["00"] == Approx(0.5).epsilon(0).margin(1e-12));
  CHECK(probs["11"] == Approx(0.5).epsilon(0).margin(1e-12));
  CHECK(probs["01"] == Approx(0).epsilon(0).margin(1e-12));
  // Bad models: a clear message and exit code 2.
  const fs::path typo = write("typo.json", R"({"errors": [{"chanel": "depolarizing", "gates": ["h"]}]})");
  const Result bad = run("'" + file.string() + "' --noise '" + typo.string() + "'");
  CHECK(bad.code == 2);
  CHECK(bad.err.find("unknown key 'chanel'") != std::string::npos);
  const fs::path broken = write("broken.json", "{\"errors\": [");
  const Result b2 = run("'" + file.string() + "' --noise '" + broken.string() + "'");
  CHECK(b2.code == 2);
  CHECK(b2.err.find("JSON line 1") != std::string::npos);
  const Result missing = run("'" + file.string() + "' --noise /nonexistent/model.json");
  CHECK(missing.code == 2);
  CHECK(missing.err.find("cannot open noise model file") != std::string::npos);
  const Result method = run("'" + file.string() + "' --method exact");
  CHECK(method.code == 2);
}

TEST_CASE("qsim-run: exit code 2 and a message on stderr for bad arguments and bad files", "[qsim-run]") {
  const std::string f = std::string("'") + QSIM_GHZ_QASM + "'";
  for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
           {"", "no input file"},
           {f + " --shots", "--shots needs a value"},
           {f + " --shots -3", "--shots expects a non-negative integer, got '-3'"},
           {f + " --shots 0", "--shots must be at least 1"},
           {f + " --seed 1x", "--seed expects a non-negative integer"},
           {f + " --precision half", "--precision expects float or double, got 'half'"},
           {f + " --threads many", "--threads expects"},
           {f + " --cache-blocking sometimes", "--cache-blocking expects auto, on or off, got 'sometimes'"},
           {f + " --chunk-qubits 31", "--chunk-qubits must be in 0..30"},
           {f + " --frobnicate", "unknown option '--frobnicate'"},
           {f + " " + f, "more than one input file"},
           {f + " --json=1", "--json takes no value"},
           {"/nonexistent/x.qasm", "cannot open OpenQASM file '/nonexistent/x.qasm'"},
       }) {
    INFO("args: " << args);
    const Result r = run(args);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains(message));
  }
  // A file that does not parse: file:line:column on stderr.
  const fs::path bad = write("bad.qasm", "OPENQASM 2.0;\nqreg q[2]\nh q;\n");
  Result r = run("'" + bad.string() + "'");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains(bad.string() + ":3:1: expected ';' after the register declaration"));
  r = run("-", "qreg q[1];\nfoo q[0];\n");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("<stdin>:2:1: unknown gate 'foo'"));
  // Nothing measured and nothing else asked for.
  r = run("-", "qreg q[1]; U(1,0,0) q[0];");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("no classical bits to count"));
  // --help succeeds.
  r = run("--help");
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("usage: qsim-run FILE.qasm"));
}

TEST_CASE("qsim-run --expectation, --npy, --draw and --progress", "[qsim-run]") {
  const fs::path bell = write("bell.qasm", "include \"qelib1.inc\"; qreg q[2]; h q[0]; cx q[0],q[1];\n");
  // <Z0 Z1> = 1, <X0 X1> = 1, <Z0> = 0 for the Bell state.
  Result r = run("'" + bell.string() + "' --expectation '0.5*Z0 Z1 - 2*X0 X1 + 3*Z0'");
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Catch::StartsWith("expectation: ") && Catch::EndsWith("\n"));
  CHECK(std::stod(r.out.substr(13)) == Approx(-1.5).epsilon(0).margin(1e-12));
  r = run("'" + bell.string() + "' --expectation 'Z0 Z1' --json");
  const auto at = r.out.find("\"expectation\": ");
  REQUIRE(at != std::string::npos);
  CHECK(std::stod(r.out.substr(at + 15)) == Approx(1).epsilon(0).margin(1e-12));
  r = run("'" + bell.string() + "' --expectation 'Z0 Z5'");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("out of range for a 2-qubit state"));
  r = run("'" + bell.string() + "' --expectation '0.5 Z0'");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--expectation: malformed observable"));
  // Under a noise model, exact on the density matrix: depolarizing 0.3 after x shrinks <Z0> to -(1 - 0.4).
  const fs::path flip = write("flip.qasm", "include \"qelib1.inc\"; qreg q[1]; x q[0];\n");
  const fs::path model =
      write("dep_x.json", R"({"errors": [{"channel": "depolarizing", "params": [0.3], "gates": ["x"]}]})");
  r = run("'" + flip.string() + "' --noise '" + model.string() + "' --expectation Z0");
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Catch::StartsWith("expectation: "));
  CHECK(std::stod(r.out.substr(13)) == Approx(-0.6).epsilon(0).margin(1e-12));
  // Measurements do not change it on either path (the state before them).
  const fs::path measured = write("hm.qasm", "include \"qelib1.inc\"; qreg q[1]; creg c[1]; h q[0]; measure q -> c;\n");
  for (const char* method : {"", " --method density_matrix"}) {
    r = run("'" + measured.string() + "' --shots 10 --expectation X0" + method);
    REQUIRE(r.code == 0);
    CHECK(std::stod(r.out.substr(r.out.rfind("expectation: ") + 13)) == Approx(1).epsilon(0).margin(1e-12));
  }
  const fs::path cond =
      write("cif.qasm", "include \"qelib1.inc\"; qreg q[1]; creg c[1]; measure q -> c; if(c==1) x q[0];\n");
  r = run("'" + cond.string() + "' --expectation Z0");
  CHECK(r.code == 2);
  CHECK(r.out.empty());  // refused before the counts
  CHECK_THAT(r.err, Catch::Contains("--expectation needs a circuit without classically conditioned operations"));
  r = run("'" + flip.string() + "' --noise '" + model.string() + "' --method trajectories --expectation Z0");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--expectation under noise is exact"));

  // .npy: NumPy's header, then the raw little-endian values.
  const fs::path npy = work_dir() / "probs.npy";
  r = run("'" + bell.string() + "' --probabilities --npy '" + npy.string() + "'");
  REQUIRE(r.code == 0);
  CHECK(r.out.find("probabilities") == std::string::npos);
  std::ifstream in(npy, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() > 10);
  CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  // Format 1.0: a little-endian header length, then the data on a 64-byte boundary.
  const std::size_t data_at = 10 + static_cast<unsigned char>(bytes[8]) + 256u * static_cast<unsigned char>(bytes[9]);
  CHECK(data_at % 64 == 0);
  REQUIRE(bytes.size() == data_at + 4 * sizeof(double));
  CHECK_THAT(bytes.substr(10, data_at - 10),
             Catch::StartsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }") && Catch::EndsWith(" \n"));
  double probs[4];
  std::memcpy(probs, bytes.data() + data_at, sizeof probs);
  CHECK(probs[0] == Approx(0.5));
  CHECK(probs[1] == 0);
  CHECK(probs[3] == Approx(0.5));
  const fs::path state = work_dir() / "state.npy";
  r = run("'" + bell.string() + "' --statevector --precision float --npy '" + state.string() + "'");
  REQUIRE(r.code == 0);
  CHECK(fs::file_size(state) == data_at + 4 * 8);  // complex64: the same header length
  r = run("'" + bell.string() + "' --npy x.npy");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--npy writes one array"));
  r = run("'" + bell.string() + "' --probabilities --npy /nonexistent/dir/x.npy");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("cannot open '/nonexistent/dir/x.npy'"));

  // --draw alone draws; with other output the diagram comes first.
  r = run("'" + bell.string() + "' --draw");
  REQUIRE(r.code == 0);
  std::string diagram = qsim::draw(qsim::qasm::parse_file(bell.string()));
  if (diagram.back() != '\n') diagram += '\n';
  CHECK(r.out == diagram);
  CHECK_THAT(r.out, Catch::Contains("q_0: ") && Catch::Contains("q_1: "));
  r = run("'" + bell.string() + "' --draw --expectation Z0");
  REQUIRE_THAT(r.out, Catch::StartsWith(diagram + "\n"));
  CHECK(std::abs(std::stod(r.out.substr(r.out.rfind("expectation: ") + 13))) < 1e-12);

  // --progress: plain lines on stderr, results unchanged on stdout.
  r = run("'" + bell.string() + "' --expectation Z0 --progress");
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("expectation: "));
  CHECK_THAT(r.err, Catch::StartsWith("qsim-run: 2 qubits, 2 operations, exact: started\n") &&
                        Catch::Contains(": expectation (") && Catch::Contains(": done in "));
}

TEST_CASE("qsim-run --info names the kernels it runs on, --version the version", "[qsim-run][kernels]") {
  Result r = run("--version");
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::StartsWith(std::string("qsim-run ") + qsim::version_string() +
                                      "\nkernels: " + qsim::kernels::active_kernels<double>().arch));
  r = run("--info");
  CHECK(r.code == 0);
  // qsim-run is built with the same kernel library as this test and chooses on the same CPU.
  CHECK_THAT(r.out, Catch::Contains(std::string("kernels: ") + qsim::kernels::active_kernels<double>().arch + " ("));
  CHECK_THAT(r.out, Catch::Contains("threads: "));
  if (qsim::kernels::kernels_are_prebuilt) {
    CHECK_THAT(r.out, Catch::Contains("prebuilt, chosen at run time"));
    // Forced to the baseline build, it says so and still runs correctly.
    const std::string forced = "QSIM_KERNEL_ARCH=sse2 ";
    const int status =
        std::system((forced + "'" + QSIM_RUN_EXE + "' --info >'" + (work_dir() / "info.txt").string() + "'").c_str());
    CHECK(WIFEXITED(status));
    CHECK_THAT(slurp(work_dir() / "info.txt"), Catch::Contains("kernels: sse2 (prebuilt"));
    const int bad = std::system((std::string("QSIM_KERNEL_ARCH=nosuch '") + QSIM_RUN_EXE + "' " + QSIM_GHZ_QASM +
                                 " >/dev/null 2>'" + (work_dir() / "bad.txt").string() + "'")
                                    .c_str());
    CHECK(WEXITSTATUS(bad) == 2);
    CHECK_THAT(slurp(work_dir() / "bad.txt"),
               Catch::Contains("QSIM_KERNEL_ARCH=nosuch is not a build of this library"));
  }
  r = run("--info=3");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--info takes no value"));
}

TEST_CASE("qsim-run runs every corpus circuit", "[qsim-run]") {
  const fs::path dir = fs::path(QSIM_SHARED_DIR) / "qasm";
  if (!fs::is_directory(dir)) {
    WARN("skipped: no OpenQASM corpus at " << dir);
    return;
  }
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".qasm") continue;
    INFO(e.path());
    const Result r = run("'" + e.path().string() + "' --shots 100");
    CHECK(r.code == 0);
    CHECK(r.err.empty());
    ++n;
  }
  CHECK(n == 40);
}

#else
TEST_CASE("qsim-run tests", "[qsim-run]") { WARN("skipped: qsim-run is not built (QSIM_BUILD_EXAMPLES=OFF)"); }
#endif
