//===- Recordings.h - What a run records, and its NumPy files ---*- C++ -*-===//
//
// The results of a run, the same for the compiled engine and the reference
// interpreter: spike trains and state traces, one per `record` of the
// model, and the .npz files both write (so the CLI and the plotting
// scripts never care which engine ran). No MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MODEL_RECORDINGS_H
#define SNNC_MODEL_RECORDINGS_H

#include "snnc/dsl/Model.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace snnc {

/// Recorded spikes of one `record P[begin:end].spike`: parallel arrays of
/// step and neuron index (within the population).
struct SpikeTrain {
  std::string population;
  int64_t size = 0;           ///< Neurons recorded (end - begin).
  int64_t begin = 0, end = 0; ///< The recorded slice of the population.
  std::vector<int32_t> steps;
  std::vector<int32_t> indices;
};

/// One `record P[begin:end].X`: X of neurons begin..end-1 after every step,
/// row-major [step][neuron].
struct StateTrace {
  std::string population, state;
  std::string unit; ///< The state's unit as the model spells it ("mV").
  int64_t begin = 0, end = 0;
  std::vector<int32_t> steps;
  std::vector<float> values;
};

/// Empty trains and traces, one per `record` of the model's run, in order.
void prepareRecordings(const model::Model &model,
                       std::vector<SpikeTrain> &trains,
                       std::vector<StateTrace> &traces);

/// Spikes as NumPy: times_ms, indices, population (one entry per spike),
/// population_sizes, population_begin, population_names (newline-separated
/// character codes), dt_ms and duration_ms. Atomic (written aside, then
/// renamed).
llvm::Error writeSpikes(const std::string &path,
                        const std::vector<SpikeTrain> &trains, double dtMs,
                        int64_t steps);

/// Recorded states as NumPy: for each trace `P_X` ([step, neuron]
/// float32), `P_X_neurons`, `P_X_times_ms` and `P_X_unit` (the unit as
/// character codes).
llvm::Error writeStates(const std::string &path,
                        const std::vector<StateTrace> &traces, double dtMs);

} // namespace snnc

#endif // SNNC_MODEL_RECORDINGS_H
