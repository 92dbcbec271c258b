#pragma once
// Central finite differences of <H> for every weight and feature of a
// circuit: the reference the gradient tests compare against.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include <qsim/qsim.hpp>

namespace gradcheck {

/// The weights and features a circuit is evaluated at.
struct Inputs {
  std::vector<double> w, x;
  qsim::Binding binding() const { return {w.data(), w.size(), x.data(), x.size()}; }
};

// <H> with the plain simulator, for finite differences.
inline double plain_expectation(const qsim::Circuit& c, const qsim::ml::PauliSum& h, const Inputs& in) {
  qsim::Simulator<double> sim;
  return qsim::ml::expectation(sim.statevector(c, 0, in.binding()), h);
}

// Central differences of <H> for every weight and feature.
inline qsim::ml::Gradient finite_differences(const qsim::Circuit& c, const qsim::ml::PauliSum& h, Inputs in,
                                             double step = 1e-5) {
  qsim::ml::Gradient g;
  for (auto* v : {&in.w, &in.x}) {
    auto& out = v == &in.w ? g.weights : g.features;
    for (auto& value : *v) {
      const double keep = value;
      value = keep + step;
      const double up = plain_expectation(c, h, in);
      value = keep - step;
      const double down = plain_expectation(c, h, in);
      value = keep;
      out.push_back((up - down) / (2 * step));
    }
  }
  return g;
}

inline void require_close(const std::vector<double>& a, const std::vector<double>& b, double tol) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("entry " << i << ": " << a[i] << " vs " << b[i]);
    CHECK(std::abs(a[i] - b[i]) <= tol);
  }
}

}  // namespace gradcheck
