//===- MemoryBudget.h - Will a run fit in memory? ----------------*- C++
//-*-===//
//
// A run that cannot fit is refused up front, at the declaration that makes
// it large, instead of failing (or swapping) halfway; a failed allocation
// later still ends with one line naming the estimate. The compiled engine
// adds its buffers to these figures (ProgramLayout.h); the reference
// interpreter's are here. Plain C++; no MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MODEL_MEMORYBUDGET_H
#define SNNC_MODEL_MEMORYBUDGET_H

#include "snnc/dsl/Diagnostics.h"
#include "snnc/dsl/Model.h"

#include <algorithm>
#include <cstdint>

namespace snnc {

/// What a run will occupy, estimated from the model before anything is
/// drawn, so that a run that cannot fit is refused up front instead of
/// failing (or swapping) halfway. Every large allocation of a run is
/// counted: the program's buffers, the network as drawn in double precision
/// before it is copied into them, and the recorded state values. Recorded
/// spikes, whose number nobody knows beforehand, are checked as they come
/// (Simulation::run).
struct MemoryEstimate {
  int64_t neurons = 0, synapses = 0; ///< synapses: expected for random rules
  /// For the report: per-neuron and synapse-group state, and index arrays
  /// with per-synapse weights, in the working precision.
  double stateBytes = 0;
  double connectivityBytes = 0;
  /// Every buffer of the compiled program (or the reference interpreter's
  /// state and network).
  double bufferBytes = 0;
  /// The network as drawn (initial values, per-neuron parameters and
  /// per-synapse weights in double precision, row offsets) and the
  /// temporary copies made while it is moved into the buffers; freed
  /// before the run starts.
  double stagingBytes = 0;
  /// Recorded state values (and their step numbers) over the whole run; 0
  /// when they are not counted up front.
  double recordingBytes = 0;
  /// What snnc itself takes besides the network, for the whole run: the
  /// compiler and its JIT (measured: about 100 MB for the seed model), or
  /// the reference interpreter (about 65 MB).
  double fixedBytes = 0;
  /// The most that is in use at once: while the buffers are filled, or at
  /// the end of the run.
  double peakBytes() const {
    return bufferBytes + fixedBytes + std::max(stagingBytes, recordingBytes);
  }
};

/// The estimate for the reference interpreter, which keeps every value in
/// double precision and the drawn network for the whole run.
MemoryEstimate estimateReferenceMemory(const model::Model &model,
                                       int64_t steps);

/// Reports (at `where`) and returns false when `estimate` needs more than
/// rt::availableMemoryBytes(); a run that passes is the one an out-of-memory
/// report names (installOutOfMemoryReport).
bool admitMemory(const MemoryEstimate &estimate, llvm::SMRange where,
                 DiagnosticEngine &diags);

/// The figures every estimate reports (neurons, synapses, state and
/// connectivity bytes) with `realBytes` bytes a value.
void estimateReport(const model::Model &model, double realBytes,
                    MemoryEstimate &estimate);

/// The network as instantiate() draws it: initial values and per-neuron
/// parameters (8 bytes a value), row offsets, per-synapse weights (8
/// bytes); `withTargets` adds the target arrays.
double drawnNetworkBytes(const model::Model &model, bool withTargets);

/// Recorded state values and their step numbers over `steps` steps.
double recordedStateBytes(const model::Model &model, int64_t steps);

/// Makes a failed allocation anywhere in this process (a std::vector that
/// cannot grow: without exceptions, an abort) print one line instead,
/// "snnc: error: out of memory", with the estimate of the last run
/// admitted, and exit with status 1. For tools: a library leaves the
/// process's new-handler to its user.
void installOutOfMemoryReport();

} // namespace snnc

#endif // SNNC_MODEL_MEMORYBUDGET_H
