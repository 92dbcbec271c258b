// Every circuit of the shared OpenQASM corpus (../shared/qasm, QASMBench,
// read in place) parses; its outcome distribution equals an independent
// dense simulation (exact, every measurement branch followed) within 1e-10;
// each original equals its transpiled version within the 8 digits the
// transpiled files print angles with (IBM basis rz sx x cx), which
// checks the qelib1.inc mapping against a second gate set; and the counts of
// Simulator::run pass a chi-square test against the exact distribution.
#include <catch2/catch.hpp>
#include <filesystem>

#include "support/qasm_reference.hpp"

namespace fs = std::filesystem;

namespace {

std::vector<std::string> corpus_names() {
  std::vector<std::string> names;
  const fs::path dir = fs::path(QSIM_SHARED_DIR) / "qasm";
  if (!fs::is_directory(dir)) return names;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string stem = e.path().stem().string();
    if (e.path().extension() == ".qasm" && stem.find("_transpiled") == std::string::npos) names.push_back(stem);
  }
  std::sort(names.begin(), names.end());
  return names;
}

qsim::Circuit load(const std::string& name) {
  return qsim::qasm::parse_file((fs::path(QSIM_SHARED_DIR) / "qasm" / (name + ".qasm")).string());
}

double max_difference(const std::map<std::string, double>& a, const std::map<std::string, double>& b) {
  double d = 0;
  for (const auto& [k, p] : a) d = std::max(d, std::abs(p - (b.count(k) ? b.at(k) : 0.0)));
  for (const auto& [k, p] : b) d = std::max(d, std::abs(p - (a.count(k) ? a.at(k) : 0.0)));
  return d;
}

}  // namespace

TEST_CASE("every corpus circuit parses and matches the dense reference", "[qasm][corpus]") {
  const auto names = corpus_names();
  if (names.empty()) {
    WARN("skipped: no OpenQASM corpus at " << QSIM_SHARED_DIR << "/qasm");
    return;
  }
  CHECK(names.size() == 20);
  for (const auto& name : names) {
    INFO("circuit " << name);
    const qsim::Circuit original = load(name);
    const qsim::Circuit transpiled = load(name + "_transpiled");
    const auto exact = qref::exact_counts(original);
    // The transpiled files print angles to 8 significant digits, hence 1e-6 here.
    CHECK(max_difference(exact, qref::exact_counts(transpiled)) < 1e-6);

    if (!original.has_mid_circuit_operations()) {
      // The simulator's final probabilities against the dense state, per basis state.
      const auto probs = qsim::Simulator<double>().probabilities(original);
      const qref::Vec psi = qref::final_state(original);
      double worst = 0;
      for (std::size_t i = 0; i < probs.size(); ++i)
        worst = std::max(worst, std::abs(probs[i] - std::norm(psi(static_cast<Eigen::Index>(i)))));
      CHECK(worst < 1e-10);
    }
    const auto counts = qsim::Simulator<double>().run(original, 4000, 2024);
    CHECK(qsim::total_shots(counts) == 4000);
    CHECK(stats::chi_square(counts, exact) < stats::critical(exact.size() - 1));
  }
}

TEST_CASE("corpus circuits with mid-circuit measurement run per shot with the right statistics", "[qasm][corpus]") {
  if (corpus_names().empty()) {
    WARN("skipped: no OpenQASM corpus at " << QSIM_SHARED_DIR << "/qasm");
    return;
  }
  for (const char* name : {"ipea_n2", "qec_sm_n5", "inverseqft_n4"}) {
    INFO("circuit " << name);
    const qsim::Circuit c = load(name);
    CHECK(c.has_mid_circuit_operations());
    const auto exact = qref::exact_counts(c);
    for (std::uint64_t seed : {1u, 99u}) {
      const auto counts = qsim::Simulator<double>().run(c, 3000, seed);
      CHECK(stats::chi_square(counts, exact) < stats::critical(exact.size() - 1));
    }
  }
  // Known answers: the error on q[0] is found (syndrome 01) and corrected.
  const auto qec = qref::exact_counts(load("qec_sm_n5"));
  REQUIRE(qec.size() == 1);
  CHECK(qec.begin()->first == "01 000");
}
