//===- Recordings.cpp - What a run records, and its NumPy files -----------===//

#include "snnc/model/Recordings.h"

#include "snnc/runtime/Recordings.h"

using namespace snnc;
using namespace snnc::model;

namespace {
llvm::Error toError(const rt::Status &status) {
  if (status.ok())
    return llvm::Error::success();
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 status.message());
}
} // namespace

void snnc::prepareRecordings(const Model &model,
                             std::vector<SpikeTrain> &trains,
                             std::vector<StateTrace> &traces) {
  if (!model.run)
    return;
  for (const Record &record : model.run->records) {
    const Population &pop = model.populations[record.target.population];
    if (record.spikes) {
      SpikeTrain train;
      train.population = pop.name;
      train.begin = record.target.begin;
      train.end = record.target.end;
      train.size = record.target.size();
      trains.push_back(std::move(train));
    } else {
      StateTrace trace;
      trace.population = pop.name;
      const State &state = model.neurons[pop.neuron].states[record.state];
      trace.state = state.name;
      trace.unit = state.unit.str();
      trace.begin = record.target.begin;
      trace.end = record.target.end;
      traces.push_back(std::move(trace));
    }
  }
}

llvm::Error snnc::writeStates(const std::string &path,
                              const std::vector<StateTrace> &traces,
                              double dtMs) {
  return toError(rt::writeStates(path, traces, dtMs));
}

llvm::Error snnc::writeSpikes(const std::string &path,
                              const std::vector<SpikeTrain> &trains,
                              double dtMs, int64_t steps) {
  return toError(rt::writeSpikes(path, trains, dtMs, steps));
}
