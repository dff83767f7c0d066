//===- Output.cpp - The reference's results as NumPy files ----------------===//
//
// The same files, with the same keys, as snnc::Simulation writes, so that
// `snnc run --engine reference` and the plotting scripts need no special
// case. (Both could share one writer once SpikeTrain and StateTrace move
// to a header outside the compiler.)
//
//===----------------------------------------------------------------------===//

#include "snnc/reference/ReferenceSimulator.h"

#include "snnc/runtime/NpyWriter.h"

using namespace snnc;
using namespace snnc::reference;

namespace {
llvm::Error toError(const rt::Status &status) {
  if (status.ok())
    return llvm::Error::success();
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 status.message());
}
} // namespace

llvm::Error ReferenceSimulator::writeSpikes(const std::string &path) const {
  std::vector<float> timesMs;
  std::vector<int32_t> indices, populations;
  std::vector<int64_t> sizes, begins;
  double dt = dtMs();
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
  // Population names: newline-separated bytes, as int32 codes.
  std::vector<int32_t> names;
  for (const SpikeTrain &train : trains) {
    for (unsigned char c : train.population)
      names.push_back(c);
    names.push_back('\n');
  }
  double durationMs = steps * dt;
  std::vector<rt::NpzEntry> entries = {
      {"times_ms", rt::NpyArray::of(timesMs.data(), timesMs.size())},
      {"indices", rt::NpyArray::of(indices.data(), indices.size())},
      {"population", rt::NpyArray::of(populations.data(), populations.size())},
      {"population_sizes", rt::NpyArray::of(sizes.data(), sizes.size())},
      {"population_begin", rt::NpyArray::of(begins.data(), begins.size())},
      {"population_names", rt::NpyArray::of(names.data(), names.size())},
      {"dt_ms", rt::NpyArray::of(&dt, 1)},
      {"duration_ms", rt::NpyArray::of(&durationMs, 1)},
  };
  return toError(rt::writeNpz(path, entries));
}

llvm::Error ReferenceSimulator::writeStates(const std::string &path) const {
  std::vector<rt::NpzEntry> entries;
  std::vector<std::vector<int32_t>> neurons(traces.size());
  std::vector<std::vector<float>> times(traces.size());
  for (size_t k = 0; k < traces.size(); ++k) {
    const StateTrace &trace = traces[k];
    std::string key = trace.population + "_" + trace.state;
    for (int64_t i = trace.begin; i < trace.end; ++i)
      neurons[k].push_back(static_cast<int32_t>(i));
    for (int32_t step : trace.steps)
      times[k].push_back(static_cast<float>((step + 1) * dtMs()));
    int64_t width = trace.end - trace.begin;
    entries.push_back({key, rt::NpyArray::of(trace.values.data(),
                                             trace.steps.size(), width)});
    entries.push_back(
        {key + "_neurons", rt::NpyArray::of(neurons[k].data(), width)});
    entries.push_back({key + "_times_ms",
                       rt::NpyArray::of(times[k].data(), times[k].size())});
  }
  return toError(rt::writeNpz(path, entries));
}
