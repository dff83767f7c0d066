//===- LoopLowering.h - The snn ops as loops, with the target's hooks -*-===//
//
// The conversions from the model-level ops to scf/arith/math/memref are
// shared by every target, one file per op family in
// compiler/Transforms/Loops/, each exporting its populate...Patterns.
// Where machines differ, the conversions ask the target's TargetInfo,
// which Target::targetInfo() gives; nothing else of a machine is named
// there.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_COMPILER_TRANSFORMS_LOOPLOWERING_H
#define SNNC_COMPILER_TRANSFORMS_LOOPLOWERING_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

#include <cstdint>
#include <memory>
#include <string>

namespace snnc {

/// What the shared conversions to loops ask of the target. The defaults
/// are plain loops with nothing machine-specific.
struct TargetInfo {
  /// Delivery starts loading the synapse row of the spike this many
  /// places ahead in the list (caches that a prefetch fills in time); 0:
  /// no prefetch.
  int64_t prefetchRowsAhead = 0;
  /// A neuron pass with exprel of per-neuron values first scans whether
  /// any argument is large, then runs one of two copies: the general
  /// exprel or its polynomial alone (vector units, where exp and a
  /// division per neuron cost more than a second scan). Off: one pass
  /// with the general exprel. Both give the same bits.
  bool versionExprelPasses = false;
  /// The runtime function snn.barrier calls with the barrier's state;
  /// empty: the target has no barriers (a barrier is then an error).
  std::string barrierFunction;
};

void populateTimeLoopLoweringPatterns(mlir::RewritePatternSet &patterns,
                                      const TargetInfo &info);
/// snn.for_each_neuron (with the exprel ops of its body), snn.record_state
/// and snn.exprel.
void populateNeuronPassLoweringPatterns(mlir::RewritePatternSet &patterns,
                                        const TargetInfo &info);
void populatePropagationLoweringPatterns(mlir::RewritePatternSet &patterns,
                                         const TargetInfo &info);
void populateCompactionLoweringPatterns(mlir::RewritePatternSet &patterns,
                                        const TargetInfo &info);
void populateBarrierLoweringPatterns(mlir::RewritePatternSet &patterns,
                                     const TargetInfo &info);

/// `snn-lower-to-loops`: every pattern above, each op lowered after the
/// ops of its regions.
std::unique_ptr<mlir::Pass> createLowerToLoopsPass(const TargetInfo &info);

} // namespace snnc

#endif // SNNC_COMPILER_TRANSFORMS_LOOPLOWERING_H
