//===- IntegrateOdes.cpp - ODE steps as arithmetic ------------------------===//
//
// Replaces each `snn.integrate` by its method's formula:
//
//   euler      x + dt * f
//   exp_euler  x + dt * exprel(dt * J) * f,   J = df/dx, per state
//   rk2        x + dt * f(x + dt/2 * f(x), t + dt/2)             (midpoint)
//   rk4        x + dt/6 * (k1 + 2 k2 + 2 k3 + k4)                (classic)
//
// exp_euler is brainstate's exponential Euler with a diagonal Jacobian. J is
// derived symbolically from the ops that compute f: every arith/math op on
// a path from x to f is differentiated by its rule, everything else is
// constant with respect to x. For the seed's LIF neuron the conductances of
// the COBA outputs enter J, exactly as in brainpy.state.
//
// Runge-Kutta stages re-evaluate the right-hand sides: the ops on paths
// from the states (and the time) to them are cloned with the stage's values
// substituted.
//
//===----------------------------------------------------------------------===//

#include "snnc/compiler/Dialect/Snn.h"
#include "snnc/compiler/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/IRMapping.h"
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
      Value first = *da ? builder.create<arith::DivFOp>(loc, *da, b).getResult()
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
      result =
          Value(builder.create<arith::DivFOp>(loc, *da, op->getOperand(0)));
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
      Value slope = isa<math::SinOp>(op)
                        ? builder.create<math::CosOp>(loc, a).getResult()
                        : builder.create<arith::NegFOp>(
                              loc, builder.create<math::SinOp>(loc, a));
      result = mul(*da, slope);
    }
  } else if (auto pow = dyn_cast<math::PowFOp>(op)) {
    // Constant exponents only: (a^n)' = n a^(n-1) a'.
    FailureOr<Value> da = d(0);
    if (succeeded(da) && !dependsOnX(pow.getRhs())) {
      Value reduced = builder.create<arith::SubFOp>(loc, pow.getRhs(),
                                                    constant(f.getType(), 1.0));
      Value power = builder.create<math::PowFOp>(loc, pow.getLhs(), reduced);
      result =
          mul(*da, builder.create<arith::MulFOp>(loc, pow.getRhs(), power));
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

/// Evaluates right-hand sides at other state values and time, by cloning
/// the ops that compute them from the originals.
class StageEvaluator {
public:
  StageEvaluator(OpBuilder &builder, ValueRange states, Value time)
      : builder(builder), states(states), time(time) {}

  SmallVector<Value> evaluate(ValueRange rhs, ValueRange stageStates,
                              Value stageTime) {
    IRMapping mapping;
    for (auto [x, y] : llvm::zip(states, stageStates))
      mapping.map(x, y);
    if (time)
      mapping.map(time, stageTime);
    SmallVector<Value> values;
    for (Value f : rhs)
      values.push_back(clone(f, mapping));
    return values;
  }

private:
  bool dependsOnInputs(Value v) {
    if (llvm::is_contained(states, v) || v == time)
      return true;
    auto it = depends.find(v);
    if (it != depends.end())
      return it->second;
    bool result = false;
    if (Operation *def = v.getDefiningOp())
      result = llvm::any_of(def->getOperands(), [&](Value operand) {
        return dependsOnInputs(operand);
      });
    depends[v] = result;
    return result;
  }
  Value clone(Value v, IRMapping &mapping) {
    if (Value mapped = mapping.lookupOrNull(v))
      return mapped;
    if (!dependsOnInputs(v))
      return v;
    Operation *op = v.getDefiningOp();
    for (Value operand : op->getOperands())
      clone(operand, mapping);
    builder.clone(*op, mapping);
    return mapping.lookup(v);
  }

  OpBuilder &builder;
  SmallVector<Value> states;
  Value time;
  llvm::DenseMap<Value, bool> depends;
};

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
    double step = op.getDt().convertToDouble();
    auto constant = [&](Type type, double value) -> Value {
      return builder.create<arith::ConstantOp>(
          loc, builder.getFloatAttr(type, value));
    };
    auto mulAdd = [&](Value x, double factor, Value k) -> Value {
      Value scaled =
          builder.create<arith::MulFOp>(loc, constant(k.getType(), factor), k);
      return builder.create<arith::AddFOp>(loc, x, scaled);
    };
    SmallVector<Value> states(op.getStates()), rhs(op.getRhs());
    Value time = op.getTime();
    SmallVector<Value> results;
    using snnc::model::Integrator;
    Integrator method = op.getMethod(); // never exact (the verifier)
    if (method == Integrator::Euler) {
      for (auto [x, f] : llvm::zip(states, rhs))
        results.push_back(mulAdd(x, step, f));
    } else if (method == Integrator::ExpEuler) {
      for (auto [x, f] : llvm::zip(states, rhs)) {
        Differentiator differentiator(builder, loc, x);
        FailureOr<Value> jacobian = differentiator.derivative(f);
        if (failed(jacobian)) {
          op.emitError("exp_euler needs the derivative of this right-hand "
                       "side with respect to its state, but '")
              << differentiator.failedAt->getName()
              << "' is not differentiable; use 'using euler'";
          return failure();
        }
        Type type = x.getType();
        Value dt = constant(type, step);
        Value j = *jacobian ? *jacobian : constant(type, 0.0);
        Value scaled = builder.create<arith::MulFOp>(loc, dt, j);
        Value factor = builder.create<arith::MulFOp>(
            loc, dt, builder.create<ExprelOp>(loc, scaled));
        Value increment = builder.create<arith::MulFOp>(loc, factor, f);
        results.push_back(builder.create<arith::AddFOp>(loc, x, increment));
      }
    } else {
      StageEvaluator evaluator(builder, states, time);
      auto shifted = [&](double factor, ValueRange k) {
        SmallVector<Value> values;
        for (auto [x, slope] : llvm::zip(states, k))
          values.push_back(mulAdd(x, factor * step, slope));
        return values;
      };
      auto later = [&](double fraction) -> Value {
        if (!time)
          return Value();
        return builder.create<arith::AddFOp>(
            loc, time, constant(time.getType(), fraction * step));
      };
      if (method == Integrator::RK2) {
        SmallVector<Value> k2 =
            evaluator.evaluate(rhs, shifted(0.5, rhs), later(0.5));
        for (auto [x, slope] : llvm::zip(states, k2))
          results.push_back(mulAdd(x, step, slope));
      } else { // rk4
        SmallVector<Value> k2 =
            evaluator.evaluate(rhs, shifted(0.5, rhs), later(0.5));
        SmallVector<Value> k3 =
            evaluator.evaluate(rhs, shifted(0.5, k2), later(0.5));
        SmallVector<Value> k4 =
            evaluator.evaluate(rhs, shifted(1.0, k3), later(1.0));
        for (size_t i = 0; i < states.size(); ++i) {
          Type type = states[i].getType();
          // (k1 + 2 k2 + 2 k3 + k4), then x + dt/6 * sum.
          Value two = constant(type, 2.0);
          Value sum = builder.create<arith::AddFOp>(
              loc, rhs[i], builder.create<arith::MulFOp>(loc, two, k2[i]));
          sum = builder.create<arith::AddFOp>(
              loc, sum, builder.create<arith::MulFOp>(loc, two, k3[i]));
          sum = builder.create<arith::AddFOp>(loc, sum, k4[i]);
          results.push_back(mulAdd(states[i], step / 6.0, sum));
        }
      }
    }
    op.replaceAllUsesWith(results);
    op.erase();
    return success();
  }
};

} // namespace

std::unique_ptr<Pass> snnc::createIntegrateOdesPass() {
  return std::make_unique<IntegrateOdesPass>();
}
