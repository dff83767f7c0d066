//===- Expressions.cpp - Model expressions as arith and math ops ----------===//

#include "Builder.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace snnc;
using namespace snnc::mlirgen;

Value ProgramBuilder::emit(const ExprP &expr, LeafFn leaf) {
  auto cached = emitted.find(expr);
  if (cached != emitted.end())
    return cached->second;
  using namespace mlir::arith;
  auto arg = [&](unsigned i) { return emit(expr->args[i], leaf); };
  Value result;
  switch (expr->op) {
  case Op::Constant:
    result = constant(expr->value);
    break;
  case Op::Negate:
    result = builder.create<NegFOp>(loc, arg(0));
    break;
  case Op::Add:
    result = builder.create<AddFOp>(loc, arg(0), arg(1));
    break;
  case Op::Sub:
    result = builder.create<SubFOp>(loc, arg(0), arg(1));
    break;
  case Op::Mul:
    result = builder.create<MulFOp>(loc, arg(0), arg(1));
    break;
  case Op::Div:
    result = builder.create<DivFOp>(loc, arg(0), arg(1));
    break;
  case Op::Pow: {
    const ExprP &exponent = expr->args[1];
    if (exponent->op == Op::Constant && exponent->value == 2) {
      Value base = arg(0);
      result = builder.create<MulFOp>(loc, base, base);
    } else {
      result = builder.create<mlir::math::PowFOp>(loc, arg(0), arg(1));
    }
    break;
  }
  case Op::Less:
  case Op::LessEqual:
  case Op::Greater:
  case Op::GreaterEqual:
  case Op::Equal:
  case Op::NotEqual: {
    CmpFPredicate predicate = expr->op == Op::Less        ? CmpFPredicate::OLT
                              : expr->op == Op::LessEqual ? CmpFPredicate::OLE
                              : expr->op == Op::Greater   ? CmpFPredicate::OGT
                              : expr->op == Op::GreaterEqual
                                  ? CmpFPredicate::OGE
                              : expr->op == Op::Equal ? CmpFPredicate::OEQ
                                                      : CmpFPredicate::UNE;
    result = builder.create<CmpFOp>(loc, predicate, arg(0), arg(1));
    break;
  }
  case Op::And:
    result = builder.create<AndIOp>(loc, arg(0), arg(1));
    break;
  case Op::Or:
    result = builder.create<OrIOp>(loc, arg(0), arg(1));
    break;
  case Op::Not:
    result = builder.create<XOrIOp>(loc, arg(0),
                                    builder.create<ConstantIntOp>(loc, 1, 1));
    break;
  case Op::Select: {
    // Operands in order: the condition, then both values (each computed,
    // one chosen: no branch in the neuron loop).
    Value condition = arg(0), value = arg(1), otherwise = arg(2);
    result = builder.create<SelectOp>(loc, condition, value, otherwise);
    break;
  }
  case Op::Call: {
    bool allConstant = llvm::all_of(
        expr->args, [](const ExprP &a) { return a->op == Op::Constant; });
    if (allConstant) { // fold at compile time, in double precision
      result = constant(evaluate(*expr, [](const Expr &) { return 0.0; }));
      break;
    }
    bool allScalar = llvm::all_of(expr->args, [&](const ExprP &a) {
      return a->op == Op::Constant || isScalar(*a);
    });
    if (allScalar) { // the same, on the host, once per run
      auto value = std::make_shared<Expr>(*expr);
      for (ExprP &a : value->args)
        if (std::optional<unsigned> slot = scalarSlot(*a))
          a = scalars.values[*slot];
      result = emit(scalarLeaf(value), leaf);
      break;
    }
    using namespace mlir::math;
    switch (expr->fn) {
    case Builtin::Exp:
      result = builder.create<ExpOp>(loc, arg(0));
      break;
    case Builtin::Log:
      result = builder.create<LogOp>(loc, arg(0));
      break;
    case Builtin::Sqrt:
      result = builder.create<SqrtOp>(loc, arg(0));
      break;
    case Builtin::Abs:
      result = builder.create<AbsFOp>(loc, arg(0));
      break;
    case Builtin::Min:
      result = builder.create<MinimumFOp>(loc, arg(0), arg(1));
      break;
    case Builtin::Max:
      result = builder.create<MaximumFOp>(loc, arg(0), arg(1));
      break;
    case Builtin::Clip:
      result = builder.create<MinimumFOp>(
          loc, builder.create<MaximumFOp>(loc, arg(0), arg(1)), arg(2));
      break;
    case Builtin::Sin:
      result = builder.create<SinOp>(loc, arg(0));
      break;
    case Builtin::Cos:
      result = builder.create<CosOp>(loc, arg(0));
      break;
    case Builtin::Tanh:
      result = builder.create<TanhOp>(loc, arg(0));
      break;
    case Builtin::Exprel:
      result = builder.create<snn::ExprelOp>(loc, arg(0));
      break;
    }
    break;
  }
  case Op::Param:
    if (std::optional<unsigned> slot = scalarSlot(*expr)) {
      result = builder.create<snn::ParamOp>(
          loc, real, static_cast<uint64_t>(*slot), scalars.names[*slot]);
      break;
    }
    result = leaf(*expr);
    break;
  default:
    result = leaf(*expr);
    break;
  }
  emitted[expr] = result;
  return result;
}
