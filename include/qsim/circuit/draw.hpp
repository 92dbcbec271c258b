#pragma once
/**
 * A text diagram of a circuit in the style of Qiskit's text drawer
 * (`print(qc)`), so that a Qiskit user reads it without a legend:
 * @code
 *   qsim::Circuit c(2);
 *   c.h(0).cx(0, 1).measure_all();
 *   std::cout << qsim::draw(c) << '\n';
 * @endcode
 * Layout rules (docs and tests rely on them):
 *  - Three text rows per wire, the bottom row of one wire shared with the top
 *    row of the next; one bundled double wire per classical register
 *    (`c: 2/═══`). Labels (`q_0: `, `meas: 3/`) are right-aligned; a qubit
 *    is always `name_index`, also in a one-qubit register.
 *  - Each operation goes into the earliest layer after the last layer that
 *    uses any wire between its lowest and highest wire (the classical wire
 *    included for a measurement or a condition), so vertical lines never cross
 *    another operation and the order of operations on a wire is kept.
 *  - Every line of a page has the same number of code points: trailing spaces
 *    are kept (as Qiskit pads), and the text has no final newline.
 *  - Controlled gates are `■` on each control joined by `│` to the base
 *    gate's box (`┌─┴─┐`; cx shows `┤ X ├` as Qiskit does). As in Qiskit,
 *    controlled Z is `■` on every qubit, controlled P is `■` on every qubit
 *    with `P(λ)` right of the line above the lowest dot, swap is `X` on both
 *    qubits, and reset is `─|0>─` without a box.
 *  - Two-qubit and larger gates (rxx, ryy, rzz, iswap, unitary, two-qubit
 *    channels) are one box over all wires from the first to the last target,
 *    each target marked with its argument index; a wire the box covers but
 *    does not act on shows no index. (Qiskit draws rzz as two dots; a box
 *    keeps rxx, ryy and rzz alike.)
 *  - Angles: multiples and simple fractions of pi as `π`, `2π`, `π/2`,
 *    `-3π/4` (denominator and numerator up to 16), other constants with at
 *    most 4 significant digits; a weight is `w[i]`, a feature `x[i]`, affine
 *    ones `2*x[0]+0.5`, `-w[1]`, `x[2]-π/2`.
 *  - Channels are a box with the channel name and its parameters
 *    (`depolarizing(0.01)`); a measurement with a readout error is drawn as a
 *    measurement.
 *  - A condition (c_if) is a `║` line from the gate (`└─╥─┘`) down to a `■`
 *    on the register, with the value in hex below it (`0x1`), as Qiskit draws
 *    a condition on a bundled register; a condition on part of a register
 *    shows the bits too, `[1:2]=0x1`. (A conditioned measurement has one
 *    line through two registers: the upper one's value or bit index, which
 *    would sit on the line, is left out.)
 *  - Folding: a page holds as many layers as fit in `width` columns with the
 *    labels and the `«`/`»` marks; each later page starts again with the
 *    labels, every line of a cut page ends with `»` and every line of the next
 *    starts with `«`; pages are separated by an empty line. `width == 0`
 *    never folds; a layer wider than the page goes on a page of its own.
 *  - A circuit without operations shows its wires with a 3-column stub; one
 *    without qubits and classical bits gives an empty string.
 * Display width is taken as one column per code point, which holds for the
 * box-drawing characters and for labels without wide (CJK) characters.
 */
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include "qsim/circuit/circuit.hpp"
#include "qsim/circuit/operation.hpp"
#include "qsim/circuit/register.hpp"
#include "qsim/core/config.hpp"
#include "qsim/gates/gate_table.hpp"
#include "qsim/gates/param.hpp"

QSIM_BEGIN_NAMESPACE

namespace detail {
namespace drawing {

/// One element per display column, so widths and centring are plain arithmetic.
using Text = std::u32string;

/// UTF-8 to code points; a malformed byte becomes U+FFFD and a control
/// character '?', so a user label can never break the grid.
inline Text decode(const std::string& s) {
  Text out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1Fu) : len == 3 ? (b & 0x0Fu) : (b & 0x07u);
    bool ok = len != 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      ok = (c & 0xC0) == 0x80;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    if (!ok) {
      out += U'\uFFFD';
      ++i;
      continue;
    }
    out += (cp < 0x20 || cp == 0x7F) ? U'?' : cp;
    i += len;
  }
  return out;
}

inline std::string encode(const Text& t) {
  std::string out;
  out.reserve(t.size() * 3);
  for (char32_t c : t) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

/// Python's str.center (odd margins favour the left only for odd widths), so
/// that boxes sit where Qiskit's drawer puts them.
inline Text center(const Text& s, std::size_t width, char32_t fill) {
  if (s.size() >= width) return s;
  const std::size_t margin = width - s.size();
  const std::size_t left = margin / 2 + (margin & width & 1);
  return Text(left, fill) + s + Text(margin - left, fill);
}

inline std::string plain_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

/// Qiskit's pi_check for text: whole multiples of pi, pi/n, and n*pi/d with
/// n, d <= 16 print symbolically; anything else as a short number.
inline std::string angle_text(double v) {
  constexpr double pi_value = 3.14159265358979323846;
  constexpr double eps = 1e-9;
  if (!std::isfinite(v)) return plain_number(v);
  const double a = std::abs(v);
  if (a < eps) return "0";
  const std::string sign = v < 0 ? "-" : "";
  const double turns = a / pi_value;
  if (turns >= 1 - eps && std::abs(turns - std::round(turns)) < eps) {
    const double n = std::round(turns);
    return sign + (n == 1 ? std::string() : plain_number(n)) + "π";
  }
  if (a >= 16 * pi_value) return plain_number(v);
  const double inverse = pi_value / a;
  if (std::abs(inverse - std::round(inverse)) < eps) return sign + "π/" + plain_number(std::round(inverse));
  for (int d = 2; d <= 16; ++d)
    for (int n = 2; n <= 16; ++n)
      if (std::abs(a - n * pi_value / d) < eps) return sign + std::to_string(n) + "π/" + std::to_string(d);
  return plain_number(v);
}

/// `w[3]`, `x[0]`, `2*x[0]+0.5`: short enough for a box, and exact about which
/// input an angle follows.
inline std::string param_text(const Param& p) {
  if (p.is_constant()) return angle_text(p.offset);
  if (p.is_expression()) return p.expr->text(angle_text);
  const std::string var = (p.source == Param::Source::weight ? "w[" : "x[") + std::to_string(p.index) + "]";
  std::string out = p.scale == 1 ? var : p.scale == -1 ? "-" + var : angle_text(p.scale) + "*" + var;
  if (p.offset > 0) out += "+" + angle_text(p.offset);
  if (p.offset < 0) out += "-" + angle_text(-p.offset);
  return out;
}

/// The name Qiskit's drawer prints for a base gate.
inline std::string gate_title(const Operation& op) {
  switch (op.gate) {
    case GateId::i:
      return "I";
    case GateId::x:
      return "X";
    case GateId::y:
      return "Y";
    case GateId::z:
      return "Z";
    case GateId::h:
      return "H";
    case GateId::s:
      return "S";
    case GateId::sdg:
      return "Sdg";
    case GateId::t:
      return "T";
    case GateId::tdg:
      return "Tdg";
    case GateId::sx:
      return "√X";
    case GateId::sxdg:
      return "√Xdg";
    case GateId::rx:
      return "Rx";
    case GateId::ry:
      return "Ry";
    case GateId::rz:
      return "Rz";
    case GateId::p:
      return "P";
    case GateId::u:
      return "U";
    case GateId::swap:
      return "Swap";
    case GateId::iswap:
      return "iSwap";
    case GateId::rxx:
      return "Rxx";
    case GateId::ryy:
      return "Ryy";
    case GateId::rzz:
      return "Rzz";
    case GateId::unitary:
      // make_unitary's default label is lower-case; Qiskit prints "Unitary".
      return op.label.empty() || op.label == "unitary" ? "Unitary" : op.label;
  }
  return op.name();
}

/// The text inside a gate's or channel's box: "Rz(π/2)", "depolarizing(0.01)".
inline std::string box_text(const Operation& op) {
  if (op.kind == OpKind::channel) {
    std::string out = op.name();
    if (op.channel && !op.channel->params.empty()) {
      out += "(";
      for (std::size_t i = 0; i < op.channel->params.size(); ++i)
        out += (i ? "," : "") + plain_number(op.channel->params[i]);
      out += ")";
    }
    return out;
  }
  std::string out = gate_title(op);
  // An embedding of features first..last (the usual case) as x[first]..x[last], not one entry each.
  const auto plain_feature = [](const Param& p, std::size_t index) {
    return p.source == Param::Source::feature && p.index == index && p.scale == 1 && p.offset == 0;
  };
  bool run = op.embedding && op.params.size() > 2;
  for (std::size_t i = 0; run && i < op.params.size(); ++i) run = plain_feature(op.params[i], op.params[0].index + i);
  if (run) return out + "(" + param_text(op.params.front()) + ".." + param_text(op.params.back()) + ")";
  if (!op.params.empty()) {
    out += "(";
    for (std::size_t i = 0; i < op.params.size(); ++i) out += (i ? "," : "") + param_text(op.params[i]);
    out += ")";
  }
  return out;
}

/**
 * What one operation draws on one wire: its top, middle and bottom rows, all
 * `mid.size()` wide. `axis` is the column of the vertical line through the
 * operation; the cells of a layer are aligned on it (for symmetric cells that
 * is exactly Python's centring, which Qiskit uses).
 */
struct Cell {
  Text top, mid, bot;
  std::size_t axis = 0;
  bool used = false;
};

inline constexpr char32_t no_line = U' ';

inline Cell make_cell(Text top, Text mid, Text bot) {
  Cell c;
  c.axis = (mid.size() - 1) / 2;
  c.top = std::move(top);
  c.mid = std::move(mid);
  c.bot = std::move(bot);
  c.used = true;
  return c;
}

inline Text with_line(std::size_t width, std::size_t axis, char32_t line) {
  Text t(width, U' ');
  t[axis] = line;
  return t;
}

/// A symbol drawn on the wire itself (`─■─`, `─X─`, `─┼─`, `─|0>─`).
inline Cell on_wire(const Text& symbol, char32_t up, char32_t down, char32_t wire = U'─') {
  const Text mid = wire + symbol + wire;
  const std::size_t axis = (mid.size() - 1) / 2;
  return make_cell(with_line(mid.size(), axis, up), mid, with_line(mid.size(), axis, down));
}

/// `┌───┐ ┤ H ├ └───┘`, with the connectors where vertical lines enter.
inline Cell box(const Text& label, char32_t up, char32_t down, char32_t left = U'┤', char32_t right = U'├') {
  const std::size_t width = label.size() + 4;
  Text top = U"┌" + Text(width - 2, U'─') + U"┐";
  Text bot = U"└" + Text(width - 2, U'─') + U"┘";
  Cell c = make_cell(top, left + (U" " + label + U" ") + right, bot);
  if (up != no_line) c.top[c.axis] = up;
  if (down != no_line) c.bot[c.axis] = down;
  return c;
}

/// A dot of a controlled phase: Qiskit writes the angle right of the line
/// above the lowest dot, so every dot of the gate gets the label's width.
inline Cell phase_dot(std::size_t label_width, char32_t up, char32_t down, const Text* label) {
  const std::size_t width = label_width + 3;
  Cell c;
  c.used = true;
  c.axis = 1;
  c.mid = U"─■" + Text(width - 2, U'─');
  c.top = with_line(width, 1, up);
  if (label) c.top.replace(2, label->size(), *label);
  c.bot = with_line(width, 1, down);
  return c;
}

/// One drawable piece of an operation: the cells of wires lo..hi.
struct Item {
  unsigned lo = 0, hi = 0;
  std::vector<Cell> cells;  // cells[w - lo]; unused ones are plain wire

  Item(unsigned l, unsigned h) : lo(l), hi(h), cells(h - l + 1) {}
  Cell& at(unsigned wire) { return cells[wire - lo]; }
  void extend_to(unsigned wire) {
    if (wire > hi) {
      hi = wire;
      cells.resize(hi - lo + 1);
    }
  }
};

/**
 * A box over wires lo..hi of `item` for the given targets (argument j marked
 * `j` on its wire, as Qiskit's multi-qubit boxes), the label in the middle
 * row of the box. Controls the box covers are marked `■` instead of an index.
 */
inline void multi_box(Item& item, const std::vector<qubit_t>& targets, const std::vector<qubit_t>& covered_controls,
                      const Text& label, char32_t up, char32_t down) {
  const unsigned lo = *std::min_element(targets.begin(), targets.end());
  const unsigned hi = *std::max_element(targets.begin(), targets.end());
  const std::size_t index_width = std::to_string(targets.size() - 1).size();
  const std::size_t width = label.size() + index_width + 4;
  const unsigned height = hi - lo + 1;
  // Rows of the box from the middle row of `lo` (0) to that of `hi` (2h-2);
  // the label goes on row h-1, Qiskit's centre.
  const unsigned label_row = height - 1;
  for (unsigned w = lo; w <= hi; ++w) {
    Text index;
    for (std::size_t j = 0; j < targets.size(); ++j)
      if (targets[j] == w) index = decode(std::to_string(j));
    if (std::find(covered_controls.begin(), covered_controls.end(), w) != covered_controls.end()) index = U"■";
    index.resize(index_width, U' ');
    const unsigned row = 2 * (w - lo);
    const Text mid_text = row == label_row ? label : Text(label.size(), U' ');
    Cell c;
    c.used = true;
    c.mid = U"┤" + index + U" " + mid_text + U" ├";
    if (w == lo) {
      c.top = U"┌" + Text(width - 2, U'─') + U"┐";
    } else {
      const Text above = row - 1 == label_row ? label : Text(label.size(), U' ');
      c.top = U"│" + Text(index_width + 1, U' ') + above + U" │";
    }
    c.bot = w == hi ? U"└" + Text(width - 2, U'─') + U"┘" : Text(width, U' ');
    c.axis = (width - 1) / 2;
    if (w == lo && up != no_line) c.top[c.axis] = up;
    if (w == hi && down != no_line) c.bot[c.axis] = down;
    item.at(w) = std::move(c);
  }
}

/// The wires of a circuit: qubits first, then one wire per classical register.
struct Wires {
  unsigned num_qubits = 0;
  std::vector<Register> cregs;

  unsigned size() const { return num_qubits + static_cast<unsigned>(cregs.size()); }
  /// The register holding classical bit `b` (cregs cover every bit).
  std::size_t creg_of(clbit_t b) const {
    for (std::size_t k = 0; k < cregs.size(); ++k)
      if (b >= cregs[k].offset && b < cregs[k].offset + cregs[k].size) return k;
    return cregs.empty() ? 0 : cregs.size() - 1;
  }
  unsigned wire_of_creg(std::size_t k) const { return num_qubits + static_cast<unsigned>(k); }
};

/// What an operation draws on the classical wires.
struct ClassicalPart {
  long measure_reg = -1;  // register a measurement writes, its bit index below the wire
  Text measure_index;
  long condition_reg = -1;  // register a condition reads, with the value box
  Text condition_label;
};

/// Continues `item` from its lowest qubit `qhi` down to the classical wires
/// with a double line (`╫` over qubits, `╬` over other registers).
inline void add_classical(Item& item, const Wires& wires, unsigned qhi, const ClassicalPart& part) {
  const long last_reg = std::max(part.measure_reg, part.condition_reg);
  if (last_reg < 0) return;
  const unsigned hi = wires.wire_of_creg(static_cast<std::size_t>(last_reg));
  item.extend_to(hi);
  for (unsigned w = qhi + 1; w <= hi; ++w) {
    if (w < wires.num_qubits) {
      item.at(w) = on_wire(U"╫", U'║', U'║');
      continue;
    }
    const long reg = static_cast<long>(w - wires.num_qubits);
    const bool last = w == hi;
    if (reg == part.condition_reg) {
      // Qiskit's bundled condition: a dot on the register, the value below it.
      const std::size_t width = std::max<std::size_t>(3, part.condition_label.size());
      item.at(w) = make_cell(center(U"║", width, U' '), center(U"■", width, U'═'),
                             last ? center(part.condition_label, width, U' ') : center(U"║", width, U' '));
    } else if (reg == part.measure_reg && last) {
      const std::size_t width = std::max<std::size_t>(3, part.measure_index.size());
      item.at(w) =
          make_cell(center(U"║", width, U' '), center(U"╩", width, U'═'), center(part.measure_index, width, U' '));
    } else {
      item.at(w) = on_wire(U"╬", U'║', U'║', U'═');
    }
  }
}

inline ClassicalPart condition_part(const Operation& op, const Wires& wires) {
  ClassicalPart part;
  if (!op.condition || wires.cregs.empty()) return part;
  const Condition& cond = *op.condition;
  const std::size_t k = wires.creg_of(cond.first);
  const Register& reg = wires.cregs[k];
  char hex[32];
  std::snprintf(hex, sizeof hex, "0x%llx", cond.value);
  std::string label = hex;
  if (cond.first != reg.offset || cond.width != reg.size) {
    const unsigned from = cond.first - reg.offset;
    label = "[" + std::to_string(from) + ":" + std::to_string(from + cond.width - 1) + "]=" + label;
  }
  part.condition_reg = static_cast<long>(k);
  part.condition_label = decode(label);
  return part;
}

/// A gate or a channel: boxes, dots, swap crosses and the lines between them.
inline Item gate_item(const Operation& op, const Wires& wires) {
  const std::vector<qubit_t> qubits = op.qubits();
  const unsigned qlo = *std::min_element(qubits.begin(), qubits.end());
  const unsigned qhi = *std::max_element(qubits.begin(), qubits.end());
  const ClassicalPart classical = condition_part(op, wires);
  const bool to_classical = classical.condition_reg >= 0;
  Item item(qlo, qhi);
  auto up = [&](unsigned w) { return w > qlo ? U'│' : no_line; };
  auto down = [&](unsigned w) { return w < qhi ? U'│' : to_classical ? U'║' : no_line; };
  const bool is_gate = op.kind == OpKind::gate;
  const bool controlled = is_gate && !op.controls.empty();
  const Text label = decode(box_text(op));

  if (controlled && op.gate == GateId::p) {
    for (qubit_t q : qubits) item.at(q) = phase_dot(label.size(), up(q), down(q), q == qhi ? &label : nullptr);
  } else {
    if (is_gate && op.gate == GateId::swap) {
      for (qubit_t t : op.targets) item.at(t) = on_wire(U"X", up(t), down(t));
    } else if (controlled && op.gate == GateId::z) {
      for (qubit_t t : op.targets) item.at(t) = on_wire(U"■", up(t), down(t));
    } else if (op.targets.size() == 1) {
      const qubit_t t = op.targets[0];
      item.at(t) = box(label, t > qlo ? U'┴' : no_line, t < qhi ? U'┬' : to_classical ? U'╥' : no_line);
    } else {
      const unsigned blo = *std::min_element(op.targets.begin(), op.targets.end());
      const unsigned bhi = *std::max_element(op.targets.begin(), op.targets.end());
      std::vector<qubit_t> covered;
      for (qubit_t c : op.controls)
        if (c > blo && c < bhi) covered.push_back(c);
      multi_box(item, op.targets, covered, label, blo > qlo ? U'┴' : no_line,
                bhi < qhi      ? U'┬'
                : to_classical ? U'╥'
                               : no_line);
    }
    for (qubit_t c : op.controls)
      if (!item.at(c).used) item.at(c) = on_wire(U"■", up(c), down(c));
  }
  for (unsigned w = qlo; w <= qhi; ++w)
    if (!item.at(w).used) item.at(w) = on_wire(U"┼", U'│', U'│');
  add_classical(item, wires, qhi, classical);
  return item;
}

/// The drawable pieces of one operation (a measurement of several qubits is
/// one piece per qubit, in order, as Qiskit draws measure_all).
inline std::vector<Item> op_items(const Operation& op, const Wires& wires) {
  std::vector<Item> items;
  switch (op.kind) {
    case OpKind::measure:
      for (std::size_t j = 0; j < op.targets.size() && j < op.clbits.size(); ++j) {
        const qubit_t q = op.targets[j];
        ClassicalPart part = condition_part(op, wires);
        const std::size_t k = wires.creg_of(op.clbits[j]);
        part.measure_reg = static_cast<long>(k);
        part.measure_index = decode(std::to_string(op.clbits[j] - wires.cregs[k].offset));
        Item item(q, q);
        item.at(q) = make_cell(U"┌─┐", U"┤M├", U"└╥┘");
        add_classical(item, wires, q, part);
        items.push_back(std::move(item));
      }
      break;
    case OpKind::reset:
      for (qubit_t q : op.targets) {
        const ClassicalPart part = condition_part(op, wires);
        Item item(q, q);
        item.at(q) = on_wire(U"|0>", no_line, part.condition_reg >= 0 ? U'║' : no_line);
        add_classical(item, wires, q, part);
        items.push_back(std::move(item));
      }
      break;
    case OpKind::barrier:
      if (!op.targets.empty()) {
        Item item(*std::min_element(op.targets.begin(), op.targets.end()),
                  *std::max_element(op.targets.begin(), op.targets.end()));
        for (qubit_t q : op.targets) item.at(q) = on_wire(U"░", U'░', U'░');
        items.push_back(std::move(item));
      }
      break;
    case OpKind::gate:
    case OpKind::channel:
      if (!op.targets.empty()) items.push_back(gate_item(op, wires));
      break;
  }
  return items;
}

/// Where two rows meet (the bottom row of one wire over the top row of the
/// next): Qiskit's merge_lines for the characters this drawer produces.
inline char32_t merge(char32_t upper, char32_t lower) {
  if (lower == U' ' || upper == lower) return upper;
  if (upper == U' ') return lower;
  if (upper == U'└' && lower == U'┌') return U'├';
  if (upper == U'┘' && lower == U'┐') return U'┤';
  if (upper == U'─' && (lower == U'┌' || lower == U'┐')) return U'┬';
  if ((upper == U'└' || upper == U'┘') && lower == U'─') return U'┴';
  if (lower == U'│' || lower == U'║') return upper;  // a line ends in a ┬ or ╥
  return lower;
}

/// A layer's cells for every wire, padded to the layer's width.
struct Column {
  std::size_t width = 0;
  std::vector<Cell> cells;
};

inline Column make_column(const std::vector<const Item*>& items, const Wires& wires, std::size_t min_width = 0) {
  std::vector<Cell> cells(wires.size());
  for (const Item* item : items)
    for (unsigned w = item->lo; w <= item->hi; ++w)
      if (item->cells[w - item->lo].used) cells[w] = item->cells[w - item->lo];
  std::size_t left = (min_width > 0 ? (min_width - 1) / 2 : 0), right = min_width - left;
  for (const Cell& c : cells)
    if (c.used) {
      left = std::max(left, c.axis);
      right = std::max(right, c.mid.size() - c.axis);
    }
  Column col;
  col.width = left + right;
  for (unsigned w = 0; w < wires.size(); ++w) {
    const char32_t wire = w < wires.num_qubits ? U'─' : U'═';
    Cell& c = cells[w];
    if (!c.used) {
      c = make_cell(Text(col.width, U' '), Text(col.width, wire), Text(col.width, U' '));
      continue;
    }
    const std::size_t pad_left = left - c.axis, pad_right = col.width - c.mid.size() - pad_left;
    c.top = Text(pad_left, U' ') + c.top + Text(pad_right, U' ');
    c.mid = Text(pad_left, wire) + c.mid + Text(pad_right, wire);
    c.bot = Text(pad_left, U' ') + c.bot + Text(pad_right, U' ');
  }
  col.cells = std::move(cells);
  return col;
}

}  // namespace drawing
}  // namespace detail

/**
 * The circuit as text in the style of Qiskit's text drawer (see the rules at
 * the top of this header), folded into pages of at most `width` columns;
 * `width == 0` never folds. Lines are joined by '\n', with no final newline.
 */
inline std::string draw(const Circuit& c, unsigned width = 80) {
  using namespace detail::drawing;
  Wires wires;
  wires.num_qubits = c.num_qubits();
  wires.cregs = c.cregs();
  const unsigned num_wires = wires.size();
  if (num_wires == 0) return "";

  std::vector<Text> labels(num_wires);
  for (const Register& r : c.qregs())
    for (unsigned i = 0; i < r.size; ++i) labels[r.offset + i] = decode(r.name + "_" + std::to_string(i) + ": ");
  for (std::size_t k = 0; k < wires.cregs.size(); ++k)
    labels[wires.wire_of_creg(k)] = decode(wires.cregs[k].name + ": " + std::to_string(wires.cregs[k].size) + "/");
  std::size_t label_width = 0;
  for (const Text& l : labels) label_width = std::max(label_width, l.size());

  // Layers: each piece after the last layer using any wire of its span.
  std::vector<Item> items;
  for (const Operation& op : c.operations())
    for (Item& item : op_items(op, wires)) items.push_back(std::move(item));
  std::vector<std::vector<const Item*>> layers;
  std::vector<std::size_t> next_free(num_wires, 0);
  for (const Item& item : items) {
    std::size_t layer = 0;
    for (unsigned w = item.lo; w <= item.hi; ++w) layer = std::max(layer, next_free[w]);
    for (unsigned w = item.lo; w <= item.hi; ++w) next_free[w] = layer + 1;
    if (layer >= layers.size()) layers.resize(layer + 1);
    layers[layer].push_back(&item);
  }
  std::vector<Column> columns;
  for (const auto& layer : layers) columns.push_back(make_column(layer, wires));
  if (columns.empty()) columns.push_back(make_column({}, wires, 3));

  // Pages: [first, last) column ranges; a cut page needs one more column for '»'.
  std::vector<std::pair<std::size_t, std::size_t>> pages;
  std::size_t first = 0, used = label_width;
  for (std::size_t j = 0; j < columns.size(); ++j) {
    const std::size_t need = used + columns[j].width + (j + 1 < columns.size() ? 1 : 0);
    if (width != 0 && j > first && need > width) {
      pages.emplace_back(first, j);
      first = j;
      used = 1 + label_width;
    }
    used += columns[j].width;
  }
  pages.emplace_back(first, columns.size());

  std::string out;
  for (std::size_t p = 0; p < pages.size(); ++p) {
    const Text open = p > 0 ? U"«" : U"", close = p + 1 < pages.size() ? U"»" : U"";
    std::vector<Text> top(num_wires), mid(num_wires), bot(num_wires);
    for (unsigned w = 0; w < num_wires; ++w) {
      top[w] = open + Text(label_width, U' ');
      mid[w] = open + Text(label_width - labels[w].size(), U' ') + labels[w];
      bot[w] = top[w];
      for (std::size_t j = pages[p].first; j < pages[p].second; ++j) {
        top[w] += columns[j].cells[w].top;
        mid[w] += columns[j].cells[w].mid;
        bot[w] += columns[j].cells[w].bot;
      }
      top[w] += close;
      mid[w] += close;
      bot[w] += close;
    }
    std::vector<Text> lines{top[0]};
    for (unsigned w = 0; w < num_wires; ++w) {
      lines.push_back(mid[w]);
      Text row = bot[w];
      if (w + 1 < num_wires)
        for (std::size_t i = 0; i < row.size(); ++i) row[i] = merge(row[i], top[w + 1][i]);
      lines.push_back(std::move(row));
    }
    if (p > 0) out += "\n\n";
    for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" : "") + encode(lines[i]);
  }
  return out;
}

QSIM_END_NAMESPACE
