// libFuzzer target for qsim-run's argument parser: the input is split at NUL
// and newline bytes into argv. Any argv must give options or a usage_error,
// and accepted options must hold what the runner relies on.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../../tools/qsim_run_cli.hpp"

namespace fuzz {
void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_cli: property violated: %s\n", what);
    std::abort();
  }
}
}  // namespace fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args{"qsim-run"};
  std::string current;
  for (std::size_t i = 0; i < size; ++i) {
    const char ch = static_cast<char>(data[i]);
    if (ch == '\0' || ch == '\n') {
      args.push_back(current);
      current.clear();
    } else {
      current += ch;
    }
  }
  if (!current.empty()) args.push_back(current);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  try {
    const qsim_run::Options o = qsim_run::parse_arguments(static_cast<int>(args.size()), argv.data());
    if (!o.help && !o.version && !o.info) {
      fuzz::check(!o.file.empty(), "an accepted command line names a file");
      fuzz::check(o.shots >= 1 && o.shots <= o.max_shots, "accepted shots are within the limit");
      fuzz::check(o.max_input_bytes >= 1, "the input limit is positive");
      fuzz::check(!o.svg || !o.svg->empty(), "an SVG file has a name");
      fuzz::check(o.cache_blocking == "auto" || o.cache_blocking == "on" || o.cache_blocking == "off",
                  "cache blocking is auto, on or off");
      fuzz::check(o.chunk_qubits <= 30, "a chunk has at most 30 qubits");
    }
  } catch (const qsim_run::usage_error&) {
  }
  return 0;
}
