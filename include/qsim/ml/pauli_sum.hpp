#pragma once
#include <cctype>
#include <cmath>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {

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
 * repeated qubits and non-finite weights are refused.
 * @code
 *   qsim::ml::PauliSum h{{0.5, "Z0 Z1"}, {-1.2, "X2"}};
 *   h.add(0.1, "Y0 Y1");
 *   double e = qsim::ml::expectation(psi, h);
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

}  // namespace ml
QSIM_END_NAMESPACE
