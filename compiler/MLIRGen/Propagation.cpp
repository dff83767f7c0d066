//===- Propagation.cpp - Delivering spikes along projections --------------===//

#include "Builder.h"

using namespace snnc;
using namespace snnc::mlirgen;

Value ProgramBuilder::delaySlotStart(const SynapseGroup &group, Value step,
                                     int64_t ahead) {
  using namespace mlir::arith;
  Value slot = builder.create<RemUIOp>(
      loc, builder.create<AddIOp>(loc, step, index(ahead)),
      index(group.delaySlots));
  return builder.create<MulIOp>(loc, slot, index(group.target.size()));
}

void ProgramBuilder::emitPropagation(Value step, Value t) {
  for (unsigned p = 0; p < model.projections.size(); ++p) {
    const Projection &proj = model.projections[p];
    const ProjectionBuffers &bufs = layout.projections[p];
    const PopulationBuffers &source =
        layout.populations[proj.source.population];
    if (source.spikeList < 0)
      continue; // the source never spikes
    const SynapseGroup &group = layout.groups[bufs.group];
    const SynapseModel &synapse = model.synapses[proj.synapse];
    LocatedAt at(*this, proj.range);
    // Delivered now, the spikes of the last step act in this one; delayed
    // by n steps, they wait in the ring slot of step k + n - 1.
    int64_t delay = delaySteps(proj, layout.dtMs);
    Value slotStart =
        delay > 1 ? delaySlotStart(group, step, delay - 1) : Value();
    withBody<snn::PropagateOp>(
        [&](mlir::Block &block) {
          Value target = block.getArgument(0), m = block.getArgument(1);
          for (const AssignStatement &stmt : synapse.onPre) {
            emitted.clear();
            auto leaf = [&](const Expr &e) -> Value {
              switch (e.op) {
              case Op::State:
                return load(group.stateBuffers[e.index], target);
              case Op::Param:
                return namedValue(
                    named.synapseParam(group.projections.front(), e.index),
                    group.synapseParams[e.index]);
              case Op::Weight:
                return bufs.weights >= 0 ? load(bufs.weights, m)
                                         : namedValue(named.weight(p),
                                                      proj.weight.value->value);
              case Op::Time:
                return t;
              case Op::Dt:
                return constant(layout.dtMs);
              default:
                return constant(0.0);
              }
            };
            Value value = emit(stmt.value, leaf);
            int buffer = group.stateBuffers[stmt.state];
            Value at = target;
            if (slotStart) {
              buffer = group.delayRings[stmt.state];
              at = builder.create<mlir::arith::AddIOp>(loc, slotStart, target);
            }
            Value old = load(buffer, at);
            value = applyAssign(stmt.op, old, value);
            store(value, buffer, at);
          }
        },
        args[source.spikeList], args[source.spikeCount], args[bufs.rowStart],
        args[bufs.targets], proj.source.begin, proj.source.end, layout.threads);
  }
}

void ProgramBuilder::emitDelayedArrivals(Value step) {
  using namespace mlir::arith;
  for (const SynapseGroup &group : layout.groups) {
    if (group.delaySlots == 0)
      continue;
    const Population &pop = model.populations[group.target.population];
    LocatedAt at(*this, model.projections[group.projections.front()].range);
    Value slotStart = delaySlotStart(group, step, 0);
    withBody<snn::ForEachNeuronOp>(
        [&](mlir::Block &block) {
          Value at = block.getArgument(0);
          Value slot = builder.create<AddIOp>(loc, slotStart, at);
          for (unsigned s = 0; s < group.delayRings.size(); ++s) {
            int ring = group.delayRings[s];
            if (ring < 0)
              continue;
            Value arrived = load(ring, slot);
            store(builder.create<AddFOp>(loc, load(group.stateBuffers[s], at),
                                         arrived),
                  group.stateBuffers[s], at);
            store(constant(0.0), ring, slot);
          }
        },
        pop.name, group.target.begin, group.target.size(),
        /*elementwise=*/true);
  }
}
