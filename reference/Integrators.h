//===- Integrators.h - One step of a block's ODEs ---------------*- C++ -*-===//
//
// The integrators of docs/language.md, section 9, written out as
// expression trees of the values before the step (State leaves) and the
// step's time t (Time leaf):
//
//   euler      x + dt * f(x, t)
//   exp_euler  x + (dt * exprel(dt * J)) * f(x, t),  J = df/dx (Jacobian.h)
//   rk2        x + dt * k2,  k2 = f(x + (dt/2) k1, t + dt/2)   (midpoint)
//   rk4        x + (dt/6) * (((k1 + 2 k2) + 2 k3) + k4), with
//              k2 = f(x + (dt/2) k1, t + dt/2), k3 = f(x + (dt/2) k2,
//              t + dt/2), k4 = f(x + dt k3, t + dt)
//
// with k1 = f(x, t). The equations of a block that use the same Runge-Kutta
// method form one system: its stages move all of its states together
// (states integrated otherwise keep their old values inside the stages).
// Step factors (dt/2, dt/6) are computed in double, then rounded, as the
// compiled engine does; nothing is folded here (Folding.h does it).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_REFERENCE_INTEGRATORS_H
#define SNNC_REFERENCE_INTEGRATORS_H

#include "snnc/dsl/Diagnostics.h"
#include "snnc/dsl/Model.h"

#include <optional>
#include <vector>

namespace snnc::reference {

/// An equation of a block with its right-hand side ready to evaluate
/// (parameters bound, inputs spelled out).
struct Ode {
  const model::Equation *equation;
  model::ExprP rhs;
};

/// Per state of a block of `numStates` states: its value after one step of
/// `odes` (null for states without an equation). Reports equations that
/// cannot be stepped (`exact`; exp_euler without a derivative) and gives
/// nullopt.
std::optional<std::vector<model::ExprP>> stepOdes(const std::vector<Ode> &odes,
                                                  size_t numStates, double dtMs,
                                                  DiagnosticEngine &diags);

} // namespace snnc::reference

#endif // SNNC_REFERENCE_INTEGRATORS_H
