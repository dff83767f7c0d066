//===- Propagation.cpp - Delivering spikes along projections --------------===//

#include "Builder.h"

using namespace snnc;
using namespace snnc::mlirgen;

void ProgramBuilder::emitPropagation(Value t) {
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
            Value old = load(buffer, target);
            value = applyAssign(stmt.op, old, value);
            store(value, buffer, target);
          }
        },
        args[source.spikeList], args[source.spikeCount], args[bufs.rowStart],
        args[bufs.targets], proj.source.begin, proj.source.end, layout.threads);
  }
}
