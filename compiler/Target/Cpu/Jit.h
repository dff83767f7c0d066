//===- Jit.h - Native code for the host CPU ---------------------*- C++ -*-===//
//
// Turns the LLVM-dialect program into machine code for this CPU, at O3
// with the host's features, as an object in memory (which the compile
// cache can keep), and links such an object with ORC's LLJIT to hand out
// the two entry points. Also prints the LLVM IR and assembly that the JIT
// would run (`snnc emit llvm|asm`).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_COMPILER_TARGET_CPU_JIT_H
#define SNNC_COMPILER_TARGET_CPU_JIT_H

#include "snnc/runtime/PackedProgram.h"

#include "mlir/IR/BuiltinOps.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace llvm {
class MemoryBuffer;
}
namespace llvm::orc {
class LLJIT;
}

namespace snnc {

/// The host CPU as LLVM sees it ("skylake-avx512 +avx512f,...").
std::string hostCpuDescription();

/// A compiled program linked in memory: its packed entry points over the
/// layout's buffers (PackedProgram.h).
class JitProgram : public rt::PackedProgram {
public:
  /// Compiles a module already lowered to the LLVM dialect into a
  /// relocatable object for this CPU, in memory: the optimised module
  /// `emit llvm` prints, plus the packed entry points `_mlir_snn_init` and
  /// `_mlir_snn_run` (`void(void **)`, a pointer to each argument). An
  /// error when the entry points do not take `numBuffers` buffers.
  /// `positionIndependent`: code for a shared library (linkLibrary).
  static llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
  compileObject(mlir::ModuleOp module, size_t numBuffers,
                bool positionIndependent = false);
  /// Links an object made by `compileObject` (just now, or in an earlier
  /// run and kept by the compile cache) and finds its entry points: a
  /// fresh compile and a cache hit run the same code, loaded the same way.
  static llvm::Expected<std::unique_ptr<JitProgram>>
  load(std::unique_ptr<llvm::MemoryBuffer> object, size_t numBuffers);
  ~JitProgram() override;

private:
  JitProgram(std::unique_ptr<llvm::orc::LLJIT> jit, Entry init, Entry run,
             size_t numBuffers);
  std::unique_ptr<llvm::orc::LLJIT> jit; ///< owns the linked code
};

/// Links a position-independent object (compileObject) into a shared
/// library with the system's C compiler driver (`cc`, from binutils and
/// GCC or clang), against libm: the bytes of the library, which
/// rt::loadLibraryProgram loads without LLVM.
llvm::Expected<std::vector<char>> linkLibrary(const llvm::MemoryBuffer &object);

/// Prints the optimised LLVM IR the JIT would compile.
llvm::Error printLLVMIR(mlir::ModuleOp module, llvm::raw_ostream &os);
/// Prints host assembly for the program.
llvm::Error printAssembly(mlir::ModuleOp module, llvm::raw_ostream &os);

} // namespace snnc

#endif // SNNC_COMPILER_TARGET_CPU_JIT_H
