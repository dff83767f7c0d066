//===- NeuronPass.cpp - A population's step -------------------------------===//

#include "Builder.h"

using namespace snnc;
using namespace snnc::mlirgen;

void ProgramBuilder::emitStateRecording(Value localStep) {
  for (const StateRecordBuffer &record : layout.stateRecords) {
    const Population &pop = model.populations[record.target.population];
    LocatedAt at(*this, record.range);
    int from =
        layout.populations[record.target.population].states[record.state];
    builder.create<snn::RecordStateOp>(
        loc, args[from], args[record.buffer], localStep, mlir::ValueRange{},
        pop.name, record.target.begin, record.target.size());
  }
}

void ProgramBuilder::emitNeuronPass(
    unsigned popIndex, const NeuronPlan &plan,
    const std::vector<std::vector<OdePlan>> &synapsePlans, Value step, Value t,
    Value tNext, Value localStep) {
  using namespace mlir::arith;
  const Population &pop = model.populations[popIndex];
  const NeuronModel &neuron = model.neurons[pop.neuron];
  const PopulationBuffers &bufs = layout.populations[popIndex];
  LocatedAt at(*this, pop.range);

  std::vector<unsigned> groups;
  bool elementwise = true;
  for (unsigned g = 0; g < layout.groups.size(); ++g) {
    const SynapseGroup &group = layout.groups[g];
    if (group.target.population != popIndex)
      continue;
    groups.push_back(g);
    elementwise &= group.target.begin == 0 && group.target.end == pop.size;
  }

  // The neuron update: reset, integrate, refractoriness, spike flag.
  withBody<snn::ForEachNeuronOp>(
      [&](mlir::Block &block) {
        Value j = block.getArgument(0);
        std::vector<Value> states;
        for (int buffer : bufs.states)
          states.push_back(load(buffer, j));

        // Synapse state of the groups onto this population, at neuron j;
        // slices are clamped and masked.
        struct GroupView {
          Value at, inside;
          std::vector<Value> states;
        };
        std::map<unsigned, GroupView> views;
        for (unsigned g : groups) {
          const SynapseGroup &group = layout.groups[g];
          GroupView view{j, Value(), {}};
          if (group.target.begin != 0 || group.target.end != pop.size) {
            Value shifted =
                builder.create<SubIOp>(loc, j, index(group.target.begin));
            Value clampedLow = builder.create<MaxSIOp>(loc, shifted, index(0));
            view.at = builder.create<MinSIOp>(loc, clampedLow,
                                              index(group.target.size() - 1));
            view.inside = insideRange(j, group.target.begin, group.target.end);
          }
          for (int buffer : group.stateBuffers)
            view.states.push_back(load(buffer, view.at));
          views[g] = std::move(view);
        }
        Value jReal = builder.create<SIToFPOp>(
            loc, real,
            builder.create<IndexCastOp>(loc, builder.getI64Type(), j));
        Value step64 =
            builder.create<IndexCastOp>(loc, builder.getI64Type(), step);

        // Leaves of neuron expressions; `current` holds the state values.
        std::vector<Value> current = states;
        auto leaf = [&](const Expr &e) -> Value {
          switch (e.op) {
          case Op::State:
            return current[e.index];
          case Op::Param:
            return load(bufs.perNeuronParams[e.index], j);
          case Op::Time:
            return t;
          case Op::Dt:
            return constant(layout.dtMs);
          case Op::NeuronIndex:
            return jReal;
          case Op::SynapseState: {
            GroupView &view = views[e.group];
            if (e.index == insideSliceIndex)
              return builder.create<SelectOp>(loc, view.inside, constant(1.0),
                                              constant(0.0));
            Value value = view.states[e.index];
            if (!view.inside)
              return value;
            return builder.create<SelectOp>(loc, view.inside, value,
                                            constant(0.0));
          }
          case Op::Input:
            return emitDrive(popIndex, e.index, j);
          case Op::Random:
            return emitRandomDraw(e, popIndex, j, step64);
          default:
            return constant(0.0);
          }
        };
        auto bound = [&](const ExprP &expr) {
          return bindParams(expr, pop.params, neuronNamed(popIndex),
                            &bufs.perNeuronParams);
        };

        // Whether the neuron is refractory by its period in this step (a
        // condition is decided on the post-reset state, below).
        Value refractory, stepsLeft;
        if (neuron.refractory && neuron.refractoryByTime) {
          Value tauRef = emit(bound(neuron.refractory), leaf);
          Value last = load(bufs.lastSpike, j);
          refractory = builder.create<CmpFOp>(
              loc, CmpFPredicate::OLT, builder.create<SubFOp>(loc, t, last),
              tauRef);
        } else if (neuron.refractory) {
          // One step of the period passes; refractory while some is left.
          Value zero = builder.create<ConstantIntOp>(loc, 0, 32);
          stepsLeft = builder.create<MaxSIOp>(
              loc,
              builder.create<SubIOp>(loc, load(bufs.refractorySteps, j),
                                     builder.create<ConstantIntOp>(loc, 1, 32)),
              zero);
          refractory =
              builder.create<CmpIOp>(loc, CmpIPredicate::sgt, stepsLeft, zero);
        }
        // A state held by a refractory period takes no jump then (Brian2
        // and NEST discard them).
        auto unlessHeld = [&](unsigned s, Value amount) -> Value {
          if (!neuron.refractory ||
              !llvm::is_contained(neuron.heldWhileRefractory, s))
            return amount;
          return builder.create<SelectOp>(loc, refractory, constant(0.0),
                                          amount);
        };

        // 0. The jumps the synapses delivered this step (`on_pre v_post +=
        //    w`), before the reset, as Brian2 applies them before resetting.
        for (unsigned g : groups) {
          const SynapseModel &synapse =
              model.synapses[layout.groups[g].synapse];
          for (const SynapseModel::TargetJump &jump : synapse.targetJumps) {
            unsigned s = neuron.stateIndex(jump.targetState);
            Value amount = views[g].states[jump.state];
            if (views[g].inside)
              amount = builder.create<SelectOp>(loc, views[g].inside, amount,
                                                constant(0.0));
            amount = unlessHeld(s, amount);
            current[s] = builder.create<AddFOp>(loc, current[s], amount);
            emitted.clear();
          }
        }
        // Then the Poisson inputs, in the order written.
        for (const model::PoissonInput &input : model.poissonInputs) {
          if (input.target.population != popIndex)
            continue;
          Value amount = builder.create<MulFOp>(
              loc, constant(input.weight),
              emitPoissonCount(input, popIndex, j, step64));
          if (input.target.begin != 0 || input.target.end != pop.size)
            amount = builder.create<SelectOp>(
                loc, insideRange(j, input.target.begin, input.target.end),
                amount, constant(0.0));
          amount = unlessHeld(input.state, amount);
          current[input.state] =
              builder.create<AddFOp>(loc, current[input.state], amount);
          emitted.clear();
        }

        // 1. Reset from the previous step's spike (brainpy: at the next
        //    step), on the variable the spike condition tests, then the
        //    on_spike statements in order.
        std::optional<unsigned> resetState = neuron.spikeState;
        // The flag the previous step (or snn_init) wrote: the very spike
        // that propagation delivered, not the condition re-evaluated now.
        Value spiked;
        if (neuron.spike &&
            ((resetState && neuron.reset != NeuronModel::ResetKind::None) ||
             !neuron.onSpike.empty()))
          spiked = builder.create<CmpIOp>(
              loc, CmpIPredicate::ne, load(bufs.spikeFlags, j),
              builder.create<ConstantIntOp>(loc, 0, 8));
        if (neuron.spike && resetState &&
            neuron.reset != NeuronModel::ResetKind::None) {
          Value x = current[*resetState];
          Value resetValue = emit(bound(neuron.resetValue), leaf);
          Value reset = resetValue;
          if (neuron.reset == NeuronModel::ResetKind::Soft) {
            // x - (threshold - reset): keeps the overshoot.
            Value threshold = emit(bound(neuron.spikeThreshold), leaf);
            reset = builder.create<SubFOp>(
                loc, x, builder.create<SubFOp>(loc, threshold, resetValue));
          }
          current[*resetState] =
              builder.create<SelectOp>(loc, spiked, reset, x);
          emitted.clear(); // expressions now read the post-reset state
        }
        for (const AssignStatement &stmt : neuron.onSpike) {
          Value old = current[stmt.state];
          Value value = emit(bound(stmt.value), leaf);
          value = applyAssign(stmt.op, old, value);
          current[stmt.state] =
              builder.create<SelectOp>(loc, spiked, value, old);
          emitted.clear(); // the next statement reads this one's result
        }
        // Whether the neuron is refractory in this step: since its last
        // spike for less than the period, or by its condition on the
        // post-reset state.
        if (neuron.refractoryCondition)
          refractory = emit(bound(neuron.refractoryCondition), leaf);
        std::vector<Value> held = current;

        // 2. One ODE step for every equation, from the post-reset state.
        std::vector<Value> next = stepOdes(plan.odes, current, t, leaf);

        // 3. Refractory: the held states keep their post-reset values.
        for (unsigned s : neuron.heldWhileRefractory)
          next[s] = builder.create<SelectOp>(loc, refractory, held[s], next[s]);
        for (unsigned s = 0; s < next.size(); ++s)
          store(next[s], bufs.states[s], j);

        // 4. This step's spike, from the new state; none while refractory
        //    by a condition (which is how a crossing is detected).
        if (neuron.spike) {
          current = next;
          emitted.clear();
          Value spiked = emit(bound(neuron.spike), leaf);
          if (neuron.refractoryCondition)
            spiked = builder.create<AndIOp>(
                loc, spiked,
                builder.create<XOrIOp>(
                    loc, refractory, builder.create<ConstantIntOp>(loc, 1, 1)));
          if (bufs.lastSpike >= 0) {
            Value last = load(bufs.lastSpike, j);
            store(builder.create<SelectOp>(loc, spiked, t, last),
                  bufs.lastSpike, j);
          }
          if (bufs.refractorySteps >= 0) {
            Value period =
                refractorySteps(emit(bound(neuron.refractory), leaf));
            store(builder.create<SelectOp>(loc, spiked, period, stepsLeft),
                  bufs.refractorySteps, j);
          }
          store(builder.create<ExtUIOp>(loc, builder.getI8Type(), spiked),
                bufs.spikeFlags, j);
        }
      },
      pop.name, 0, pop.size, elementwise);

  // 5. Synapse decay, after the neuron update has read this step's value
  //    (unless the synapse adds its increments before the decay). It is
  //    the next step's decay, so it runs at the next step's time.
  for (unsigned g : groups)
    if (!model.synapses[layout.groups[g].synapse].incrementBeforeDecay)
      emitSynapseDecay(g, synapsePlans[g], tNext);
  if (neuron.spike)
    emitCompaction(popIndex, localStep, bufs.recordIndices >= 0);
}

void ProgramBuilder::emitSynapseDecay(unsigned g,
                                      const std::vector<OdePlan> &odes,
                                      Value t) {
  const SynapseGroup &group = layout.groups[g];
  const Population &pop = model.populations[group.target.population];
  const SynapseModel &synapse = model.synapses[group.synapse];
  if (llvm::none_of(odes, [](const OdePlan &ode) { return ode.rhs; }) &&
      synapse.targetJumps.empty())
    return;
  LocatedAt at(*this, model.projections[group.projections.front()].range);
  withBody<snn::ForEachNeuronOp>(
      [&](mlir::Block &block) {
        Value at = block.getArgument(0);
        std::vector<Value> states;
        for (int buffer : group.stateBuffers)
          states.push_back(load(buffer, at));
        auto leaf = [&](const Expr &e) -> Value {
          if (e.op == Op::State)
            return states[e.index];
          if (e.op == Op::Time)
            return t;
          if (e.op == Op::Dt)
            return constant(layout.dtMs);
          return constant(0.0);
        };
        std::vector<Value> next = stepOdes(odes, states, t, leaf);
        for (unsigned s = 0; s < odes.size(); ++s)
          if (odes[s].rhs)
            store(next[s], group.stateBuffers[s], at);
        // The targets have taken this step's jumps.
        for (const SynapseModel::TargetJump &jump : synapse.targetJumps)
          store(constant(0.0), group.stateBuffers[jump.state], at);
      },
      pop.name, group.target.begin, group.target.size(), /*elementwise=*/true);
}

Value ProgramBuilder::emitDrive(unsigned popIndex, unsigned input, Value j) {
  using namespace mlir::arith;
  const Population &pop = model.populations[popIndex];
  Value sum = constant(0.0);
  for (unsigned d = 0; d < model.drives.size(); ++d) {
    const Drive &drive = model.drives[d];
    if (drive.target.population != popIndex || drive.input != input)
      continue;
    LocatedAt at(*this, drive.range);
    Value value = namedValue(named.drive(d), drive.value);
    if (drive.target.begin != 0 || drive.target.end != pop.size) {
      Value inside = insideRange(j, drive.target.begin, drive.target.end);
      value = builder.create<SelectOp>(loc, inside, value, constant(0.0));
    }
    sum = builder.create<AddFOp>(loc, sum, value);
  }
  return sum;
}

void ProgramBuilder::emitCompaction(unsigned popIndex, Value localStep,
                                    bool record) {
  const PopulationBuffers &bufs = layout.populations[popIndex];
  if (record)
    builder.create<snn::CompactOp>(
        loc, args[bufs.spikeFlags], args[bufs.spikeList], args[bufs.spikeCount],
        mlir::ValueRange{}, args[bufs.recordIndices], args[bufs.recordCounts],
        args[bufs.recordFill], localStep);
  else
    builder.create<snn::CompactOp>(
        loc, args[bufs.spikeFlags], args[bufs.spikeList], args[bufs.spikeCount],
        mlir::ValueRange{}, Value(), Value(), Value(), Value());
}

void ProgramBuilder::emitInitialSpikes(unsigned popIndex) {
  const Population &pop = model.populations[popIndex];
  const NeuronModel &neuron = model.neurons[pop.neuron];
  const PopulationBuffers &bufs = layout.populations[popIndex];
  if (!neuron.spike)
    return;
  LocatedAt at(*this, pop.range);
  withBody<snn::ForEachNeuronOp>(
      [&](mlir::Block &block) {
        Value j = block.getArgument(0);
        // Step 0's view of the neuron: t = 0, inputs are the drives.
        auto leaf = [&](const Expr &e) -> Value {
          switch (e.op) {
          case Op::State:
            return load(bufs.states[e.index], j);
          case Op::Param:
            return load(bufs.perNeuronParams[e.index], j);
          case Op::Dt:
            return constant(layout.dtMs);
          case Op::Input:
            return emitDrive(popIndex, e.index, j);
          case Op::NeuronIndex:
            return builder.create<mlir::arith::SIToFPOp>(
                loc, real,
                builder.create<mlir::arith::IndexCastOp>(
                    loc, builder.getI64Type(), j));
          case Op::Random: // drawn as step -1
            return emitRandomDraw(
                e, popIndex, j,
                builder.create<mlir::arith::ConstantIntOp>(loc, -1, 64));
          default:
            return constant(0.0);
          }
        };
        Value spiked =
            emit(bindParams(neuron.spike, pop.params, neuronNamed(popIndex),
                            &bufs.perNeuronParams),
                 leaf);
        store(builder.create<mlir::arith::ExtUIOp>(loc, builder.getI8Type(),
                                                   spiked),
              bufs.spikeFlags, j);
      },
      pop.name, 0, pop.size, /*elementwise=*/true);
  emitCompaction(popIndex, Value(), /*record=*/false);
}
