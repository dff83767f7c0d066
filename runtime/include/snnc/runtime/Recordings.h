//===- Recordings.h - Spike trains and state traces of a run ----*- C++ -*-===//
//
// What a run records, as plain arrays: one train per recorded population
// slice's spikes, one trace per recorded state. The engine fills them
// chunk by chunk; writers turn them into NumPy files.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_RECORDINGS_H
#define SNNC_RUNTIME_RECORDINGS_H

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

} // namespace snnc::rt

#endif // SNNC_RUNTIME_RECORDINGS_H
