//===- Jacobian.cpp - df/dx by the compiler's rules -----------------------===//
//
// A recursive derivative over the expression tree, one case per operation,
// with null standing for a derivative that is 0 (a term that does not
// depend on x is dropped, not added as 0), as in Jacobian.h.
//
//===----------------------------------------------------------------------===//

#include "Jacobian.h"

#include "Folding.h"

using namespace snnc;
using namespace snnc::model;
using namespace snnc::reference;

namespace {

class Differentiator {
public:
  explicit Differentiator(llvm::function_ref<bool(const Expr &)> isX)
      : isX(isX) {}

  /// df/dx; null means 0. Sets `ok` to false where there is no rule.
  ExprP derive(const ExprP &f);
  bool ok = true;

private:
  bool dependsOnX(const Expr &e) const {
    if (e.args.empty())
      return e.op != Op::Constant && isX(e);
    for (const ExprP &arg : e.args)
      if (dependsOnX(*arg))
        return true;
    return false;
  }
  // Null-aware builders: a null operand is a derivative that is 0.
  static ExprP add(ExprP a, ExprP b) {
    if (!a)
      return b;
    if (!b)
      return a;
    return makeRawNode(Op::Add, {a, b});
  }
  static ExprP mul(ExprP a, ExprP b) {
    if (!a || !b)
      return nullptr;
    return makeRawNode(Op::Mul, {a, b});
  }
  static ExprP neg(ExprP a) {
    return a ? makeRawNode(Op::Negate, {a}) : nullptr;
  }
  ExprP fail() {
    ok = false;
    return nullptr;
  }

  llvm::function_ref<bool(const Expr &)> isX;
};

ExprP Differentiator::derive(const ExprP &f) {
  if (f->args.empty() && f->op != Op::Constant && isX(*f))
    return makeConstant(1.0);
  if (!dependsOnX(*f))
    return nullptr;
  auto d = [&](unsigned i) { return derive(f->args[i]); };
  switch (f->op) {
  case Op::Add:
    return add(d(0), d(1));
  case Op::Sub:
    return add(d(0), neg(d(1)));
  case Op::Mul:
    return add(mul(d(0), f->args[1]), mul(d(1), f->args[0]));
  case Op::Div: {
    ExprP da = d(0), db = d(1);
    const ExprP &b = f->args[1];
    ExprP first = da ? makeRawNode(Op::Div, {da, b}) : nullptr;
    ExprP second = db ? makeRawNode(Op::Div, {mul(db, f), b}) : nullptr;
    return add(first, neg(second));
  }
  case Op::Negate:
    return neg(d(0));
  case Op::Pow: {
    const ExprP &base = f->args[0], &exponent = f->args[1];
    if (exponent->op == Op::Constant && exponent->value == 2) {
      ExprP da = d(0); // emitted as base * base
      return add(mul(da, base), mul(da, base));
    }
    if (dependsOnX(*exponent))
      return fail();
    ExprP reduced = makeRawNode(Op::Sub, {exponent, makeConstant(1.0)});
    ExprP power = makeRawNode(Op::Pow, {base, reduced});
    return mul(d(0), makeRawNode(Op::Mul, {exponent, power}));
  }
  case Op::Call: {
    const ExprP &a = f->args[0];
    switch (f->fn) {
    case Builtin::Exp:
      return mul(d(0), f);
    case Builtin::Log:
      return makeRawNode(Op::Div, {d(0), a});
    case Builtin::Sqrt:
      return makeRawNode(Op::Div,
                         {d(0), makeRawNode(Op::Mul, {makeConstant(2.0), f})});
    case Builtin::Tanh:
      return mul(d(0), makeRawNode(Op::Sub, {makeConstant(1.0),
                                             makeRawNode(Op::Mul, {f, f})}));
    case Builtin::Sin:
      return mul(d(0), makeRawCall(Builtin::Cos, {a}));
    case Builtin::Cos:
      return mul(d(0),
                 makeRawNode(Op::Negate, {makeRawCall(Builtin::Sin, {a})}));
    default:
      return fail();
    }
  }
  case Op::Select: {
    // As the compiler: the chosen value's derivative, for a condition that
    // does not depend on x; 0 for a value that does not depend on it.
    if (dependsOnX(*f->args[0]))
      return fail();
    ExprP da = d(1), db = d(2);
    return makeRawNode(Op::Select, {f->args[0], da ? da : makeConstant(0.0),
                                    db ? db : makeConstant(0.0)});
  }
  default:
    return fail();
  }
}

} // namespace

Derivative reference::derivativeOf(const ExprP &f,
                                   llvm::function_ref<bool(const Expr &)> isX) {
  Differentiator differentiator(isX);
  Derivative out;
  out.derivative = differentiator.derive(f);
  out.ok = differentiator.ok;
  if (!out.ok)
    out.derivative = nullptr;
  return out;
}
