//===- Plans.cpp - What each step evaluates, as model expressions ---------===//
//
// Right-hand sides are built as the language defines them (parameters bound,
// inputs expanded into drives plus output currents, so that the currents
// that depend on x, g * (E - V), enter exp_euler's Jacobian); the
// integrators (Integrators.h) turn them into new values; the result is
// folded (Folding.h).
//
//===----------------------------------------------------------------------===//

#include "Plans.h"

#include "Folding.h"
#include "Integrators.h"

#include "snnc/dsl/Calculus.h"

using namespace snnc;
using namespace snnc::model;
using namespace snnc::reference;

namespace {

/// Replaces the Param leaves for which `isShared` holds by constants (the
/// language's folding applies: in double).
ExprP bindParams(const ExprP &expr, const std::vector<double> &values,
                 llvm::function_ref<bool(unsigned)> isShared) {
  if (!expr)
    return nullptr;
  return substitute(expr, [&](const ExprP &leaf) -> ExprP {
    if (leaf->op != Op::Param || !isShared(leaf->index))
      return leaf;
    return makeConstant(values[leaf->index], leaf->unit);
  });
}

ExprP bindAllParams(const ExprP &expr, const std::vector<double> &values) {
  return bindParams(expr, values, [](unsigned) { return true; });
}

class Planner {
public:
  Planner(const Model &model, double dtMs, const Evaluator &eval,
          DiagnosticEngine &diags)
      : model(model), dtMs(dtMs), eval(eval), diags(diags) {}

  bool planGroups(Plan &plan);
  bool planOnPre(Plan &plan);
  bool planPopulation(unsigned pop, Plan &plan);

private:
  /// The program constants among the leaves of neuron expressions of
  /// population `pop`: dt, and inputs whose drives cover the population.
  std::optional<double> neuronConstant(unsigned pop, const Expr &leaf) const;
  ExprP foldNeuron(unsigned pop, const ExprP &expr) const {
    if (!expr)
      return nullptr;
    return foldConstants(expr, eval, [&](const Expr &leaf) {
      return neuronConstant(pop, leaf);
    });
  }

  const Model &model;
  double dtMs;
  const Evaluator &eval;
  DiagnosticEngine &diags;
};

std::optional<double> Planner::neuronConstant(unsigned pop,
                                              const Expr &leaf) const {
  if (leaf.op == Op::Dt)
    return dtMs;
  if (leaf.op != Op::Input)
    return std::nullopt;
  // The drives of this input, summed from 0 in declaration order; a drive
  // onto a slice makes the sum differ between neurons.
  double sum = 0;
  for (const Drive &drive : model.drives) {
    if (drive.target.population != pop || drive.input != leaf.index)
      continue;
    if (drive.target.begin != 0 ||
        drive.target.end != model.populations[pop].size)
      return std::nullopt;
    sum = eval.add(sum, eval.round(drive.value));
  }
  return sum;
}

bool sameGroup(const Projection &a, const Projection &b) {
  return a.synapse == b.synapse && a.synapseParams == b.synapseParams &&
         a.output == b.output && a.outputParams == b.outputParams &&
         a.targetInput == b.targetInput &&
         a.target.population == b.target.population &&
         a.target.begin == b.target.begin && a.target.end == b.target.end;
}

/// Groups the projections and plans each group's synapse equations.
bool Planner::planGroups(Plan &plan) {
  bool ok = true;
  for (unsigned p = 0; p < model.projections.size(); ++p) {
    const Projection &proj = model.projections[p];
    unsigned g = 0;
    while (
        g < plan.groups.size() &&
        !sameGroup(model.projections[plan.groups[g].projections.front()], proj))
      ++g;
    plan.groupOf.push_back(g);
    if (g < plan.groups.size()) {
      plan.groups[g].projections.push_back(p);
      continue;
    }
    SynapseGroup group;
    group.projections = {p};
    group.synapse = proj.synapse;
    group.synapseParams = proj.synapseParams;
    group.target = proj.target;
    group.input = proj.targetInput;
    if (proj.current)
      group.current =
          substitute(bindAllParams(proj.current, proj.outputParams),
                     [&](const ExprP &leaf) -> ExprP {
                       if (leaf->op == Op::TargetState)
                         return makeLeaf(Op::State, leaf->index, leaf->unit);
                       if (leaf->op == Op::SynapseState) {
                         auto named = std::make_shared<Expr>(*leaf);
                         named->group = g;
                         return named;
                       }
                       return leaf;
                     });
    const SynapseModel &synapse = model.synapses[proj.synapse];
    std::vector<Ode> odes;
    for (const Equation &eq : synapse.equations)
      odes.push_back({&eq, bindAllParams(eq.rhs, proj.synapseParams)});
    std::optional<std::vector<ExprP>> next =
        stepOdes(odes, synapse.states.size(), dtMs, diags);
    ok &= next.has_value();
    if (next)
      for (const ExprP &value : *next)
        group.next.push_back(
            value ? foldConstants(value, eval,
                                  [&](const Expr &leaf) {
                                    return leaf.op == Op::Dt
                                               ? std::optional<double>(dtMs)
                                               : std::nullopt;
                                  })
                  : nullptr);
    plan.groups.push_back(std::move(group));
  }
  return ok;
}

/// The `on_pre` values of every projection: synapse parameters, a shared
/// weight and dt are program constants there.
bool Planner::planOnPre(Plan &plan) {
  for (const Projection &proj : model.projections) {
    const SynapseModel &synapse = model.synapses[proj.synapse];
    std::optional<double> sharedWeight;
    if (proj.weight.kind == Initializer::Kind::Expression)
      sharedWeight =
          evaluate(*proj.weight.value, [](const Expr &) { return 0.0; });
    std::vector<ExprP> values;
    for (const AssignStatement &stmt : synapse.onPre)
      values.push_back(foldConstants(
          stmt.value, eval, [&](const Expr &leaf) -> std::optional<double> {
            if (leaf.op == Op::Param)
              return proj.synapseParams[leaf.index];
            if (leaf.op == Op::Weight)
              return sharedWeight;
            if (leaf.op == Op::Dt)
              return dtMs;
            return std::nullopt;
          }));
    plan.onPre.push_back(std::move(values));
  }
  return true;
}

bool Planner::planPopulation(unsigned popIndex, Plan &plan) {
  const Population &pop = model.populations[popIndex];
  const NeuronModel &neuron = model.neurons[pop.neuron];
  auto isShared = [&](unsigned q) { return !pop.perNeuronParams[q]; };
  auto bound = [&](const ExprP &expr) {
    return foldNeuron(popIndex, bindParams(expr, pop.params, isShared));
  };
  PopulationPlan out;
  out.spike = bound(neuron.spike);
  if (neuron.spikeState && neuron.reset != NeuronModel::ResetKind::None) {
    out.threshold = bound(neuron.spikeThreshold);
    out.resetValue = bound(neuron.resetValue);
  }
  for (const AssignStatement &stmt : neuron.onSpike)
    out.onSpike.push_back(bound(stmt.value));
  out.refractory = bound(neuron.refractory);
  out.refractoryCondition = bound(neuron.refractoryCondition);

  // Input i = (its drives, an Input leaf) + the currents feeding it, each
  // masked to its group's target slice.
  std::vector<ExprP> inputs;
  for (unsigned i = 0; i < neuron.inputs.size(); ++i) {
    ExprP sum = makeLeaf(Op::Input, i, neuron.inputs[i].unit);
    for (unsigned g = 0; g < plan.groups.size(); ++g) {
      const SynapseGroup &group = plan.groups[g];
      if (group.target.population != popIndex || !group.current ||
          group.input != i)
        continue;
      ExprP current = group.current;
      if (group.target.begin != 0 || group.target.end != pop.size) {
        auto inside = std::make_shared<Expr>();
        inside->op = Op::SynapseState;
        inside->index = insideSliceIndex;
        inside->group = g;
        current = makeRawNode(Op::Mul, {inside, current});
      }
      sum = makeNode(Op::Add, {sum, current}, sum->unit);
    }
    inputs.push_back(sum);
  }

  std::vector<Ode> odes;
  for (const Equation &eq : neuron.equations)
    odes.push_back({&eq, substitute(bindParams(eq.rhs, pop.params, isShared),
                                    [&](const ExprP &leaf) -> ExprP {
                                      return leaf->op == Op::Input
                                                 ? inputs[leaf->index]
                                                 : leaf;
                                    })});
  std::optional<std::vector<ExprP>> next =
      stepOdes(odes, neuron.states.size(), dtMs, diags);
  if (!next)
    return false;
  for (const ExprP &value : *next)
    out.next.push_back(foldNeuron(popIndex, value));
  plan.populations.push_back(std::move(out));
  return true;
}

} // namespace

std::optional<Plan> reference::makePlan(const Model &model, double dtMs,
                                        const Evaluator &eval,
                                        DiagnosticEngine &diags) {
  Planner planner(model, dtMs, eval, diags);
  Plan plan;
  bool ok = planner.planGroups(plan);
  ok &= planner.planOnPre(plan);
  for (unsigned p = 0; p < model.populations.size() && ok; ++p)
    ok &= planner.planPopulation(p, plan);
  if (!ok)
    return std::nullopt;
  return plan;
}
