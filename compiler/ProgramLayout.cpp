//===- ProgramLayout.cpp - Where the compiled program's state lives -------===//

#include "snnc/compiler/ProgramLayout.h"

#include "snnc/model/Network.h"
#include "snnc/runtime/ThreadPartition.h"
#include "snnc/runtime/ThreadTeam.h"

#include <algorithm>

using namespace snnc;
using namespace snnc::model;

namespace {
/// Spike indices a chunk may buffer per recorded population, at most.
constexpr int64_t recordCapacity = 1 << 22;
constexpr int64_t maxChunkSteps = 1000;

bool sameGroup(const Model &model, const SynapseGroup &group,
               const Projection &proj) {
  const Projection &first = model.projections[group.projections.front()];
  return first.synapse == proj.synapse &&
         first.synapseParams == proj.synapseParams &&
         first.output == proj.output &&
         first.outputParams == proj.outputParams &&
         first.targetInput == proj.targetInput &&
         first.target.population == proj.target.population &&
         first.target.begin == proj.target.begin &&
         first.target.end == proj.target.end;
}
} // namespace

ProgramLayout snnc::planLayout(const Model &model,
                               const std::vector<int64_t> &synapseCounts,
                               const std::vector<bool> &perSynapseWeights,
                               bool doublePrecision, bool runtimeParameters,
                               int threads) {
  ProgramLayout layout;
  layout.doublePrecision = doublePrecision;
  layout.threads = std::max(1, threads);
  // Per-thread counters: one int32 alone, or one cache line per thread.
  int64_t counters =
      layout.threads == 1 ? 1 : layout.threads * rt::kPerThreadStride;
  layout.dtMs = model.run ? model.run->dtMs : 0.1;

  std::vector<bool> recorded(model.populations.size(), false);
  if (model.run)
    for (const Record &record : model.run->records)
      if (record.spikes)
        recorded[record.target.population] = true;

  int64_t largestRecorded = 1;
  for (size_t p = 0; p < model.populations.size(); ++p)
    if (recorded[p])
      largestRecorded = std::max(largestRecorded, model.populations[p].size);
  // Recorded state values are buffered for a whole chunk too.
  int64_t stateValuesPerStep = 0;
  if (model.run)
    for (const Record &record : model.run->records)
      if (!record.spikes)
        stateValuesPerStep += record.target.size();
  layout.chunkSteps =
      std::clamp<int64_t>(recordCapacity / largestRecorded, 1, maxChunkSteps);
  if (stateValuesPerStep > 0)
    layout.chunkSteps = std::clamp<int64_t>(
        std::min(layout.chunkSteps, recordCapacity / stateValuesPerStep), 1,
        maxChunkSteps);

  for (size_t p = 0; p < model.populations.size(); ++p) {
    const Population &pop = model.populations[p];
    const NeuronModel &neuron = model.neurons[pop.neuron];
    PopulationBuffers bufs;
    for (const State &state : neuron.states)
      bufs.states.push_back(layout.addBuffer(pop.name + "." + state.name,
                                             ElementType::Real, pop.size,
                                             state.unit.str()));
    for (size_t q = 0; q < neuron.params.size(); ++q)
      bufs.perNeuronParams.push_back(
          pop.perNeuronParams[q]
              ? layout.addBuffer(pop.name + "." + neuron.params[q].name,
                                 ElementType::Real, pop.size,
                                 neuron.params[q].unit.str())
              : -1);
    if (neuron.refractory && neuron.refractoryByTime)
      bufs.lastSpike = layout.addBuffer(pop.name + ".last_spike",
                                        ElementType::Real, pop.size, "ms");
    else if (neuron.refractory)
      bufs.refractorySteps = layout.addBuffer(pop.name + ".refractory_steps",
                                              ElementType::Int32, pop.size);
    if (neuron.spike) {
      // Padded to whole 8-byte words (kept zero): compaction skips a word
      // of eight silent neurons with one load.
      bufs.spikeFlags = layout.addBuffer(
          pop.name + ".spike_flags", ElementType::Int8, (pop.size + 7) / 8 * 8);
      bufs.spikeList = layout.addBuffer(pop.name + ".spike_list",
                                        ElementType::Int32, pop.size);
      bufs.spikeCount = layout.addBuffer(pop.name + ".spike_count",
                                         ElementType::Int32, counters);
      if (recorded[p]) {
        bufs.recordIndices =
            layout.addBuffer(pop.name + ".record_indices", ElementType::Int32,
                             pop.size * layout.chunkSteps);
        bufs.recordCounts =
            layout.addBuffer(pop.name + ".record_counts", ElementType::Int32,
                             layout.threads * layout.chunkSteps);
        bufs.recordFill = layout.addBuffer(pop.name + ".record_fill",
                                           ElementType::Int32, counters);
      }
    }
    if (layout.threads > 1)
      bufs.threadBounds = layout.addBuffer(
          pop.name + ".thread_bounds", ElementType::Int32, layout.threads + 1);
    layout.populations.push_back(std::move(bufs));
  }

  for (unsigned p = 0; p < model.projections.size(); ++p) {
    const Projection &proj = model.projections[p];
    auto group = std::find_if(
        layout.groups.begin(), layout.groups.end(),
        [&](const SynapseGroup &g) { return sameGroup(model, g, proj); });
    unsigned groupIndex;
    if (group == layout.groups.end()) {
      SynapseGroup fresh;
      fresh.synapse = proj.synapse;
      fresh.synapseParams = proj.synapseParams;
      fresh.target = proj.target;
      groupIndex = layout.groups.size();
      const SynapseModel &synapse = model.synapses[proj.synapse];
      for (const State &state : synapse.states)
        fresh.stateBuffers.push_back(layout.addBuffer(
            "group" + std::to_string(groupIndex) + "." + state.name,
            ElementType::Real, proj.target.size(), state.unit.str()));
      layout.groups.push_back(std::move(fresh));
    } else {
      groupIndex = group - layout.groups.begin();
    }
    layout.groups[groupIndex].projections.push_back(p);

    ProjectionBuffers bufs;
    bufs.group = groupIndex;
    std::string prefix = "projection" + std::to_string(p);
    bufs.rowStart = layout.addBuffer(prefix + ".row_start", ElementType::Int32,
                                     proj.source.size() * layout.threads + 1);
    bufs.targets = layout.addBuffer(prefix + ".targets", ElementType::Int32,
                                    std::max<int64_t>(1, synapseCounts[p]));
    if (perSynapseWeights[p])
      bufs.weights =
          layout.addBuffer(prefix + ".weights", ElementType::Real,
                           std::max<int64_t>(1, synapseCounts[p]),
                           model.synapses[proj.synapse].weightUnit.str());
    layout.projections.push_back(bufs);
  }
  // Ring buffers for the groups with delayed projections.
  for (unsigned g = 0; g < layout.groups.size(); ++g) {
    SynapseGroup &group = layout.groups[g];
    for (unsigned p : group.projections)
      group.delaySlots = std::max(
          group.delaySlots, delaySteps(model.projections[p], layout.dtMs));
    if (group.delaySlots <= 1) {
      group.delaySlots = 0;
      continue;
    }
    const SynapseModel &synapse = model.synapses[group.synapse];
    group.delayRings.assign(synapse.states.size(), -1);
    for (const AssignStatement &stmt : synapse.onPre)
      if (group.delayRings[stmt.state] < 0)
        group.delayRings[stmt.state] = layout.addBuffer(
            "group" + std::to_string(g) + "." +
                synapse.states[stmt.state].name + ".delay_ring",
            ElementType::Real, group.delaySlots * group.target.size(),
            synapse.states[stmt.state].unit.str());
  }
  if (model.run)
    for (const Record &record : model.run->records) {
      if (record.spikes)
        continue;
      const Population &pop = model.populations[record.target.population];
      const std::string &state =
          model.neurons[pop.neuron].states[record.state].name;
      StateRecordBuffer buffer{record.target, record.state, -1, record.range};
      buffer.buffer = layout.addBuffer(
          pop.name + ".record_" + state + "_" +
              std::to_string(layout.stateRecords.size()),
          ElementType::Real, record.target.size() * layout.chunkSteps,
          model.neurons[pop.neuron].states[record.state].unit.str());
      layout.stateRecords.push_back(buffer);
    }
  if (layout.threads > 1)
    layout.barrier = layout.addBuffer("threads.barrier", ElementType::Int32,
                                      rt::StepBarrierState::kWords);
  // The seed's Philox key, read by rand() and randn() (runtime/Random.h):
  // a value of the run, so another seed needs no new program.
  if (!model.poissonInputs.empty() ||
      llvm::any_of(model.populations, [&](const Population &pop) {
        return model.neurons[pop.neuron].randomSites > 0;
      }))
    layout.randomKey = layout.addBuffer("random_key", ElementType::Int32, 2);
  // Sized by snn-outline-parameters, once it knows what the program reads.
  if (runtimeParameters)
    layout.params = layout.addBuffer("params", ElementType::Real, 1);
  return layout;
}

namespace {
double elementBytes(ElementType type, bool doublePrecision) {
  switch (type) {
  case ElementType::Real:
    return doublePrecision ? 8 : 4;
  case ElementType::Int32:
    return 4;
  case ElementType::Int8:
    return 1;
  }
  return 4;
}
} // namespace

MemoryEstimate snnc::estimateMemory(const Model &model,
                                    const ProgramLayout &layout, int64_t steps,
                                    bool countRecordings) {
  MemoryEstimate estimate;
  bool doublePrecision = layout.doublePrecision;
  estimateReport(model, doublePrecision ? 8 : 4, estimate);
  for (const BufferSpec &spec : layout.buffers)
    estimate.bufferBytes += static_cast<double>(spec.size) *
                            elementBytes(spec.type, doublePrecision);
  // The target arrays are drawn into the vectors the program then adopts
  // (counted with the buffers); everything else is drawn aside.
  estimate.stagingBytes = drawnNetworkBytes(model, /*withTargets=*/false);
  // The largest temporary of one projection while it is drawn and moved:
  // fixed_prob's target array copied into its room, fixed_per_post's and
  // fixed_total_number's row cursors, the marks of a draw without replacement,
  // the per-thread row table.
  double temporary = 0;
  for (const Projection &proj : model.projections) {
    double pre = static_cast<double>(proj.source.size()),
           post = static_cast<double>(proj.target.size());
    double bytes = 0;
    if (proj.connectivity.kind == Connectivity::Kind::FixedProb)
      bytes += 4.0 * synapseRoom(proj, 0);
    if (proj.connectivity.kind == Connectivity::Kind::FixedPerPost ||
        proj.connectivity.kind == Connectivity::Kind::FixedTotalNumber)
      bytes += 4 * pre;
    if (!proj.connectivity.withReplacement)
      bytes += post;
    if (layout.threads > 1)
      bytes += 4 * (pre * layout.threads + 1);
    temporary = std::max(temporary, bytes);
  }
  estimate.stagingBytes += temporary;
  estimate.fixedBytes = 128.0 * (1 << 20);
  if (countRecordings)
    estimate.recordingBytes = recordedStateBytes(model, steps);
  return estimate;
}
