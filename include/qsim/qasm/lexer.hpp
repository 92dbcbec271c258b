#pragma once
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/qasm/parse_error.hpp"

QSIM_BEGIN_NAMESPACE
namespace qasm {

/// Token kinds of OpenQASM 2.0. Keywords are identifiers; the parser tells them apart.
enum class TokenKind : unsigned char { identifier, integer, real, string, symbol, arrow, equals, end };

/// One token; `text` is the spelling (string literals without their quotes).
struct Token {
  TokenKind kind = TokenKind::end;
  std::string text;
  unsigned line = 1;
  unsigned column = 1;

  bool is(char symbol) const noexcept { return kind == TokenKind::symbol && text.size() == 1 && text[0] == symbol; }
  bool is_word(std::string_view word) const noexcept { return kind == TokenKind::identifier && text == word; }
};

namespace detail {

/// Words OpenQASM 2.0 reserves: they cannot name a register, gate or argument.
inline bool is_reserved(std::string_view word) {
  static const char* const words[] = {"OPENQASM", "include", "qreg", "creg", "gate", "opaque", "measure",
                                      "reset",    "barrier", "if",   "pi",   "U",    "CX",     "sin",
                                      "cos",      "tan",     "exp",  "ln",   "sqrt"};
  for (const char* w : words)
    if (word == w) return true;
  return false;
}

/// How a token reads in an error message: `';'`, `'qreg'`, `end of input`.
inline std::string describe(const Token& t) {
  switch (t.kind) {
    case TokenKind::end:
      return "end of input";
    case TokenKind::string:
      return "string \"" + t.text + "\"";
    default:
      return "'" + t.text + "'";
  }
}

/// Splits OpenQASM 2.0 source into tokens, dropping `//` and `/* */` comments.
/// Linear in the input; every token owns its text. Tokens come one at a time
/// (next()), so a parser holds only those of the statement it reads.
class Lexer {
 public:
  Lexer(std::string_view source, std::string file) : src_(source), file_(std::move(file)) {}

  std::vector<Token> tokenize() {
    std::vector<Token> out;
    do out.push_back(next());
    while (out.back().kind != TokenKind::end);
    return out;
  }

  /// The next token (kind `end` at the end of the input, and again after it).
  Token next() {
    if (pos_ == 0 && src_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // a UTF-8 byte-order mark, as some editors write
    skip_space_and_comments();
    Token t;
    t.line = line_;
    t.column = column_;
    if (pos_ >= src_.size()) return t;
    const char c = src_[pos_];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      t.kind = TokenKind::identifier;
      while (pos_ < src_.size() && (std::isalnum(static_cast<unsigned char>(src_[pos_])) || src_[pos_] == '_'))
        t.text += advance();
    } else if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && is_digit_at(pos_ + 1))) {
      lex_number(t);
    } else if (c == '"') {
      lex_string(t);
    } else if (c == '-' && peek(1) == '>') {
      t.kind = TokenKind::arrow;
      t.text = "->";
      advance();
      advance();
    } else if (c == '=' && peek(1) == '=') {
      t.kind = TokenKind::equals;
      t.text = "==";
      advance();
      advance();
    } else if (std::string_view(";,()[]{}+-*/^").find(c) != std::string_view::npos) {
      t.kind = TokenKind::symbol;
      t.text = std::string(1, advance());
    } else {
      fail(t, "unexpected character " + printable(c));
    }
    return t;
  }

 private:
  char peek(std::size_t ahead) const { return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0'; }
  bool is_digit_at(std::size_t i) const { return i < src_.size() && std::isdigit(static_cast<unsigned char>(src_[i])); }

  char advance() {
    const char c = src_[pos_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    return c;
  }

  [[noreturn]] void fail(const Token& at, const std::string& message) const {
    throw parse_error(Location{file_, at.line, at.column}, message);
  }

  static std::string printable(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isprint(u)) return std::string("'") + c + "'";
    static const char hex[] = "0123456789abcdef";
    return std::string("byte 0x") + hex[u >> 4] + hex[u & 15];
  }

  void skip_space_and_comments() {
    while (pos_ < src_.size()) {
      const char c = src_[pos_];
      if (std::isspace(static_cast<unsigned char>(c))) {
        advance();
      } else if (c == '/' && peek(1) == '/') {
        while (pos_ < src_.size() && src_[pos_] != '\n') advance();
      } else if (c == '/' && peek(1) == '*') {
        Token start;
        start.line = line_;
        start.column = column_;
        advance();
        advance();
        while (pos_ < src_.size() && !(src_[pos_] == '*' && peek(1) == '/')) advance();
        if (pos_ >= src_.size()) fail(start, "unterminated comment: expected '*/' before end of input");
        advance();
        advance();
      } else {
        return;
      }
    }
  }

  // [digits][.digits][(e|E)[+-]digits]: a real when it has a point or an exponent.
  void lex_number(Token& t) {
    t.kind = TokenKind::integer;
    while (is_digit_at(pos_)) t.text += advance();
    if (pos_ < src_.size() && src_[pos_] == '.') {
      t.kind = TokenKind::real;
      t.text += advance();
      while (is_digit_at(pos_)) t.text += advance();
    }
    if (pos_ < src_.size() && (src_[pos_] == 'e' || src_[pos_] == 'E')) {
      t.kind = TokenKind::real;
      t.text += advance();
      if (pos_ < src_.size() && (src_[pos_] == '+' || src_[pos_] == '-')) t.text += advance();
      if (!is_digit_at(pos_)) fail(t, "expected digits after the exponent of number '" + t.text + "'");
      while (is_digit_at(pos_)) t.text += advance();
    }
  }

  void lex_string(Token& t) {
    t.kind = TokenKind::string;
    advance();  // opening quote
    while (pos_ < src_.size() && src_[pos_] != '"' && src_[pos_] != '\n') t.text += advance();
    if (pos_ >= src_.size() || src_[pos_] != '"') fail(t, "unterminated string: expected '\"' before end of line");
    advance();
  }

  std::string_view src_;
  std::string file_;
  std::size_t pos_ = 0;
  unsigned line_ = 1;
  unsigned column_ = 1;
};

}  // namespace detail

/// The tokens of `source` (the last one has kind `end`); throws parse_error on a bad character.
inline std::vector<Token> tokenize(std::string_view source, const std::string& file = "<input>") {
  return detail::Lexer(source, file).tokenize();
}

}  // namespace qasm
QSIM_END_NAMESPACE
