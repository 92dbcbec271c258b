#pragma once
/// Umbrella of the machine-learning layer: observables, exact gradients,
/// the trainable layer, templates and training pieces. Uses Eigen.

#include "qsim/ml/adjoint.hpp"
#include "qsim/ml/dense.hpp"
#include "qsim/ml/expectation.hpp"
#include "qsim/ml/gate_derivative.hpp"
#include "qsim/ml/layer.hpp"
#include "qsim/ml/losses.hpp"
#include "qsim/ml/noisy.hpp"
#include "qsim/ml/optimizers.hpp"
#include "qsim/ml/parameter_shift.hpp"
#include "qsim/ml/pauli_sum.hpp"
#include "qsim/ml/serialization.hpp"
#include "qsim/ml/shift_rule.hpp"
#include "qsim/ml/templates.hpp"
