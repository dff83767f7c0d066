//===- Target.h - What differs between target machines ---------*- C++ -*-===//
//
// Every stage up to `parameters` is the same for every machine: snn ops,
// fusion, integration, parameters. The rest belongs to a Target: how the
// program is specialised for the machine (the CPU splits it into thread
// partitions), how math functions become instructions, which LLVM dialect
// flavour comes out, how that becomes executable code, and how the code is
// loaded to run. Each
// target lives in compiler/Target/<Name>/ and is listed once, in
// compiler/Target/Registry.cpp; docs/targets.md says how to add one.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_COMPILER_TARGET_H
#define SNNC_COMPILER_TARGET_H

#include "snnc/runtime/Program.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>
#include <vector>

namespace snnc {

enum class Stage;

struct ProgramLayout;
struct TargetInfo;

/// The forms of a target's code `snnc emit` prints.
enum class TargetCode { LLVMIR, Assembly };

class Target {
public:
  virtual ~Target() = default;
  /// "cpu", "nvptx": the name `--target` takes.
  virtual llvm::StringRef name() const = 0;
  /// The machine and features code is generated for; part of cache keys.
  virtual std::string description() const = 0;
  /// Why this target cannot make programs here, or "" when it can. Stages
  /// up to `parameters` need no target and can still be shown.
  virtual std::string unavailable() const { return ""; }
  /// Adds the passes of the `specialised` stage: the target's form of the
  /// neutral program, whose buffers `layout` planned (for this target's
  /// options: ProgramLayout::threads for the CPU).
  virtual void addSpecialisingPasses(mlir::OpPassManager &pm,
                                     const ProgramLayout &layout) const = 0;
  /// What the shared conversions to loops ask of this machine (prefetch,
  /// loop versioning, the barrier's runtime function: LoopLowering.h).
  virtual TargetInfo targetInfo() const = 0;
  /// Adds the passes from the `optimized` stage to `until` (inclusive).
  virtual void addLoweringPasses(mlir::OpPassManager &pm,
                                 Stage until) const = 0;
  /// Executable code for a module lowered to the `llvm` stage whose entry
  /// points take `numBuffers` buffers: the bytes the compile cache keeps.
  virtual llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
  compile(mlir::ModuleOp module, size_t numBuffers) const = 0;
  /// Loads code made by `compile`, now or in an earlier run: a fresh
  /// compile and a cache hit run the same code, loaded the same way.
  virtual llvm::Expected<std::unique_ptr<rt::Program>>
  load(std::unique_ptr<llvm::MemoryBuffer> code, size_t numBuffers) const = 0;
  /// The code for a module lowered to the `llvm` stage as a shared library
  /// with the packed entry points (rt::loadLibraryProgram), for a bundle
  /// that runs where there is no compiler; an error where the target
  /// cannot make one.
  virtual llvm::Expected<std::vector<char>>
  compileLibrary(mlir::ModuleOp module, size_t numBuffers) const = 0;
  /// Prints the code `compile` would make from the module, as `form`.
  virtual llvm::Error print(mlir::ModuleOp module, TargetCode form,
                            llvm::raw_ostream &os) const = 0;
};

/// The names of the targets, in the order `snnc --help` lists them.
llvm::ArrayRef<llvm::StringRef> targetNames();
/// "cpu or nvptx", for messages.
std::string targetList();
/// The target called `name`, or null when there is none.
std::unique_ptr<Target> createTarget(llvm::StringRef name);

} // namespace snnc

#endif // SNNC_COMPILER_TARGET_H
