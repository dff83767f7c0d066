//===- IntegrateOdes.cpp - ODE steps as arithmetic ------------------------===//
//
// Replaces each `snn.integrate` by its integrator's formula:
//
//   euler      x + dt * f
//   exp_euler  x + dt * exprel(dt * J) * f,   J = df/dx
//
// exp_euler is brainstate's exponential Euler with a diagonal Jacobian. J is
// derived symbolically from the ops that compute f: every arith/math op on
// a path from x to f is differentiated by its rule, everything else is
// constant with respect to x. For the seed's LIF neuron the conductances of
// the COBA outputs enter J, exactly as in brainpy.state.
//
//===----------------------------------------------------------------------===//

#include "snnc/compiler/Dialect/Snn.h"
#include "snnc/compiler/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace snnc::snn;

namespace {

/// Builds df/dx next to an integrate op. A null Value means 0, so that
/// terms independent of x cost nothing.
class Differentiator {
public:
  Differentiator(OpBuilder &builder, Location loc, Value x)
      : builder(builder), loc(loc), x(x) {}

  /// df/dx, or failure when an op on a path from x is not differentiable.
  FailureOr<Value> derivative(Value f);
  Operation *failedAt = nullptr;

private:
  Value constant(Type type, double value) {
    return builder.create<arith::ConstantOp>(loc,
                                             builder.getFloatAttr(type, value));
  }
  Value add(Value a, Value b) {
    if (!a)
      return b;
    if (!b)
      return a;
    return builder.create<arith::AddFOp>(loc, a, b);
  }
  Value mul(Value a, Value b) { // a may be a derivative (null = 0)
    if (!a || !b)
      return Value();
    return builder.create<arith::MulFOp>(loc, a, b);
  }
  Value neg(Value a) {
    return a ? builder.create<arith::NegFOp>(loc, a).getResult() : Value();
  }
  bool dependsOnX(Value v);

  OpBuilder &builder;
  Location loc;
  Value x;
  llvm::DenseMap<Value, bool> depends;
  llvm::DenseMap<Value, Value> memo;
};

bool Differentiator::dependsOnX(Value v) {
  if (v == x)
    return true;
  auto it = depends.find(v);
  if (it != depends.end())
    return it->second;
  bool result = false;
  if (Operation *def = v.getDefiningOp())
    for (Value operand : def->getOperands())
      if (dependsOnX(operand)) {
        result = true;
        break;
      }
  depends[v] = result;
  return result;
}

FailureOr<Value> Differentiator::derivative(Value f) {
  if (f == x)
    return constant(f.getType(), 1.0);
  if (!dependsOnX(f))
    return Value();
  auto cached = memo.find(f);
  if (cached != memo.end())
    return cached->second;

  Operation *op = f.getDefiningOp();
  auto d = [&](unsigned i) { return derivative(op->getOperand(i)); };
  FailureOr<Value> result = failure();
  if (isa<arith::AddFOp, arith::SubFOp>(op)) {
    FailureOr<Value> da = d(0), db = d(1);
    if (succeeded(da) && succeeded(db))
      result = isa<arith::AddFOp>(op) ? add(*da, *db) : add(*da, neg(*db));
  } else if (isa<arith::MulFOp>(op)) {
    FailureOr<Value> da = d(0), db = d(1);
    if (succeeded(da) && succeeded(db))
      result = add(mul(*da, op->getOperand(1)), mul(*db, op->getOperand(0)));
  } else if (isa<arith::DivFOp>(op)) {
    // (a/b)' = a'/b - (a/b) * b'/b
    FailureOr<Value> da = d(0), db = d(1);
    if (succeeded(da) && succeeded(db)) {
      Value b = op->getOperand(1);
      Value first =
          *da ? builder.create<arith::DivFOp>(loc, *da, b).getResult()
              : Value();
      Value second =
          *db ? builder.create<arith::DivFOp>(loc, mul(*db, f), b).getResult()
              : Value();
      result = add(first, neg(second));
    }
  } else if (isa<arith::NegFOp>(op)) {
    FailureOr<Value> da = d(0);
    if (succeeded(da))
      result = neg(*da);
  } else if (auto select = dyn_cast<arith::SelectOp>(op)) {
    FailureOr<Value> da = d(1), db = d(2);
    if (succeeded(da) && succeeded(db) && !dependsOnX(select.getCondition())) {
      Value zero = constant(f.getType(), 0.0);
      result = Value(builder.create<arith::SelectOp>(
          loc, select.getCondition(), *da ? *da : zero, *db ? *db : zero));
    }
  } else if (isa<math::ExpOp>(op)) {
    FailureOr<Value> da = d(0);
    if (succeeded(da))
      result = mul(*da, f);
  } else if (isa<math::LogOp>(op)) {
    FailureOr<Value> da = d(0);
    if (succeeded(da) && *da)
      result = Value(
          builder.create<arith::DivFOp>(loc, *da, op->getOperand(0)));
  } else if (isa<math::SqrtOp>(op)) {
    FailureOr<Value> da = d(0);
    if (succeeded(da) && *da)
      result = Value(builder.create<arith::DivFOp>(
          loc, *da,
          builder.create<arith::MulFOp>(loc, constant(f.getType(), 2.0), f)));
  } else if (isa<math::TanhOp>(op)) {
    FailureOr<Value> da = d(0);
    if (succeeded(da)) {
      Value square = builder.create<arith::MulFOp>(loc, f, f);
      result = mul(*da, builder.create<arith::SubFOp>(
                            loc, constant(f.getType(), 1.0), square));
    }
  } else if (isa<math::SinOp, math::CosOp>(op)) {
    FailureOr<Value> da = d(0);
    if (succeeded(da)) {
      Value a = op->getOperand(0);
      Value slope =
          isa<math::SinOp>(op)
              ? builder.create<math::CosOp>(loc, a).getResult()
              : builder.create<arith::NegFOp>(
                    loc, builder.create<math::SinOp>(loc, a));
      result = mul(*da, slope);
    }
  } else if (auto pow = dyn_cast<math::PowFOp>(op)) {
    // Constant exponents only: (a^n)' = n a^(n-1) a'.
    FailureOr<Value> da = d(0);
    if (succeeded(da) && !dependsOnX(pow.getRhs())) {
      Value reduced = builder.create<arith::SubFOp>(
          loc, pow.getRhs(), constant(f.getType(), 1.0));
      Value power = builder.create<math::PowFOp>(loc, pow.getLhs(), reduced);
      result = mul(*da, builder.create<arith::MulFOp>(loc, pow.getRhs(),
                                                      power));
    }
  }
  if (failed(result)) {
    if (!failedAt)
      failedAt = op;
    return failure();
  }
  memo[f] = *result;
  return result;
}

struct IntegrateOdesPass
    : PassWrapper<IntegrateOdesPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(IntegrateOdesPass)
  StringRef getArgument() const final { return "snn-integrate"; }
  StringRef getDescription() const final {
    return "Replace snn.integrate by euler or exp_euler arithmetic";
  }

  void runOnOperation() override {
    SmallVector<IntegrateOp> steps;
    getOperation().walk([&](IntegrateOp op) { steps.push_back(op); });
    bool ok = true;
    for (IntegrateOp op : steps)
      ok &= succeeded(lower(op));
    if (!ok)
      signalPassFailure();
  }

  LogicalResult lower(IntegrateOp op) {
    OpBuilder builder(op);
    Location loc = op.getLoc();
    Type type = op.getType();
    Value x = op.getState(), f = op.getRhs();
    Value dt = builder.create<arith::ConstantOp>(
        loc, builder.getFloatAttr(type, op.getDt().convertToDouble()));
    Value increment;
    if (op.getMethod() == "euler") {
      increment = builder.create<arith::MulFOp>(loc, dt, f);
    } else {
      Differentiator differentiator(builder, loc, x);
      FailureOr<Value> jacobian = differentiator.derivative(f);
      if (failed(jacobian)) {
        InFlightDiagnostic diag =
            op.emitError("exp_euler needs the derivative of this right-hand "
                         "side with respect to its state, but '")
            << differentiator.failedAt->getName()
            << "' is not differentiable; use 'using euler'";
        return failure();
      }
      Value j = *jacobian ? *jacobian
                          : builder.create<arith::ConstantOp>(
                                loc, builder.getFloatAttr(type, 0.0));
      Value scaled = builder.create<arith::MulFOp>(loc, dt, j);
      Value factor = builder.create<arith::MulFOp>(
          loc, dt, builder.create<ExprelOp>(loc, scaled));
      increment = builder.create<arith::MulFOp>(loc, factor, f);
    }
    Value next = builder.create<arith::AddFOp>(loc, x, increment);
    op.replaceAllUsesWith(next);
    op.erase();
    return success();
  }
};

} // namespace

std::unique_ptr<Pass> snnc::createIntegrateOdesPass() {
  return std::make_unique<IntegrateOdesPass>();
}
