//===- Pipeline.cpp - The one place compiler passes are ordered -----------===//
//
// Stages up to `parameters` are the same for every target; the target
// specialises the program, the shared conversions make loops of it, and the
// target lowers those to its code.
//
//===----------------------------------------------------------------------===//

#include "snnc/compiler/Pipeline.h"

#include "snnc/compiler/Transforms/LoopLowering.h"
#include "snnc/compiler/Transforms/OutlineParameters.h"
#include "snnc/compiler/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace snnc;

llvm::ArrayRef<llvm::StringRef> snnc::stageNames() {
  static const llvm::StringRef names[] = {
      "snn",   "fused",     "integrated",   "parameters", "specialised",
      "loops", "optimized", "approximated", "llvm"};
  return names;
}

std::optional<Stage> snnc::parseStage(llvm::StringRef name) {
  llvm::ArrayRef<llvm::StringRef> names = stageNames();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name)
      return static_cast<Stage>(i);
  return std::nullopt;
}

mlir::LogicalResult snnc::runPipeline(mlir::ModuleOp module, Stage until,
                                      const Target &target,
                                      const ProgramLayout &layout,
                                      ParameterProgram *parameters,
                                      Stage from) {
  assert(from < Stage::Optimized && "the target's stages run together");
  mlir::PassManager pm(module->getContext());
  auto runs = [&](Stage stage) { return from < stage && stage <= until; };
  if (runs(Stage::Fused))
    pm.addPass(createFuseNeuronPassesPass());
  if (runs(Stage::Integrated))
    pm.addPass(createIntegrateOdesPass());
  ParameterProgram unused;
  if (runs(Stage::Parameters)) {
    // Fold constant subexpressions first, so that snn.exprel of a constant
    // (a synapse's decay factor) folds in double precision; then take what
    // is left to fold, on run-time scalars, out of the program.
    pm.addPass(mlir::createCanonicalizerPass());
    pm.addPass(createOutlineParametersPass(parameters ? parameters : &unused));
  }
  if (runs(Stage::Specialised))
    target.addSpecialisingPasses(pm, layout);
  if (runs(Stage::Loops))
    pm.addPass(createLowerToLoopsPass(target.targetInfo()));
  if (runs(Stage::Optimized)) {
    pm.addPass(mlir::createCanonicalizerPass());
    pm.addPass(createDivisionByConstantPass());
    pm.addPass(mlir::createCSEPass());
    pm.addPass(mlir::createLoopInvariantCodeMotionPass());
  }
  if (until > Stage::Optimized)
    target.addLoweringPasses(pm, until);
  return pm.run(module);
}

mlir::LogicalResult
snnc::runPipelineReporting(mlir::ModuleOp module, Stage until,
                           const Target &target, const ProgramLayout &layout,
                           DiagnosticEngine &diags,
                           ParameterProgram *parameters, Stage from) {
  llvm::SourceMgr &sources = diags.getSourceMgr();
  // Maps an MLIR file:line:col back into the buffer it came from.
  auto toSource = [&](mlir::Location loc) -> llvm::SMRange {
    auto fileLoc = mlir::dyn_cast<mlir::FileLineColLoc>(loc);
    if (!fileLoc)
      return {};
    for (unsigned id = 1; id <= sources.getNumBuffers(); ++id)
      if (sources.getMemoryBuffer(id)->getBufferIdentifier() ==
          fileLoc.getFilename().getValue()) {
        llvm::SMLoc at = sources.FindLocForLineAndColumn(id, fileLoc.getLine(),
                                                         fileLoc.getColumn());
        return {at, at};
      }
    return {};
  };
  // The target's own stages need a target that can make code.
  std::string unavailable = target.unavailable();
  if (until >= Stage::Specialised && !unavailable.empty()) {
    diags.error(llvm::SMRange(), unavailable);
    return mlir::failure();
  }
  unsigned errorsBefore = diags.errorCount();
  mlir::ScopedDiagnosticHandler handler(
      module->getContext(), [&](mlir::Diagnostic &diag) {
        if (diag.getSeverity() == mlir::DiagnosticSeverity::Error)
          diags.error(toSource(diag.getLocation()), diag.str());
        return mlir::success();
      });
  mlir::LogicalResult result =
      runPipeline(module, until, target, layout, parameters, from);
  if (mlir::failed(result) && diags.errorCount() == errorsBefore)
    diags.error(llvm::SMRange(), "internal error: compiling the program "
                                 "failed without a diagnostic");
  return result;
}
