//===- Pipeline.h - The one place compiler passes are ordered ---*- C++ -*-===//
//
// Stages, in order, each a stop point for `snnc emit mlir --until=STAGE`:
//
//   snn          the program as generated: snn dialect ops
//   fused        per-population passes fused (snn-fuse-neuron-passes)
//   integrated   ODE steps expanded, exp_euler Jacobians derived
//   parameters   constants folded; computations on run-time scalars
//                (snn.param) moved out, read from the params buffer: the
//                last target-neutral stage
//   specialised  the target's form of the program (the CPU: split into
//                thread partitions, with barriers)
//   loops        snn ops lowered to scf/arith/math/memref
//   optimized    canonicalised, common subexpressions and loop invariants out
//   approximated math.exp & co. as polynomials, so vector loops stay vector
//   llvm         the LLVM dialect (bare-pointer calling convention)
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_COMPILER_PIPELINE_H
#define SNNC_COMPILER_PIPELINE_H

#include "snnc/compiler/Target.h"
#include "snnc/dsl/Diagnostics.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace snnc {

struct ParameterProgram;
struct ProgramLayout;

enum class Stage {
  Snn,
  Fused,
  Integrated,
  Parameters,
  Specialised,
  Loops,
  Optimized,
  Approximated,
  LLVM
};

/// Stage names in pipeline order, for option parsing and messages.
llvm::ArrayRef<llvm::StringRef> stageNames();
std::optional<Stage> parseStage(llvm::StringRef name);

/// Runs the passes that take a program from stage `from` (exclusive; a
/// freshly built program is at `snn`) to `until` (inclusive) for `target`,
/// whose buffers `layout` planned; `from` must come before `optimized`.
/// What the `parameters` stage takes out of the program goes to
/// `parameters` when it is given (OutlineParameters.h).
mlir::LogicalResult runPipeline(mlir::ModuleOp module, Stage until,
                                const Target &target,
                                const ProgramLayout &layout,
                                ParameterProgram *parameters = nullptr,
                                Stage from = Stage::Snn);

/// runPipeline, with errors of the passes reported through `diags` at the
/// .snn source they came from (ops carry file:line:col locations).
mlir::LogicalResult runPipelineReporting(mlir::ModuleOp module, Stage until,
                                         const Target &target,
                                         const ProgramLayout &layout,
                                         DiagnosticEngine &diags,
                                         ParameterProgram *parameters = nullptr,
                                         Stage from = Stage::Snn);

} // namespace snnc

#endif // SNNC_COMPILER_PIPELINE_H
