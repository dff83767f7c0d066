//===- Integrators.cpp - One step of a block's ODEs, as expressions -------===//

#include "Integrators.h"

#include "Folding.h"
#include "Jacobian.h"

#include "snnc/dsl/Calculus.h"
#include "snnc/model/ExactIntegration.h"

using namespace snnc;
using namespace snnc::model;
using namespace snnc::reference;

namespace {

ExprP stateLeaf(unsigned s) { return makeLeaf(Op::State, s, Unit()); }

ExprP add(ExprP a, ExprP b) { return makeRawNode(Op::Add, {a, b}); }
ExprP mul(ExprP a, ExprP b) { return makeRawNode(Op::Mul, {a, b}); }

/// x + factor * k, the factor rounded from double.
ExprP mulAdd(ExprP x, double factor, ExprP k) {
  return add(x, mul(makeConstant(factor), k));
}

ExprP expEuler(const Ode &ode, double dtMs, DiagnosticEngine &diags) {
  unsigned s = ode.equation->state;
  Derivative jacobian = derivativeOf(ode.rhs, [&](const Expr &leaf) {
    return leaf.op == Op::State && leaf.index == s;
  });
  if (!jacobian.ok) {
    diags.error(ode.equation->range,
                "exp_euler needs the derivative of this right-hand side "
                "with respect to its state; the reference cannot "
                "differentiate it");
    return nullptr;
  }
  ExprP dt = makeConstant(dtMs);
  ExprP j = jacobian.derivative ? jacobian.derivative : makeConstant(0.0);
  ExprP factor = mul(dt, makeRawCall(Builtin::Exprel, {mul(dt, j)}));
  return add(stateLeaf(s), mul(factor, ode.rhs));
}

/// A system's right-hand sides evaluated at other state values and time.
std::vector<ExprP> stage(const std::vector<const Ode *> &system,
                         const std::vector<ExprP> &states, ExprP time) {
  std::vector<ExprP> k;
  for (const Ode *ode : system)
    k.push_back(substitute(ode->rhs, [&](const ExprP &leaf) -> ExprP {
      if (leaf->op == Op::Time)
        return time;
      if (leaf->op != Op::State)
        return leaf;
      for (size_t m = 0; m < system.size(); ++m)
        if (system[m]->equation->state == leaf->index)
          return states[m];
      return leaf;
    }));
  return k;
}

/// x + (c dt) k for every member.
std::vector<ExprP> shifted(const std::vector<const Ode *> &system,
                           double factor, const std::vector<ExprP> &k) {
  std::vector<ExprP> out;
  for (size_t m = 0; m < system.size(); ++m)
    out.push_back(mulAdd(stateLeaf(system[m]->equation->state), factor, k[m]));
  return out;
}

void rungeKutta(const std::vector<const Ode *> &system, bool fourth,
                double dtMs, std::vector<ExprP> &next) {
  ExprP t = makeLeaf(Op::Time, 0, Unit());
  ExprP half = add(t, makeConstant(0.5 * dtMs));
  std::vector<ExprP> k1;
  for (const Ode *ode : system)
    k1.push_back(ode->rhs);
  std::vector<ExprP> k2 = stage(system, shifted(system, 0.5 * dtMs, k1), half);
  if (!fourth) {
    for (size_t m = 0; m < system.size(); ++m)
      next[system[m]->equation->state] =
          mulAdd(stateLeaf(system[m]->equation->state), dtMs, k2[m]);
    return;
  }
  std::vector<ExprP> k3 = stage(system, shifted(system, 0.5 * dtMs, k2), half);
  std::vector<ExprP> k4 =
      stage(system, shifted(system, dtMs, k3), add(t, makeConstant(dtMs)));
  for (size_t m = 0; m < system.size(); ++m) {
    ExprP two = makeConstant(2.0);
    ExprP sum = add(k1[m], mul(two, k2[m]));
    sum = add(sum, mul(two, k3[m]));
    sum = add(sum, k4[m]);
    next[system[m]->equation->state] =
        mulAdd(stateLeaf(system[m]->equation->state), dtMs / 6.0, sum);
  }
}

} // namespace

std::optional<std::vector<ExprP>>
reference::stepOdes(const std::vector<Ode> &odes, size_t numStates, double dtMs,
                    DiagnosticEngine &diags) {
  std::vector<ExprP> next(numStates);
  std::vector<const Ode *> rk2, rk4, exact;
  bool ok = true;
  for (const Ode &ode : odes) {
    unsigned s = ode.equation->state;
    switch (ode.equation->integrator) {
    case Integrator::Euler:
      next[s] = mulAdd(stateLeaf(s), dtMs, ode.rhs);
      break;
    case Integrator::ExpEuler:
      next[s] = expEuler(ode, dtMs, diags);
      ok &= next[s] != nullptr;
      break;
    case Integrator::RK2:
      rk2.push_back(&ode);
      break;
    case Integrator::RK4:
      rk4.push_back(&ode);
      break;
    case Integrator::Exact:
      exact.push_back(&ode);
      break;
    }
  }
  if (!exact.empty()) {
    // The same propagators as the compiler's (ExactIntegration.h).
    std::vector<ExprP> rhs;
    std::vector<unsigned> states;
    for (const Ode *ode : exact) {
      rhs.push_back(ode->rhs);
      states.push_back(ode->equation->state);
    }
    auto updates = exactUpdates(rhs, states, dtMs);
    if (auto *why = std::get_if<std::string>(&updates)) {
      for (const Ode *ode : exact)
        diags.error(ode->equation->range,
                    "cannot integrate this equation exactly: " + *why);
      ok = false;
    } else {
      auto &values = std::get<std::vector<ExprP>>(updates);
      for (size_t m = 0; m < exact.size(); ++m)
        next[exact[m]->equation->state] = values[m];
    }
  }
  if (!rk2.empty())
    rungeKutta(rk2, /*fourth=*/false, dtMs, next);
  if (!rk4.empty())
    rungeKutta(rk4, /*fourth=*/true, dtMs, next);
  if (!ok)
    return std::nullopt;
  return next;
}
