//===- Barriers.cpp - snn.barrier as a call of the target's runtime -------===//

#include "LoopBuilder.h"

#include "snnc/compiler/Transforms/LoopLowering.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace snnc::snn;

namespace {

/// `call @<barrierFunction>(%state)`, declared once in the module.
struct LowerBarrier : OpRewritePattern<BarrierOp> {
  LowerBarrier(MLIRContext *context, std::string function)
      : OpRewritePattern(context), function(std::move(function)) {}

  LogicalResult matchAndRewrite(BarrierOp op,
                                PatternRewriter &rewriter) const override {
    if (function.empty())
      return rewriter.notifyMatchFailure(op, "the target has no barriers");
    auto module = op->getParentOfType<ModuleOp>();
    if (!module.lookupSymbol(function)) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(module.getBody());
      auto declaration = rewriter.create<func::FuncOp>(
          module.getLoc(), function,
          rewriter.getFunctionType({op.getState().getType()}, {}));
      declaration.setPrivate();
    }
    rewriter.replaceOpWithNewOp<func::CallOp>(op, function, TypeRange{},
                                              ValueRange{op.getState()});
    return success();
  }

  std::string function;
};

} // namespace

void snnc::populateBarrierLoweringPatterns(RewritePatternSet &patterns,
                                           const TargetInfo &info) {
  patterns.add<LowerBarrier>(patterns.getContext(), info.barrierFunction);
}
