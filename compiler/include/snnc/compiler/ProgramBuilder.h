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

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace snnc {

/// Builds the program; reports located errors (e.g. an integrator that
/// cannot handle an equation) and returns null on failure.
mlir::OwningOpRef<mlir::ModuleOp> buildProgram(mlir::MLIRContext &context,
                                               const model::Model &model,
                                               const ProgramLayout &layout,
                                               DiagnosticEngine &diags);

/// Loads every dialect the builder and the lowering use.
void loadDialects(mlir::MLIRContext &context);

} // namespace snnc

#endif // SNNC_COMPILER_PROGRAMBUILDER_H
