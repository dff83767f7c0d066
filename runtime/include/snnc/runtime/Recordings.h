//===- Recordings.h - Spike trains and state traces of a run ----*- C++ -*-===//
//
// What a run records, as plain arrays: one train per recorded population
// slice's spikes, one trace per recorded state. The engine fills them
// chunk by chunk; the writers below turn them into the NumPy files of a
// run (the same for the compiled engine and the reference interpreter).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_RECORDINGS_H
#define SNNC_RUNTIME_RECORDINGS_H

#include "snnc/runtime/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace snnc::rt {

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

/// Spikes as NumPy: times_ms, indices, population (one entry per spike),
/// population_sizes, population_begin, population_names (newline-separated
/// character codes), dt_ms and duration_ms. Atomic (written aside, then
/// renamed).
Status writeSpikes(const std::string &path,
                   const std::vector<SpikeTrain> &trains, double dtMs,
                   int64_t steps);
/// Recorded states as NumPy: for each trace `P_X` ([step, neuron]
/// float32), `P_X_neurons`, `P_X_times_ms` ((step + 1) * dt: a state is
/// recorded after its step) and `P_X_unit` (the unit as character codes).
Status writeStates(const std::string &path,
                   const std::vector<StateTrace> &traces, double dtMs);

} // namespace snnc::rt

#endif // SNNC_RUNTIME_RECORDINGS_H
