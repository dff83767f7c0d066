//===- OdePlanning.cpp - Which ODEs a block steps, and how ----------------===//

#include "Builder.h"
#include "snnc/dsl/Calculus.h"
#include "snnc/dsl/Integrators.h"
#include "snnc/model/ExactIntegration.h"

using namespace snnc;
using namespace snnc::mlirgen;

bool ProgramBuilder::planExact(std::vector<OdePlan> &odes) {
  std::vector<ExprP> rhs;
  std::vector<unsigned> states;
  for (unsigned s = 0; s < odes.size(); ++s)
    if (odes[s].rhs && odes[s].method == Integrator::Exact) {
      rhs.push_back(odes[s].rhs);
      states.push_back(s);
    }
  if (states.empty())
    return true;
  auto result = exactUpdates(rhs, states, layout.dtMs);
  if (auto *why = std::get_if<std::string>(&result)) {
    for (unsigned s : states)
      diags.error(odes[s].range, "cannot integrate this equation exactly: " +
                                     *why + "; use exp_euler, rk2 or rk4");
    return false;
  }
  auto &updates = std::get<std::vector<ExprP>>(result);
  for (size_t k = 0; k < states.size(); ++k)
    odes[states[k]].exactUpdate = updates[k];
  return true;
}

mlir::Location ProgramBuilder::locate(llvm::SMRange range) {
  llvm::SourceMgr &sources = diags.getSourceMgr();
  if (!range.Start.isValid())
    return loc;
  unsigned buffer = sources.FindBufferContainingLoc(range.Start);
  if (!buffer)
    return loc;
  auto [line, column] = sources.getLineAndColumn(range.Start, buffer);
  return mlir::FileLineColLoc::get(
      builder.getContext(),
      sources.getMemoryBuffer(buffer)->getBufferIdentifier(), line, column);
}

std::vector<Value> ProgramBuilder::stepOdes(const std::vector<OdePlan> &odes,
                                            const std::vector<Value> &values,
                                            Value t, LeafFn leaf) {
  std::vector<Value> next = values;
  for (unsigned s = 0; s < odes.size(); ++s)
    if (odes[s].exactUpdate)
      next[s] = emit(odes[s].exactUpdate, leaf);
  // One snn.integrate per method, in the registry's order.
  for (const IntegratorInfo &info : integrators()) {
    if (!info.stepped)
      continue;
    Integrator method = info.id;
    llvm::SmallVector<unsigned> members;
    llvm::SmallVector<Value> states, rhs;
    for (unsigned s = 0; s < odes.size(); ++s)
      if (odes[s].rhs && !odes[s].exactUpdate && method == odes[s].method) {
        members.push_back(s);
        states.push_back(values[s]);
        rhs.push_back(emit(odes[s].rhs, leaf));
      }
    if (members.empty())
      continue;
    auto step =
        builder.create<snn::IntegrateOp>(locate(odes[members.front()].range),
                                         states, rhs, t, method, layout.dtMs);
    for (size_t k = 0; k < members.size(); ++k)
      next[members[k]] = step.getResult(k);
  }
  return next;
}

std::optional<NeuronPlan> ProgramBuilder::planNeuron(unsigned popIndex) {
  const Population &pop = model.populations[popIndex];
  const NeuronModel &neuron = model.neurons[pop.neuron];
  const PopulationBuffers &bufs = layout.populations[popIndex];

  // Each input is its drive (an Input leaf, emitted per neuron) plus the
  // currents of the synapse groups that feed it; `exact` equations need
  // them with constants (their propagators are computed here).
  std::vector<ExprP> inputs, constantInputs;
  for (bool constants : {false, true})
    for (unsigned i = 0; i < neuron.inputs.size(); ++i) {
      ExprP sum = makeLeaf(Op::Input, i, neuron.inputs[i].unit);
      for (unsigned g = 0; g < layout.groups.size(); ++g) {
        const SynapseGroup &group = layout.groups[g];
        const Projection &first = model.projections[group.projections.front()];
        if (group.target.population != popIndex || !first.current ||
            first.targetInput != i)
          continue;
        ExprP current = bindParams(first.current, first.outputParams,
                                   outputNamed(group.projections.front()),
                                   nullptr, constants);
        current = substitute(current, [&](const ExprP &leaf) -> ExprP {
          if (leaf->op == Op::TargetState)
            return makeLeaf(Op::State, leaf->index, leaf->unit);
          if (leaf->op == Op::SynapseState) {
            auto copy = std::make_shared<Expr>(*leaf);
            copy->group = g;
            return copy;
          }
          return leaf;
        });
        if (group.target.begin != 0 || group.target.end != pop.size) {
          auto inside = std::make_shared<Expr>();
          inside->op = Op::SynapseState;
          inside->index = insideSliceIndex;
          inside->group = g;
          current = makeNode(Op::Mul, {inside, current}, current->unit);
        }
        sum = makeNode(Op::Add, {sum, current}, sum->unit);
      }
      (constants ? constantInputs : inputs).push_back(sum);
    }

  NeuronPlan plan;
  plan.odes.resize(neuron.states.size());
  bool ok = true;
  for (const Equation &eq : neuron.equations) {
    bool exact = eq.integrator == Integrator::Exact;
    ExprP rhs = bindParams(eq.rhs, pop.params, neuronNamed(popIndex),
                           &bufs.perNeuronParams, exact);
    const std::vector<ExprP> &bound = exact ? constantInputs : inputs;
    rhs = substitute(rhs, [&](const ExprP &leaf) -> ExprP {
      return leaf->op == Op::Input ? bound[leaf->index] : leaf;
    });
    plan.odes[eq.state] = OdePlan{rhs, eq.integrator, nullptr, eq.range};
  }
  ok &= planExact(plan.odes);
  if (!ok)
    return std::nullopt;
  return plan;
}

std::optional<std::vector<OdePlan>>
ProgramBuilder::planSynapse(const SynapseGroup &group) {
  const SynapseModel &synapse = model.synapses[group.synapse];
  std::vector<OdePlan> odes(synapse.states.size());
  bool ok = true;
  for (const Equation &eq : synapse.equations)
    odes[eq.state] =
        OdePlan{bindParams(eq.rhs, group.synapseParams,
                           synapseNamed(group.projections.front()), nullptr,
                           eq.integrator == Integrator::Exact),
                eq.integrator, nullptr, eq.range};
  ok &= planExact(odes);
  if (!ok)
    return std::nullopt;
  return odes;
}
