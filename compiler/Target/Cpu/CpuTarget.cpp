//===- CpuTarget.cpp - Lowering for the host CPU --------------------------===//
//
// Programs split into thread partitions (PartitionThreads.h). The lowering
// measured to vectorise on these machines: math functions as
// polynomials (libm calls would scalarise the loops), then scf->cf, math,
// memref, arith, cf and func to the LLVM dialect with bare pointers (static
// shapes give LLVM noalias pointers and no run-time alias checks).
//
//===----------------------------------------------------------------------===//

#include "CpuTarget.h"
#include "Jit.h"
#include "PartitionThreads.h"

#include "snnc/compiler/Pipeline.h"
#include "snnc/compiler/ProgramLayout.h"
#include "snnc/compiler/Transforms/LoopLowering.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

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

namespace {
class CpuTarget : public Target {
public:
  llvm::StringRef name() const override { return "cpu"; }
  std::string description() const override { return hostCpuDescription(); }
  void addSpecialisingPasses(mlir::OpPassManager &pm,
                             const ProgramLayout &layout) const override {
    pm.addPass(createPartitionThreadsPass(layout.threads));
  }
  TargetInfo targetInfo() const override {
    TargetInfo info;
    // Measured on the seed: rows four spikes ahead arrive in time.
    info.prefetchRowsAhead = 4;
    info.versionExprelPasses = true;
    info.barrierFunction = "snnc_barrier_wait"; // runtime/ThreadTeam.h
    return info;
  }
  void addLoweringPasses(mlir::OpPassManager &pm, Stage until) const override {
    if (until >= Stage::Approximated)
      pm.addPass(std::make_unique<ApproximateMathPass>());
    if (until < Stage::LLVM)
      return;
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
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
  compile(mlir::ModuleOp module, size_t numBuffers) const override {
    return JitProgram::compileObject(module, numBuffers);
  }
  llvm::Expected<std::vector<char>>
  compileLibrary(mlir::ModuleOp module, size_t numBuffers) const override {
    llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> object =
        JitProgram::compileObject(module, numBuffers,
                                  /*positionIndependent=*/true);
    if (!object)
      return object.takeError();
    return linkLibrary(**object);
  }
  llvm::Expected<std::unique_ptr<rt::Program>>
  load(std::unique_ptr<llvm::MemoryBuffer> code,
       size_t numBuffers) const override {
    llvm::Expected<std::unique_ptr<JitProgram>> program =
        JitProgram::load(std::move(code), numBuffers);
    if (!program)
      return program.takeError();
    return std::unique_ptr<rt::Program>(std::move(*program));
  }
  llvm::Error print(mlir::ModuleOp module, TargetCode form,
                    llvm::raw_ostream &os) const override {
    return form == TargetCode::LLVMIR ? printLLVMIR(module, os)
                                      : printAssembly(module, os);
  }
};
} // namespace

std::unique_ptr<Target> snnc::createCpuTarget() {
  return std::make_unique<CpuTarget>();
}
