//===- Jit.h - Native code for the host CPU ---------------------*- C++ -*-===//
//
// Turns the LLVM-dialect program into machine code for this CPU through
// MLIR's ExecutionEngine (ORC), at O3 with the host's features, and hands
// out the two entry points. Also prints the LLVM IR and assembly that the
// JIT would run (`snnc emit llvm|asm`).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_COMPILER_JIT_H
#define SNNC_COMPILER_JIT_H

#include "mlir/IR/BuiltinOps.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <memory>
#include <string>

namespace mlir {
class ExecutionEngine;
}
namespace llvm::orc {
class LLJIT;
}

namespace snnc {

/// The host CPU as LLVM sees it ("skylake-avx512 +avx512f,...").
std::string hostCpuDescription();

/// A compiled program: entry points over the layout's buffers.
class JitProgram {
public:
  /// Compiles a module already lowered to the LLVM dialect. With a
  /// non-empty `objectPath`, also stores the machine code there (written
  /// aside, then renamed) for `load`.
  static llvm::Expected<std::unique_ptr<JitProgram>>
  compile(mlir::ModuleOp module, const std::string &objectPath = "");
  /// Loads machine code stored by `compile` (no LLVM optimisation or code
  /// generation): the persistent compile cache.
  static llvm::Expected<std::unique_ptr<JitProgram>>
  load(const std::string &objectPath, size_t numBuffers);
  ~JitProgram();

  /// Computes the spikes of the initial state (of `thread`'s neurons).
  void init(void *const *buffers, int64_t thread = 0) const;
  /// Runs steps [begin, end); in a multi-threaded program every thread
  /// calls it with the same steps at once.
  void run(void *const *buffers, int64_t begin, int64_t end,
           int64_t thread = 0) const;

private:
  JitProgram() = default;
  std::unique_ptr<mlir::ExecutionEngine> engine; ///< compiled here
  std::unique_ptr<llvm::orc::LLJIT> loaded;      ///< or loaded from cache
  void (*initEntry)(void **) = nullptr;
  void (*runEntry)(void **) = nullptr;
  size_t numBuffers = 0;
};

/// Prints the optimised LLVM IR the JIT would compile.
llvm::Error printLLVMIR(mlir::ModuleOp module, llvm::raw_ostream &os);
/// Prints host assembly for the program.
llvm::Error printAssembly(mlir::ModuleOp module, llvm::raw_ostream &os);

} // namespace snnc

#endif // SNNC_COMPILER_JIT_H
