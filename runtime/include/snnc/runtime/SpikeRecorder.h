//===- SpikeRecorder.h - Record spikes of populations -----------*- C++ -*-===//
//
// Compiled simulation code compacts each step's spikes into a flat index
// list; the runtime appends those lists here, population by population, as
// (step, neuron index) pairs in two parallel int32 arrays. Appends are
// validated (indices in range) and all-or-nothing, so a bad chunk from a
// miscompiled program is reported instead of corrupting the record.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_SPIKERECORDER_H
#define SNNC_RUNTIME_SPIKERECORDER_H

#include "snnc/runtime/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace snnc::rt {

/// Spikes of any number of populations, each as parallel arrays of steps
/// and neuron indices in the order they were appended.
class SpikeRecorder {
public:
  /// Registers a population of `size` neurons; returns its id (0, 1, ...).
  /// Names must be unique and non-empty, sizes non-negative.
  Expected<int32_t> addPopulation(std::string name, int64_t size);

  int32_t numPopulations() const { return int32_t(populations.size()); }
  /// The id of population `name`, or an error naming the known ones.
  Expected<int32_t> findPopulation(const std::string &name) const;
  const std::string &name(int32_t population) const;
  int32_t size(int32_t population) const;

  /// Appends `count` spikes, all at `step`, of the neurons `indices`.
  Status append(int32_t population, int32_t step, const int32_t *indices,
                int64_t count);
  /// Appends `count` spikes given as parallel arrays of steps and indices.
  Status appendBulk(int32_t population, const int32_t *steps,
                    const int32_t *indices, int64_t count);

  /// Number of spikes recorded for a population.
  int64_t count(int32_t population) const;
  const std::vector<int32_t> &steps(int32_t population) const;
  const std::vector<int32_t> &indices(int32_t population) const;
  /// Spikes per neuron of a population.
  std::vector<int64_t> countsPerNeuron(int32_t population) const;

  /// Mean firing rate in Hz over the window [0, durationMs), counting the
  /// spikes at steps 0 .. round(durationMs / dtMs) - 1. Errors on a
  /// non-positive dt or duration, an empty population or a bad id.
  Expected<double> meanRateHz(int32_t population, double dtMs,
                              double durationMs) const;

  /// Drops the recorded spikes, keeping the populations.
  void clear();

  /// Writes every population's spikes into one .npz: "<name>_steps" and
  /// "<name>_indices" (int32) and "dt_ms" (one float64).
  Status writeNpz(const std::string &path, double dtMs) const;

private:
  struct Population {
    std::string name;
    int32_t size = 0;
    std::vector<int32_t> steps;
    std::vector<int32_t> indices;
  };
  Status checkChunk(const char *what, int32_t population,
                    const int32_t *indices, int64_t count) const;
  std::vector<Population> populations;
};

} // namespace snnc::rt

#endif // SNNC_RUNTIME_SPIKERECORDER_H
