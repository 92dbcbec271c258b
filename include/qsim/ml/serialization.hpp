#pragma once
#include <Eigen/Dense>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <map>
#include <sstream>
#include <string>

#include "qsim/core/config.hpp"
#include "qsim/core/error.hpp"

QSIM_BEGIN_NAMESPACE
namespace ml {

/// Named weight blocks ("quantum", "dense0.w", ...), each a matrix (a vector is one column).
using WeightSet = std::map<std::string, Eigen::MatrixXd>;

/**
 * Writes weights as text: a header line `qsim-weights 1`, then per block
 * `name rows cols` and its values row by row with 17 significant digits, so
 * that loading gives back the same doubles.
 * @code
 *   qsim::ml::save_weights("model.txt", {{"quantum", layer.weights()}, {"dense.w", dense.weights()}});
 * @endcode
 */
inline void save_weights(const std::string& path, const WeightSet& weights) {
  std::ostringstream s;
  s << "qsim-weights 1\n" << std::setprecision(std::numeric_limits<double>::max_digits10);
  for (const auto& [name, m] : weights) {
    if (name.empty() || name.find_first_of(" \t\n") != std::string::npos)
      throw invalid_argument("weight block name '" + name + "' is empty or contains white space");
    s << name << ' ' << m.rows() << ' ' << m.cols() << '\n';
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
      for (Eigen::Index c = 0; c < m.cols(); ++c) s << (c ? " " : "") << m(r, c);
      s << '\n';
    }
  }
  std::ofstream out(path);
  if (!out) throw error("cannot open '" + path + "' for writing");
  out << s.str();
  if (!out) throw error("could not write '" + path + "'");
}

/// Reads a file written by save_weights(); refuses anything malformed.
inline WeightSet load_weights(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw error("cannot open '" + path + "' for reading");
  std::string magic;
  int version = 0;
  if (!(in >> magic >> version) || magic != "qsim-weights" || version != 1)
    throw invalid_argument("'" + path + "' is not a qsim weights file (version 1)");
  WeightSet out;
  std::string name;
  while (in >> name) {
    long rows = -1, cols = -1;
    // Divided, not multiplied: rows * cols of two large values overflows.
    constexpr long max_values = 1L << 30;
    if (!(in >> rows >> cols) || rows < 0 || cols < 0 || (cols > 0 && rows > max_values / cols))
      throw invalid_argument("'" + path + "': bad shape for block '" + name + "' (at most " +
                             std::to_string(max_values) + " values, each dimension non-negative)");
    Eigen::MatrixXd m(rows, cols);
    for (Eigen::Index r = 0; r < rows; ++r)
      for (Eigen::Index c = 0; c < cols; ++c)
        if (!(in >> m(r, c)) || !std::isfinite(m(r, c)))
          throw invalid_argument("'" + path + "': block '" + name + "' is truncated or has a non-number");
    if (!out.emplace(name, m).second) throw invalid_argument("'" + path + "': block '" + name + "' appears twice");
  }
  return out;
}

}  // namespace ml
QSIM_END_NAMESPACE
