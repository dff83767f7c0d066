//===- TimeLoop.cpp - snn.time_loop as an scf.for over steps --------------===//

#include "LoopBuilder.h"

#include "snnc/compiler/Transforms/LoopLowering.h"

using namespace mlir;
using namespace snnc::snn;
using snnc::loops::LoopBuilder;

namespace {

/// scf.for over the steps; t = float(step * dt) in f64, rounded once to
/// the state type.
struct LowerTimeLoop : OpRewritePattern<TimeLoopOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TimeLoopOp op,
                                PatternRewriter &rewriter) const override {
    LoopBuilder b(rewriter, op);
    scf::ForOp forOp = b.loop(op.getBegin(), op.getEnd());
    Value step = forOp.getInductionVar();
    Value k = rewriter.create<arith::SIToFPOp>(
        b.loc, rewriter.getF64Type(),
        rewriter.create<arith::IndexCastOp>(b.loc, rewriter.getI64Type(),
                                            step));
    Value t = rewriter.create<arith::MulFOp>(
        b.loc, k, rewriter.create<arith::ConstantOp>(b.loc, op.getDtAttr()));
    if (op.getTimeType() != rewriter.getF64Type())
      t = rewriter.create<arith::TruncFOp>(b.loc, op.getTimeType(), t);
    b.inlineBody(op.getBody(), forOp.getBody()->getTerminator(), {step, t});
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void snnc::populateTimeLoopLoweringPatterns(RewritePatternSet &patterns,
                                            const TargetInfo &) {
  patterns.add<LowerTimeLoop>(patterns.getContext());
}
