//===- Target.h - What differs between target machines ---------*- C++ -*-===//
//
// Every stage up to `optimized` is the same for every machine: snn ops,
// fusion, integration, loops. What follows (how math functions become
// instructions, how buffers are passed, which LLVM dialect flavour comes
// out) belongs to a Target, so that another backend (NVPTX) adds a class
// here and touches none of the passes above.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_COMPILER_TARGET_H
#define SNNC_COMPILER_TARGET_H

#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>

namespace snnc {

enum class Stage;

class Target {
public:
  virtual ~Target() = default;
  /// "cpu", "nvptx".
  virtual llvm::StringRef name() const = 0;
  /// The machine and features code is generated for; part of cache keys.
  virtual std::string description() const = 0;
  /// Adds the passes from the `optimized` stage to `until` (inclusive).
  virtual void addLoweringPasses(mlir::OpPassManager &pm,
                                 Stage until) const = 0;
};

/// The CPU this process runs on, through LLVM's x86-64 (or host) backend.
std::unique_ptr<Target> createHostCpuTarget();

} // namespace snnc

#endif // SNNC_COMPILER_TARGET_H
