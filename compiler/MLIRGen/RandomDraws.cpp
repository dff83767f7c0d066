//===- RandomDraws.cpp - rand() and randn() inside the step ---------------===//
//
// A run-time draw is the Philox4x32-10 block of a counter made of the
// neuron, the step, the population and the call site (runtime/Random.h),
// computed with 32-bit integer arithmetic in the neuron loop: no generator
// state, so every target and every partition of the neurons draws the same
// numbers, and the loop stays vectorisable.
//
//===----------------------------------------------------------------------===//

#include "Builder.h"

#include "snnc/runtime/Random.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace snnc;
using namespace snnc::mlirgen;

static_assert(model::maxDrawSites == rt::kMaxDrawSites &&
                  model::maxDrawPopulations == rt::kMaxDrawPopulations,
              "the front end's limits are the counter's");

namespace {

/// Philox4x32-10 on i32 values, operation for operation as
/// rt::philox4x32.
std::array<Value, 4> philox(mlir::OpBuilder &b, mlir::Location loc,
                            std::array<Value, 4> c, std::array<Value, 2> k) {
  using namespace mlir::arith;
  auto word = [&](uint32_t value) -> Value {
    return b.create<ConstantIntOp>(loc, static_cast<int32_t>(value), 32);
  };
  Value m0 = word(rt::philox_detail::kMultiplier0);
  Value m1 = word(rt::philox_detail::kMultiplier1);
  Value w0 = word(rt::philox_detail::kWeyl0);
  Value w1 = word(rt::philox_detail::kWeyl1);
  for (int r = 0; r < 10; ++r) {
    if (r > 0) {
      k[0] = b.create<AddIOp>(loc, k[0], w0);
      k[1] = b.create<AddIOp>(loc, k[1], w1);
    }
    auto p0 = b.create<MulUIExtendedOp>(loc, m0, c[0]);
    auto p1 = b.create<MulUIExtendedOp>(loc, m1, c[2]);
    Value hi0 = p0.getHigh(), lo0 = p0.getLow();
    Value hi1 = p1.getHigh(), lo1 = p1.getLow();
    c = {b.create<XOrIOp>(loc, b.create<XOrIOp>(loc, hi1, c[1]), k[0]), lo1,
         b.create<XOrIOp>(loc, b.create<XOrIOp>(loc, hi0, c[3]), k[1]), lo0};
  }
  return c;
}

} // namespace

Value ProgramBuilder::uniformFromBits(Value high, Value low) {
  using namespace mlir::arith;
  auto i32 = [&](int32_t value) -> Value {
    return builder.create<ConstantIntOp>(loc, value, 32);
  };
  if (!layout.doublePrecision) {
    // float(bits >> 8) * 2^-24: every value exact, never 1.
    Value top = builder.create<ShRUIOp>(loc, high, i32(8));
    return builder.create<MulFOp>(loc, builder.create<UIToFPOp>(loc, real, top),
                                  constant(1.0 / 16777216.0));
  }
  // 27 bits of `high` over 26 of `low`, times 2^-53.
  mlir::Type i64 = builder.getI64Type();
  Value upper = builder.create<ShLIOp>(
      loc,
      builder.create<ExtUIOp>(loc, i64,
                              builder.create<ShRUIOp>(loc, high, i32(5))),
      builder.create<ConstantIntOp>(loc, 26, 64));
  Value lower = builder.create<ExtUIOp>(
      loc, i64, builder.create<ShRUIOp>(loc, low, i32(6)));
  Value mantissa = builder.create<OrIOp>(loc, upper, lower);
  return builder.create<MulFOp>(loc,
                                builder.create<UIToFPOp>(loc, real, mantissa),
                                constant(1.0 / 9007199254740992.0));
}

std::array<Value, 4> ProgramBuilder::drawBlock(unsigned pop, unsigned site,
                                               Value j, Value step) {
  using namespace mlir::arith;
  mlir::Type i32 = builder.getI32Type(), i64 = builder.getI64Type();
  Value neuron = builder.create<TruncIOp>(
      loc, i32, builder.create<IndexCastOp>(loc, i64, j));
  Value stepLow = builder.create<TruncIOp>(loc, i32, step);
  Value stepHigh = builder.create<TruncIOp>(
      loc, i32,
      builder.create<ShRUIOp>(loc, step,
                              builder.create<ConstantIntOp>(loc, 32, 64)));
  uint32_t tag = rt::stepDrawCounter(pop, site, 0, 0)[3];
  Value siteWord =
      builder.create<ConstantIntOp>(loc, static_cast<int32_t>(tag), 32);
  std::array<Value, 2> key = {load(layout.randomKey, index(0)),
                              load(layout.randomKey, index(1))};
  return philox(builder, loc, {neuron, stepLow, stepHigh, siteWord}, key);
}

Value ProgramBuilder::emitPoissonCount(const model::PoissonInput &input,
                                       unsigned pop, Value j, Value step) {
  using namespace mlir::arith;
  std::array<Value, 4> w = drawBlock(pop, input.site, j, step);
  Value u = uniformFromBits(w[0], w[1]);
  // The count is the number of cumulative probabilities at or below u.
  Value count = constant(0.0);
  for (double cumulative : model::poissonTable(input.mean(layout.dtMs))) {
    Value below = builder.create<CmpFOp>(loc, CmpFPredicate::OLE,
                                         constant(cumulative), u);
    count = builder.create<AddFOp>(
        loc, count,
        builder.create<SelectOp>(loc, below, constant(1.0), constant(0.0)));
  }
  return count;
}

Value ProgramBuilder::emitRandomDraw(const Expr &leaf, unsigned pop, Value j,
                                     Value step) {
  using namespace mlir::arith;
  std::array<Value, 4> w = drawBlock(pop, leaf.index, j, step);

  Value u1 = uniformFromBits(w[0], w[1]);
  if (leaf.draw == model::Draw::Uniform)
    return u1;
  // Box-Muller: sqrt(-2 log(1 - u1)) * cos(2 pi u2).
  Value u2 = uniformFromBits(w[2], w[3]);
  Value radius = builder.create<mlir::math::SqrtOp>(
      loc, builder.create<MulFOp>(
               loc, constant(-2.0),
               builder.create<mlir::math::LogOp>(
                   loc, builder.create<SubFOp>(loc, constant(1.0), u1))));
  Value angle = builder.create<MulFOp>(loc, constant(6.283185307179586), u2);
  Value normal = builder.create<MulFOp>(
      loc, radius, builder.create<mlir::math::CosOp>(loc, angle));
  if (leaf.draw == model::Draw::Normal)
    return normal;
  // White noise: N(0, 1) / sqrt(dt), as a product with the factor
  // rounded once.
  return builder.create<MulFOp>(loc, normal,
                                constant(1.0 / std::sqrt(layout.dtMs)));
}
