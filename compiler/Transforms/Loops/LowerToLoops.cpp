//===- LowerToLoops.cpp - The snn-lower-to-loops pass ---------------------===//
//
// The model-level ops become plain loops, the form LLVM vectorises best on
// these machines, by the patterns of this folder (one file per op family):
//
//   TimeLoop.cpp      snn.time_loop: scf.for over steps; t = float(step * dt)
//   NeuronPasses.cpp  snn.for_each_neuron, snn.record_state, snn.exprel
//   Propagation.cpp   snn.propagate: for each listed spike in the source
//                     slice, for each of its synapses, the body
//   Compaction.cpp    snn.compact: flags -> ascending spike list, count,
//                     recording
//   Barriers.cpp      snn.barrier: a call of the target's runtime
//
// Each op is lowered after the ops of its regions (a neuron pass lowers the
// exprel ops of its body itself), by the one pattern that matches it.
//
//===----------------------------------------------------------------------===//

#include "snnc/compiler/Dialect/Snn.h"
#include "snnc/compiler/Transforms/LoopLowering.h"
#include "snnc/compiler/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Rewrite/FrozenRewritePatternSet.h"
#include "mlir/Rewrite/PatternApplicator.h"

using namespace mlir;
using namespace snnc::snn;

namespace {

struct LowerToLoopsPass
    : PassWrapper<LowerToLoopsPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(LowerToLoopsPass)
  LowerToLoopsPass() = default;
  LowerToLoopsPass(const LowerToLoopsPass &other) : PassWrapper(other) {}
  explicit LowerToLoopsPass(const snnc::TargetInfo &info) {
    prefetchRowsAhead = info.prefetchRowsAhead;
    versionExprelPasses = info.versionExprelPasses;
    barrierFunction = info.barrierFunction;
  }

  StringRef getArgument() const final { return "snn-lower-to-loops"; }
  StringRef getDescription() const final {
    return "Lower snn ops to scf/arith/math/memref loops";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<arith::ArithDialect, func::FuncDialect, math::MathDialect,
                    memref::MemRefDialect, scf::SCFDialect>();
  }

  void runOnOperation() override {
    snnc::TargetInfo info;
    info.prefetchRowsAhead = prefetchRowsAhead;
    info.versionExprelPasses = versionExprelPasses;
    info.barrierFunction = barrierFunction;
    RewritePatternSet patterns(&getContext());
    snnc::populateTimeLoopLoweringPatterns(patterns, info);
    snnc::populateNeuronPassLoweringPatterns(patterns, info);
    snnc::populatePropagationLoweringPatterns(patterns, info);
    snnc::populateCompactionLoweringPatterns(patterns, info);
    snnc::populateBarrierLoweringPatterns(patterns, info);
    FrozenRewritePatternSet frozen(std::move(patterns));
    PatternApplicator applicator(frozen);
    applicator.applyDefaultCostModel();

    // Innermost first: a region is lowered before the op that owns it.
    SmallVector<Operation *> worklist;
    getOperation().walk([&](Operation *op) {
      if (isa<ExprelOp>(op) && op->getParentOfType<ForEachNeuronOp>())
        return;
      if (isa<TimeLoopOp, ForEachNeuronOp, PropagateOp, CompactOp,
              RecordStateOp, ExprelOp, BarrierOp>(op))
        worklist.push_back(op);
    });
    PatternRewriter rewriter(&getContext());
    for (Operation *op : worklist) {
      rewriter.setInsertionPoint(op);
      if (failed(applicator.matchAndRewrite(op, rewriter))) {
        op->emitOpError("cannot be lowered to loops for this target");
        return signalPassFailure();
      }
    }
  }

  Option<int64_t> prefetchRowsAhead{
      *this, "prefetch-rows-ahead",
      llvm::cl::desc("prefetch the synapse row of the spike this many "
                     "places ahead (0: none)"),
      llvm::cl::init(0)};
  Option<bool> versionExprelPasses{
      *this, "version-exprel-passes",
      llvm::cl::desc("neuron passes with exprel scan their arguments first "
                     "and run a copy with the polynomial alone when all "
                     "are small"),
      llvm::cl::init(false)};
  Option<std::string> barrierFunction{
      *this, "barrier-function",
      llvm::cl::desc("the runtime function snn.barrier calls"),
      llvm::cl::init("")};
};

} // namespace

std::unique_ptr<Pass> snnc::createLowerToLoopsPass(const TargetInfo &info) {
  return std::make_unique<LowerToLoopsPass>(info);
}

std::unique_ptr<Pass> snnc::createLowerToLoopsPass() {
  return std::make_unique<LowerToLoopsPass>();
}
