#pragma once
#include <cctype>
#include <charconv>
#include <cmath>
#include <complex>
#include <initializer_list>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

QSIM_BEGIN_NAMESPACE

/**
 * One weighted Pauli string `coeff * P`, stored as bit masks so that
 * P|k> = i^{num_y} (-1)^{popcount(k & z_mask)} |k ^ x_mask>
 * (X sets a bit of x_mask, Z of z_mask, Y of both since Y = i X Z).
 */
struct PauliTerm {
  double coeff = 0;
  index_t x_mask = 0;
  index_t z_mask = 0;

  unsigned num_y() const noexcept { return static_cast<unsigned>(__builtin_popcountll(x_mask & z_mask)); }
  bool diagonal() const noexcept { return x_mask == 0; }
  /// i^num_y: P|k> = phase() (-1)^popcount(k & z_mask) |k ^ x_mask> (the weight not included).
  std::complex<double> phase() const noexcept {
    static const std::complex<double> powers[4] = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}};
    return powers[num_y() & 3U];
  }
  /// Highest qubit touched + 1 (0 for the identity).
  unsigned width() const noexcept {
    const index_t all = x_mask | z_mask;
    return all == 0 ? 0U : 64U - static_cast<unsigned>(__builtin_clzll(all));
  }
  /// "X0 Y3" style text ("I" for the identity).
  std::string text() const {
    std::string s;
    for (unsigned q = 0; q < width(); ++q) {
      const bool x = (x_mask >> q) & 1U, z = (z_mask >> q) & 1U;
      if (!x && !z) continue;
      if (!s.empty()) s += ' ';
      s += (x && z) ? 'Y' : x ? 'X' : 'Z';
      s += std::to_string(q);
    }
    return s.empty() ? "I" : s;
  }
};

/**
 * A Hermitian observable: a real-weighted sum of Pauli strings with explicit
 * qubit indices. Letters X, Y, Z, I (either case), each followed by its qubit;
 * "" or "I" is the identity. Checked when added: unknown letters, missing or
 * repeated qubits and non-finite weights are refused. Qiskit's labels
 * ("XIZ": the last letter is qubit 0) go through `from_label`, whole sums
 * written as text ("0.5*Z0 Z1 - X2") through `from_text`.
 * @code
 *   qsim::PauliSum h{{0.5, "Z0 Z1"}, {-1.2, "X2"}};
 *   h.add(0.1, "Y0 Y1");
 *   double e = qsim::Simulator<double>().expectation(circuit, h);
 * @endcode
 */
class PauliSum {
 public:
  PauliSum() = default;
  PauliSum(std::initializer_list<std::pair<double, std::string>> terms) {
    for (const auto& [c, s] : terms) add(c, s);
  }

  /// Adds `coeff * pauli`; the same string twice adds up the weights.
  PauliSum& add(double coeff, const std::string& pauli) { return add(parse(coeff, pauli)); }
  PauliSum& add(const PauliTerm& t) {
    if (!std::isfinite(t.coeff))
      throw invalid_argument("Pauli term '" + t.text() + "' has a non-finite weight " + std::to_string(t.coeff));
    for (auto& mine : terms_)
      if (mine.x_mask == t.x_mask && mine.z_mask == t.z_mask) {
        if (!std::isfinite(mine.coeff + t.coeff))
          throw invalid_argument("Pauli term '" + t.text() + "': the summed weight overflows");
        mine.coeff += t.coeff;
        return *this;
      }
    terms_.push_back(t);
    return *this;
  }
  /// Adds every term of `other` scaled by `factor` (used to fold cotangents).
  PauliSum& add(const PauliSum& other, double factor = 1.0) {
    for (auto t : other.terms_) {
      t.coeff *= factor;
      add(t);
    }
    return *this;
  }

  const std::vector<PauliTerm>& terms() const noexcept { return terms_; }
  std::size_t size() const noexcept { return terms_.size(); }
  bool empty() const noexcept { return terms_.empty(); }
  /// Highest qubit any term touches + 1.
  unsigned width() const noexcept {
    unsigned w = 0;
    for (const auto& t : terms_) w = std::max(w, t.width());
    return w;
  }
  /// Refuses to act on a state with fewer than width() qubits.
  void check_fits(unsigned num_qubits) const {
    for (const auto& t : terms_)
      if (t.width() > num_qubits)
        throw invalid_argument("Pauli term '" + t.text() + "' acts on qubit " + std::to_string(t.width() - 1) +
                               ", out of range for a " + std::to_string(num_qubits) + "-qubit state");
  }

  /// `coeff * P` for a Qiskit label: one letter per qubit, the last one
  /// qubit 0 ("XIZ" is X on qubit 2 and Z on qubit 0).
  static PauliSum from_label(const std::string& label, double coeff = 1.0) {
    if (label.empty()) throw invalid_argument("empty Pauli label (expected letters I, X, Y, Z, one per qubit)");
    if (label.size() > max_qubits)
      throw invalid_argument("Pauli label of " + std::to_string(label.size()) + " letters: at most " +
                             std::to_string(max_qubits) + " qubits are supported");
    std::string indexed;
    const std::size_t n = label.size();
    for (std::size_t q = 0; q < n; ++q) {
      const char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(label[n - 1 - q])));
      if (letter != 'I' && letter != 'X' && letter != 'Y' && letter != 'Z')
        throw invalid_argument("Pauli label \"" + label + "\": letter '" + label[n - 1 - q] +
                               "' is not one of I, X, Y, Z");
      if (letter == 'I') continue;
      indexed += letter + std::to_string(q) + " ";
    }
    PauliSum h;
    h.add(coeff, indexed);
    return h;
  }

  /**
   * A whole sum as text: terms joined by + or -, each an optional weight
   * with `*` and a Pauli string ("0.5*Z0 Z1 - X2 + 0.25"). A lone number is
   * a multiple of the identity.
   */
  static PauliSum from_text(const std::string& text) {
    PauliSum h;
    std::size_t i = 0;
    const auto skip_spaces = [&] {
      while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    };
    const auto bad = [&](const std::string& why) {
      return invalid_argument("malformed observable '" + text + "': " + why);
    };
    bool first = true;
    for (;;) {
      skip_spaces();
      if (i == text.size()) break;
      double sign = 1;
      if (text[i] == '+' || text[i] == '-') {
        sign = text[i] == '-' ? -1 : 1;
        ++i;
        skip_spaces();
      } else if (!first) {
        throw bad("expected + or - before '" + text.substr(i) + "'");
      }
      first = false;
      double coeff = 1;
      // from_chars: the C locale's numbers whatever the process locale, no hex.
      const char* start = text.data() + i;
      double number = 0;
      const auto [end, err] = std::from_chars(start, text.data() + text.size(), number);
      if (err == std::errc::result_out_of_range) throw bad("weight out of range");
      if (err == std::errc() && (std::isdigit(static_cast<unsigned char>(*start)) || *start == '.')) {
        std::size_t j = i + static_cast<std::size_t>(end - start);
        while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j]))) ++j;
        if (j < text.size() && text[j] == '*') {
          coeff = number;
          i = j + 1;
        } else if (j == text.size() || text[j] == '+' || text[j] == '-') {
          h.add(sign * number, "");
          i = j;
          continue;
        } else {
          throw bad("expected * after the weight " + text.substr(i, j - i));
        }
      }
      const std::size_t stop = text.find_first_of("+-", i);
      std::string pauli = text.substr(i, stop == std::string::npos ? std::string::npos : stop - i);
      if (pauli.find_first_not_of(" \t") == std::string::npos) throw bad("a term has no Pauli string");
      h.add(sign * coeff, pauli);
      i = stop == std::string::npos ? text.size() : stop;
    }
    if (h.empty()) throw bad("no terms");
    return h;
  }

  /// "0.5*Z0 Z1 - 1*X2" style text that from_text reads back.
  std::string text() const {
    std::string s;
    char buf[64];
    for (const auto& t : terms_) {
      const double magnitude = std::abs(t.coeff);
      *std::to_chars(buf, buf + sizeof buf - 1, magnitude).ptr = '\0';  // shortest round trip, any locale
      if (s.empty())
        s += t.coeff < 0 ? "-" : "";
      else
        s += t.coeff < 0 ? " - " : " + ";
      s += std::string(buf) + "*" + t.text();
    }
    return s.empty() ? "0" : s;
  }

  /// Parses one Pauli string such as "Z0 Z1" or "X2 Y10".
  static PauliTerm parse(double coeff, const std::string& pauli) {
    PauliTerm t;
    t.coeff = coeff;
    index_t used = 0;
    std::size_t i = 0;
    const auto bad = [&](const std::string& why) {
      return invalid_argument("malformed Pauli string '" + pauli + "': " + why);
    };
    while (i < pauli.size()) {
      if (std::isspace(static_cast<unsigned char>(pauli[i]))) {
        ++i;
        continue;
      }
      const char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(pauli[i])));
      if (letter != 'X' && letter != 'Y' && letter != 'Z' && letter != 'I')
        throw bad(std::string("unknown letter '") + pauli[i] + "' (expected X, Y, Z or I)");
      ++i;
      std::size_t start = i;
      unsigned long q = 0;
      while (i < pauli.size() && std::isdigit(static_cast<unsigned char>(pauli[i]))) {
        q = q * 10 + static_cast<unsigned long>(pauli[i] - '0');
        if (q >= max_qubits) throw bad("qubit index too large (at most " + std::to_string(max_qubits - 1) + ")");
        ++i;
      }
      if (i == start) {
        if (letter == 'I' && (i == pauli.size() || std::isspace(static_cast<unsigned char>(pauli[i])))) continue;
        throw bad(std::string("letter ") + letter + " has no qubit index");
      }
      if (i < pauli.size() && !std::isspace(static_cast<unsigned char>(pauli[i])))
        throw bad(std::string("unexpected character '") + pauli[i] + "'");
      const index_t bit = index_t{1} << q;
      if (used & bit) throw bad("qubit " + std::to_string(q) + " appears twice");
      used |= bit;
      if (letter == 'X' || letter == 'Y') t.x_mask |= bit;
      if (letter == 'Z' || letter == 'Y') t.z_mask |= bit;
    }
    return t;
  }

 private:
  std::vector<PauliTerm> terms_;
};

/// sum_i Z_i on qubits 0..n-1 (the usual benchmark observable).
inline PauliSum sum_of_z(unsigned n) {
  PauliSum h;
  for (unsigned q = 0; q < n; ++q) h.add(1.0, "Z" + std::to_string(q));
  return h;
}

QSIM_END_NAMESPACE
