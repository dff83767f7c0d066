//===- DivisionByConstant.cpp - x / c as x * (1/c) ------------------------===//
//
// Division is the slowest arithmetic in the neuron loop (a vector divide
// costs about ten multiplies), and models divide by time constants
// everywhere: (E - V) / tau, -g / tau. A division by a constant c becomes a
// multiplication by 1/c, the reciprocal rounded once to the operand's type.
// This is what XLA (and so brainpy.state) does with the same expressions;
// it is part of snnc's arithmetic, and the reference interpreter does the
// same. Reciprocals that are not finite are left alone.
//
//===----------------------------------------------------------------------===//

#include "snnc/compiler/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace {

struct DivideByConstant : OpRewritePattern<arith::DivFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::DivFOp op,
                                PatternRewriter &rewriter) const override {
    FloatAttr divisor;
    if (!matchPattern(op.getRhs(), m_Constant(&divisor)))
      return failure();
    // 1/c in the divisor's own precision, rounded to nearest once.
    APFloat reciprocal(divisor.getValue().getSemantics(), 1);
    if (reciprocal.divide(divisor.getValue(), APFloat::rmNearestTiesToEven) !=
            APFloat::opOK &&
        !reciprocal.isFiniteNonZero())
      return failure();
    if (!reciprocal.isFiniteNonZero())
      return failure();
    Value factor = rewriter.create<arith::ConstantOp>(
        op.getLoc(), rewriter.getFloatAttr(divisor.getType(), reciprocal));
    rewriter.replaceOpWithNewOp<arith::MulFOp>(op, op.getLhs(), factor);
    return success();
  }
};

struct DivisionByConstantPass
    : PassWrapper<DivisionByConstantPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(DivisionByConstantPass)
  StringRef getArgument() const final { return "snn-divide-by-reciprocal"; }
  StringRef getDescription() const final {
    return "Replace division by a constant with multiplication by its "
           "reciprocal";
  }
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DivideByConstant>(&getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

std::unique_ptr<Pass> snnc::createDivisionByConstantPass() {
  return std::make_unique<DivisionByConstantPass>();
}
