#pragma once
#include <sys/stat.h>

#include <charconv>
#include <cmath>
#include <deque>
#include <fstream>
#include <istream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "qsim/circuit/circuit.hpp"
#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"
#include "qsim/qasm/expression.hpp"
#include "qsim/qasm/lexer.hpp"
#include "qsim/qasm/parse_error.hpp"
#include "qsim/qasm/qelib1.hpp"

QSIM_BEGIN_NAMESPACE
namespace qasm {

/// Limits that keep hostile input from exhausting time, memory or stack.
struct ParseOptions {
  /// Most qubits over all quantum registers (the Circuit itself allows 62).
  unsigned max_qubits = qsim::max_qubits;
  /// Most classical bits over all classical registers.
  unsigned max_clbits = qsim::max_clbits;
  /// Most operations in the resulting circuit (gate definitions can nest, so
  /// a short file can describe exponentially many gates).
  std::size_t max_operations = std::size_t{1} << 22;
  /// Deepest parameter expression (nested parentheses, operators, unary minus).
  unsigned max_expression_depth = 100;
  /// Deepest chain of user gates calling user gates.
  unsigned max_gate_depth = 64;
  /// Most bytes of source text (parse_file and parse refuse longer input
  /// before reading or tokenising it).
  std::size_t max_input_bytes = std::size_t{64} << 20;
  /// Most expression nodes kept for gate definitions (32 bytes each).
  std::size_t max_expression_nodes = std::size_t{1} << 22;
  /// Expand the qelib1.inc gates through their definitions instead of
  /// mapping them to native qsim gates (for testing the definitions).
  bool expand_library_gates = false;
};

namespace detail {

struct GateDef {
  struct Statement {
    int callee = -1;  // index into the gate table; -1 for a barrier
    std::vector<int> exprs;
    std::vector<unsigned> qargs;  // indices into the gate's qubit arguments
    unsigned line = 0;
  };
  std::string name;
  std::vector<std::string> params;
  std::vector<std::string> qargs;
  std::vector<Statement> body;
  const NativeGate* native = nullptr;
  bool opaque = false;
  bool library = false;  // from the built-in qelib1.inc
  unsigned depth = 0;    // 0 for a gate without body calls, else 1 + deepest callee
  unsigned line = 0;
};

/// A register reference in a statement: `q` (whole) or `q[3]`.
struct RegArg {
  Register reg;
  bool whole = true;
  unsigned index = 0;
  unsigned at(unsigned i) const { return reg.offset + (whole ? i : index); }
};

class Parser {
 public:
  Parser(std::string_view text, std::string file, const ParseOptions& options)
      : file_(std::move(file)), options_(options), lexer_(text, file_) {
    if (text.size() > options_.max_input_bytes)
      throw parse_error(Location{file_, 1, 1},
                        "input of " + std::to_string(text.size()) + " bytes is longer than the limit of " +
                            std::to_string(options_.max_input_bytes) + " bytes (ParseOptions::max_input_bytes)");
    fill();
    add_builtin("U", {"theta", "phi", "lambda"}, {"q"});
    add_builtin("CX", {}, {"c", "t"});
  }

  Circuit run() {
    if (cur().is_word("OPENQASM")) version();
    while (cur().kind != TokenKind::end) {
      drop_read_tokens();
      count_work(cur());
      statement();
    }
    return std::move(circuit_);
  }

 private:
  using Names = std::vector<std::string>;

  // ---- tokens -------------------------------------------------------------
  // Tokens are lexed on demand, one ahead of the current one, and dropped
  // once their statement is read, so memory does not grow with the file.
  // A deque keeps references to held tokens valid while more are appended.
  const Token& cur() const { return toks_[pos_ - base_]; }
  const Token& next_token() const { return toks_[std::min(pos_ + 1, base_ + toks_.size() - 1) - base_]; }
  const Token& take() {
    const Token& t = toks_[pos_ - base_];
    if (pos_ + 1 < base_ + toks_.size()) {
      ++pos_;
      fill();
    }
    return t;
  }
  void fill() {
    while (!lexed_end_ && base_ + toks_.size() <= pos_ + 1) {
      toks_.push_back(lexer_.next());
      lexed_end_ = toks_.back().kind == TokenKind::end;
    }
  }
  void drop_read_tokens() {
    for (; base_ < pos_; ++base_) toks_.pop_front();
  }
  // Every statement (and gate-body statement) counts, so that no input makes
  // the parser work without bound, even one that emits no operation.
  std::size_t work_limit() const {
    const std::size_t m = options_.max_operations;  // saturating: SIZE_MAX means no limit
    return m > (std::numeric_limits<std::size_t>::max() - 1024) / 4 ? std::numeric_limits<std::size_t>::max()
                                                                    : 4 * m + 1024;
  }
  void count_work(const Token& at) {
    if (++work_ > work_limit())
      fail(at, "the program takes more than " + std::to_string(4 * options_.max_operations) +
                   " statements and gate expansions (ParseOptions::max_operations)");
  }
  [[noreturn]] void fail(const Token& at, const std::string& message) const {
    throw parse_error(Location{file_, at.line, at.column}, message);
  }
  // `context` and `name` make the message only on failure: no allocation on the hot path.
  void expect(char symbol, const char* context, const std::string& name = {}, const char* after = "") {
    if (cur().is(symbol)) {
      take();
      return;
    }
    fail(cur(), "expected '" + std::string(1, symbol) + "' " + context + name + after + ", got " + describe(cur()));
  }
  std::string expect_identifier(const char* what, const std::string& name = {}, const char* after = "") {
    if (cur().kind != TokenKind::identifier)
      fail(cur(), std::string("expected ") + what + name + after + ", got " + describe(cur()));
    return take().text;
  }
  unsigned long long expect_integer(const char* what) {
    if (cur().kind != TokenKind::integer)
      fail(cur(), std::string("expected ") + what + " (a non-negative integer), got " + describe(cur()));
    const Token& t = take();
    unsigned long long v = 0;
    const auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
    if (ec != std::errc() || p != t.text.data() + t.text.size()) fail(t, "integer " + t.text + " is too large");
    return v;
  }
  std::string in_file_context() const { return library_ ? " (in the built-in qelib1.inc)" : ""; }

  // ---- statements ---------------------------------------------------------
  void version() {
    take();
    const Token& v = cur();
    if (v.kind != TokenKind::real && v.kind != TokenKind::integer)
      fail(v, "expected a version number after OPENQASM, got " + describe(v));
    if (v.text != "2.0" && v.text != "2") fail(v, "unsupported OpenQASM version " + v.text + ": only 2.0 is supported");
    take();
    expect(';', "after the OPENQASM version");
  }

  void statement() {
    const Token& t = cur();
    if (t.kind != TokenKind::identifier)
      fail(t,
           "expected a statement (qreg, creg, gate, measure, reset, barrier, if or a gate call), got " + describe(t));
    if (t.text == "OPENQASM") fail(t, "the 'OPENQASM 2.0;' line must be the first statement");
    if (t.text == "include") return include();
    if (t.text == "qreg" || t.text == "creg") return declare_register();
    if (t.text == "gate") return gate_definition(false);
    if (t.text == "opaque") return gate_definition(true);
    if (t.text == "barrier") return barrier();
    if (t.text == "if") return conditional();
    quantum_operation(std::nullopt);
  }

  void include() {
    const Token& kw = take();
    if (cur().kind != TokenKind::string)
      fail(cur(), "expected a file name in quotes after include, got " + describe(cur()));
    const Token& name = take();
    expect(';', "after the include file name");
    if (name.text != "qelib1.inc")
      fail(name,
           "cannot include \"" + name.text + "\": only \"qelib1.inc\" is built in (files are not read from disk)");
    if (library_) fail(kw, "qelib1.inc cannot include itself");
    if (qelib1_included_) return;
    qelib1_included_ = true;
    // Parse the built-in text in place of the include, then carry on.
    auto saved_toks = std::move(toks_);
    const auto saved_pos = pos_, saved_base = base_;
    const bool saved_end = lexed_end_;
    auto saved_lexer = std::move(lexer_);
    const auto saved_file = file_;
    file_ = "qelib1.inc";
    lexer_ = Lexer(qelib1_inc(), file_);
    toks_.clear();
    pos_ = base_ = 0;
    lexed_end_ = false;
    fill();
    library_ = true;
    while (cur().kind != TokenKind::end) gate_definition(false);
    library_ = false;
    toks_ = std::move(saved_toks);
    pos_ = saved_pos;
    base_ = saved_base;
    lexed_end_ = saved_end;
    lexer_ = std::move(saved_lexer);
    file_ = saved_file;
  }

  void declare_register() {
    const bool quantum = take().text == "qreg";
    const Token& name_tok = cur();
    const std::string name = expect_identifier("a register name");
    expect('[', "after the register name");
    const Token& size_tok = cur();
    const unsigned long long size = expect_integer("the register size");
    expect(']', "after the register size");
    expect(';', "after the register declaration");
    if (is_reserved(name)) fail(name_tok, "'" + name + "' is a reserved word and cannot name a register");
    if (find_register(qregs_, name) || find_register(cregs_, name))
      fail(name_tok, "a register named '" + name + "' already exists");
    if (size == 0) fail(size_tok, "register '" + name + "' has size 0");
    const unsigned long long current = quantum ? circuit_.num_qubits() : circuit_.num_clbits();
    const unsigned limit =
        std::min(quantum ? options_.max_qubits : options_.max_clbits, quantum ? qsim::max_qubits : qsim::max_clbits);
    const std::string total = size > std::numeric_limits<unsigned long long>::max() - current  // would wrap
                                  ? "more than " + std::to_string(limit)
                                  : std::to_string(current + size);
    if (size > limit - current)
      fail(size_tok, std::string(quantum ? "quantum" : "classical") + " register '" + name + "' of size " +
                         std::to_string(size) + " would make " + total + (quantum ? " qubits" : " bits") +
                         "; at most " + std::to_string(limit) + " are supported");
    const auto n = static_cast<unsigned>(size);
    unsigned first = 0;
    try {
      first = quantum ? circuit_.add_qreg(name, n) : circuit_.add_creg(name, n);
    } catch (const qsim::invalid_argument& e) {
      fail(size_tok, e.what());
    }
    (quantum ? qregs_ : cregs_).push_back(Register{name, first, n});
  }

  void gate_definition(bool opaque) {
    const Token& kw = take();
    if (library_ && kw.text != "gate") fail(kw, "expected a gate definition");
    const Token& name_tok = cur();
    GateDef g;
    g.name = expect_identifier("a gate name after '", kw.text, "'");
    g.line = name_tok.line;
    g.opaque = opaque;
    g.library = library_;
    if (g.name == "U" || g.name == "CX") fail(name_tok, "cannot redefine the builtin gate '" + g.name + "'");
    if (is_reserved(g.name)) fail(name_tok, "'" + g.name + "' is a reserved word and cannot name a gate");
    const auto existing = gate_index_.find(g.name);
    if (existing != gate_index_.end() && !gates_[static_cast<std::size_t>(existing->second)].library) {
      if (library_) {  // the user's own definition came first and wins
        skip_definition();
        return;
      }
      fail(name_tok, "gate '" + g.name + "' is already defined on line " +
                         std::to_string(gates_[static_cast<std::size_t>(existing->second)].line));
    }
    if (cur().is('(')) {
      take();
      if (!cur().is(')')) g.params = identifier_list("a parameter name", ')');
      expect(')', "after the parameters of gate '", g.name, "'");
    }
    g.qargs = identifier_list("a qubit argument name", opaque ? ';' : '{');
    check_names(g, name_tok);
    if (opaque) {
      expect(';', "after the opaque declaration of '", g.name, "'");
    } else {
      expect('{', "to open the body of gate '", g.name, "'");
      while (!cur().is('}')) {
        if (cur().kind == TokenKind::end) fail(cur(), "expected '}' to close the body of gate '" + g.name + "'");
        body_statement(g);
      }
      take();
    }
    if (g.depth > options_.max_gate_depth)
      fail(name_tok, "gate '" + g.name + "' nests gate definitions " + std::to_string(g.depth) +
                         " levels deep; at most " + std::to_string(options_.max_gate_depth) + " are supported");
    if (library_) g.native = native_gate(g.name);
    gates_.push_back(std::move(g));
    gate_index_[gates_.back().name] = static_cast<int>(gates_.size() - 1);
  }

  void skip_definition() {
    while (!cur().is('}') && cur().kind != TokenKind::end) take();
    take();
  }

  Names identifier_list(const char* what, char terminator) {
    Names names;
    for (;;) {
      names.push_back(expect_identifier(what));
      if (!cur().is(',')) break;
      take();
      if (cur().is(terminator)) fail(cur(), std::string("expected ") + what + " after ','");
    }
    return names;
  }

  void check_names(const GateDef& g, const Token& at) const {
    Names all = g.params;
    all.insert(all.end(), g.qargs.begin(), g.qargs.end());
    ExprNode::Func f;
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (is_reserved(all[i]) || function_named(all[i], f))
        fail(at, "'" + all[i] + "' is reserved and cannot name an argument of gate '" + g.name + "'");
      for (std::size_t j = 0; j < i; ++j)
        if (all[i] == all[j]) fail(at, "gate '" + g.name + "' names two arguments '" + all[i] + "'");
    }
  }

  void body_statement(GateDef& g) {
    const Token& start = cur();
    count_work(start);
    GateDef::Statement s;
    s.line = start.line;
    if (start.kind != TokenKind::identifier)
      fail(start, "expected a gate call or barrier in the body of gate '" + g.name + "', got " + describe(start));
    static const char* const not_allowed[] = {"measure", "reset", "if", "qreg", "creg", "gate", "opaque", "include"};
    for (const char* word : not_allowed)
      if (start.text == word)
        fail(start, "'" + start.text + "' is not allowed inside the body of gate '" + g.name + "'");
    take();
    std::size_t want_qargs = 0;
    std::size_t want_params = 0;
    if (start.text != "barrier") {
      s.callee = lookup_gate(start);
      const GateDef& callee = gates_[static_cast<std::size_t>(s.callee)];
      want_qargs = callee.qargs.size();
      want_params = callee.params.size();
      g.depth = std::max(g.depth, callee.depth + 1);
      if (cur().is('(')) {
        const Token& open = take();
        if (!cur().is(')'))
          for (;;) {
            s.exprs.push_back(expression(&g.params));
            if (!cur().is(',')) break;
            take();
          }
        expect(')', "after the parameters of '", start.text, "'");
        check_count(open, s.exprs.size(), want_params, start.text, "parameter");
      } else {
        check_count(start, 0, want_params, start.text, "parameter");
      }
    }
    for (;;) {
      const Token& a = cur();
      const std::string name = expect_identifier("a qubit argument of gate '", g.name, "'");
      if (cur().is('[')) fail(cur(), "gate bodies use the gate's qubit arguments whole, without an index");
      std::size_t k = 0;
      while (k < g.qargs.size() && g.qargs[k] != name) ++k;
      if (k == g.qargs.size()) fail(a, "'" + name + "' is not a qubit argument of gate '" + g.name + "'");
      for (auto earlier : s.qargs)
        if (earlier == k) fail(a, "qubit argument '" + name + "' used twice in one statement");
      s.qargs.push_back(static_cast<unsigned>(k));
      if (!cur().is(',')) break;
      take();
    }
    if (s.callee >= 0) check_count(start, s.qargs.size(), want_qargs, start.text, "qubit argument");
    expect(';', "after the statement in the body of gate '", g.name, "'");
    g.body.push_back(std::move(s));
  }

  void check_count(const Token& at, std::size_t got, std::size_t want, const std::string& gate,
                   const std::string& what) const {
    if (got != want)
      fail(at, "gate '" + gate + "' takes " + std::to_string(want) + " " + what + (want == 1 ? "" : "s") + ", got " +
                   std::to_string(got));
  }

  int lookup_gate(const Token& name) const {
    const auto it = gate_index_.find(name.text);
    if (it != gate_index_.end()) return it->second;
    std::string hint;
    if (!qelib1_included_ && native_gate(name.text)) hint = " (missing 'include \"qelib1.inc\";'?)";
    fail(name, "unknown gate '" + name.text + "'" + hint + in_file_context());
  }

  void barrier() {
    take();
    std::vector<qubit_t> qs;
    for (;;) {
      const RegArg a = register_argument(true);
      for (unsigned i = 0; i < (a.whole ? a.reg.size : 1U); ++i) qs.push_back(a.at(i));
      if (!cur().is(',')) break;
      take();
    }
    expect(';', "after the barrier arguments");
    Operation op;
    op.kind = OpKind::barrier;
    op.targets = std::move(qs);
    append(std::move(op), cur());
  }

  void conditional() {
    take();
    expect('(', "after 'if'");
    const Token& name_tok = cur();
    const std::string name = expect_identifier("a classical register name in the condition");
    const Register* reg = find_register(cregs_, name);
    if (!reg) fail(name_tok, "unknown classical register '" + name + "' in the condition");
    if (cur().kind != TokenKind::equals)
      fail(cur(), "expected '==' after the register in the condition, got " + describe(cur()));
    take();
    const Token& value_tok = cur();
    const unsigned long long value = expect_integer("the value to compare with");
    if (reg->size < 64 && (value >> reg->size) != 0)
      fail(value_tok, "value " + value_tok.text + " does not fit the " + std::to_string(reg->size) + "-bit register '" +
                          name + "'");
    expect(')', "to close the condition");
    const Token& t = cur();
    if (t.kind != TokenKind::identifier || t.text == "barrier" || t.text == "if" || t.text == "gate" ||
        t.text == "qreg" || t.text == "creg" || t.text == "include" || t.text == "opaque")
      fail(t, "expected a gate call, measure or reset after the condition, got " + describe(t));
    quantum_operation(Condition{reg->offset, reg->size, value});
  }

  void quantum_operation(const std::optional<Condition>& cond) {
    const Token& t = cur();
    if (t.text == "measure") return measure(cond);
    if (t.text == "reset") return reset(cond);
    gate_call(cond);
  }

  void measure(const std::optional<Condition>& cond) {
    const Token& kw = take();
    const RegArg q = register_argument(true);
    if (cur().kind != TokenKind::arrow) fail(cur(), "expected '->' after the measured qubits, got " + describe(cur()));
    take();
    const Token& c_tok = cur();
    const RegArg c = register_argument(false);
    expect(';', "after the measure statement");
    if (q.whole != c.whole) fail(c_tok, "measure needs a register on both sides of '->' or a single bit on both sides");
    if (q.whole && q.reg.size != c.reg.size)
      fail(c_tok, "measure of register '" + q.reg.name + "' (" + std::to_string(q.reg.size) + " qubits) into '" +
                      c.reg.name + "' (" + std::to_string(c.reg.size) + " bits): sizes differ");
    Operation op;
    op.kind = OpKind::measure;
    for (unsigned i = 0; i < (q.whole ? q.reg.size : 1U); ++i) {
      op.targets.push_back(q.at(i));
      op.clbits.push_back(c.at(i));
    }
    op.condition = cond;
    append(std::move(op), kw);
  }

  void reset(const std::optional<Condition>& cond) {
    const Token& kw = take();
    const RegArg q = register_argument(true);
    expect(';', "after the reset statement");
    for (unsigned i = 0; i < (q.whole ? q.reg.size : 1U); ++i) {
      Operation op;
      op.kind = OpKind::reset;
      op.targets = {q.at(i)};
      op.condition = cond;
      append(std::move(op), kw);
    }
  }

  void gate_call(const std::optional<Condition>& cond) {
    // The call's own angle expressions are evaluated at once; their pool
    // nodes are dropped afterwards so that the pool holds only definitions.
    const std::size_t pool_mark = pool_.size();
    const Token& name = take();
    const int index = lookup_gate(name);
    const GateDef& g = gates_[static_cast<std::size_t>(index)];
    std::vector<double> values;
    if (cur().is('(')) {
      const Token& open = take();
      if (!cur().is(')'))
        for (;;) {
          const Token& at = cur();
          values.push_back(finite(expression(nullptr), {}, at, name.text));
          if (!cur().is(',')) break;
          take();
        }
      expect(')', "after the parameters of '", name.text, "'");
      check_count(open, values.size(), g.params.size(), name.text, "parameter");
    } else {
      check_count(name, 0, g.params.size(), name.text, "parameter");
    }
    std::vector<RegArg> args;
    std::vector<const Token*> arg_toks;
    for (;;) {
      arg_toks.push_back(&cur());
      args.push_back(register_argument(true));
      if (!cur().is(',')) break;
      take();
    }
    expect(';', "after the arguments of '", name.text, "'");
    check_count(name, args.size(), g.qargs.size(), name.text, "qubit argument");
    // Broadcast: whole registers must agree in size; single qubits repeat.
    unsigned width = 1;
    const RegArg* first_whole = nullptr;
    for (std::size_t k = 0; k < args.size(); ++k) {
      if (!args[k].whole) continue;
      if (first_whole && args[k].reg.size != width)
        fail(*arg_toks[k], "registers '" + first_whole->reg.name + "' (" + std::to_string(width) + ") and '" +
                               args[k].reg.name + "' (" + std::to_string(args[k].reg.size) +
                               ") differ in size in the broadcast of '" + name.text + "'");
      first_whole = &args[k];
      width = args[k].reg.size;
    }
    std::vector<qubit_t> qubits(args.size());
    for (unsigned i = 0; i < width; ++i) {
      for (std::size_t k = 0; k < args.size(); ++k) {
        qubits[k] = args[k].at(i);
        for (std::size_t j = 0; j < k; ++j)
          if (qubits[j] == qubits[k])
            fail(*arg_toks[k], "qubit " + args[k].reg.name + "[" + std::to_string(qubits[k] - args[k].reg.offset) +
                                   "] used twice in '" + name.text + "'");
      }
      expand(index, values, qubits, cond, name);
    }
    pool_.truncate(pool_mark);
  }

  // Emits gate `index` on `qubits`: natively, or through its body.
  void expand(int index, const std::vector<double>& values, const std::vector<qubit_t>& qubits,
              const std::optional<Condition>& cond, const Token& call) {
    const GateDef& g = gates_[static_cast<std::size_t>(index)];
    if (g.opaque) fail(call, "gate '" + g.name + "' is declared opaque: it has no definition to simulate");
    if (g.native && (!g.library || !options_.expand_library_gates))
      return emit_native(*g.native, values, qubits, cond, call);
    for (const auto& s : g.body) {
      if (++work_ > work_limit())
        fail(call, "expanding the gate definitions takes more than " + std::to_string(4 * options_.max_operations) +
                       " steps (ParseOptions::max_operations)");
      std::vector<qubit_t> mapped;
      mapped.reserve(s.qargs.size());
      for (auto k : s.qargs) mapped.push_back(qubits[k]);
      if (s.callee < 0) {
        Operation op;
        op.kind = OpKind::barrier;
        op.targets = std::move(mapped);
        append(std::move(op), call);
        continue;
      }
      std::vector<double> inner;
      inner.reserve(s.exprs.size());
      for (int e : s.exprs) inner.push_back(finite(e, values, call, g.name, s.line));
      expand(s.callee, inner, mapped, cond, call);
    }
  }

  void emit_native(const NativeGate& n, const std::vector<double>& values, const std::vector<qubit_t>& qubits,
                   const std::optional<Condition>& cond, const Token& call) {
    Operation op;
    op.gate = n.gate;
    op.controls.assign(qubits.begin(), qubits.begin() + n.num_controls);
    op.targets.assign(qubits.begin() + n.num_controls, qubits.end());
    if (n.angles == NativeGate::Angles::same) {
      op.params.assign(values.begin(), values.end());
    } else if (n.angles == NativeGate::Angles::u2) {
      op.params = {qsim::detail::pi / 2, values[0], values[1]};
    }
    if (n.num_controls > 0) op.label = n.name == "CX" ? "cx" : std::string(n.name);
    op.condition = cond;
    append(std::move(op), call);
  }

  void append(Operation op, const Token& at) {
    if (circuit_.size() >= options_.max_operations)
      fail(at, "the circuit would have more than " + std::to_string(options_.max_operations) +
                   " operations (ParseOptions::max_operations)");
    try {
      circuit_.append(std::move(op));
    } catch (const qsim::invalid_argument& e) {
      fail(at, e.what());
    }
  }

  RegArg register_argument(bool quantum) {
    const Token& t = cur();
    const std::string name = expect_identifier(quantum ? "a quantum register" : "a classical register");
    const Register* reg = find_register(quantum ? qregs_ : cregs_, name);
    if (!reg) {
      const bool other = find_register(quantum ? cregs_ : qregs_, name) != nullptr;
      fail(t, other ? "'" + name + "' is a " + (quantum ? "classical" : "quantum") + " register; expected a " +
                          (quantum ? "quantum" : "classical") + " one"
                    : std::string("unknown ") + (quantum ? "quantum" : "classical") + " register '" + name + "'");
    }
    RegArg a;
    a.reg = *reg;
    if (cur().is('[')) {
      take();
      const Token& i_tok = cur();
      const unsigned long long i = expect_integer("an index");
      expect(']', "after the index");
      if (i >= reg->size)
        fail(i_tok,
             "index " + i_tok.text + " out of range for register '" + name + "' of size " + std::to_string(reg->size));
      a.whole = false;
      a.index = static_cast<unsigned>(i);
    }
    return a;
  }

  static const Register* find_register(const std::vector<Register>& regs, const std::string& name) {
    for (const auto& r : regs)
      if (r.name == name) return &r;
    return nullptr;
  }

  // ---- expressions --------------------------------------------------------
  struct DepthGuard {
    Parser& p;
    DepthGuard(Parser& parser, const Token& at) : p(parser) {
      if (++p.depth_ > p.options_.max_expression_depth)
        p.fail(at, "expression nested more than " + std::to_string(p.options_.max_expression_depth) + " levels deep");
    }
    ~DepthGuard() { --p.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
  };

  // The value of `expr`; a non-finite one is an error about the angle of gate
  // `gate` (written on line `line` of a gate body when line > 0).
  double finite(int expr, const std::vector<double>& values, const Token& at, const std::string& gate,
                unsigned line = 0) const {
    const double v = pool_.eval(expr, values);
    if (!std::isfinite(v)) {
      std::ostringstream s;
      if (line > 0)
        s << "an angle in gate '" << gate << "' (line " << line << ")";
      else
        s << "angle of '" << gate << "'";
      s << " is not a finite number (" << v << ")";
      fail(at, s.str());
    }
    return v;
  }

  int node(ExprNode n, const Token& at) {
    if (pool_.size() >= options_.max_expression_nodes)
      fail(at, "the gate definitions hold more than " + std::to_string(options_.max_expression_nodes) +
                   " expression nodes (ParseOptions::max_expression_nodes)");
    const int i = pool_.add(n);
    if (pool_[i].depth > options_.max_expression_depth)
      fail(at, "expression nested more than " + std::to_string(options_.max_expression_depth) + " levels deep");
    return i;
  }
  int binary(ExprNode::Kind k, int a, int b, const Token& at) {
    ExprNode n;
    n.kind = k;
    n.a = a;
    n.b = b;
    return node(n, at);
  }

  int expression(const Names* params) {
    const DepthGuard guard(*this, cur());
    int lhs = term(params);
    while (cur().is('+') || cur().is('-')) {
      const Token& op = take();
      lhs = binary(op.is('+') ? ExprNode::Kind::add : ExprNode::Kind::sub, lhs, term(params), op);
    }
    return lhs;
  }
  int term(const Names* params) {
    int lhs = unary(params);
    while (cur().is('*') || cur().is('/')) {
      const Token& op = take();
      lhs = binary(op.is('*') ? ExprNode::Kind::mul : ExprNode::Kind::div, lhs, unary(params), op);
    }
    return lhs;
  }
  // Unary minus binds looser than '^' (-2^2 = -4) and tighter than '*'.
  int unary(const Names* params) {
    if (cur().is('-') || cur().is('+')) {
      const Token& op = take();
      const DepthGuard guard(*this, op);
      const int a = unary(params);
      return op.is('+') ? a : binary(ExprNode::Kind::negate, a, -1, op);
    }
    return power(params);
  }
  int power(const Names* params) {
    const int base = primary(params);
    if (!cur().is('^')) return base;
    const Token& op = take();
    const DepthGuard guard(*this, op);
    return binary(ExprNode::Kind::pow, base, unary(params), op);
  }
  int primary(const Names* params) {
    const Token& t = cur();
    ExprNode n;
    if (t.kind == TokenKind::integer || t.kind == TokenKind::real) {
      take();
      const auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), n.value);
      if (ec != std::errc() || p != t.text.data() + t.text.size() || !std::isfinite(n.value))
        fail(t, "number " + t.text + " is out of range");
      return node(n, t);
    }
    if (t.is('(')) {
      take();
      const int e = expression(params);
      expect(')', "to close the parenthesis");
      return e;
    }
    if (t.kind == TokenKind::identifier) {
      take();
      if (t.text == "pi") {
        n.value = qsim::detail::pi;
        return node(n, t);
      }
      if (function_named(t.text, n.func) && cur().is('(')) {
        take();
        n.kind = ExprNode::Kind::func;
        n.a = expression(params);
        expect(')', "after the argument of ", t.text);
        return node(n, t);
      }
      if (params)
        for (std::size_t i = 0; i < params->size(); ++i)
          if ((*params)[i] == t.text) {
            n.kind = ExprNode::Kind::param;
            n.index = static_cast<int>(i);
            return node(n, t);
          }
      fail(t, "unknown name '" + t.text + "' in an expression: expected a number, pi, a function call or " +
                  (params ? "a parameter of the gate" : "'('"));
    }
    fail(t, "expected an expression (a number, pi, a parameter, a function or '('), got " + describe(t));
  }

  void add_builtin(const std::string& name, Names params, Names qargs) {
    GateDef g;
    g.name = name;
    g.params = std::move(params);
    g.qargs = std::move(qargs);
    g.native = native_gate(name);
    gates_.push_back(std::move(g));
    gate_index_[name] = static_cast<int>(gates_.size() - 1);
  }

  std::string file_;
  ParseOptions options_;
  Lexer lexer_;
  std::deque<Token> toks_;
  std::size_t base_ = 0;  // the index of toks_.front() in the token stream
  std::size_t pos_ = 0;   // the index of the current token in the stream
  bool lexed_end_ = false;
  Circuit circuit_;
  std::vector<Register> qregs_, cregs_;
  std::vector<GateDef> gates_;
  std::unordered_map<std::string, int> gate_index_;
  ExprPool pool_;
  bool qelib1_included_ = false;
  bool library_ = false;
  unsigned depth_ = 0;
  std::size_t work_ = 0;
};

}  // namespace detail

/**
 * Parses OpenQASM 2.0 source into a Circuit. `include "qelib1.inc";` is
 * served from a built-in copy (qelib1_inc()). Malformed input throws
 * parse_error naming `file`, line and column.
 * @code
 *   qsim::Circuit c = qsim::qasm::parse(R"(
 *     OPENQASM 2.0; include "qelib1.inc";
 *     qreg q[2]; creg c[2];
 *     h q[0]; cx q[0], q[1];
 *     measure q -> c;)");
 *   auto counts = qsim::Simulator<double>().run(c, 1000, 42);   // "00" and "11"
 * @endcode
 */
inline Circuit parse(std::string_view text, const std::string& file = "<input>", const ParseOptions& options = {}) {
  return detail::Parser(text, file, options).run();
}

/**
 * Reads at most `max_bytes` bytes of `in` (a file, standard input); throws
 * qsim::invalid_argument naming `name` when there is more, so that endless
 * input (/dev/zero, a pipe) is refused with bounded memory.
 */
inline std::string read_bounded(std::istream& in, const std::string& name, std::size_t max_bytes) {
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    const auto got = static_cast<std::size_t>(in.gcount());
    if (text.size() + got > max_bytes)
      throw invalid_argument("'" + name + "' is longer than the limit of " + std::to_string(max_bytes) +
                             " bytes (ParseOptions::max_input_bytes; qsim-run --max-input-bytes)");
    text.append(buffer, got);
  }
  if (in.bad()) throw invalid_argument("cannot read '" + name + "'");
  return text;
}

/// Reads and parses an OpenQASM 2.0 file; throws qsim::error when it cannot
/// be read, is not a regular file (a directory, say) or is too long.
inline Circuit parse_file(const std::string& path, const ParseOptions& options = {}) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) throw invalid_argument("cannot open OpenQASM file '" + path + "'");
  if (S_ISDIR(info.st_mode)) throw invalid_argument("'" + path + "' is a directory, not an OpenQASM file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw invalid_argument("cannot open OpenQASM file '" + path + "'");
  return parse(read_bounded(in, path, options.max_input_bytes), path, options);
}

}  // namespace qasm
QSIM_END_NAMESPACE
