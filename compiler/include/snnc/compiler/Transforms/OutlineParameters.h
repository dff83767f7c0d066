//===- OutlineParameters.h - Computations on run-time scalars ---*- C++ -*-===//
//
// A program generated with run-time parameters reads its scalars through
// `snn.param` ops. The compiler used to fold computations on them at
// compile time: V_th - V_reset, 1/tau for a division, exprel(-dt/tau) for a
// synapse's decay. snn-outline-parameters keeps that arithmetic exactly,
// but does it once per run on the host instead of once per compile: it
// moves every pure computation whose operands are scalars or constants out
// of the program into a separate function, and replaces each of its
// results that the program uses by a load from the `params` buffer at the
// function's entry. A division by such a result becomes a multiplication
// by its reciprocal, as snn-divide-by-reciprocal does for constants.
//
// The host then evaluates that function with MLIR's own folders (the ones
// the canonicalizer applies to constants), so every slot of `params` holds
// the very float the specialised program would have as a constant.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_COMPILER_TRANSFORMS_OUTLINEPARAMETERS_H
#define SNNC_COMPILER_TRANSFORMS_OUTLINEPARAMETERS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/Pass.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace snnc {

/// What snn-outline-parameters takes out of a program.
struct ParameterProgram {
  /// `func.func @snn_parameters() -> (...)`: the snn.param ops and the
  /// computations on them; result k is slot k of the `params` buffer.
  /// Null when the program reads no scalars.
  mlir::OwningOpRef<mlir::ModuleOp> module;
  /// Per slot: the scalar (snn.param slot) it holds as is, or -1 when it
  /// holds a computation on scalars.
  std::vector<int64_t> direct;
  /// Per slot: the names of the scalars it is computed from.
  std::vector<std::vector<std::string>> reads;
  size_t size() const { return direct.size(); }
};

/// The pass. With a `sink`, the outlined function goes there; without one
/// (snn-opt), it is appended to the module as @snn_parameters.
std::unique_ptr<mlir::Pass>
createOutlineParametersPass(ParameterProgram *sink = nullptr);

/// The values of the params buffer for scalar values `scalars` (indexed by
/// snn.param slot; doubles, rounded to the program's precision here as the
/// code generator rounds its constants): the outlined function folded the
/// way the canonicalizer folds constants. A slot whose computation does
/// not fold (e.g. the log of a negative value) is NaN.
std::vector<double> evaluateParameterProgram(const ParameterProgram &program,
                                             llvm::ArrayRef<double> scalars);

} // namespace snnc

#endif // SNNC_COMPILER_TRANSFORMS_OUTLINEPARAMETERS_H
