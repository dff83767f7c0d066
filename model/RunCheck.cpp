//===- RunCheck.cpp - Why a run stopped -----------------------------------===//

#include "snnc/model/RunCheck.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

using namespace snnc;

namespace {

std::string formatMs(double ms) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g ms", ms);
  return text;
}

} // namespace

bool snnc::resetsInfinity(const model::NeuronModel &neuron, unsigned state) {
  return neuron.reset == model::NeuronModel::ResetKind::Hard &&
         neuron.spikeState && *neuron.spikeState == state;
}

std::string RunStop::message() const {
  std::string stopped =
      "the run stopped at t = " + formatMs(stoppedSteps * dtMs);
  if (kind == Kind::OutOfMemory)
    return "out of memory for the recordings: " + detail + "; " + stopped +
           " (what was recorded until t = " + formatMs(recordedSteps * dtMs) +
           " is kept)";
  std::string what =
      synapseGroup >= 0
          ? "synapse state '" + state + "' of " + projections + " at neuron " +
                std::to_string(neuron) + " of population '" + population + "'"
          : "state '" + state + "' of neuron " + std::to_string(neuron) +
                " of population '" + population + "'";
  std::string became = std::isnan(value) ? "nan" : value > 0 ? "inf" : "-inf";
  std::string when =
      exact ? "at t = " + formatMs(foundSteps * dtMs) + " (step " +
                  std::to_string(foundSteps - 1) + ")"
            : "by t = " + formatMs(foundSteps * dtMs) + " (it was finite at " +
                  "t = " + formatMs(finiteSteps * dtMs) + ")";
  std::string others =
      count > 1 ? "; " + std::to_string(count) + " values were not finite" : "";
  return what + " became " + became + " " + when + others + "; " + stopped;
}

void snnc::describeNonFinite(const model::Model &model, unsigned population,
                             int group, unsigned state,
                             unsigned firstProjection,
                             const std::string &members, RunStop &stop) {
  stop.kind = RunStop::Kind::NonFinite;
  stop.synapseGroup = group;
  if (group < 0) {
    const model::Population &pop = model.populations[population];
    const model::NeuronModel &neuron = model.neurons[pop.neuron];
    stop.population = pop.name;
    stop.state = neuron.states[state].name;
    stop.where = neuron.states[state].range;
    for (const model::Equation &eq : neuron.equations)
      if (eq.state == state)
        stop.where = eq.range;
    return;
  }
  const model::Projection &proj = model.projections[firstProjection];
  const model::SynapseModel &synapse = model.synapses[proj.synapse];
  stop.population = model.populations[proj.target.population].name;
  stop.state = synapse.states[state].name;
  stop.projections = members;
  stop.where = synapse.states[state].range;
  for (const model::Equation &eq : synapse.equations)
    if (eq.state == state)
      stop.where = eq.range;
}
