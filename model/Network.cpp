//===- Network.cpp - A model's concrete network: synapses, initial state --===//

#include "snnc/model/Network.h"

#include "snnc/runtime/Initializers.h"
#include "snnc/runtime/Random.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>

using namespace snnc;
using namespace snnc::model;

namespace {

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

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

} // namespace

rt::ProjectionRecipe snnc::projectionRecipe(const Model &model, unsigned p,
                                            uint64_t seed) {
  const Projection &proj = model.projections[p];
  using Rule = rt::ProjectionRecipe::Rule;
  rt::ProjectionRecipe recipe;
  const Connectivity &conn = proj.connectivity;
  switch (conn.kind) {
  case Connectivity::Kind::FixedPerPre:
    recipe.rule = Rule::FixedPerPre;
    break;
  case Connectivity::Kind::FixedPerPost:
    recipe.rule = Rule::FixedPerPost;
    break;
  case Connectivity::Kind::FixedTotalNumber:
    recipe.rule = Rule::FixedTotalNumber;
    break;
  case Connectivity::Kind::FixedProb:
    recipe.rule = Rule::FixedProb;
    break;
  case Connectivity::Kind::AllToAll:
    recipe.rule = Rule::AllToAll;
    break;
  case Connectivity::Kind::OneToOne:
    recipe.rule = Rule::OneToOne;
    break;
  }
  recipe.numPre = proj.source.size();
  recipe.numPost = proj.target.size();
  recipe.count = conn.count;
  recipe.probability = conn.probability;
  recipe.withReplacement = conn.withReplacement;
  recipe.seed = seed;
  recipe.connectivityStream = connectivityStream(p);
  recipe.weightStream = weightStream(p);
  switch (proj.weight.kind) {
  case Initializer::Kind::Normal:
    recipe.perSynapseWeights = true;
    recipe.weights = rt::InitSpec::normal(proj.weight.a, proj.weight.b);
    break;
  case Initializer::Kind::Uniform:
    recipe.perSynapseWeights = true;
    recipe.weights = rt::InitSpec::uniform(proj.weight.a, proj.weight.b);
    break;
  case Initializer::Kind::Expression:
    break;
  }
  return recipe;
}

std::optional<NetworkData> snnc::instantiate(const Model &model, uint64_t seed,
                                             DiagnosticEngine &diags) {
  NetworkData net;
  for (unsigned p = 0; p < model.projections.size(); ++p) {
    const Projection &proj = model.projections[p];
    rt::ProjectionRecipe recipe = projectionRecipe(model, p, seed);
    rt::Expected<rt::Connectivity> conn = rt::drawConnectivity(recipe);
    if (!conn.ok()) {
      diags.error(proj.connectivity.range,
                  "cannot build connectivity: " + conn.message());
      return std::nullopt;
    }
    ProjectionData data;
    data.connectivity = conn.take();
    rt::Status weights =
        rt::drawWeights(recipe, data.connectivity.numSynapses(), data.weights);
    if (!weights.ok()) {
      diags.error(proj.weight.range, "cannot initialise: " + weights.message());
      return std::nullopt;
    }
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
      if (e.op == Op::State) // an earlier state, drawn already
        return data.states[e.index][i];
      return 0.0;
    };
    // Parameters first: initial states may read them. A per-neuron value
    // that reads another per-neuron parameter is drawn after it, whatever
    // the order of their declarations.
    std::vector<bool> drawn(neuron.params.size(), false);
    std::function<bool(const Expr &, unsigned)> readsUndrawn =
        [&](const Expr &e, unsigned q) {
          if (e.op == Op::Param && e.index != q &&
              pop.perNeuronParams[e.index] && !drawn[e.index])
            return true;
          return llvm::any_of(
              e.args, [&](const ExprP &arg) { return readsUndrawn(*arg, q); });
        };
    auto ready = [&](unsigned q) {
      const Initializer &init = *pop.perNeuronParams[q];
      return init.kind != Initializer::Kind::Expression ||
             !readsUndrawn(*init.value, q);
    };
    for (bool progress = true; progress;) {
      progress = false;
      for (unsigned q = 0; q < neuron.params.size(); ++q) {
        if (!pop.perNeuronParams[q] || drawn[q] || !ready(q))
          continue;
        if (!draw(*pop.perNeuronParams[q], pop.size,
                  rt::RandomStream(seed, paramStream(p, q)), leaf,
                  data.params[q], diags))
          return std::nullopt;
        drawn[q] = progress = true;
      }
    }
    for (unsigned q = 0; q < neuron.params.size(); ++q)
      if (pop.perNeuronParams[q] && !drawn[q]) {
        diags.error(pop.perNeuronParams[q]->range,
                    "the value of '" + neuron.params[q].name +
                        "' depends on itself through other parameters of "
                        "population '" +
                        pop.name + "'");
        return std::nullopt;
      }
    for (unsigned s = 0; s < neuron.states.size(); ++s)
      if (!draw(pop.stateInit[s], pop.size,
                rt::RandomStream(seed, stateStream(p, s)), leaf, data.states[s],
                diags))
        return std::nullopt;
    net.populations.push_back(std::move(data));
  }
  return net;
}

std::string snnc::precisionProblem(double value, bool doublePrecision) {
  if (std::isnan(value))
    return "is not a number";
  if (!std::isfinite(value))
    return "is not finite";
  double largest = doublePrecision ? std::numeric_limits<double>::max()
                                   : std::numeric_limits<float>::max();
  double smallest = doublePrecision ? std::numeric_limits<double>::min()
                                    : std::numeric_limits<float>::min();
  const char *type = doublePrecision ? "float64" : "float32";
  const char *advice = doublePrecision
                           ? "; write it in another unit"
                           : "; write it in another unit or run in double "
                             "precision (--double)";
  char text[160];
  if (std::fabs(value) > largest) {
    std::snprintf(text, sizeof(text),
                  "is beyond the range of %s (at most %g)%s", type, largest,
                  advice);
    return text;
  }
  // Denormals are flushed to zero while the program runs.
  if (value != 0 && std::fabs(value) < smallest) {
    std::snprintf(text, sizeof(text),
                  "is too small for %s: the run would flush it to 0 (the "
                  "smallest is %g)%s",
                  type, smallest, advice);
    return text;
  }
  return "";
}

bool snnc::checkNetworkValues(const Model &model, const NetworkData &network,
                              bool doublePrecision, DiagnosticEngine &diags) {
  bool ok = true;
  // The first value of `values` that breaks `problem`, reported at `where`.
  auto scan = [&](const std::vector<double> &values, llvm::SMRange where,
                  llvm::function_ref<std::string(double)> problem,
                  llvm::function_ref<std::string(size_t)> what,
                  const Unit &unit) {
    for (size_t i = 0; i < values.size(); ++i) {
      std::string why = problem(values[i]);
      if (why.empty())
        continue;
      diags.error(where, what(i) + " is " + formatQuantity(values[i], unit) +
                             ", but it " + why);
      ok = false;
      return;
    }
  };
  auto fits = [&](double value) {
    return precisionProblem(value, doublePrecision);
  };
  for (unsigned p = 0; p < model.populations.size(); ++p) {
    const Population &pop = model.populations[p];
    const NeuronModel &neuron = model.neurons[pop.neuron];
    const PopulationData &data = network.populations[p];
    auto ofNeuron = [&](const std::string &what) {
      return [&, what](size_t i) {
        return what + " of neuron " + std::to_string(i) + " of population '" +
               pop.name + "'";
      };
    };
    for (unsigned q = 0; q < data.params.size(); ++q) {
      if (data.params[q].empty())
        continue;
      const Param &param = neuron.params[q];
      llvm::SMRange where = pop.perNeuronParams[q]->range;
      std::string name = "'" + param.name + "'";
      scan(
          data.params[q], where,
          [&](double value) {
            std::string why = ruleViolation(param, value);
            return why.empty() ? fits(value) : why;
          },
          ofNeuron(name), param.unit);
    }
    for (unsigned s = 0; s < data.states.size(); ++s)
      scan(data.states[s], pop.stateInit[s].range, fits,
           ofNeuron("the initial value of '" + neuron.states[s].name + "'"),
           neuron.states[s].unit);
  }
  for (unsigned k = 0; k < model.projections.size(); ++k) {
    const Projection &proj = model.projections[k];
    const SynapseModel &synapse = model.synapses[proj.synapse];
    scan(
        network.projections[k].weights, proj.weight.range, fits,
        [&](size_t i) {
          return "the weight of synapse " + std::to_string(i) +
                 " of projection" + std::to_string(k);
        },
        synapse.weightUnit);
    for (unsigned s = 0; s < synapse.states.size(); ++s)
      scan(
          {network.synapseInitial[k][s]}, synapse.states[s].range, fits,
          [&](size_t) {
            return "the initial value of '" + synapse.states[s].name +
                   "' in projection" + std::to_string(k);
          },
          synapse.states[s].unit);
  }
  return ok;
}

double snnc::expectedSynapses(const Projection &proj) {
  double pre = static_cast<double>(proj.source.size()),
         post = static_cast<double>(proj.target.size());
  switch (proj.connectivity.kind) {
  case Connectivity::Kind::FixedPerPre:
    return static_cast<double>(proj.connectivity.count) * pre;
  case Connectivity::Kind::FixedPerPost:
    return static_cast<double>(proj.connectivity.count) * post;
  case Connectivity::Kind::FixedTotalNumber:
    return static_cast<double>(proj.connectivity.count);
  case Connectivity::Kind::FixedProb:
    return proj.connectivity.probability * pre * post;
  case Connectivity::Kind::AllToAll:
    return pre * post;
  case Connectivity::Kind::OneToOne:
    return pre;
  }
  return pre * post;
}

int64_t snnc::synapseRoom(const Projection &proj, int64_t drawn) {
  if (proj.connectivity.kind != Connectivity::Kind::FixedProb)
    return drawn;
  double pairs = static_cast<double>(proj.source.size()) *
                 static_cast<double>(proj.target.size());
  double mean = pairs * proj.connectivity.probability;
  double room = std::min(pairs, std::ceil(mean + 8 * std::sqrt(mean) + 64));
  room = std::min(room, static_cast<double>(kInt32Max));
  return std::max(drawn, static_cast<int64_t>(room));
}

bool snnc::checkIndexLimits(const Model &model, DiagnosticEngine &diags) {
  bool ok = true;
  for (const Projection &proj : model.projections) {
    double synapses = expectedSynapses(proj);
    if (synapses > static_cast<double>(kInt32Max)) {
      diags.error(proj.connectivity.range,
                  llvm::formatv("this projection would have {0:E2} synapses, "
                                "more than the {1} that int32 synapse "
                                "indices can address",
                                synapses, kInt32Max));
      ok = false;
    }
  }
  return ok;
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
  StepCount steps = countSteps(run.durationMs, run.dtMs, !run.records.empty());
  if (!steps.ok()) {
    // A value given by the caller, not the model file, has no place there.
    diags.error(durationMs || dtMs ? llvm::SMRange() : run.range, steps.why);
    return std::nullopt;
  }
  // Delays are whole steps, at least one: they depend on the run's dt.
  bool delaysOk = true;
  for (const Projection &proj : model.projections) {
    int64_t n = delaySteps(proj, run.dtMs);
    if (n >= 1 && n <= maxDelaySteps)
      continue;
    diags.error(
        proj.delayRange,
        "the delay, " + formatQuantity(*proj.delayMs, *lookupUnit("ms")) +
            ", is " +
            (n < 1 ? std::string("less than one step")
                   : "more than " + std::to_string(maxDelaySteps) + " steps") +
            " of dt = " + formatQuantity(run.dtMs, *lookupUnit("ms")) +
            "; a delay lasts at least one step");
    delaysOk = false;
  }
  for (const PoissonInput &input : model.poissonInputs)
    if (input.mean(run.dtMs) > maxPoissonMean) {
      diags.error(input.range,
                  llvm::formatv("this Poisson input adds a count of mean {0} "
                                "per step at dt = {1} ms; at most {2}",
                                input.mean(run.dtMs), run.dtMs,
                                maxPoissonMean));
      delaysOk = false;
    }
  if (!delaysOk)
    return std::nullopt;
  return steps.steps;
}
