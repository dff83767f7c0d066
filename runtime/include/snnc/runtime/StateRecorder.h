//===- StateRecorder.h - Record a state variable over time ------*- C++ -*-===//
//
// Traces of one state variable (say V) of chosen neurons of one population,
// sampled every `interval` steps into a [time, neuron] float32 matrix: row r
// holds the values at step recordedSteps()[r], column c the neuron
// neurons()[c]. The compiled program (or the runtime between chunks) hands
// over the population's whole state array; the recorder gathers the chosen
// neurons, so the program needs no knowledge of what is recorded.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_STATERECORDER_H
#define SNNC_RUNTIME_STATERECORDER_H

#include "snnc/runtime/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace snnc::rt {

class StateRecorder {
public:
  /// A recorder of `variable` for `neurons` (indices into a population of
  /// `populationSize`, any order, repeats allowed) every `interval` steps,
  /// starting at step 0. `expectedSteps`, if known, reserves the storage
  /// up front so that recording never reallocates in the loop.
  static Expected<StateRecorder> create(std::string variable,
                                        std::vector<int32_t> neurons,
                                        int64_t populationSize,
                                        int64_t interval = 1,
                                        int64_t expectedSteps = 0);

  /// Whether `step` is a sampling step (a multiple of the interval).
  bool isSampleStep(int64_t step) const {
    return step >= 0 && step % sampleInterval == 0;
  }

  /// Called with the whole state array of the population (populationSize
  /// values) at `step`; records a row if isSampleStep(step), else does
  /// nothing. Double state is rounded to float.
  Status record(int64_t step, const float *state);
  Status record(int64_t step, const double *state);

  const std::string &variable() const { return variableName; }
  const std::vector<int32_t> &neurons() const { return recordedNeurons; }
  int64_t interval() const { return sampleInterval; }
  /// Rows recorded so far.
  int64_t numSamples() const { return int64_t(sampleSteps.size()); }
  int64_t numNeurons() const { return int64_t(recordedNeurons.size()); }
  /// The step of each row.
  const std::vector<int64_t> &recordedSteps() const { return sampleSteps; }
  /// numSamples() x numNeurons() values, row-major.
  const std::vector<float> &values() const { return sampleValues; }
  /// Value of neuron column `column` at row `sample`.
  float at(int64_t sample, int64_t column) const {
    return sampleValues[size_t(sample * numNeurons() + column)];
  }

  /// Drops the samples, keeping the configuration.
  void clear();

  /// Writes "<variable>" ([time, neuron] float32), "<variable>_steps"
  /// (int64) and "<variable>_neurons" (int32) into one .npz.
  Status writeNpz(const std::string &path) const;

private:
  StateRecorder() = default;
  template <typename T> Status recordImpl(int64_t step, const T *state);

  std::string variableName;
  std::vector<int32_t> recordedNeurons;
  int32_t populationSize = 0;
  int64_t sampleInterval = 1;
  std::vector<int64_t> sampleSteps;
  std::vector<float> sampleValues;
};

} // namespace snnc::rt

#endif // SNNC_RUNTIME_STATERECORDER_H
