#pragma once
#include <string>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

QSIM_BEGIN_NAMESPACE
namespace qasm {

/// A place in an OpenQASM source: file name, 1-based line and column (in bytes).
struct Location {
  std::string file;
  unsigned line = 1;
  unsigned column = 1;
};

/**
 * Malformed OpenQASM input. `what()` reads `file:line:column: message`, and
 * the message says what was expected:
 * @code
 *   try { qsim::qasm::parse("qreg q[2]\nh q;", "bell.qasm"); }
 *   catch (const qsim::qasm::parse_error& e) {
 *     // e.what() == "bell.qasm:2:1: expected ';' after the register declaration, got 'h'"
 *   }
 * @endcode
 */
class parse_error : public error {
 public:
  parse_error(Location where, const std::string& message)
      : error(where.file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " + message),
        where_(std::move(where)),
        message_(message) {}

  const std::string& file() const noexcept { return where_.file; }
  unsigned line() const noexcept { return where_.line; }
  unsigned column() const noexcept { return where_.column; }
  /// The message without the location prefix.
  const std::string& message() const noexcept { return message_; }

 private:
  Location where_;
  std::string message_;
};

}  // namespace qasm
QSIM_END_NAMESPACE
