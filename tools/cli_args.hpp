#pragma once
// Command-line arguments of the examples and of qsim-run: numbers checked
// for range, `--help`, and a usage line with exit code 2 for anything else.
#include <charconv>
#include <cstdint>
#include <iostream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace cli {

/// A bad command line: the message is printed with the usage, exit code 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// `text` as an unsigned integer in [min, max]; `what` names it in the message.
template <class Int>
Int parse_number(const std::string& what, const std::string& text, Int min = 0,
                 Int max = std::numeric_limits<Int>::max()) {
  Int v{};
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size())
    throw usage_error(what + " expects a non-negative integer, got '" + text + "'");
  if (v < min || v > max)
    throw usage_error(what +
                      (max == std::numeric_limits<Int>::max()
                           ? " must be at least " + std::to_string(min)
                           : " must be in " + std::to_string(min) + ".." + std::to_string(max)) +
                      ", got " + text);
  return v;
}

/// True when any argument asks for help.
inline bool wants_help(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

/// The positional arguments of an example (`ghz [shots] [seed]`): at most
/// `max_count` of them, none starting with '-'.
class Positional {
 public:
  Positional(int argc, char** argv, std::size_t max_count) {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a.size() > 1 && a[0] == '-') throw usage_error("unknown option '" + a + "'");
      args_.push_back(a);
    }
    if (args_.size() > max_count)
      throw usage_error("takes at most " + std::to_string(max_count) + " argument(s), got " +
                        std::to_string(args_.size()));
  }
  /// Argument `i` as a number in [min, max], or `fallback` when it is absent.
  template <class Int>
  Int number(std::size_t i, const std::string& what, Int fallback, Int min = 0,
             Int max = std::numeric_limits<Int>::max()) const {
    return i < args_.size() ? parse_number<Int>(what, args_[i], min, max) : fallback;
  }
  std::string text(std::size_t i, const std::string& fallback) const { return i < args_.size() ? args_[i] : fallback; }

 private:
  std::vector<std::string> args_;
};

/**
 * Runs an example's body with its arguments: `--help` prints `usage` and
 * returns 0; a usage_error prints the message and the usage and returns 2;
 * any other exception prints its message and returns 2.
 */
template <class Body>
int run_main(const char* name, const char* usage, int argc, char** argv, Body&& body) {
  try {
    if (wants_help(argc, argv)) {
      std::cout << usage;
      return 0;
    }
    return body();
  } catch (const usage_error& e) {
    std::cerr << name << ": " << e.what() << '\n' << usage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << name << ": " << e.what() << '\n';
    return 2;
  }
}

}  // namespace cli
