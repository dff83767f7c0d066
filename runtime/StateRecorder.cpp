//===- StateRecorder.cpp - Record a state variable over time --------------===//
//
// Gathers the chosen neurons' values at sampling steps. Indices are checked
// once, when the recorder is created, so recording itself is a plain gather
// with no per-value checks.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/StateRecorder.h"

#include "snnc/runtime/NpyWriter.h"

#include <algorithm>
#include <limits>

namespace snnc::rt {

Expected<StateRecorder> StateRecorder::create(std::string variable,
                                              std::vector<int32_t> neurons,
                                              int64_t populationSize,
                                              int64_t interval,
                                              int64_t expectedSteps) {
  if (variable.empty())
    return Status::error("state recorder: variable name must not be empty");
  if (populationSize < 0 ||
      populationSize > std::numeric_limits<int32_t>::max())
    return Status::error("state recorder: invalid population size " +
                         std::to_string(populationSize));
  if (interval < 1)
    return Status::error("state recorder: interval must be at least 1 step, "
                         "got " +
                         std::to_string(interval));
  for (int32_t neuron : neurons)
    if (neuron < 0 || neuron >= populationSize)
      return Status::error("state recorder: neuron " + std::to_string(neuron) +
                           " outside the population of size " +
                           std::to_string(populationSize));
  StateRecorder recorder;
  recorder.variableName = std::move(variable);
  recorder.recordedNeurons = std::move(neurons);
  recorder.populationSize = int32_t(populationSize);
  recorder.sampleInterval = interval;
  if (expectedSteps > 0) {
    // Only a hint: a huge one is ignored rather than allowed to exhaust
    // memory before the first step (2^28 floats = 1 GiB).
    int64_t samples = expectedSteps / interval + 1;
    int64_t columns = std::max<int64_t>(1, recorder.numNeurons());
    if (samples <= (int64_t(1) << 28) / columns) {
      recorder.sampleSteps.reserve(size_t(samples));
      recorder.sampleValues.reserve(size_t(samples * columns));
    }
  }
  return recorder;
}

template <typename T>
Status StateRecorder::recordImpl(int64_t step, const T *state) {
  if (!isSampleStep(step))
    return step < 0 ? Status::error("state recorder: negative step " +
                                    std::to_string(step))
                    : Status::success();
  if (state == nullptr && populationSize > 0)
    return Status::error("state recorder: null state array for '" +
                         variableName + "'");
  sampleSteps.push_back(step);
  for (int32_t neuron : recordedNeurons)
    sampleValues.push_back(float(state[neuron]));
  return Status::success();
}

Status StateRecorder::record(int64_t step, const float *state) {
  return recordImpl(step, state);
}

Status StateRecorder::record(int64_t step, const double *state) {
  return recordImpl(step, state);
}

void StateRecorder::clear() {
  sampleSteps.clear();
  sampleValues.clear();
}

Status StateRecorder::writeNpz(const std::string &path) const {
  std::vector<NpzEntry> entries = {
      {variableName,
       NpyArray::of(sampleValues.data(), numSamples(), numNeurons())},
      {variableName + "_steps", NpyArray::of(sampleSteps.data(), numSamples())},
      {variableName + "_neurons",
       NpyArray::of(recordedNeurons.data(), numNeurons())}};
  return rt::writeNpz(path, entries);
}

} // namespace snnc::rt
