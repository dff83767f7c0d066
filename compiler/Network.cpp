//===- Network.cpp - A model's concrete network: synapses, initial state --===//

#include "snnc/compiler/Network.h"

#include "snnc/runtime/Initializers.h"
#include "snnc/runtime/Random.h"

#include <cmath>
#include <cstdio>

using namespace snnc;
using namespace snnc::model;

namespace {

uint64_t stateStream(unsigned pop, unsigned state) {
  return (uint64_t(1) << 32) | (uint64_t(pop) << 16) | state;
}
uint64_t paramStream(unsigned pop, unsigned param) {
  return (uint64_t(2) << 32) | (uint64_t(pop) << 16) | param;
}
uint64_t connectivityStream(unsigned projection) {
  return (uint64_t(3) << 32) | projection;
}
uint64_t weightStream(unsigned projection) {
  return (uint64_t(4) << 32) | projection;
}

/// Values of an initializer for neurons 0..n-1; `leaf` gives parameters
/// and the neuron index of expression initializers.
bool draw(const Initializer &init, int64_t n, const rt::RandomStream &stream,
          llvm::function_ref<double(const Expr &, int64_t)> leaf,
          std::vector<double> &out, DiagnosticEngine &diags) {
  out.assign(static_cast<size_t>(n), 0.0);
  rt::Status status;
  switch (init.kind) {
  case Initializer::Kind::Normal:
    status = rt::fillNormal(out.data(), n, init.a, init.b, stream);
    break;
  case Initializer::Kind::Uniform:
    status = rt::fillUniform(out.data(), n, init.a, init.b, stream);
    break;
  case Initializer::Kind::Expression:
    for (int64_t i = 0; i < n; ++i)
      out[i] = evaluate(*init.value, [&](const Expr &e) { return leaf(e, i); });
    break;
  }
  if (!status.ok()) {
    diags.error(init.range, "cannot initialise: " + status.message());
    return false;
  }
  return true;
}

rt::Expected<rt::Connectivity> connect(const Projection &proj,
                                       const rt::RandomStream &stream) {
  int64_t numPre = proj.source.size(), numPost = proj.target.size();
  const Connectivity &conn = proj.connectivity;
  switch (conn.kind) {
  case Connectivity::Kind::FixedPerPre:
    return rt::fixedPerPre(numPre, numPost, conn.count, stream,
                           conn.withReplacement);
  case Connectivity::Kind::FixedPerPost:
    return rt::fixedPerPost(numPre, numPost, conn.count, stream);
  case Connectivity::Kind::FixedProb:
    return rt::fixedProb(numPre, numPost, conn.probability, stream);
  case Connectivity::Kind::AllToAll:
    return rt::allToAll(numPre, numPost);
  case Connectivity::Kind::OneToOne:
    return rt::oneToOne(numPre, numPost);
  }
  return rt::allToAll(numPre, numPost);
}

} // namespace

std::optional<NetworkData> snnc::instantiate(const Model &model, uint64_t seed,
                                             DiagnosticEngine &diags) {
  NetworkData net;
  for (unsigned p = 0; p < model.projections.size(); ++p) {
    const Projection &proj = model.projections[p];
    rt::Expected<rt::Connectivity> conn =
        connect(proj, rt::RandomStream(seed, connectivityStream(p)));
    if (!conn.ok()) {
      diags.error(proj.connectivity.range,
                  "cannot build connectivity: " + conn.message());
      return std::nullopt;
    }
    ProjectionData data;
    data.connectivity = conn.take();
    if (proj.weight.kind != Initializer::Kind::Expression &&
        !draw(
            proj.weight, data.connectivity.numSynapses(),
            rt::RandomStream(seed, weightStream(p)),
            [](const Expr &, int64_t) { return 0.0; }, data.weights, diags))
      return std::nullopt;
    net.projections.push_back(std::move(data));

    const SynapseModel &synapse = model.synapses[proj.synapse];
    std::vector<double> initial;
    for (const State &state : synapse.states)
      initial.push_back(evaluate(*state.initialValue, [&](const Expr &e) {
        return e.op == Op::Param ? proj.synapseParams[e.index] : 0.0;
      }));
    net.synapseInitial.push_back(std::move(initial));
  }

  for (unsigned p = 0; p < model.populations.size(); ++p) {
    const Population &pop = model.populations[p];
    const NeuronModel &neuron = model.neurons[pop.neuron];
    PopulationData data;
    data.params.resize(neuron.params.size());
    data.states.resize(neuron.states.size());
    auto leaf = [&](const Expr &e, int64_t i) -> double {
      if (e.op == Op::NeuronIndex)
        return static_cast<double>(i);
      if (e.op == Op::Param)
        return data.params[e.index].empty() ? pop.params[e.index]
                                            : data.params[e.index][i];
      return 0.0;
    };
    // Parameters first: initial states may read them.
    for (unsigned q = 0; q < neuron.params.size(); ++q)
      if (pop.perNeuronParams[q] &&
          !draw(*pop.perNeuronParams[q], pop.size,
                rt::RandomStream(seed, paramStream(p, q)), leaf, data.params[q],
                diags))
        return std::nullopt;
    for (unsigned s = 0; s < neuron.states.size(); ++s)
      if (!draw(pop.stateInit[s], pop.size,
                rt::RandomStream(seed, stateStream(p, s)), leaf, data.states[s],
                diags))
        return std::nullopt;
    net.populations.push_back(std::move(data));
  }
  return net;
}

MemoryEstimate snnc::estimateMemory(const Model &model, bool doublePrecision) {
  MemoryEstimate estimate;
  double real = doublePrecision ? 8 : 4;
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
    double pre = proj.source.size(), post = proj.target.size();
    double synapses = 0;
    switch (proj.connectivity.kind) {
    case Connectivity::Kind::FixedPerPre:
      synapses = proj.connectivity.count * pre;
      break;
    case Connectivity::Kind::FixedPerPost:
      synapses = proj.connectivity.count * post;
      break;
    case Connectivity::Kind::FixedProb:
      synapses = proj.connectivity.probability * pre * post;
      break;
    case Connectivity::Kind::AllToAll:
      synapses = pre * post;
      break;
    case Connectivity::Kind::OneToOne:
      synapses = pre;
      break;
    }
    estimate.synapses += static_cast<int64_t>(synapses);
    bool perSynapseWeight = proj.weight.kind != Initializer::Kind::Expression;
    estimate.connectivityBytes +=
        synapses * (4 + (perSynapseWeight ? real : 0)) + 4 * (pre + 1);
    estimate.stateBytes +=
        real * model.synapses[proj.synapse].states.size() * post;
  }
  return estimate;
}

double snnc::availableMemoryBytes() {
  std::FILE *meminfo = std::fopen("/proc/meminfo", "r");
  if (!meminfo)
    return -1;
  char line[256];
  double bytes = -1;
  while (std::fgets(line, sizeof(line), meminfo)) {
    unsigned long long kib;
    if (std::sscanf(line, "MemAvailable: %llu kB", &kib) == 1) {
      bytes = static_cast<double>(kib) * 1024;
      break;
    }
  }
  std::fclose(meminfo);
  return bytes;
}

std::optional<int64_t> snnc::settleRun(Model &model,
                                       std::optional<uint64_t> seed,
                                       std::optional<double> durationMs,
                                       std::optional<double> dtMs,
                                       DiagnosticEngine &diags) {
  if (!model.run)
    model.run = RunSettings{};
  RunSettings &run = *model.run;
  if (seed)
    run.seed = *seed;
  if (durationMs)
    run.durationMs = *durationMs;
  if (dtMs)
    run.dtMs = *dtMs;
  StepCount steps =
      countSteps(run.durationMs, run.dtMs, !run.records.empty());
  if (!steps.ok()) {
    // A value given by the caller, not the model file, has no place there.
    diags.error(durationMs || dtMs ? llvm::SMRange() : run.range, steps.why);
    return std::nullopt;
  }
  return steps.steps;
}
