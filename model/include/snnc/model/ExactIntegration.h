//===- ExactIntegration.h - Linear ODEs by their propagator ----*- C++ -*-===//
//
// `using exact` on a system dX/dt = A X + b, with A constant and b held for
// the step (drives, synaptic input): X(t + dt) = e^(A dt) X + P b, where
// P = integral over [0, dt] of e^(A s) ds. Both matrices are computed once,
// at compile time, with Eigen's matrix exponential of the augmented matrix
// [[A, I], [0, 0]] dt, whose upper blocks are e^(A dt) and P. No MLIR here.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MODEL_EXACTINTEGRATION_H
#define SNNC_MODEL_EXACTINTEGRATION_H

#include "snnc/dsl/Model.h"

#include <string>
#include <variant>
#include <vector>

namespace snnc {

/// New values of the states `states` (indices of State leaves) whose
/// right-hand sides are `rhs`, as expressions of the old values; or why
/// the system is not linear with constant coefficients.
std::variant<std::vector<model::ExprP>, std::string>
exactUpdates(const std::vector<model::ExprP> &rhs,
             const std::vector<unsigned> &states, double dtMs);

} // namespace snnc

#endif // SNNC_MODEL_EXACTINTEGRATION_H
