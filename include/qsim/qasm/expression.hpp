#pragma once
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/gates/matrices.hpp"

QSIM_BEGIN_NAMESPACE
namespace qasm {
namespace detail {

/// A parameter expression as a tree of nodes in one pool. Gate bodies keep
/// their expressions unevaluated until the gate is called with values.
struct ExprNode {
  enum class Kind : unsigned char { number, param, negate, add, sub, mul, div, pow, func };
  enum class Func : unsigned char { sin, cos, tan, exp, ln, sqrt, asin, acos, atan };
  Kind kind = Kind::number;
  Func func = Func::sin;
  double value = 0;  // number
  int index = 0;     // param: index in the gate's parameter list
  int a = -1, b = -1;
  unsigned depth = 1;  // height of the subtree; bounded so evaluation cannot overflow the stack
};

inline bool function_named(const std::string& name, ExprNode::Func& f) {
  static const char* const names[] = {"sin", "cos", "tan", "exp", "ln", "sqrt", "asin", "acos", "atan"};
  for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); ++i)
    if (name == names[i]) {
      f = static_cast<ExprNode::Func>(i);
      return true;
    }
  return false;
}

class ExprPool {
 public:
  int add(ExprNode n) {
    n.depth = 1;
    if (n.a >= 0) n.depth = std::max(n.depth, nodes_[static_cast<std::size_t>(n.a)].depth + 1);
    if (n.b >= 0) n.depth = std::max(n.depth, nodes_[static_cast<std::size_t>(n.b)].depth + 1);
    nodes_.push_back(n);
    return static_cast<int>(nodes_.size() - 1);
  }
  const ExprNode& operator[](int i) const { return nodes_[static_cast<std::size_t>(i)]; }
  std::size_t size() const noexcept { return nodes_.size(); }
  /// Drops the nodes added since size() was `mark` (no node before refers to them).
  void truncate(std::size_t mark) { nodes_.resize(std::min(mark, nodes_.size())); }

  /// The value of node `i` with the gate's parameters bound to `params`
  /// (may be inf or NaN; the caller checks).
  double eval(int i, const std::vector<double>& params) const {
    const ExprNode& n = (*this)[i];
    using K = ExprNode::Kind;
    switch (n.kind) {
      case K::number:
        return n.value;
      case K::param:
        return params[static_cast<std::size_t>(n.index)];
      case K::negate:
        return -eval(n.a, params);
      case K::add:
        return eval(n.a, params) + eval(n.b, params);
      case K::sub:
        return eval(n.a, params) - eval(n.b, params);
      case K::mul:
        return eval(n.a, params) * eval(n.b, params);
      case K::div:
        return eval(n.a, params) / eval(n.b, params);
      case K::pow:
        return std::pow(eval(n.a, params), eval(n.b, params));
      case K::func:
        return apply(n.func, eval(n.a, params));
    }
    return 0;
  }

 private:
  static double apply(ExprNode::Func f, double x) {
    using F = ExprNode::Func;
    switch (f) {
      case F::sin:
        return std::sin(x);
      case F::cos:
        return std::cos(x);
      case F::tan:
        return std::tan(x);
      case F::exp:
        return std::exp(x);
      case F::ln:
        return std::log(x);
      case F::sqrt:
        return std::sqrt(x);
      case F::asin:
        return std::asin(x);
      case F::acos:
        return std::acos(x);
      case F::atan:
        return std::atan(x);
    }
    return 0;
  }

  std::vector<ExprNode> nodes_;
};

}  // namespace detail
}  // namespace qasm
QSIM_END_NAMESPACE
