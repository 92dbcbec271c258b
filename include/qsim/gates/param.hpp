#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

QSIM_BEGIN_NAMESPACE

/// The values a parameterised circuit is bound to: trainable weights and
/// input features. Plain pointers so that std::vector, Eigen rows and raw
/// buffers all bind without copies.
struct Binding {
  const double* weights = nullptr;
  std::size_t num_weights = 0;
  const double* features = nullptr;
  std::size_t num_features = 0;
};

namespace detail {
/// A node of an angle expression (see Param): immutable, shared between copies.
struct ParamExpr {
  enum class Op : unsigned char { constant, weight, feature, add, sub, mul, div, neg, sin, cos };
  /// Bounds on a tree: every walk (value, derivative, text) recurses once per
  /// level and visits shared subtrees once per use, so deep or doubling
  /// expressions are refused when built, not when they overflow the stack.
  static constexpr std::size_t max_depth = 256;
  static constexpr std::size_t max_nodes = 100000;

  Op op = Op::constant;
  double value = 0;       // constant
  std::size_t index = 0;  // weight, feature
  std::shared_ptr<const ParamExpr> a, b;
  std::size_t depth = 1;  // levels below and including this node
  std::size_t nodes = 1;  // nodes a walk visits (shared subtrees counted per use)

  static std::shared_ptr<const ParamExpr> make(Op kind, std::shared_ptr<const ParamExpr> left = nullptr,
                                               std::shared_ptr<const ParamExpr> right = nullptr) {
    auto e = std::make_shared<ParamExpr>();
    e->op = kind;
    for (const auto* child : {&left, &right}) {
      if (!*child) continue;
      e->depth = std::max(e->depth, (*child)->depth + 1);
      e->nodes += (*child)->nodes;
    }
    if (e->depth > max_depth || e->nodes > max_nodes)
      throw invalid_argument("angle expression too large (" + std::to_string(e->depth) + " levels, " +
                             std::to_string(e->nodes) + " nodes; at most " + std::to_string(max_depth) + " and " +
                             std::to_string(max_nodes) + ")");
    e->a = std::move(left);
    e->b = std::move(right);
    return e;
  }
  static std::shared_ptr<const ParamExpr> leaf(Op kind, double constant, std::size_t variable = 0) {
    auto e = std::make_shared<ParamExpr>();
    e->op = kind;
    e->value = constant;
    e->index = variable;
    return e;
  }

  /// The value for `b`; a missing weight or feature throws.
  double eval(const Binding& bind) const {
    switch (op) {
      case Op::constant:
        return value;
      case Op::weight:
        return read(bind.weights, bind.num_weights, "weight");
      case Op::feature:
        return read(bind.features, bind.num_features, "feature");
      case Op::add:
        return a->eval(bind) + b->eval(bind);
      case Op::sub:
        return a->eval(bind) - b->eval(bind);
      case Op::mul:
        return a->eval(bind) * b->eval(bind);
      case Op::div:
        return a->eval(bind) / b->eval(bind);
      case Op::neg:
        return -a->eval(bind);
      case Op::sin:
        return std::sin(a->eval(bind));
      case Op::cos:
        return std::cos(a->eval(bind));
    }
    return 0;
  }

  /// Reverse-mode chain rule: adds upstream * d(this)/d(variable) through f(op, index, d).
  template <class F>
  void partials(const Binding& bind, double upstream, F&& f) const {
    switch (op) {
      case Op::constant:
        return;
      case Op::weight:
      case Op::feature:
        f(op, index, upstream);
        return;
      case Op::add:
        a->partials(bind, upstream, f);
        b->partials(bind, upstream, f);
        return;
      case Op::sub:
        a->partials(bind, upstream, f);
        b->partials(bind, -upstream, f);
        return;
      case Op::mul:
        a->partials(bind, upstream * b->eval(bind), f);
        b->partials(bind, upstream * a->eval(bind), f);
        return;
      case Op::div: {
        const double den = b->eval(bind);
        a->partials(bind, upstream / den, f);
        b->partials(bind, -upstream * a->eval(bind) / (den * den), f);
        return;
      }
      case Op::neg:
        a->partials(bind, -upstream, f);
        return;
      case Op::sin:
        a->partials(bind, upstream * std::cos(a->eval(bind)), f);
        return;
      case Op::cos:
        a->partials(bind, -upstream * std::sin(a->eval(bind)), f);
        return;
    }
  }

  /// Calls f(op, index) for every weight and feature leaf.
  template <class F>
  void variables(F&& f) const {
    if (op == Op::weight || op == Op::feature) f(op, index);
    if (a) a->variables(f);
    if (b) b->variables(f);
  }

  bool all_finite() const {
    if (op == Op::constant && !std::isfinite(value)) return false;
    return (!a || a->all_finite()) && (!b || b->all_finite());
  }

  /// Text with the fewest parentheses that keep it unambiguous: "(-x[0] + 3.14159)*(-x[1] + 3.14159)".
  std::string text() const {
    return text([](double v) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.6g", v);
      return std::string(buf);
    });
  }
  /// The same with constants written by `number` (a drawing writes pi as π).
  template <class Number>
  std::string text(const Number& number, int parent_precedence = 0) const {
    const auto wrap = [&](const std::string& s, int mine) { return mine < parent_precedence ? "(" + s + ")" : s; };
    switch (op) {
      case Op::constant:
        return value < 0 ? wrap(number(value), 3) : number(value);
      case Op::weight:
        return "w[" + std::to_string(index) + "]";
      case Op::feature:
        return "x[" + std::to_string(index) + "]";
      case Op::add:
        if (b->op == Op::constant && b->value < 0) return wrap(a->text(number, 1) + " - " + number(-b->value), 1);
        return wrap(a->text(number, 1) + " + " + b->text(number, 1), 1);
      case Op::sub:
        return wrap(a->text(number, 1) + " - " + b->text(number, 2), 1);
      case Op::mul:
        if (a->op == Op::constant && a->value == -1) return wrap("-" + b->text(number, 3), 3);
        return wrap(a->text(number, 2) + "*" + b->text(number, 2), 2);  // a*(b*c) = a*b*c
      case Op::div:
        return wrap(a->text(number, 2) + "/" + b->text(number, 3), 2);
      case Op::neg:
        return wrap("-" + a->text(number, 3), 3);
      case Op::sin:
        return "sin(" + a->text(number, 0) + ")";
      case Op::cos:
        return "cos(" + a->text(number, 0) + ")";
    }
    return "?";
  }

 private:
  double read(const double* values, std::size_t count, const char* what) const {
    if (index >= count)
      throw invalid_argument(std::string(what) + " " + std::to_string(index) + " is not bound (" +
                             std::to_string(count) + " " + what + "s given)");
    return values[index];
  }
};
}  // namespace detail

/**
 * A gate angle: a constant, `scale * v + offset` where v is one trainable
 * weight or one input feature (the fast path every engine specialises), or
 * an expression over weights, features and constants with + - * / sin cos
 * (ZZFeatureMap's `(pi - x0)(pi - x1)`), evaluated per binding and
 * differentiated by the chain rule in the adjoint method and parameter shift.
 * Arithmetic that stays affine stays on the fast path.
 * @code
 *   c.rx(0.25, 0);                                        // constant
 *   c.ry(qsim::weight(3), 1);                             // trainable weight 3
 *   c.rz(qsim::feature(0, 2.0, 0.5), 2);                  // 2 * x[0] + 0.5
 *   c.rz((pi - qsim::feature(0)) * (pi - qsim::feature(1)), 2);  // an expression (pi: your constant)
 *   c.ry(qsim::sin(qsim::weight(0)) * qsim::feature(1), 0);
 * @endcode
 */
struct Param {
  enum class Source : unsigned char { constant, weight, feature, expression };

  Source source = Source::constant;
  std::size_t index = 0;
  double scale = 1.0;
  double offset = 0.0;                            // the value itself for a constant
  std::shared_ptr<const detail::ParamExpr> expr;  // Source::expression only

  Param() = default;
  // Implicit on purpose: every angle argument accepts a plain number.
  Param(double value) : offset(value) {}  // NOLINT(google-explicit-constructor)
  Param(Source s, std::size_t i, double a, double b) : source(s), index(i), scale(a), offset(b) {
    if (s == Source::expression) throw invalid_argument("an expression angle is built from its tree, not from a scale");
  }
  explicit Param(std::shared_ptr<const detail::ParamExpr> e) : source(Source::expression), expr(std::move(e)) {
    if (!expr) throw invalid_argument("an angle expression is empty");
  }

  bool is_constant() const noexcept { return source == Source::constant; }
  bool is_expression() const noexcept { return source == Source::expression; }
  /// Reads a weight or feature with a non-zero factor (a gradient flows through it).
  bool is_trainable() const noexcept { return is_expression() || (!is_constant() && scale != 0); }
  bool is_finite() const noexcept {
    return is_expression() ? expr->all_finite() : std::isfinite(scale) && std::isfinite(offset);
  }
  /// True when the angle reads some value of `s` (weight or feature).
  bool reads(Source s) const {
    if (!is_expression()) return source == s;
    bool found = false;
    for_each_variable([&](Source v, std::size_t) { found = found || v == s; });
    return found;
  }

  /// The bound value; throws when the weight/feature is missing or the result is not finite.
  double value(const Binding& b = {}) const {
    double v = offset;
    if (source == Source::weight) {
      if (index >= b.num_weights)
        throw invalid_argument("weight " + std::to_string(index) + " is not bound (" + std::to_string(b.num_weights) +
                               " weights given)");
      v = scale * b.weights[index] + offset;
    } else if (source == Source::feature) {
      if (index >= b.num_features)
        throw invalid_argument("feature " + std::to_string(index) + " is not bound (" + std::to_string(b.num_features) +
                               " features given)");
      v = scale * b.features[index] + offset;
    } else if (source == Source::expression) {
      v = expr->eval(b);
    }
    if (!std::isfinite(v))
      throw invalid_argument("gate angle is not finite (" + std::to_string(v) + ") for " + describe());
    return v;
  }

  /// Calls f(source, index, d angle / d value) for each weight or feature
  /// read (a variable read twice may be reported twice: add them up).
  template <class F>
  void for_each_partial(const Binding& b, F&& f) const {
    if (is_constant()) return;
    if (!is_expression()) {
      f(source, index, scale);
      return;
    }
    expr->partials(b, 1.0, [&](detail::ParamExpr::Op op, std::size_t i, double d) {
      f(op == detail::ParamExpr::Op::weight ? Source::weight : Source::feature, i, d);
    });
  }

  /// Calls f(source, index) for each weight or feature read.
  template <class F>
  void for_each_variable(F&& f) const {
    if (is_constant()) return;
    if (!is_expression()) {
      f(source, index);
      return;
    }
    expr->variables([&](detail::ParamExpr::Op op, std::size_t i) {
      f(op == detail::ParamExpr::Op::weight ? Source::weight : Source::feature, i);
    });
  }

  /// The angle as an expression node (affine ones converted).
  std::shared_ptr<const detail::ParamExpr> as_expression() const {
    using E = detail::ParamExpr;
    if (is_expression()) return expr;
    if (is_constant()) return E::leaf(E::Op::constant, offset);
    auto v = E::leaf(source == Source::weight ? E::Op::weight : E::Op::feature, 0, index);
    if (scale != 1) v = E::make(E::Op::mul, E::leaf(E::Op::constant, scale), v);
    if (offset != 0) v = E::make(E::Op::add, v, E::leaf(E::Op::constant, offset));
    return v;
  }

  std::string describe() const {
    switch (source) {
      case Source::weight:
        return "weight " + std::to_string(index);
      case Source::feature:
        return "feature " + std::to_string(index);
      case Source::expression:
        return "expression " + expr->text();
      default:
        return "constant " + std::to_string(offset);
    }
  }
};

/// Trainable weight `i`, used as `scale * w[i] + offset`.
inline Param weight(std::size_t i, double scale = 1.0, double offset = 0.0) {
  return {Param::Source::weight, i, scale, offset};
}
/// Input feature `i`, used as `scale * x[i] + offset`.
inline Param feature(std::size_t i, double scale = 1.0, double offset = 0.0) {
  return {Param::Source::feature, i, scale, offset};
}

/**
 * A block of consecutive weights with a shape (row-major), so that a layer's
 * angles are addressed as w(l, q, k) instead of by a flat offset. The next
 * group starts at end().
 * @code
 *   qsim::WeightGroup rot({layers, qubits, 3});          // weights 0 .. 3*layers*qubits - 1
 *   qsim::WeightGroup out({qubits}, rot.end());           // the next ones
 *   c.rz(rot(l, q, 0), q).ry(rot(l, q, 1), q).rz(rot(l, q, 2), q);
 * @endcode
 */
class WeightGroup {
 public:
  explicit WeightGroup(std::vector<std::size_t> shape, std::size_t first = 0)
      : shape_(std::move(shape)), first_(first) {
    if (shape_.empty()) throw invalid_argument("a weight group needs a shape with at least one dimension");
    for (auto d : shape_) {
      if (d == 0) throw invalid_argument("a weight group's dimensions must be positive, got " + shape_text());
      if (size_ > (std::size_t{1} << 40) / d)
        throw invalid_argument("a weight group of shape " + shape_text() + " is too large");
      size_ *= d;
    }
  }

  const std::vector<std::size_t>& shape() const noexcept { return shape_; }
  std::size_t size() const noexcept { return size_; }
  std::size_t first() const noexcept { return first_; }
  std::size_t end() const noexcept { return first_ + size_; }

  /// The weight index of an element (one index per dimension, each in range).
  std::size_t index(std::initializer_list<std::size_t> at) const { return index(std::vector<std::size_t>(at)); }
  std::size_t index(const std::vector<std::size_t>& at) const {
    if (at.size() != shape_.size())
      throw invalid_argument(std::to_string(at.size()) + " indices for a weight group of shape " + shape_text());
    std::size_t flat = 0;
    for (std::size_t d = 0; d < at.size(); ++d) {
      if (at[d] >= shape_[d])
        throw invalid_argument("index " + std::to_string(at[d]) + " out of range for dimension " + std::to_string(d) +
                               " of a weight group of shape " + shape_text());
      flat = flat * shape_[d] + at[d];
    }
    return first_ + flat;
  }
  /// The element as an angle, `scale * w + offset`.
  template <class... I>
  Param operator()(I... at) const {
    return Param(Param::Source::weight, index({static_cast<std::size_t>(at)...}), 1.0, 0.0);
  }

 private:
  std::string shape_text() const {
    std::string t = "(";
    for (std::size_t d = 0; d < shape_.size(); ++d) t += (d ? ", " : "") + std::to_string(shape_[d]);
    return t + (shape_.size() == 1 ? ",)" : ")");
  }
  std::vector<std::size_t> shape_;
  std::size_t first_ = 0;
  std::size_t size_ = 1;
};

// Angle arithmetic. Affine results (a constant with an affine angle, or two
// affine angles of the same variable) stay affine; anything else becomes an
// expression.
namespace detail {
inline Param expression(ParamExpr::Op op, const Param& a, const Param& b) {
  return Param(ParamExpr::make(op, a.as_expression(), b.as_expression()));
}
inline bool same_variable(const Param& a, const Param& b) {
  return !a.is_constant() && !a.is_expression() && a.source == b.source && a.index == b.index;
}
}  // namespace detail

inline Param operator-(const Param& a) {
  if (a.is_expression()) return Param(detail::ParamExpr::make(detail::ParamExpr::Op::neg, a.expr));
  return {a.source, a.index, -a.scale, -a.offset};
}
inline Param operator+(const Param& a, const Param& b) {
  if (a.is_constant() && !b.is_expression()) return {b.source, b.index, b.scale, b.offset + a.offset};
  if (b.is_constant() && !a.is_expression()) return {a.source, a.index, a.scale, a.offset + b.offset};
  if (detail::same_variable(a, b)) return {a.source, a.index, a.scale + b.scale, a.offset + b.offset};
  return detail::expression(detail::ParamExpr::Op::add, a, b);
}
inline Param operator-(const Param& a, const Param& b) {
  if (!a.is_expression() && !b.is_expression()) return a + (-b);
  return detail::expression(detail::ParamExpr::Op::sub, a, b);
}
inline Param operator*(const Param& a, const Param& b) {
  if (a.is_constant() && b.is_constant()) return Param(a.offset * b.offset);
  if (a.is_constant() && !b.is_expression()) return {b.source, b.index, b.scale * a.offset, b.offset * a.offset};
  if (b.is_constant() && !a.is_expression()) return {a.source, a.index, a.scale * b.offset, a.offset * b.offset};
  return detail::expression(detail::ParamExpr::Op::mul, a, b);
}
inline Param operator/(const Param& a, const Param& b) {
  if (b.is_constant() && b.offset == 0) throw invalid_argument("angle divided by the constant 0");
  if (a.is_constant() && b.is_constant()) return Param(a.offset / b.offset);
  if (b.is_constant() && !a.is_expression()) return {a.source, a.index, a.scale / b.offset, a.offset / b.offset};
  return detail::expression(detail::ParamExpr::Op::div, a, b);
}
/// sin of an angle expression (a constant stays a constant).
inline Param sin(const Param& a) {
  if (a.is_constant()) return Param(std::sin(a.offset));
  return Param(detail::ParamExpr::make(detail::ParamExpr::Op::sin, a.as_expression()));
}
/// cos of an angle expression (a constant stays a constant).
inline Param cos(const Param& a) {
  if (a.is_constant()) return Param(std::cos(a.offset));
  return Param(detail::ParamExpr::make(detail::ParamExpr::Op::cos, a.as_expression()));
}

QSIM_END_NAMESPACE
