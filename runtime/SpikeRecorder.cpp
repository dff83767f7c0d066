//===- SpikeRecorder.cpp - Record spikes of populations -------------------===//
//
// Storage is two growing int32 vectors per population; appends check the
// whole chunk first so that a rejected chunk leaves the record untouched.
// Accessors given an unknown population id return empty results rather
// than reading out of bounds.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/SpikeRecorder.h"

#include "snnc/runtime/NpyWriter.h"

#include <cmath>
#include <limits>

namespace snnc::rt {

namespace {
const std::vector<int32_t> &emptyVector() {
  static const std::vector<int32_t> empty;
  return empty;
}
} // namespace

Expected<int32_t> SpikeRecorder::addPopulation(std::string name, int64_t size) {
  if (name.empty())
    return Status::error("spike recorder: population name must not be empty");
  if (size < 0 || size > std::numeric_limits<int32_t>::max())
    return Status::error("spike recorder: population '" + name +
                         "' has invalid size " + std::to_string(size));
  for (const Population &population : populations)
    if (population.name == name)
      return Status::error("spike recorder: population '" + name +
                           "' is already registered");
  Population population;
  population.name = std::move(name);
  population.size = int32_t(size);
  populations.push_back(std::move(population));
  return int32_t(populations.size() - 1);
}

Expected<int32_t> SpikeRecorder::findPopulation(const std::string &name) const {
  std::string known;
  for (size_t i = 0; i < populations.size(); ++i) {
    if (populations[i].name == name)
      return int32_t(i);
    known += (known.empty() ? "" : ", ") + populations[i].name;
  }
  return Status::error("spike recorder: no population named '" + name +
                       "' (known: " + (known.empty() ? "none" : known) + ")");
}

const std::string &SpikeRecorder::name(int32_t population) const {
  static const std::string unknown;
  if (population < 0 || population >= numPopulations())
    return unknown;
  return populations[size_t(population)].name;
}

int32_t SpikeRecorder::size(int32_t population) const {
  if (population < 0 || population >= numPopulations())
    return 0;
  return populations[size_t(population)].size;
}

Status SpikeRecorder::checkChunk(const char *what, int32_t population,
                                 const int32_t *indices, int64_t count) const {
  if (population < 0 || population >= numPopulations())
    return Status::error(std::string(what) + ": unknown population id " +
                         std::to_string(population));
  if (count < 0)
    return Status::error(std::string(what) + ": negative spike count " +
                         std::to_string(count));
  if (count > 0 && indices == nullptr)
    return Status::error(std::string(what) + ": null index array");
  const Population &target = populations[size_t(population)];
  for (int64_t i = 0; i < count; ++i)
    if (indices[i] < 0 || indices[i] >= target.size)
      return Status::error(std::string(what) + ": neuron index " +
                           std::to_string(indices[i]) +
                           " outside population '" + target.name +
                           "' of size " + std::to_string(target.size));
  return Status::success();
}

Status SpikeRecorder::append(int32_t population, int32_t step,
                             const int32_t *indices, int64_t count) {
  Status status = checkChunk("spike recorder", population, indices, count);
  if (!status.ok())
    return status;
  if (step < 0)
    return Status::error("spike recorder: negative step " +
                         std::to_string(step));
  Population &target = populations[size_t(population)];
  target.steps.insert(target.steps.end(), size_t(count), step);
  target.indices.insert(target.indices.end(), indices, indices + count);
  return Status::success();
}

Status SpikeRecorder::appendBulk(int32_t population, const int32_t *steps,
                                 const int32_t *indices, int64_t count) {
  Status status = checkChunk("spike recorder", population, indices, count);
  if (!status.ok())
    return status;
  if (count > 0 && steps == nullptr)
    return Status::error("spike recorder: null step array");
  for (int64_t i = 0; i < count; ++i)
    if (steps[i] < 0)
      return Status::error("spike recorder: negative step " +
                           std::to_string(steps[i]));
  Population &target = populations[size_t(population)];
  target.steps.insert(target.steps.end(), steps, steps + count);
  target.indices.insert(target.indices.end(), indices, indices + count);
  return Status::success();
}

int64_t SpikeRecorder::count(int32_t population) const {
  return int64_t(indices(population).size());
}

const std::vector<int32_t> &SpikeRecorder::steps(int32_t population) const {
  if (population < 0 || population >= numPopulations())
    return emptyVector();
  return populations[size_t(population)].steps;
}

const std::vector<int32_t> &SpikeRecorder::indices(int32_t population) const {
  if (population < 0 || population >= numPopulations())
    return emptyVector();
  return populations[size_t(population)].indices;
}

std::vector<int64_t> SpikeRecorder::countsPerNeuron(int32_t population) const {
  std::vector<int64_t> counts(size_t(size(population)), 0);
  for (int32_t index : indices(population))
    ++counts[size_t(index)];
  return counts;
}

Expected<double> SpikeRecorder::meanRateHz(int32_t population, double dtMs,
                                           double durationMs) const {
  if (population < 0 || population >= numPopulations())
    return Status::error("spike recorder: unknown population id " +
                         std::to_string(population));
  if (!(dtMs > 0) || !std::isfinite(dtMs))
    return Status::error("spike recorder: dt must be positive, got " +
                         std::to_string(dtMs) + " ms");
  if (!(durationMs > 0) || !std::isfinite(durationMs))
    return Status::error("spike recorder: duration must be positive, got " +
                         std::to_string(durationMs) + " ms");
  const Population &source = populations[size_t(population)];
  if (source.size == 0)
    return Status::error("spike recorder: population '" + source.name +
                         "' is empty; its rate is undefined");
  // Steps are counted by rounding because durationMs / dtMs is rarely an
  // exact integer in floating point (1000 / 0.1 = 9999.999...).
  double numSteps = std::round(durationMs / dtMs);
  if (numSteps < 1)
    return Status::error("spike recorder: duration " +
                         std::to_string(durationMs) +
                         " ms is shorter than one step");
  int64_t inWindow = 0;
  for (int32_t step : source.steps)
    if (double(step) < numSteps)
      ++inWindow;
  double seconds = numSteps * dtMs * 1e-3;
  return double(inWindow) / (double(source.size) * seconds);
}

void SpikeRecorder::clear() {
  for (Population &population : populations) {
    population.steps.clear();
    population.indices.clear();
  }
}

Status SpikeRecorder::writeNpz(const std::string &path, double dtMs) const {
  std::vector<NpzEntry> entries;
  for (const Population &population : populations) {
    int64_t n = int64_t(population.steps.size());
    entries.push_back(
        {population.name + "_steps", NpyArray::of(population.steps.data(), n)});
    entries.push_back({population.name + "_indices",
                       NpyArray::of(population.indices.data(), n)});
  }
  entries.push_back({"dt_ms", NpyArray::of(&dtMs, 1)});
  return rt::writeNpz(path, entries);
}

} // namespace snnc::rt
