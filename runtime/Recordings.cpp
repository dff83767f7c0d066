//===- Recordings.cpp - Spike trains and state traces as NumPy files ------===//

#include "snnc/runtime/Recordings.h"

#include "snnc/runtime/NpyWriter.h"

using namespace snnc::rt;

Status snnc::rt::writeStates(const std::string &path,
                             const std::vector<StateTrace> &traces,
                             double dtMs) {
  std::vector<NpzEntry> entries;
  std::vector<std::vector<int32_t>> neurons;
  std::vector<std::vector<float>> times;
  std::vector<std::vector<int32_t>> units;
  neurons.reserve(traces.size());
  times.reserve(traces.size());
  units.reserve(traces.size());
  for (const StateTrace &trace : traces) {
    std::string key = trace.population + "_" + trace.state;
    neurons.emplace_back();
    for (int64_t i = trace.begin; i < trace.end; ++i)
      neurons.back().push_back(static_cast<int32_t>(i));
    times.emplace_back();
    for (int32_t step : trace.steps)
      times.back().push_back(static_cast<float>((step + 1) * dtMs));
    int64_t width = trace.end - trace.begin;
    entries.push_back(
        {key, NpyArray::of(trace.values.data(), trace.steps.size(), width)});
    entries.push_back(
        {key + "_neurons", NpyArray::of(neurons.back().data(), width)});
    entries.push_back({key + "_times_ms",
                       NpyArray::of(times.back().data(), times.back().size())});
    // The unit as UTF-8 character codes, as population_names are.
    units.emplace_back(trace.unit.begin(), trace.unit.end());
    for (int32_t &code : units.back())
      code = static_cast<unsigned char>(code);
    entries.push_back({key + "_unit",
                       NpyArray::of(units.back().data(), units.back().size())});
  }
  return writeNpz(path, entries);
}

Status snnc::rt::writeSpikes(const std::string &path,
                             const std::vector<SpikeTrain> &trains, double dtMs,
                             int64_t steps) {
  std::vector<float> timesMs;
  std::vector<int32_t> indices, populations;
  std::vector<int64_t> sizes, begins;
  double dt = dtMs;
  for (size_t p = 0; p < trains.size(); ++p) {
    const SpikeTrain &train = trains[p];
    for (size_t k = 0; k < train.steps.size(); ++k) {
      timesMs.push_back(static_cast<float>(train.steps[k] * dt));
      indices.push_back(train.indices[k]);
      populations.push_back(static_cast<int32_t>(p));
    }
    sizes.push_back(train.size);
    begins.push_back(train.begin);
  }
  // Population names, newline-separated UTF-8 bytes (as int32 codes so
  // every NumPy reads them without pickle).
  std::vector<int32_t> names;
  for (const SpikeTrain &train : trains) {
    for (unsigned char c : train.population)
      names.push_back(c);
    names.push_back('\n');
  }
  double durationMs = steps * dt;
  std::vector<NpzEntry> entries = {
      {"times_ms", NpyArray::of(timesMs.data(), timesMs.size())},
      {"indices", NpyArray::of(indices.data(), indices.size())},
      {"population", NpyArray::of(populations.data(), populations.size())},
      {"population_sizes", NpyArray::of(sizes.data(), sizes.size())},
      {"population_begin", NpyArray::of(begins.data(), begins.size())},
      {"population_names", NpyArray::of(names.data(), names.size())},
      {"dt_ms", NpyArray::of(&dt, 1)},
      {"duration_ms", NpyArray::of(&durationMs, 1)},
  };
  return writeNpz(path, entries);
}
