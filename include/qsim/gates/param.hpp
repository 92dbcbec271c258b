#pragma once
#include <cmath>
#include <cstddef>
#include <string>

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

/**
 * A gate angle: a constant, or `scale * v + offset` where v is one trainable
 * weight or one input feature (enough for data re-uploading).
 * @code
 *   c.rx(0.25, 0);                              // constant
 *   c.ry(qsim::weight(3), 1);                   // trainable weight 3
 *   c.rz(qsim::feature(0, 2.0, 0.5), 2);        // 2 * x[0] + 0.5
 * @endcode
 */
struct Param {
  enum class Source : unsigned char { constant, weight, feature };

  Source source = Source::constant;
  std::size_t index = 0;
  double scale = 1.0;
  double offset = 0.0;  // the value itself for a constant

  Param() = default;
  // Implicit on purpose: every angle argument accepts a plain number.
  Param(double value) : offset(value) {}  // NOLINT(google-explicit-constructor)
  Param(Source s, std::size_t i, double a, double b) : source(s), index(i), scale(a), offset(b) {}

  bool is_constant() const noexcept { return source == Source::constant; }
  bool is_finite() const noexcept { return std::isfinite(scale) && std::isfinite(offset); }

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
    }
    if (!std::isfinite(v))
      throw invalid_argument("gate angle is not finite (" + std::to_string(v) + ") for " + describe());
    return v;
  }

  std::string describe() const {
    switch (source) {
      case Source::weight:
        return "weight " + std::to_string(index);
      case Source::feature:
        return "feature " + std::to_string(index);
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

QSIM_END_NAMESPACE
