//===- ProgramBuilder.h - The fused simulation loop in MLIR -----*- C++ -*-===//
//
// Generates, from the typed model and its buffer layout, one MLIR module
// with two functions over the layout's buffers (bare pointers, static
// shapes):
//
//   snn_init(buffers...)                 spikes of the initial state
//   snn_run(buffers..., i64 begin, end)  steps [begin, end), fully fused
//
// Each step: spikes of the previous step are propagated event by event
// into post-aligned synapse state; then one pass per population decays the
// synapses, computes output currents, integrates the neuron, applies reset
// and refractoriness and flags spikes; a compaction pass lists them.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_COMPILER_PROGRAMBUILDER_H
#define SNNC_COMPILER_PROGRAMBUILDER_H

#include "snnc/compiler/ProgramLayout.h"
#include "snnc/dsl/Diagnostics.h"
#include "snnc/model/Parameters.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace snnc {

/// The scalars a program with run-time parameters reads: `snn.param k` is
/// `values[k]`, an expression whose Param leaves index listParameters():
/// one parameter, or a constant expression of parameters that the
/// language folds in double precision (V_th - V_reset after a unit
/// conversion, a call on parameters).
struct RuntimeScalars {
  std::vector<model::ExprP> values;
  std::vector<std::string> names; ///< "N.V_th", "(N.V_th - N.V_reset)"
  std::vector<std::string> units;
  /// Their values for the given parameter values (listParameters order),
  /// in double precision, as the language folds constants.
  std::vector<double>
  evaluate(const std::vector<ModelParameter> &parameters) const;
};

/// Builds the program; reports located errors (e.g. an integrator that
/// cannot handle an equation) and returns null on failure. When the layout
/// has a `params` buffer, parameters are read as snn.param ops (listed in
/// `scalars`), except those listParameters() says are compiled in;
/// otherwise every value is a constant.
mlir::OwningOpRef<mlir::ModuleOp>
buildProgram(mlir::MLIRContext &context, const model::Model &model,
             const ProgramLayout &layout, DiagnosticEngine &diags,
             RuntimeScalars *scalars = nullptr);

/// Loads every dialect the builder and the lowering use.
void loadDialects(mlir::MLIRContext &context);

} // namespace snnc

#endif // SNNC_COMPILER_PROGRAMBUILDER_H
