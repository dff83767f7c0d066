//===- FuseNeuronPasses.cpp - One pass over a population's neurons --------===//
//
// MLIRGen emits each model concept on its own: the neuron update, then one
// decay pass per synapse group onto the population. Two adjacent
// `snn.for_each_neuron` ops over the same population (and the same range
// of it, in multi-threaded programs), both elementwise
// (iteration j touches only element j), can run as one loop with the
// second body after the first: each neuron's synapse state is then decayed
// right after the neuron read it, while both are in registers.
//
//===----------------------------------------------------------------------===//

#include "snnc/compiler/Dialect/Snn.h"
#include "snnc/compiler/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"

#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;
using namespace snnc::snn;

namespace {

bool fusable(ForEachNeuronOp first, ForEachNeuronOp second) {
  return first.getElementwise() && second.getElementwise() &&
         first.getPopulation() == second.getPopulation() &&
         first.getOffset() == second.getOffset() &&
         first.getSize() == second.getSize() &&
         first.getRange() == second.getRange();
}

struct FuseNeuronPassesPass
    : PassWrapper<FuseNeuronPassesPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(FuseNeuronPassesPass)
  StringRef getArgument() const final { return "snn-fuse-neuron-passes"; }
  StringRef getDescription() const final {
    return "Fuse adjacent elementwise passes over the same population";
  }

  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<ForEachNeuronOp> passes;
    getOperation().walk([&](ForEachNeuronOp op) { passes.push_back(op); });
    // A pass absorbed into an earlier one is erased: remember it rather
    // than touch the freed op when the loop reaches it.
    llvm::SmallPtrSet<Operation *, 16> absorbed;
    for (ForEachNeuronOp op : passes) {
      if (absorbed.contains(op))
        continue;
      // Absorb every fusable pass that directly follows.
      while (auto next = dyn_cast_or_null<ForEachNeuronOp>(op->getNextNode())) {
        if (!fusable(op, next))
          break;
        Block &into = op.getBody().front();
        Block &from = next.getBody().front();
        rewriter.eraseOp(from.getTerminator());
        rewriter.inlineBlockBefore(&from, into.getTerminator(),
                                   into.getArguments());
        absorbed.insert(next);
        rewriter.eraseOp(next);
      }
    }
  }
};

} // namespace

std::unique_ptr<Pass> snnc::createFuseNeuronPassesPass() {
  return std::make_unique<FuseNeuronPassesPass>();
}
