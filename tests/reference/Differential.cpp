//===- Differential.cpp - Run a model on both engines and compare ---------===//
//
// Both engines get the same model, with every population that can spike
// recorded, and the same overrides; the comparisons read the spike trains
// and the final neuron states (in double, so that either precision is
// compared bit for bit).
//
//===----------------------------------------------------------------------===//

#include "Differential.h"

#include "snnc/dsl/Frontend.h"

#include "llvm/Support/Format.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <tuple>

using namespace snnc;
using namespace snnc::testing;

namespace {

/// Records the spikes of every population that can spike (and nothing
/// else), so that both engines report all spikes in the same order.
void recordAllSpikes(model::Model &model) {
  if (!model.run)
    model.run = model::RunSettings{};
  model.run->records.clear();
  for (unsigned p = 0; p < model.populations.size(); ++p) {
    if (!model.neurons[model.populations[p].neuron].spike)
      continue; // the compiled engine cannot record these (see the report)
    model::Record record;
    record.target = {p, 0, model.populations[p].size};
    record.spikes = true;
    model.run->records.push_back(record);
  }
}

/// Bitwise equality, except that every NaN equals every NaN.
bool sameBits(double a, double b) {
  if (std::isnan(a) && std::isnan(b))
    return true;
  uint64_t x, y;
  std::memcpy(&x, &a, sizeof x);
  std::memcpy(&y, &b, sizeof y);
  return x == y;
}

std::string hex(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g (%a)", value, value);
  return text;
}

/// (step, population, neuron).
using SpikeKey = std::tuple<int32_t, std::string, int32_t>;

std::set<SpikeKey> spikeSet(const std::vector<SpikeTrain> &trains) {
  std::set<SpikeKey> out;
  for (size_t p = 0; p < trains.size(); ++p)
    for (size_t k = 0; k < trains[p].steps.size(); ++k)
      out.insert(
          {trains[p].steps[k], trains[p].population, trains[p].indices[k]});
  return out;
}

} // namespace

std::optional<model::Model> Harness::load(llvm::StringRef source) {
  return loadModelFromString(source, "test.snn", diags);
}

std::optional<model::Model> Harness::loadFile(llvm::StringRef path) {
  return loadModel(path, diags);
}

std::optional<BothRuns> Harness::run(const model::Model &input,
                                     const RunOptions &options) {
  BothRuns runs;
  runs.model = input;
  recordAllSpikes(runs.model);

  SimulationOptions compiledOptions;
  compiledOptions.showProgress = false;
  compiledOptions.durationMs = options.durationMs;
  compiledOptions.seed = options.seed;
  compiledOptions.doublePrecision = options.doublePrecision;
  compiledOptions.threads = options.threads;
  runs.compiled = Simulation::create(runs.model, compiledOptions, diags);
  if (!runs.compiled)
    return std::nullopt;

  reference::ReferenceOptions referenceOptions;
  referenceOptions.durationMs = options.durationMs;
  referenceOptions.seed = options.seed;
  referenceOptions.doublePrecision = options.doublePrecision;
  referenceOptions.math = options.math;
  runs.reference = reference::ReferenceSimulator::create(
      runs.model, referenceOptions, diags);
  if (!runs.reference)
    return std::nullopt;

  runs.compiled->run(runs.compiled->totalSteps());
  runs.reference->run(runs.reference->totalSteps());
  return runs;
}

std::optional<BothRuns> Harness::run(llvm::StringRef source,
                                     const RunOptions &options) {
  std::optional<model::Model> model = load(source);
  if (!model)
    return std::nullopt;
  return run(*model, options);
}

std::string testing::compareExactly(const BothRuns &runs) {
  std::string out;
  llvm::raw_string_ostream os(out);
  if (runs.compiled->totalSteps() != runs.reference->totalSteps())
    os << "steps differ: compiled " << runs.compiled->totalSteps()
       << ", reference " << runs.reference->totalSteps() << "\n";

  const std::vector<SpikeTrain> &compiled = runs.compiled->spikes();
  const std::vector<reference::SpikeTrain> &reference =
      runs.reference->spikes();
  for (size_t p = 0; p < std::min(compiled.size(), reference.size()); ++p) {
    const SpikeTrain &a = compiled[p];
    const reference::SpikeTrain &b = reference[p];
    if (a.steps == b.steps && a.indices == b.indices)
      continue;
    size_t k = 0;
    while (k < a.steps.size() && k < b.steps.size() &&
           a.steps[k] == b.steps[k] && a.indices[k] == b.indices[k])
      ++k;
    os << "spikes of " << a.population << " differ (compiled " << a.steps.size()
       << ", reference " << b.steps.size()
       << " spikes); first difference at spike " << k << ": compiled ";
    if (k < a.steps.size())
      os << "(step " << a.steps[k] << ", neuron " << a.indices[k] << ")";
    else
      os << "none";
    os << ", reference ";
    if (k < b.steps.size())
      os << "(step " << b.steps[k] << ", neuron " << b.indices[k] << ")";
    else
      os << "none";
    os << "\n";
  }

  for (const model::Population &pop : runs.model.populations) {
    const model::NeuronModel &neuron = runs.model.neurons[pop.neuron];
    for (const model::State &state : neuron.states) {
      std::vector<double> a = runs.compiled->stateValues(pop.name, state.name);
      std::vector<double> b = runs.reference->stateValues(pop.name, state.name);
      if (a.size() != b.size()) {
        os << pop.name << "." << state.name << ": sizes differ\n";
        continue;
      }
      int64_t differing = 0, first = -1;
      for (size_t j = 0; j < a.size(); ++j)
        if (!sameBits(a[j], b[j])) {
          differing += 1;
          if (first < 0)
            first = static_cast<int64_t>(j);
        }
      if (differing)
        os << pop.name << "." << state.name << ": " << differing
           << " neurons differ; first " << first << ": compiled "
           << hex(a[first]) << ", reference " << hex(b[first]) << "\n";
    }
  }
  return out;
}

std::string ToleranceReport::describe() const {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << "compiled " << compiledSpikes << " spikes, reference "
     << referenceSpikes << " spikes, " << unmatchedSpikes
     << " unmatched; largest relative state difference "
     << llvm::format("%.3g", maxRelativeStateError);
  return out;
}

ToleranceReport testing::compareWithTolerance(const BothRuns &runs) {
  ToleranceReport report;
  std::set<SpikeKey> a = spikeSet(runs.compiled->spikes());
  std::set<SpikeKey> b = spikeSet(runs.reference->spikes());
  report.compiledSpikes = static_cast<int64_t>(a.size());
  report.referenceSpikes = static_cast<int64_t>(b.size());
  std::vector<SpikeKey> onlyOne;
  std::set_symmetric_difference(a.begin(), a.end(), b.begin(), b.end(),
                                std::back_inserter(onlyOne));
  report.unmatchedSpikes = static_cast<int64_t>(onlyOne.size());

  // Neurons whose trains differ are excluded from the state comparison.
  std::set<std::pair<std::string, int32_t>> diverged;
  for (const SpikeKey &key : onlyOne)
    diverged.insert({std::get<1>(key), std::get<2>(key)});
  const model::Model &model = runs.model;
  for (size_t p = 0; p < model.populations.size(); ++p) {
    const model::Population &pop = model.populations[p];
    for (const model::State &state : model.neurons[pop.neuron].states) {
      std::vector<double> x = runs.compiled->stateValues(pop.name, state.name);
      std::vector<double> y = runs.reference->stateValues(pop.name, state.name);
      for (size_t j = 0; j < std::min(x.size(), y.size()); ++j) {
        if (diverged.count({pop.name, static_cast<int32_t>(j)}))
          continue;
        if (std::isnan(x[j]) && std::isnan(y[j]))
          continue;
        double scale = std::max({std::fabs(x[j]), std::fabs(y[j]), 1.0});
        double error = std::fabs(x[j] - y[j]) / scale;
        if (std::isnan(error) || error > report.maxRelativeStateError)
          report.maxRelativeStateError = std::isnan(error) ? INFINITY : error;
      }
    }
  }
  return report;
}

int64_t testing::countSpikes(const Simulation &sim) {
  int64_t count = 0;
  for (const SpikeTrain &train : sim.spikes())
    count += static_cast<int64_t>(train.steps.size());
  return count;
}
