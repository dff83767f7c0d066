//===- Calculus.cpp - Substitution and derivatives of typed expressions ---===//
//
// Derivatives simplify as they are built (0 * x = 0, 1 * x = x, x + 0 = x)
// so that, for the seed's LIF neuron, d/dV of (-(V - V_rest) + R*I(V))/tau
// comes out as the short expression brainpy's exp_euler evaluates.
//
//===----------------------------------------------------------------------===//

#include "snnc/dsl/Calculus.h"

#include <functional>

#include <cmath>

using namespace snnc;
using namespace snnc::model;

namespace {

bool isConstant(const ExprP &e, double value) {
  return e->op == Op::Constant && e->value == value;
}

ExprP add(const ExprP &a, const ExprP &b, const Unit &unit) {
  if (isConstant(a, 0))
    return b;
  if (isConstant(b, 0))
    return a;
  return makeNode(Op::Add, {a, b}, unit);
}

ExprP sub(const ExprP &a, const ExprP &b, const Unit &unit) {
  if (isConstant(b, 0))
    return a;
  if (isConstant(a, 0))
    return makeNode(Op::Negate, {b}, unit);
  return makeNode(Op::Sub, {a, b}, unit);
}

ExprP mul(const ExprP &a, const ExprP &b) {
  Unit unit = a->unit * b->unit;
  if (isConstant(a, 0) || isConstant(b, 0))
    return makeConstant(0.0, unit);
  if (isConstant(a, 1))
    return b;
  if (isConstant(b, 1))
    return a;
  return makeNode(Op::Mul, {a, b}, unit);
}

ExprP div(const ExprP &a, const ExprP &b) {
  Unit unit = a->unit / b->unit;
  if (isConstant(a, 0))
    return makeConstant(0.0, unit);
  if (isConstant(b, 1))
    return a;
  return makeNode(Op::Div, {a, b}, unit);
}

ExprP negate(const ExprP &a) {
  if (isConstant(a, 0))
    return a;
  return makeNode(Op::Negate, {a}, a->unit);
}

} // namespace

ExprP model::substitute(const ExprP &expr,
                        llvm::function_ref<ExprP(const ExprP &)> replace) {
  if (expr->op == Op::Constant)
    return expr;
  if (expr->args.empty())
    return replace(expr);
  std::vector<ExprP> args;
  bool changed = false;
  for (const ExprP &arg : expr->args) {
    args.push_back(substitute(arg, replace));
    changed |= args.back() != arg;
  }
  if (!changed)
    return expr;
  if (expr->op == Op::Call)
    return makeCall(expr->fn, std::move(args), expr->unit, expr->range);
  return makeNode(expr->op, std::move(args), expr->unit, expr->range);
}

ExprP model::differentiate(const ExprP &expr,
                           llvm::function_ref<bool(const Expr &)> isVariable) {
  auto d = [&](const ExprP &e) { return differentiate(e, isVariable); };
  // d/dx of anything that does not mention x is 0.
  Unit unit = expr->unit; // refined below only where it matters for printing
  switch (expr->op) {
  case Op::Constant:
    return makeConstant(0.0, unit);
  case Op::Param:
  case Op::State:
  case Op::Input:
  case Op::Time:
  case Op::Dt:
  case Op::NeuronIndex:
  case Op::Weight:
  case Op::SynapseState:
  case Op::TargetState:
  case Op::Random:
    return makeConstant(isVariable(*expr) ? 1.0 : 0.0, Unit());
  case Op::Negate: {
    ExprP da = d(expr->args[0]);
    return da ? negate(da) : nullptr;
  }
  case Op::Add:
  case Op::Sub: {
    ExprP da = d(expr->args[0]), db = d(expr->args[1]);
    if (!da || !db)
      return nullptr;
    return expr->op == Op::Add ? add(da, db, da->unit) : sub(da, db, da->unit);
  }
  case Op::Mul: {
    const ExprP &a = expr->args[0], &b = expr->args[1];
    ExprP da = d(a), db = d(b);
    if (!da || !db)
      return nullptr;
    ExprP left = mul(da, b), right = mul(a, db);
    return add(left, right, left->unit);
  }
  case Op::Div: {
    const ExprP &a = expr->args[0], &b = expr->args[1];
    ExprP da = d(a), db = d(b);
    if (!da || !db)
      return nullptr;
    // (a/b)' = a'/b - a b' / b^2
    ExprP first = div(da, b);
    if (isConstant(db, 0))
      return first;
    ExprP second = div(mul(a, db), mul(b, b));
    return sub(first, second, first->unit);
  }
  case Op::Pow: {
    const ExprP &base = expr->args[0], &exponent = expr->args[1];
    ExprP dExp = d(exponent);
    if (!dExp || !isConstant(dExp, 0))
      return nullptr; // x^f(x) is not needed by any integrator here
    ExprP dBase = d(base);
    if (!dBase)
      return nullptr;
    if (isConstant(dBase, 0))
      return makeConstant(0.0, Unit());
    ExprP reduced = makeNode(Op::Sub, {exponent, makeConstant(1.0)}, Unit());
    ExprP power = makeNode(Op::Pow, {base, reduced}, base->unit);
    return mul(mul(exponent, power), dBase);
  }
  case Op::Call: {
    const ExprP &a = expr->args[0];
    ExprP da = d(a);
    if (!da)
      return nullptr;
    if (isConstant(da, 0) && expr->args.size() == 1)
      return makeConstant(0.0, Unit());
    switch (expr->fn) {
    case Builtin::Exp:
      return mul(expr, da);
    case Builtin::Log:
      return div(da, a);
    case Builtin::Sqrt:
      return div(da, mul(makeConstant(2.0), expr));
    case Builtin::Sin:
      return mul(makeCall(Builtin::Cos, {a}, Unit()), da);
    case Builtin::Cos:
      return negate(mul(makeCall(Builtin::Sin, {a}, Unit()), da));
    case Builtin::Tanh: {
      ExprP square = mul(expr, expr);
      return mul(sub(makeConstant(1.0), square, Unit()), da);
    }
    default:
      return nullptr; // abs, min, max, clip, exprel: not smooth or not needed
    }
  }
  case Op::Select: {
    // Piecewise: the chosen branch's derivative, where the condition does
    // not depend on the variable.
    std::function<bool(const Expr &)> mentions = [&](const Expr &e) {
      if (e.args.empty())
        return e.op != Op::Constant && isVariable(e);
      return llvm::any_of(e.args, [&](const ExprP &a) { return mentions(*a); });
    };
    ExprP da = d(expr->args[1]), db = d(expr->args[2]);
    if (!da || !db || mentions(*expr->args[0]))
      return nullptr;
    return makeNode(Op::Select, {expr->args[0], da, db}, da->unit);
  }
  default:
    return nullptr; // comparisons and logic have no derivative
  }
}
