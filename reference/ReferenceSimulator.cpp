//===- ReferenceSimulator.cpp - The model's semantics, interpreted --------===//
//
// One step k, at time t_k = k * dt (computed in double, then rounded to
// the working precision), exactly as docs/language.md section 10 states it:
//
//   1. synapses advance: every synapse state takes one step of its
//      equation (synapses declared `increment before decay`: after 2);
//   2. spikes of step k-1 (at k = 0: the spike condition on the initial
//      state) are delivered, source by source in ascending order, synapse
//      by synapse in connectivity order, by running `on_pre` on the state
//      of the target;
//   3. every neuron: reset if it spiked at step k-1; integrate all its
//      equations from the post-reset state (inputs = drives + currents of
//      the groups reaching it, read after delivery); hold the held states
//      (the spike variable, or the `unless refractory` equations) at their
//      post-reset values while refractory; spike if the condition holds
//      on the new state (and the neuron is not refractory by a
//      condition), remembering t_k;
//   4. record this step's spikes and the recorded states.
//
// Every arithmetic operation goes through an Evaluator, which rounds and
// flushes as the compiled engine does. A neuron outside a synapse group's
// target slice gets no current from it. An input read outside the
// equations (in a spike condition or a reset value) is its drives alone,
// as in the compiled engine: the language does not say more.
//
//===----------------------------------------------------------------------===//

#include "snnc/reference/ReferenceSimulator.h"

#include "Plans.h"
#include "Program.h"

#include "snnc/model/MemoryBudget.h"
#include "snnc/model/Network.h"
#include "snnc/model/Parameters.h"
#include "snnc/runtime/NonFinite.h"
#include "snnc/runtime/Random.h"

#include <algorithm>
#include <cmath>

using namespace snnc;
using namespace snnc::model;
using namespace snnc::reference;

namespace {
/// `old op= value` in the engine's arithmetic (on_pre and on_spike).
double applyAssign(const Evaluator &eval, ast::AssignOp op, double old,
                   double value) {
  switch (op) {
  case ast::AssignOp::Set:
    return value;
  case ast::AssignOp::Add:
    return eval.add(old, value);
  case ast::AssignOp::Sub:
    return eval.sub(old, value);
  case ast::AssignOp::Mul:
    return eval.mul(old, value);
  case ast::AssignOp::Div:
    return eval.div(old, value);
  }
  return value;
}
} // namespace

namespace {

/// The state of one population's neurons, in the working precision.
struct PopulationState {
  std::vector<std::vector<double>> states; ///< [state][neuron]
  std::vector<std::vector<double>> params; ///< [param][neuron]; empty: shared
  std::vector<std::vector<double>> drives; ///< [input][neuron]: drive sums
  std::vector<double> lastSpike;           ///< Periods counted by time only.
  /// Periods counted in steps: the steps of it left.
  std::vector<int64_t> refractorySteps;
  std::vector<char> spiked; ///< The spike of the last step done.
};

/// The state of one synapse group: [state][neuron of the target slice].
struct GroupState {
  std::vector<std::vector<double>> states;
  /// Delayed projections: what arrives in each of the coming `slots`
  /// steps, [state][slot * size + neuron] (step k uses slot k % slots);
  /// empty for a state nothing delayed adds to.
  int64_t slots = 0;
  std::vector<std::vector<double>> arriving;
};

/// The plan's expressions of one population, ready to run.
struct PopulationPrograms {
  Program spike, threshold, resetValue, refractory, refractoryCondition;
  std::vector<Program> onSpike; ///< Per on_spike statement.
  std::vector<Program> next;    ///< Per state.
};

/// A projection's weights, in the working precision.
struct Weights {
  std::vector<double> perSynapse; ///< Empty: all synapses share `shared`.
  double shared = 0;
  double of(int32_t synapse) const {
    return perSynapse.empty() ? shared : perSynapse[synapse];
  }
};

} // namespace

struct ReferenceSimulator::Impl {
  Impl(const Model &model, Evaluator eval) : model(model), eval(eval) {}

  Model model;
  Evaluator eval;
  NetworkData network;
  Plan plan;
  double dt = 0;      ///< In double, as given.
  double dtValue = 0; ///< dt in the working precision (the `dt` leaf).
  uint64_t seed = 0;
  /// The step being computed, as rand() and randn() key their draws; the
  /// spike condition on the initial state draws as step -1.
  uint64_t step = ~uint64_t(0);
  std::vector<PopulationState> pops;
  std::vector<GroupState> groups;
  std::vector<Weights> weights; ///< Per projection.
  // The plan's expressions, flattened.
  std::vector<std::vector<Program>> groupNext; ///< [group][state]
  std::vector<std::vector<Program>> onPre;     ///< [projection][statement]
  std::vector<PopulationPrograms> programs;    ///< [population]

  void flattenPlan();

  void initialise();
  /// Why the run stopped early, once it has.
  std::optional<RunStop> stop;
  /// Records a stop and returns false if a state is NaN or infinite after
  /// `stepsDone` steps.
  bool checkFinite(int64_t stepsDone);
  double time(int64_t k) const { return eval.round(double(k) * dt); }
  /// One step of the equations of the synapse groups whose synapse adds
  /// increments before (or after) its decay.
  void advanceSynapses(double t, bool incrementBeforeDecay);
  void deliverSpikes(double t);
  /// Adds the increments whose delay ends at this step to their states.
  void receiveDelayed();
  void updateNeurons(unsigned p, double t);
  bool spikeCondition(unsigned p, int64_t j, const std::vector<double> &x,
                      double t) const;
  double neuronLeaf(unsigned p, int64_t j, const std::vector<double> &x,
                    double t, const Expr &leaf) const;
  /// A refractory period as whole steps: floor(period * (1/dt) + 0.001)
  /// in the working precision, at most 2^30.
  int64_t periodInSteps(double periodMs) const {
    double steps = std::floor(
        eval.add(eval.mul(periodMs, eval.round(1.0 / dt)), eval.round(0.001)));
    return static_cast<int64_t>(std::min(steps, 1073741824.0));
  }
  /// The cumulative Poisson probabilities of each Poisson input, in the
  /// working precision.
  std::vector<std::vector<double>> poissonTables;
  /// This step's count of Poisson input k for neuron j of population p.
  double poissonCount(unsigned p, int64_t j, size_t k) const {
    rt::PhiloxBlock w =
        rt::philox4x32(rt::stepDrawCounter(p, model.poissonInputs[k].site, step,
                                           static_cast<uint32_t>(j)),
                       rt::philoxKey(seed));
    double u = eval.getPrecision() == Precision::Double
                   ? rt::uniformDoubleFromBits(w[0], w[1])
                   : static_cast<double>(rt::uniformFloatFromBits(w[0]));
    double count = 0;
    for (double cumulative : poissonTables[k])
      count += cumulative <= u;
    return count;
  }
  /// rand() or randn() of neuron j of population p at this step.
  double randomDraw(unsigned p, int64_t j, const Expr &leaf) const;
};

//===----------------------------------------------------------------------===//
// Setup
//===----------------------------------------------------------------------===//

void ReferenceSimulator::Impl::flattenPlan() {
  auto flatten = [&](const std::vector<ExprP> &exprs) {
    std::vector<Program> out;
    for (const ExprP &expr : exprs)
      out.emplace_back(expr, eval);
    return out;
  };
  for (const SynapseGroup &group : plan.groups)
    groupNext.push_back(flatten(group.next));
  for (const std::vector<ExprP> &values : plan.onPre)
    onPre.push_back(flatten(values));
  for (const PopulationPlan &pop : plan.populations) {
    PopulationPrograms out;
    out.spike = Program(pop.spike, eval);
    out.threshold = Program(pop.threshold, eval);
    out.resetValue = Program(pop.resetValue, eval);
    out.refractory = Program(pop.refractory, eval);
    out.refractoryCondition = Program(pop.refractoryCondition, eval);
    out.onSpike = flatten(pop.onSpike);
    out.next = flatten(pop.next);
    programs.push_back(std::move(out));
  }
}

void ReferenceSimulator::Impl::initialise() {
  auto rounded = [&](const std::vector<double> &values) {
    std::vector<double> out;
    for (double v : values)
      out.push_back(eval.round(v));
    return out;
  };
  for (unsigned p = 0; p < model.populations.size(); ++p) {
    const Population &pop = model.populations[p];
    const NeuronModel &neuron = model.neurons[pop.neuron];
    const PopulationData &data = network.populations[p];
    size_t size = static_cast<size_t>(pop.size);
    PopulationState state;
    for (const std::vector<double> &values : data.states)
      state.states.push_back(rounded(values));
    for (const std::vector<double> &values : data.params)
      state.params.push_back(rounded(values));
    // Each input's drives, summed in declaration order from +0 as the
    // compiled code adds them.
    state.drives.assign(neuron.inputs.size(), std::vector<double>(size, 0.0));
    for (const Drive &drive : model.drives) {
      if (drive.target.population != p)
        continue;
      for (int64_t j = drive.target.begin; j < drive.target.end; ++j)
        state.drives[drive.input][j] =
            eval.add(state.drives[drive.input][j], eval.round(drive.value));
    }
    // No neuron starts refractory: its last spike was long ago.
    if (neuron.refractory && neuron.refractoryByTime)
      state.lastSpike.assign(size, eval.round(-1e7));
    else if (neuron.refractory)
      state.refractorySteps.assign(size, 0);
    state.spiked.assign(size, 0);
    pops.push_back(std::move(state));
  }

  for (const SynapseGroup &group : plan.groups) {
    const std::vector<double> &initial =
        network.synapseInitial[group.projections.front()];
    GroupState state;
    for (double value : initial)
      state.states.push_back(std::vector<double>(
          static_cast<size_t>(group.target.size()), eval.round(value)));
    for (unsigned p : group.projections)
      state.slots = std::max(state.slots, delaySteps(model.projections[p], dt));
    state.arriving.resize(initial.size());
    if (state.slots > 1)
      for (const AssignStatement &stmt : model.synapses[group.synapse].onPre)
        state.arriving[stmt.state].assign(
            static_cast<size_t>(state.slots * group.target.size()), 0.0);
    groups.push_back(std::move(state));
  }

  for (unsigned p = 0; p < model.projections.size(); ++p) {
    const Projection &proj = model.projections[p];
    Weights w;
    // Per synapse when drawn so, even for a projection that drew none.
    if (proj.weight.kind != Initializer::Kind::Expression)
      w.perSynapse = rounded(network.projections[p].weights);
    else
      w.shared = eval.round(
          evaluate(*proj.weight.value, [](const Expr &) { return 0.0; }));
    weights.push_back(std::move(w));
  }

  // The spikes that act at step 0: the condition on the initial state, at
  // t = 0 (the time of the initial state).
  for (unsigned p = 0; p < model.populations.size(); ++p) {
    PopulationState &pop = pops[p];
    std::vector<double> x(pop.states.size());
    for (int64_t j = 0; j < model.populations[p].size; ++j) {
      for (size_t s = 0; s < x.size(); ++s)
        x[s] = pop.states[s][j];
      pop.spiked[j] = spikeCondition(p, j, x, 0.0);
    }
  }
}

//===----------------------------------------------------------------------===//
// One step
//===----------------------------------------------------------------------===//

double ReferenceSimulator::Impl::neuronLeaf(unsigned p, int64_t j,
                                            const std::vector<double> &x,
                                            double t, const Expr &leaf) const {
  const PopulationState &pop = pops[p];
  switch (leaf.op) {
  case Op::State:
    return x[leaf.index];
  case Op::Param: // shared parameters were bound to constants
    return pop.params[leaf.index][j];
  case Op::Input: // the drives; currents were spelled out by the plan
    return pop.drives[leaf.index][j];
  case Op::SynapseState: { // 0 outside the group's target slice
    const model::Slice &target = plan.groups[leaf.group].target;
    bool inside = target.begin <= j && j < target.end;
    if (leaf.index == insideSliceIndex)
      return inside ? 1.0 : 0.0;
    return inside ? groups[leaf.group].states[leaf.index][j - target.begin]
                  : 0.0;
  }
  case Op::Time:
    return t;
  case Op::Dt:
    return dtValue;
  case Op::NeuronIndex:
    return eval.round(static_cast<double>(j));
  case Op::Random:
    return randomDraw(p, j, leaf);
  default:
    return 0.0;
  }
}

double ReferenceSimulator::Impl::randomDraw(unsigned p, int64_t j,
                                            const Expr &leaf) const {
  rt::PhiloxBlock w = rt::philox4x32(
      rt::stepDrawCounter(p, leaf.index, step, static_cast<uint32_t>(j)),
      rt::philoxKey(seed));
  bool inDouble = eval.getPrecision() == Precision::Double;
  auto uniform = [&](uint32_t high, uint32_t low) {
    return inDouble ? rt::uniformDoubleFromBits(high, low)
                    : static_cast<double>(rt::uniformFloatFromBits(high));
  };
  double u1 = uniform(w[0], w[1]);
  if (leaf.draw == model::Draw::Uniform)
    return u1;
  // Box-Muller, one rounding per operation: sqrt(-2 log(1 - u1)) cos(2 pi u2).
  double u2 = uniform(w[2], w[3]);
  double logarithm = eval.call(model::Builtin::Log, {eval.sub(1.0, u1)});
  double radius =
      eval.call(model::Builtin::Sqrt, {eval.mul(eval.round(-2.0), logarithm)});
  double angle = eval.mul(eval.round(6.283185307179586), u2);
  double normal = eval.mul(radius, eval.call(model::Builtin::Cos, {angle}));
  if (leaf.draw == model::Draw::Normal)
    return normal;
  return eval.mul(normal, eval.round(1.0 / std::sqrt(dt))); // white noise
}

bool ReferenceSimulator::Impl::spikeCondition(unsigned p, int64_t j,
                                              const std::vector<double> &x,
                                              double t) const {
  const Program &spike = programs[p].spike;
  if (spike.empty())
    return false;
  return spike.run([&](const Expr &leaf) {
    return neuronLeaf(p, j, x, t, leaf);
  }) != 0;
}

void ReferenceSimulator::Impl::advanceSynapses(double t,
                                               bool incrementBeforeDecay) {
  for (unsigned g = 0; g < plan.groups.size(); ++g) {
    const SynapseGroup &group = plan.groups[g];
    if (model.synapses[group.synapse].incrementBeforeDecay !=
        incrementBeforeDecay)
      continue;
    std::vector<std::vector<double>> &states = groups[g].states;
    std::vector<double> old(states.size());
    for (int64_t i = 0; i < group.target.size(); ++i) {
      for (size_t s = 0; s < states.size(); ++s)
        old[s] = states[s][i];
      // Every equation reads the values from before this step.
      for (size_t s = 0; s < states.size(); ++s) {
        if (groupNext[g][s].empty())
          continue;
        states[s][i] = groupNext[g][s].run([&](const Expr &leaf) {
          if (leaf.op == Op::State)
            return old[leaf.index];
          if (leaf.op == Op::Time)
            return t;
          if (leaf.op == Op::Dt)
            return dtValue;
          return 0.0;
        });
      }
    }
    // The jumps the targets took in the last step are spent.
    for (const SynapseModel::TargetJump &jump :
         model.synapses[group.synapse].targetJumps)
      std::fill(states[jump.state].begin(), states[jump.state].end(), 0.0);
  }
}

void ReferenceSimulator::Impl::deliverSpikes(double t) {
  for (unsigned p = 0; p < model.projections.size(); ++p) {
    const Projection &proj = model.projections[p];
    const SynapseModel &synapse = model.synapses[proj.synapse];
    const rt::Connectivity &conn = network.projections[p].connectivity;
    const std::vector<char> &spiked = pops[proj.source.population].spiked;
    GroupState &group = groups[plan.groupOf[p]];
    std::vector<std::vector<double>> &states = group.states;
    int64_t delay = delaySteps(proj, dt);
    uint64_t size = static_cast<uint64_t>(proj.target.size());
    const Weights &w = weights[p];
    for (int64_t n = proj.source.begin; n < proj.source.end; ++n) {
      if (!spiked[n])
        continue;
      int64_t row = n - proj.source.begin;
      for (int32_t m = conn.rowStart[row]; m < conn.rowStart[row + 1]; ++m) {
        int32_t target = conn.targets[m];
        for (size_t k = 0; k < synapse.onPre.size(); ++k) {
          const AssignStatement &stmt = synapse.onPre[k];
          double value = onPre[p][k].run([&](const Expr &leaf) {
            switch (leaf.op) {
            case Op::State:
              return states[leaf.index][target];
            case Op::Param:
              return eval.round(proj.synapseParams[leaf.index]);
            case Op::Weight:
              return w.of(m);
            case Op::Time:
              return t;
            case Op::Dt:
              return dtValue;
            default:
              return 0.0;
            }
          });
          // Delayed by n steps: into the slot of step k + n - 1.
          double &x =
              delay > 1
                  ? group.arriving[stmt.state]
                                  [((step + delay - 1) % group.slots) * size +
                                   target]
                  : states[stmt.state][target];
          x = applyAssign(eval, stmt.op, x, value);
        }
      }
    }
  }
}

void ReferenceSimulator::Impl::receiveDelayed() {
  for (GroupState &group : groups) {
    if (group.slots <= 1)
      continue;
    for (size_t s = 0; s < group.states.size(); ++s) {
      if (group.arriving[s].empty())
        continue;
      std::vector<double> &state = group.states[s];
      double *slot = &group.arriving[s][(step % group.slots) * state.size()];
      for (size_t i = 0; i < state.size(); ++i) {
        state[i] = eval.add(state[i], slot[i]);
        slot[i] = 0.0;
      }
    }
  }
}

void ReferenceSimulator::Impl::updateNeurons(unsigned p, double t) {
  const Population &population = model.populations[p];
  const NeuronModel &neuron = model.neurons[population.neuron];
  const PopulationPrograms &run = programs[p];
  PopulationState &pop = pops[p];
  std::optional<unsigned> spikeVar = neuron.spikeState;
  size_t numStates = pop.states.size();
  std::vector<double> x(numStates), next(numStates);

  for (int64_t j = 0; j < population.size; ++j) {
    auto leafOf = [&](const std::vector<double> &values) {
      return [&, j](const Expr &leaf) {
        return neuronLeaf(p, j, values, t, leaf);
      };
    };
    for (size_t s = 0; s < numStates; ++s)
      x[s] = pop.states[s][j];

    // Refractory by the period since the last spike (decided before the
    // jumps, which a state it holds does not take).
    bool refractory = false;
    int64_t stepsLeft = 0;
    if (!run.refractory.empty() && neuron.refractoryByTime) {
      double period = run.refractory.run(leafOf(x));
      refractory = eval.sub(t, pop.lastSpike[j]) < eval.operand(period);
    } else if (!run.refractory.empty()) {
      stepsLeft = std::max<int64_t>(pop.refractorySteps[j] - 1, 0);
      refractory = stepsLeft > 0;
    }
    auto unlessHeld = [&](unsigned s, double amount) {
      bool held = refractory && !run.refractory.empty() &&
                  llvm::is_contained(neuron.heldWhileRefractory, s);
      return held ? 0.0 : amount;
    };

    // The jumps delivered this step (on_pre X_post += ...), before the
    // reset; 0 outside a group's target slice, as the compiled engine adds.
    for (unsigned g = 0; g < plan.groups.size(); ++g) {
      const SynapseGroup &group = plan.groups[g];
      if (group.target.population != p)
        continue;
      for (const SynapseModel::TargetJump &jump :
           model.synapses[group.synapse].targetJumps) {
        bool inside = group.target.begin <= j && j < group.target.end;
        double amount =
            inside ? groups[g].states[jump.state][j - group.target.begin] : 0.0;
        unsigned target = neuron.stateIndex(jump.targetState);
        x[target] = eval.add(x[target], unlessHeld(target, amount));
      }
    }
    // Then the Poisson inputs, each adding weight * count.
    for (size_t k = 0; k < model.poissonInputs.size(); ++k) {
      const PoissonInput &input = model.poissonInputs[k];
      if (input.target.population != p)
        continue;
      bool inside = input.target.begin <= j && j < input.target.end;
      double amount = eval.mul(eval.round(input.weight), poissonCount(p, j, k));
      double &state = x[input.state];
      state = eval.add(state, unlessHeld(input.state, inside ? amount : 0.0));
    }

    // Reset, from the pre-reset state, if the neuron spiked at step k-1.
    if (pop.spiked[j] && !run.resetValue.empty()) {
      double reset = run.resetValue.run(leafOf(x));
      if (neuron.reset == NeuronModel::ResetKind::Soft) {
        double threshold = run.threshold.run(leafOf(x));
        x[*spikeVar] = eval.sub(x[*spikeVar], eval.sub(threshold, reset));
      } else {
        x[*spikeVar] = reset;
      }
    }
    // Then the on_spike statements, each reading the one before.
    if (pop.spiked[j])
      for (size_t k = 0; k < neuron.onSpike.size(); ++k) {
        double value = run.onSpike[k].run(leafOf(x));
        double &state = x[neuron.onSpike[k].state];
        state = applyAssign(eval, neuron.onSpike[k].op, state, value);
      }

    // Refractory by a condition: on the post-reset state.
    if (!run.refractoryCondition.empty())
      refractory = run.refractoryCondition.run(leafOf(x)) != 0;

    // Integrate every equation from the post-reset state.
    const std::vector<Program> &update = run.next;
    next = x;
    for (size_t s = 0; s < numStates; ++s)
      if (!update[s].empty())
        next[s] = update[s].run(leafOf(x));

    // The held states keep their post-reset values.
    if (refractory)
      for (unsigned s : neuron.heldWhileRefractory)
        next[s] = x[s];
    for (size_t s = 0; s < numStates; ++s)
      pop.states[s][j] = next[s];

    // This step's spike, on the new state; none while refractory by a
    // condition.
    pop.spiked[j] = spikeCondition(p, j, next, t) &&
                    !(refractory && !run.refractoryCondition.empty());
    if (pop.spiked[j] && !pop.lastSpike.empty())
      pop.lastSpike[j] = t;
    if (!pop.refractorySteps.empty())
      pop.refractorySteps[j] =
          pop.spiked[j] ? periodInSteps(run.refractory.run(leafOf(next)))
                        : stepsLeft;
  }
}

//===----------------------------------------------------------------------===//
// The API
//===----------------------------------------------------------------------===//

ReferenceSimulator::ReferenceSimulator() = default;
ReferenceSimulator::~ReferenceSimulator() = default;

std::unique_ptr<ReferenceSimulator>
ReferenceSimulator::create(const Model &input, const ReferenceOptions &options,
                           DiagnosticEngine &diags) {
  std::unique_ptr<ReferenceSimulator> sim(new ReferenceSimulator());
  Evaluator eval(options.doublePrecision ? Precision::Double
                                         : Precision::Single,
                 options.math);
  sim->impl = std::make_unique<Impl>(input, eval);
  Impl &impl = *sim->impl;
  Model &model = impl.model;
  std::optional<int64_t> steps =
      settleRun(model, options.seed, options.durationMs, options.dtMs, diags);
  if (!steps)
    return nullptr;
  sim->steps = *steps;
  RunSettings &run = *model.run;
  impl.dt = run.dtMs;
  impl.dtValue = eval.round(run.dtMs);
  impl.seed = run.seed;
  for (const PoissonInput &input : model.poissonInputs) {
    std::vector<double> table = poissonTable(input.mean(run.dtMs));
    for (double &cumulative : table)
      cumulative = eval.round(cumulative);
    impl.poissonTables.push_back(std::move(table));
  }
  if (!checkIndexLimits(model, diags) ||
      !admitMemory(estimateReferenceMemory(model, sim->steps), run.range,
                   diags))
    return nullptr;

  if (!checkValuesFit(model, options.doublePrecision, diags))
    return nullptr;
  std::optional<NetworkData> network = instantiate(model, run.seed, diags);
  if (!network)
    return nullptr;
  impl.network = std::move(*network);
  if (!checkNetworkValues(model, impl.network, options.doublePrecision, diags))
    return nullptr;
  std::optional<Plan> plan = makePlan(model, run.dtMs, eval, diags);
  if (!plan)
    return nullptr;
  impl.plan = std::move(*plan);
  impl.flattenPlan();
  impl.initialise();

  prepareRecordings(model, sim->trains, sim->traces);

  return sim;
}

double ReferenceSimulator::dtMs() const { return impl->dt; }

const Model &ReferenceSimulator::model() const { return impl->model; }

bool ReferenceSimulator::run(int64_t count) {
  Impl &impl = *this->impl;
  if (impl.stop)
    return false;
  const RunSettings &settings = *impl.model.run;
  int64_t end = std::min(steps, done + std::max<int64_t>(0, count));
  for (; done < end;) {
    double t = impl.time(done);
    impl.step = static_cast<uint64_t>(done);
    impl.advanceSynapses(t, /*incrementBeforeDecay=*/false);
    impl.deliverSpikes(t);
    impl.receiveDelayed();
    impl.advanceSynapses(t, /*incrementBeforeDecay=*/true);
    impl.step = static_cast<uint64_t>(done);
    for (unsigned p = 0; p < impl.model.populations.size(); ++p)
      impl.updateNeurons(p, t);

    size_t train = 0, trace = 0;
    for (const Record &record : settings.records) {
      const PopulationState &pop = impl.pops[record.target.population];
      if (record.spikes) {
        SpikeTrain &out = trains[train++];
        for (int64_t j = record.target.begin; j < record.target.end; ++j)
          if (pop.spiked[j]) {
            out.steps.push_back(static_cast<int32_t>(done));
            out.indices.push_back(static_cast<int32_t>(j));
          }
      } else {
        StateTrace &out = traces[trace++];
        out.steps.push_back(static_cast<int32_t>(done));
        for (int64_t j = record.target.begin; j < record.target.end; ++j)
          out.values.push_back(static_cast<float>(pop.states[record.state][j]));
      }
    }
    ++done;
    if (!impl.checkFinite(done))
      return false;
  }
  return true;
}

const RunStop *ReferenceSimulator::stopped() const {
  return impl->stop ? &*impl->stop : nullptr;
}

bool ReferenceSimulator::Impl::checkFinite(int64_t stepsDone) {
  auto found = [&](unsigned population, int group, unsigned state,
                   int64_t neuron, double value) {
    RunStop result;
    std::string members;
    unsigned firstProjection = 0;
    if (group >= 0) {
      firstProjection = plan.groups[group].projections.front();
      for (unsigned p : plan.groups[group].projections)
        members +=
            (members.empty() ? "" : ", ") + ("projection" + std::to_string(p));
    }
    describeNonFinite(model, population, group, state, firstProjection, members,
                      result);
    result.neuron = neuron;
    result.value = value;
    result.count = 1;
    result.finiteSteps = stepsDone - 1;
    result.foundSteps = result.stoppedSteps = stepsDone;
    result.exact = true;
    result.dtMs = dt;
    stop = result;
    return false;
  };
  for (unsigned p = 0; p < pops.size(); ++p)
    for (unsigned s = 0; s < pops[p].states.size(); ++s) {
      const std::vector<double> &values = pops[p].states[s];
      int64_t at = rt::firstNonFinite(
          values.data(), values.size(),
          resetsInfinity(model.neurons[model.populations[p].neuron], s));
      if (at >= 0)
        return found(p, -1, s, at, values[at]);
    }
  for (unsigned g = 0; g < groups.size(); ++g)
    for (unsigned s = 0; s < groups[g].states.size(); ++s) {
      const std::vector<double> &values = groups[g].states[s];
      int64_t at = rt::firstNonFinite(values.data(), values.size());
      if (at >= 0)
        return found(plan.groups[g].target.population, static_cast<int>(g), s,
                     plan.groups[g].target.begin + at, values[at]);
    }
  return true;
}

std::vector<double>
ReferenceSimulator::stateValues(llvm::StringRef population,
                                llvm::StringRef stateName) const {
  std::optional<model::StateRef> found =
      model::findNeuronState(impl->model, population, stateName);
  if (!found)
    return {};
  return impl->pops[found->population].states[found->state];
}

std::vector<float> ReferenceSimulator::state(llvm::StringRef population,
                                             llvm::StringRef stateName) const {
  std::vector<double> values = stateValues(population, stateName);
  return std::vector<float>(values.begin(), values.end());
}
