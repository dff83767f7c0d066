//===- Pipeline.h - The one place compiler passes are ordered ---*- C++ -*-===//
//
// Stages, in order, each a stop point for `snnc emit mlir --until=STAGE`:
//
//   loops        the fused program as generated (scf/arith/math/memref)
//   optimized    canonicalised, common subexpressions and loop invariants out
//   approximated math.exp & co. as polynomials, so vector loops stay vector
//   llvm         the LLVM dialect (bare-pointer calling convention)
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_COMPILER_PIPELINE_H
#define SNNC_COMPILER_PIPELINE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace snnc {

enum class Stage { Loops, Optimized, Approximated, LLVM };

/// Stage names in pipeline order, for option parsing and messages.
llvm::ArrayRef<llvm::StringRef> stageNames();
std::optional<Stage> parseStage(llvm::StringRef name);

/// Runs the passes that take a freshly built program to `until` (inclusive).
mlir::LogicalResult runPipeline(mlir::ModuleOp module, Stage until);

} // namespace snnc

#endif // SNNC_COMPILER_PIPELINE_H
