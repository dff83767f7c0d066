//===- Plans.h - What each step evaluates, as model expressions -*- C++ -*-===//
//
// Before it runs, the reference turns the model into the expressions one
// step evaluates: for every synapse state, its value after one step of its
// equation; for every neuron state, its value after one step, with the
// inputs spelled out (drives plus the currents of the synapse groups that
// reach the neuron) and the integrator applied. Parameters shared by the
// whole population become constants; per-neuron ones stay leaves.
//
// Constants are folded as the compiled engine folds them (Folding.h): in
// double as the language builds expressions, then in the working precision
// for everything the integrators add, so that the reference rounds exactly
// where the engine rounds.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_REFERENCE_PLANS_H
#define SNNC_REFERENCE_PLANS_H

#include "snnc/dsl/Diagnostics.h"
#include "snnc/dsl/Model.h"
#include "snnc/reference/Evaluator.h"

#include <optional>
#include <vector>

namespace snnc::reference {

/// Projections that share one post-synaptic state: same synapse model and
/// parameters, same output model and parameters, same target slice and
/// input (brainpy's AlignPost merging).
struct SynapseGroup {
  std::vector<unsigned> projections; ///< Members, in declaration order.
  unsigned synapse = 0;
  std::vector<double> synapseParams;
  model::Slice target;
  unsigned input = 0; ///< The target neuron's input it feeds.
  /// The output current with output parameters bound: TargetState leaves
  /// became the target neuron's State leaves, SynapseState leaves name
  /// this group in `Expr::group`.
  model::ExprP current;
  /// Per synapse state: its value after one step of its equation, reading
  /// the group's State leaves; null for a state without an equation.
  std::vector<model::ExprP> next;
};

/// The `index` of the SynapseState leaf that a neuron update reads as 1
/// inside the target slice of the group it names (`Expr::group`) and as 0
/// outside it.
using model::insideSliceIndex;

/// Everything one population evaluates, shared parameters bound.
///
/// Neurons outside the target slice of a synapse group get nothing from it:
/// the group's current is multiplied by its inside-slice indicator (and
/// its state reads as 0 there). The term stays in the equations of all the
/// population's neurons, because the compiled engine too evaluates one
/// update for the whole population; what is a constant of the program, and
/// so folded (Folding.h), is then the same in both.
struct PopulationPlan {
  model::ExprP spike;      ///< Null: the neuron never spikes.
  model::ExprP threshold;  ///< For a soft reset.
  model::ExprP resetValue; ///< Null: no reset.
  /// The value of each on_spike statement (NeuronModel::onSpike).
  std::vector<model::ExprP> onSpike;
  model::ExprP refractory;          ///< Null: none.
  model::ExprP refractoryCondition; ///< Null: none.
  /// Per neuron state: its value after one step, from the post-reset
  /// state; null for a state without an equation.
  std::vector<model::ExprP> next;
};

/// Everything the reference evaluates, for the whole model.
struct Plan {
  std::vector<SynapseGroup> groups;
  std::vector<unsigned> groupOf; ///< Per projection.
  /// Per projection, per `on_pre` statement: its value, with the synapse
  /// parameters and a shared weight folded in.
  std::vector<std::vector<model::ExprP>> onPre;
  std::vector<PopulationPlan> populations;
};

/// Builds the plan for `model` stepped with `dtMs`, folding constants with
/// `eval`'s rounding. Reports equations the reference cannot integrate
/// (`exact`; exp_euler of a right-hand side without a derivative) and gives
/// nullopt.
std::optional<Plan> makePlan(const model::Model &model, double dtMs,
                             const Evaluator &eval, DiagnosticEngine &diags);

} // namespace snnc::reference

#endif // SNNC_REFERENCE_PLANS_H
