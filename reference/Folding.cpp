//===- Folding.cpp - Constants, folded the way the compiler folds them ----===//
//
// One bottom-up pass: leaves that are program constants become constants;
// a call written on constants folds in double (the language's rule); any
// other operation whose operands all became constants folds with the
// Evaluator at compile time; a division by a constant that is left becomes
// a multiplication by the reciprocal.
//
//===----------------------------------------------------------------------===//

#include "Folding.h"

#include <algorithm>

using namespace snnc;
using namespace snnc::model;
using namespace snnc::reference;

ExprP reference::makeRawNode(Op op, std::vector<ExprP> args) {
  auto expr = std::make_shared<Expr>();
  expr->op = op;
  expr->args = std::move(args);
  return expr;
}

ExprP reference::makeRawCall(Builtin fn, std::vector<ExprP> args) {
  auto expr = std::make_shared<Expr>();
  expr->op = Op::Call;
  expr->fn = fn;
  expr->args = std::move(args);
  return expr;
}

ExprP reference::foldConstants(
    const ExprP &expr, const Evaluator &eval,
    llvm::function_ref<std::optional<double>(const Expr &)> constantLeaf) {
  if (expr->op == Op::Constant)
    return expr;
  if (expr->args.empty()) {
    if (std::optional<double> value = constantLeaf(*expr))
      return makeConstant(eval.round(*value), expr->unit);
    return expr;
  }
  // Calls written on constants: the language's rule (double, one rounding).
  auto isConstant = [](const ExprP &e) { return e->op == Op::Constant; };
  if (expr->op == Op::Call &&
      std::all_of(expr->args.begin(), expr->args.end(), isConstant))
    return makeConstant(
        eval.round(evaluate(*expr, [](const Expr &) { return 0.0; })),
        expr->unit);

  std::vector<ExprP> args;
  bool changed = false;
  for (const ExprP &arg : expr->args) {
    args.push_back(foldConstants(arg, eval, constantLeaf));
    changed |= args.back() != arg;
  }
  ExprP rebuilt = expr;
  if (changed) {
    auto copy = std::make_shared<Expr>(*expr);
    copy->args = args;
    rebuilt = copy;
  }
  if (expr->op == Op::Div && !isConstant(args[0]) && isConstant(args[1]))
    if (std::optional<double> reciprocal =
            eval.reciprocal(eval.round(args[1]->value)))
      return makeRawNode(Op::Mul, {args[0], makeConstant(*reciprocal)});
  if (expr->isBoolean || !std::all_of(args.begin(), args.end(), isConstant))
    return rebuilt;

  // The compiler's folder: the working precision, libm for functions.
  auto value = [&](unsigned i) { return eval.round(args[i]->value); };
  double folded;
  switch (expr->op) {
  case Op::Negate:
    folded = -value(0);
    break;
  case Op::Add:
    folded = eval.add(value(0), value(1));
    break;
  case Op::Sub:
    folded = eval.sub(value(0), value(1));
    break;
  case Op::Mul:
    folded = eval.mul(value(0), value(1));
    break;
  case Op::Div:
    folded = eval.div(value(0), value(1));
    break;
  case Op::Pow:
    folded = eval.power(value(0), value(1), true, When::CompileTime);
    break;
  case Op::Call: {
    std::vector<double> values;
    for (unsigned i = 0; i < args.size(); ++i)
      values.push_back(value(i));
    folded = eval.call(expr->fn, values, When::CompileTime);
    break;
  }
  default:
    return rebuilt;
  }
  return makeConstant(folded, expr->unit);
}
