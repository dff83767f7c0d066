//===- Passes.h - The snn dialect's passes ----------------------*- C++ -*-===//
//
// One pass per file in compiler/Transforms/ (the lowering to loops in its
// own folder); Pipeline.cpp is the one place that orders them.
//
//   snn-fuse-neuron-passes  merge adjacent elementwise passes over the same
//                           population (synapse decay into the neuron update)
//   snn-integrate           snn.integrate -> the integrator's formula, with
//                           exp_euler's Jacobian derived symbolically
//   snn-outline-parameters  computations on run-time scalars (snn.param)
//                           out of the program, into the params buffer
//                           (OutlineParameters.h)
//   snn-lower-to-loops      time loop, neuron passes, propagation,
//                           compaction, recording -> scf/arith/math/memref,
//                           with the target's hooks (LoopLowering.h; one
//                           file per op family in Transforms/Loops/)
//   snn-divide-by-reciprocal  x / c -> x * (1/c) for constants c
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_COMPILER_TRANSFORMS_PASSES_H
#define SNNC_COMPILER_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

#include <memory>

namespace snnc {

std::unique_ptr<mlir::Pass> createFuseNeuronPassesPass();
std::unique_ptr<mlir::Pass> createIntegrateOdesPass();
/// Plain loops, nothing machine-specific (TargetInfo's defaults; its pass
/// options on snn-opt's command line). createLowerToLoopsPass(info) in
/// LoopLowering.h takes a target's.
std::unique_ptr<mlir::Pass> createLowerToLoopsPass();
std::unique_ptr<mlir::Pass> createDivisionByConstantPass();

/// Makes the passes above known to snn-opt's command line.
void registerSnnPasses();

} // namespace snnc

#endif // SNNC_COMPILER_TRANSFORMS_PASSES_H
