//===- MemoryBudget.cpp - Will a run fit in memory?
//------------------------===//

#include "snnc/model/MemoryBudget.h"

#include "snnc/model/Network.h"
#include "snnc/runtime/SystemMemory.h"

#include "llvm/Support/FormatVariadic.h"

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>

using namespace snnc;
using namespace snnc::model;

void snnc::estimateReport(const Model &model, double real,
                          MemoryEstimate &estimate) {
  for (const Population &pop : model.populations) {
    const NeuronModel &neuron = model.neurons[pop.neuron];
    estimate.neurons += pop.size;
    double perNeuron =
        real * neuron.states.size() +
        (neuron.refractory ? (neuron.refractoryByTime ? real : 4) : 0) +
        (neuron.spike ? 1 + 4 : 0);
    for (const auto &param : pop.perNeuronParams)
      perNeuron += param ? real : 0;
    estimate.stateBytes += perNeuron * pop.size;
  }
  for (const Projection &proj : model.projections) {
    double synapses = expectedSynapses(proj);
    estimate.synapses += static_cast<int64_t>(synapses);
    bool perSynapseWeight = proj.weight.kind != Initializer::Kind::Expression;
    estimate.connectivityBytes +=
        synapses * (4 + (perSynapseWeight ? real : 0)) +
        4 * (proj.source.size() + 1);
    estimate.stateBytes +=
        real * model.synapses[proj.synapse].states.size() * proj.target.size();
  }
}

double snnc::drawnNetworkBytes(const Model &model, bool withTargets) {
  double bytes = 0;
  for (const Population &pop : model.populations) {
    size_t perNeuron = model.neurons[pop.neuron].states.size();
    for (const auto &param : pop.perNeuronParams)
      perNeuron += param ? 1 : 0;
    bytes += 8.0 * static_cast<double>(perNeuron) * pop.size;
  }
  for (const Projection &proj : model.projections) {
    double synapses = expectedSynapses(proj);
    bytes += 4.0 * (proj.source.size() + 1);
    if (proj.weight.kind != Initializer::Kind::Expression)
      bytes += 8 * synapses;
    if (withTargets)
      bytes += 4 * synapses;
  }
  return bytes;
}

double snnc::recordedStateBytes(const Model &model, int64_t steps) {
  double bytes = 0;
  if (model.run)
    for (const Record &record : model.run->records)
      if (!record.spikes)
        bytes += static_cast<double>(steps) *
                 (4.0 * static_cast<double>(record.target.size()) + 4);
  return bytes;
}

namespace {
/// The run most recently admitted, for the out-of-memory report.
std::atomic<double> admittedBytes{-1};

std::string formatBytes(double bytes) {
  char text[32];
  if (bytes >= double(1 << 30))
    std::snprintf(text, sizeof(text), "%.1f GiB", bytes / double(1 << 30));
  else
    std::snprintf(text, sizeof(text), "%.0f MiB", bytes / double(1 << 20));
  return text;
}

} // namespace

MemoryEstimate snnc::estimateReferenceMemory(const Model &model,
                                             int64_t steps) {
  MemoryEstimate estimate;
  estimateReport(model, 8, estimate);
  // It keeps the drawn network, a rounded copy of its values, and for
  // every neuron its drive sums, last spike and spike flag.
  double bytes = 2 * drawnNetworkBytes(model, /*withTargets=*/true);
  for (const Population &pop : model.populations) {
    const NeuronModel &neuron = model.neurons[pop.neuron];
    bytes += (8.0 * neuron.inputs.size() + 8 + 1) * pop.size;
  }
  for (const Projection &proj : model.projections)
    bytes +=
        8.0 * model.synapses[proj.synapse].states.size() * proj.target.size();
  estimate.bufferBytes = bytes;
  estimate.fixedBytes = 64.0 * (1 << 20);
  estimate.recordingBytes = recordedStateBytes(model, steps);
  return estimate;
}

bool snnc::admitMemory(const MemoryEstimate &estimate, llvm::SMRange where,
                       DiagnosticEngine &diags) {
  double peak = estimate.peakBytes();
  double available = rt::availableMemoryBytes();
  if (available >= 0 && peak > available) {
    diags.error(where, "this network needs about " + formatBytes(peak) + " (" +
                           llvm::Twine(estimate.neurons) + " neurons, " +
                           llvm::Twine(estimate.synapses) +
                           " synapses), but only " + formatBytes(available) +
                           " of memory are available");
    std::string parts = "buffers " + formatBytes(estimate.bufferBytes) +
                        ", the network as drawn " +
                        formatBytes(estimate.stagingBytes);
    if (estimate.fixedBytes > 0)
      parts += ", snnc itself " + formatBytes(estimate.fixedBytes);
    if (estimate.recordingBytes > 0)
      parts += ", recorded states " + formatBytes(estimate.recordingBytes);
    diags.note(llvm::SMRange(), "of which " + parts);
    return false;
  }
  admittedBytes = peak;
  return true;
}

namespace {
void reportOutOfMemory() {
  // No allocation here: this runs because there is no memory.
  char text[256];
  double admitted = admittedBytes;
  int length =
      admitted >= 0
          ? std::snprintf(text, sizeof(text),
                          "snnc: error: out of memory (this run was "
                          "estimated to need about %.2f GiB; that much was "
                          "available when it started)\n",
                          admitted / double(1 << 30))
          : std::snprintf(text, sizeof(text), "snnc: error: out of memory\n");
  if (length > 0)
    (void)!::write(STDERR_FILENO, text, static_cast<size_t>(length));
  std::_Exit(1);
}
} // namespace

void snnc::installOutOfMemoryReport() {
  std::set_new_handler(reportOutOfMemory);
}
