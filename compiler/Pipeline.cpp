//===- Pipeline.cpp - The one place compiler passes are ordered -----------===//
//
// The lowering follows the path measured to vectorise on these machines:
// plain scalar scf.for loops, polynomial math, then scf->cf, math, memref,
// arith, cf and func to the LLVM dialect with bare pointers (static shapes
// give LLVM noalias pointers and no runtime alias checks).
//
//===----------------------------------------------------------------------===//

#include "snnc/compiler/Pipeline.h"

#include "snnc/compiler/Transforms/Passes.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"

using namespace snnc;

namespace {

/// Rewrites exp, expm1, log, tanh, sin, cos... into polynomials: LLVM keeps
/// them in vector registers, where libm calls would scalarise the loop.
struct ApproximateMathPass
    : mlir::PassWrapper<ApproximateMathPass,
                        mlir::OperationPass<mlir::ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ApproximateMathPass)
  llvm::StringRef getArgument() const final { return "snn-approximate-math"; }
  void runOnOperation() override {
    mlir::RewritePatternSet patterns(&getContext());
    mlir::populateMathPolynomialApproximationPatterns(patterns);
    if (mlir::failed(mlir::applyPatternsAndFoldGreedily(getOperation(),
                                                        std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

llvm::ArrayRef<llvm::StringRef> snnc::stageNames() {
  static const llvm::StringRef names[] = {
      "snn",   "fused",     "integrated", "loops",
      "optimized", "approximated", "llvm"};
  return names;
}

std::optional<Stage> snnc::parseStage(llvm::StringRef name) {
  llvm::ArrayRef<llvm::StringRef> names = stageNames();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name)
      return static_cast<Stage>(i);
  return std::nullopt;
}

mlir::LogicalResult snnc::runPipeline(mlir::ModuleOp module, Stage until) {
  mlir::PassManager pm(module->getContext());
  if (until >= Stage::Fused)
    pm.addPass(createFuseNeuronPassesPass());
  if (until >= Stage::Integrated)
    pm.addPass(createIntegrateOdesPass());
  if (until >= Stage::Loops)
    pm.addPass(createLowerToLoopsPass());
  if (until >= Stage::Optimized) {
    pm.addPass(mlir::createCanonicalizerPass());
    pm.addPass(mlir::createCSEPass());
    pm.addPass(mlir::createLoopInvariantCodeMotionPass());
  }
  if (until >= Stage::Approximated)
    pm.addPass(std::make_unique<ApproximateMathPass>());
  if (until >= Stage::LLVM) {
    pm.addPass(mlir::createConvertSCFToCFPass());
    pm.addPass(mlir::createConvertMathToLLVMPass());
    pm.addPass(mlir::memref::createExpandStridedMetadataPass());
    pm.addPass(mlir::createFinalizeMemRefToLLVMConversionPass());
    pm.addPass(mlir::createArithToLLVMConversionPass());
    pm.addPass(mlir::createConvertControlFlowToLLVMPass());
    mlir::ConvertFuncToLLVMPassOptions funcOptions;
    funcOptions.useBarePtrCallConv = true;
    pm.addPass(mlir::createConvertFuncToLLVMPass(funcOptions));
    pm.addPass(mlir::createReconcileUnrealizedCastsPass());
  }
  return pm.run(module);
}

mlir::LogicalResult snnc::runPipelineReporting(mlir::ModuleOp module,
                                               Stage until,
                                               DiagnosticEngine &diags) {
  llvm::SourceMgr &sources = diags.getSourceMgr();
  // Maps an MLIR file:line:col back into the buffer it came from.
  auto toSource = [&](mlir::Location loc) -> llvm::SMRange {
    auto fileLoc = mlir::dyn_cast<mlir::FileLineColLoc>(loc);
    if (!fileLoc)
      return {};
    for (unsigned id = 1; id <= sources.getNumBuffers(); ++id)
      if (sources.getMemoryBuffer(id)->getBufferIdentifier() ==
          fileLoc.getFilename().getValue()) {
        llvm::SMLoc at = sources.FindLocForLineAndColumn(
            id, fileLoc.getLine(), fileLoc.getColumn());
        return {at, at};
      }
    return {};
  };
  unsigned errorsBefore = diags.errorCount();
  mlir::ScopedDiagnosticHandler handler(
      module->getContext(), [&](mlir::Diagnostic &diag) {
        if (diag.getSeverity() == mlir::DiagnosticSeverity::Error)
          diags.error(toSource(diag.getLocation()), diag.str());
        return mlir::success();
      });
  mlir::LogicalResult result = runPipeline(module, until);
  if (mlir::failed(result) && diags.errorCount() == errorsBefore)
    diags.error(llvm::SMRange(), "internal error: compiling the program "
                                 "failed without a diagnostic");
  return result;
}
