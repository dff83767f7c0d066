//===- NvptxTarget.cpp - NVIDIA GPUs (not yet able to run) ----------------===//
//
// The NVPTX target is registered so that `--target nvptx` is a known name
// with a clear answer, and so that its stages can grow here: the target-
// neutral program up to `parameters` can already be shown for it. It makes
// no code yet; docs/targets.md lists what a target provides.
//
//===----------------------------------------------------------------------===//

#include "NvptxTarget.h"

#include "snnc/compiler/Pipeline.h"
#include "snnc/compiler/Transforms/LoopLowering.h"

using namespace snnc;

namespace {

constexpr const char *notYetMessage =
    "the nvptx target cannot compile programs yet; use --target cpu";

llvm::Error notYet() {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), notYetMessage);
}

class NvptxTarget : public Target {
public:
  llvm::StringRef name() const override { return "nvptx"; }
  std::string description() const override { return "nvptx64-nvidia-cuda"; }
  std::string unavailable() const override { return notYetMessage; }
  void addSpecialisingPasses(mlir::OpPassManager &pm,
                             const ProgramLayout &layout) const override {}
  TargetInfo targetInfo() const override { return {}; }
  void addLoweringPasses(mlir::OpPassManager &pm, Stage until) const override {}
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
  compile(mlir::ModuleOp module, size_t numBuffers) const override {
    return notYet();
  }
  llvm::Expected<std::vector<char>>
  compileLibrary(mlir::ModuleOp module, size_t numBuffers) const override {
    return notYet();
  }
  llvm::Expected<std::unique_ptr<rt::Program>>
  load(std::unique_ptr<llvm::MemoryBuffer> code,
       size_t numBuffers) const override {
    return notYet();
  }
  llvm::Error print(mlir::ModuleOp module, TargetCode form,
                    llvm::raw_ostream &os) const override {
    return notYet();
  }
};

} // namespace

std::unique_ptr<Target> snnc::createNvptxTarget() {
  return std::make_unique<NvptxTarget>();
}
