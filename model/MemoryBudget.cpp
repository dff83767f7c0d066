//===- MemoryBudget.cpp - Will a run fit in memory? ------------------------===//

#include "snnc/model/MemoryBudget.h"

#include "snnc/model/Network.h"

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
    double perNeuron = real * neuron.states.size() +
                       (neuron.refractory ? real : 0) +
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

/// A number read from the first line of `path`; nullopt for "max", a
/// missing file or anything else.
std::optional<double> readNumberFile(const std::string &path) {
  std::FILE *file = std::fopen(path.c_str(), "r");
  if (!file)
    return std::nullopt;
  unsigned long long value;
  bool ok = std::fscanf(file, "%llu", &value) == 1;
  std::fclose(file);
  if (!ok)
    return std::nullopt;
  return static_cast<double>(value);
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

double snnc::availableMemoryBytes() {
  double best = -1;
  auto consider = [&](double bytes) {
    bytes = std::max(bytes, 0.0);
    if (best < 0 || bytes < best)
      best = bytes;
  };
  if (std::FILE *meminfo = std::fopen("/proc/meminfo", "r")) {
    char line[256];
    while (std::fgets(line, sizeof(line), meminfo)) {
      unsigned long long kib;
      if (std::sscanf(line, "MemAvailable: %llu kB", &kib) == 1) {
        consider(static_cast<double>(kib) * 1024);
        break;
      }
    }
    std::fclose(meminfo);
  }
  // A container's limit (cgroup v2): what this process's group may still
  // take, which MemAvailable (the whole machine's) does not show.
  if (std::FILE *cgroup = std::fopen("/proc/self/cgroup", "r")) {
    char line[4096];
    while (std::fgets(line, sizeof(line), cgroup)) {
      llvm::StringRef text = llvm::StringRef(line).rtrim("\n");
      if (!text.consume_front("0::"))
        continue;
      std::string dir = "/sys/fs/cgroup" + text.str();
      std::optional<double> max = readNumberFile(dir + "/memory.max");
      std::optional<double> current = readNumberFile(dir + "/memory.current");
      if (max && current)
        consider(*max - *current);
    }
    std::fclose(cgroup);
  }
  // ulimit -v and -d: address space and data segment left.
  long page = sysconf(_SC_PAGESIZE);
  unsigned long long sizePages = 0, residentPages = 0, sharedPages = 0,
                     textPages = 0, libPages = 0, dataPages = 0;
  if (std::FILE *statm = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(statm, "%llu %llu %llu %llu %llu %llu", &sizePages,
                    &residentPages, &sharedPages, &textPages, &libPages,
                    &dataPages) != 6)
      sizePages = dataPages = 0;
    std::fclose(statm);
  }
  struct rlimit limit;
  if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    consider(static_cast<double>(limit.rlim_cur) -
             static_cast<double>(sizePages) * page);
  if (getrlimit(RLIMIT_DATA, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    consider(static_cast<double>(limit.rlim_cur) -
             static_cast<double>(dataPages) * page);
  return best;
}

bool snnc::admitMemory(const MemoryEstimate &estimate, llvm::SMRange where,
                       DiagnosticEngine &diags) {
  double peak = estimate.peakBytes();
  double available = availableMemoryBytes();
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
