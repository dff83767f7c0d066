//===- LowerToLoops.cpp - snn ops to scf/arith/math/memref ----------------===//
//
// The model-level ops become plain scalar loops, the form LLVM vectorises
// best on these machines:
//
//   snn.time_loop        scf.for over steps; t = float(step * dt)
//   snn.for_each_neuron  scf.for over neurons
//   snn.propagate        for each listed spike in the source slice, for each
//                        of its synapses: the body (event-driven delivery)
//   snn.compact          flags -> ascending spike list, count, recording
//   snn.record_state     scf.for copying the slice into its chunk row
//   snn.exprel           a polynomial near 0, (exp(x) - 1) / x elsewhere
//   snn.barrier          a call of the runtime's snnc_barrier_wait
//
//===----------------------------------------------------------------------===//

#include "snnc/compiler/Dialect/Snn.h"
#include "snnc/compiler/ThreadPartition.h"
#include "snnc/compiler/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace snnc::snn;

namespace {

class Lowering {
public:
  explicit Lowering(MLIRContext *context) : rewriter(context) {}

  void lower(Operation *op) {
    rewriter.setInsertionPoint(op);
    loc = op->getLoc();
    if (auto timeLoop = dyn_cast<TimeLoopOp>(op))
      return lowerTimeLoop(timeLoop);
    if (auto neurons = dyn_cast<ForEachNeuronOp>(op))
      return lowerForEachNeuron(neurons);
    if (auto propagate = dyn_cast<PropagateOp>(op))
      return lowerPropagate(propagate);
    if (auto compact = dyn_cast<CompactOp>(op))
      return lowerCompact(compact);
    if (auto record = dyn_cast<RecordStateOp>(op))
      return lowerRecordState(record);
    if (auto exprel = dyn_cast<ExprelOp>(op))
      return lowerExprel(exprel);
    if (auto barrier = dyn_cast<BarrierOp>(op))
      return lowerBarrier(barrier);
  }

  /// The runtime function barriers call (runtime/ThreadTeam.h).
  static constexpr llvm::StringLiteral barrierFunction = "snnc_barrier_wait";

private:
  Value index(int64_t value) {
    return rewriter.create<arith::ConstantIndexOp>(loc, value);
  }
  Value toIndex(Value v) {
    return rewriter.create<arith::IndexCastOp>(loc, rewriter.getIndexType(), v);
  }
  Value load(Value memref, Value at) {
    return rewriter.create<memref::LoadOp>(loc, memref, ValueRange{at});
  }
  void store(Value value, Value memref, Value at) {
    rewriter.create<memref::StoreOp>(loc, value, memref, ValueRange{at});
  }
  /// An scf.for whose body is ready for new ops before its yield.
  scf::ForOp loop(Value lb, Value ub) {
    auto forOp = rewriter.create<scf::ForOp>(loc, lb, ub, index(1));
    rewriter.setInsertionPoint(forOp.getBody()->getTerminator());
    return forOp;
  }
  /// Moves `body` (an snn region's block) before `before`, binding its
  /// arguments, and drops its snn.yield.
  void inlineBody(Region &body, Operation *before, ValueRange arguments) {
    Block &block = body.front();
    rewriter.eraseOp(block.getTerminator());
    rewriter.inlineBlockBefore(&block, before, arguments);
  }

  void lowerTimeLoop(TimeLoopOp op) {
    scf::ForOp forOp = loop(op.getBegin(), op.getEnd());
    Value step = forOp.getInductionVar();
    // t = step * dt in f64, rounded once to the state type.
    Value k = rewriter.create<arith::SIToFPOp>(
        loc, rewriter.getF64Type(),
        rewriter.create<arith::IndexCastOp>(loc, rewriter.getI64Type(), step));
    Value t = rewriter.create<arith::MulFOp>(
        loc, k, rewriter.create<arith::ConstantOp>(loc, op.getDtAttr()));
    if (op.getTimeType() != rewriter.getF64Type())
      t = rewriter.create<arith::TruncFOp>(loc, op.getTimeType(), t);
    inlineBody(op.getBody(), forOp.getBody()->getTerminator(), {step, t});
    rewriter.eraseOp(op);
  }

  void lowerForEachNeuron(ForEachNeuronOp op) {
    SmallVector<ExprelOp> exprels;
    op.getBody().walk([&](ExprelOp exprel) { exprels.push_back(exprel); });
    if (!exprels.empty() && canTestArgumentsFirst(op, exprels))
      return lowerWithSmallArgumentPath(op, exprels);
    auto [first, last] = neuronRange(op);
    scf::ForOp forOp = loop(first, last);
    inlineBody(op.getBody(), forOp.getBody()->getTerminator(),
               {forOp.getInductionVar()});
    rewriter.eraseOp(op);
    for (ExprelOp exprel : exprels)
      lower(exprel);
  }

  /// The neurons a pass runs over: its range, or the whole population.
  std::pair<Value, Value> neuronRange(ForEachNeuronOp op) {
    if (!op.getRange().empty())
      return {op.getRange()[0], op.getRange()[1]};
    return {index(0), index(op.getSize())};
  }

  /// The ops computing each exprel's argument from the neuron index, if
  /// they only read memory: then they can run once more, ahead of the pass.
  bool canTestArgumentsFirst(ForEachNeuronOp op, ArrayRef<ExprelOp> exprels) {
    if (!op.getElementwise())
      return false;
    SetVector<Operation *> slice;
    for (ExprelOp exprel : exprels)
      if (!collectSlice(op, exprel.getInput(), slice))
        return false;
    // Reading ahead is only the same as reading in the pass if no store of
    // the body comes before a load the arguments need.
    bool stored = false;
    WalkResult result = op.getBody().walk([&](Operation *inner) {
      if (isa<memref::StoreOp>(inner))
        stored = true;
      else if (stored && isa<memref::LoadOp>(inner) && slice.contains(inner))
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    return !result.wasInterrupted();
  }
  bool collectSlice(ForEachNeuronOp op, Value v,
                    SetVector<Operation *> &slice) {
    Operation *def = v.getDefiningOp();
    if (!def || !op->isProperAncestor(def) || slice.contains(def))
      return true; // defined outside the pass (or already taken)
    if (!isMemoryEffectFree(def) && !isa<memref::LoadOp>(def))
      return false;
    if (def->getNumRegions() != 0 || isa<ExprelOp>(def))
      return false;
    for (Value operand : def->getOperands())
      if (!collectSlice(op, operand, slice))
        return false;
    slice.insert(def);
    return true;
  }

  /// exprel's general form costs an exp and a division per neuron, but
  /// neurons need it only when |x| >= 1/2, which is rare (for the seed,
  /// never). So a cheap pass first computes just the arguments and asks
  /// whether any is that large; then one of two copies of the pass runs:
  /// with the general exprel, or with its polynomial alone. For |x| < 1/2
  /// both give the same bits, so results do not depend on the path.
  void lowerWithSmallArgumentPath(ForEachNeuronOp op,
                                  ArrayRef<ExprelOp> exprels) {
    // Which body ops compute the arguments, in body order.
    SetVector<Operation *> slice;
    for (ExprelOp exprel : exprels)
      collectSlice(op, exprel.getInput(), slice);
    SmallVector<Operation *> ordered;
    op.getBody().walk([&](Operation *inner) {
      if (slice.contains(inner))
        ordered.push_back(inner);
    });

    Value falseValue = rewriter.create<arith::ConstantIntOp>(loc, 0, 1);
    std::pair<Value, Value> range = neuronRange(op);
    Block &body = op.getBody().front();
    auto scan = rewriter.create<scf::ForOp>(
        loc, range.first, range.second, index(1), ValueRange{falseValue},
        [&](OpBuilder &, Location, Value j, ValueRange iter) {
          IRMapping mapping;
          mapping.map(body.getArgument(0), j);
          for (Operation *inner : ordered)
            rewriter.clone(*inner, mapping);
          Value any = iter[0];
          for (ExprelOp exprel : exprels) {
            Value x = mapping.lookupOrDefault(exprel.getInput());
            Type type = x.getType();
            Value large = rewriter.create<arith::CmpFOp>(
                loc, arith::CmpFPredicate::UGE,
                rewriter.create<math::AbsFOp>(loc, x),
                rewriter.create<arith::ConstantOp>(
                    loc, rewriter.getFloatAttr(type, 0.5)));
            any = rewriter.create<arith::OrIOp>(loc, any, large);
          }
          rewriter.create<scf::YieldOp>(loc, any);
        });
    auto choice = rewriter.create<scf::IfOp>(loc, scan.getResult(0),
                                             /*withElseRegion=*/true);
    auto emitCopy = [&](Block *into, bool smallOnly) {
      rewriter.setInsertionPoint(into->getTerminator());
      scf::ForOp forOp = loop(range.first, range.second);
      IRMapping mapping;
      mapping.map(body.getArgument(0), forOp.getInductionVar());
      rewriter.setInsertionPoint(forOp.getBody()->getTerminator());
      SmallVector<ExprelOp> copies;
      for (Operation &inner : body.without_terminator()) {
        Operation *copy = rewriter.clone(inner, mapping);
        copy->walk([&](ExprelOp exprel) { copies.push_back(exprel); });
      }
      for (ExprelOp exprel : copies) {
        rewriter.setInsertionPoint(exprel);
        loc = exprel.getLoc();
        lowerExprel(exprel, smallOnly);
      }
    };
    emitCopy(choice.thenBlock(), /*smallOnly=*/false);
    emitCopy(choice.elseBlock(), /*smallOnly=*/true);
    rewriter.eraseOp(op);
  }

  void lowerPropagate(PropagateOp op) {
    // Partitioned: one segment of the spike list per partition, read in
    // partition order, [first, first + count) for segment u. Otherwise one
    // list from 0.
    Value first = index(0), count;
    if (!op.getPartition().empty()) {
      scf::ForOp segments = loop(index(0), index(op.getPartitions()));
      Value u = segments.getInductionVar();
      first = toIndex(load(op.getPartition()[0], u));
      count = toIndex(
          load(op.getCount(), rewriter.create<arith::MulIOp>(
                                  loc, u, index(snnc::kPerThreadStride))));
    } else {
      count = toIndex(load(op.getCount(), index(0)));
    }
    Value last = rewriter.create<arith::AddIOp>(loc, first, count);
    scf::ForOp spikes = loop(first, last);
    Value q = spikes.getInductionVar();
    Value source = toIndex(load(op.getSpikes(), q));
    Value begin = index(op.getSourceBegin());
    Value end = index(op.getSourceEnd());
    prefetchRowAhead(op, q, last);
    // Spike lists cover the whole population; skip sources outside the
    // projection's slice.
    // (Separate statements: argument evaluation order would make the op
    // order, and so the printed IR, compiler-dependent.)
    Value atLeastBegin = rewriter.create<arith::CmpIOp>(
        loc, arith::CmpIPredicate::sge, source, begin);
    Value beforeEnd = rewriter.create<arith::CmpIOp>(
        loc, arith::CmpIPredicate::slt, source, end);
    Value inside = rewriter.create<arith::AndIOp>(loc, atLeastBegin, beforeEnd);
    auto ifOp = rewriter.create<scf::IfOp>(loc, inside, false);
    rewriter.setInsertionPoint(ifOp.thenBlock()->getTerminator());
    Value row = rewriter.create<arith::SubIOp>(loc, source, begin);
    Value rowBegin =
        toIndex(load(op.getRowStart(), rowTableIndex(op, row, false)));
    Value rowEnd =
        toIndex(load(op.getRowStart(), rowTableIndex(op, row, true)));
    scf::ForOp synapses = loop(rowBegin, rowEnd);
    Value synapse = synapses.getInductionVar();
    Value target = toIndex(load(op.getTargets(), synapse));
    inlineBody(op.getBody(), synapses.getBody()->getTerminator(),
               {target, synapse});
    rewriter.eraseOp(op);
  }

  /// Where the synapses of source row `row` that this code delivers start
  /// (or, `end`, end) in the row table of P entries per row: partitioned,
  /// the part onto partitions [first, end), from row * P + first to
  /// row * P + end; otherwise the whole row, row * P to (row + 1) * P.
  Value rowTableIndex(PropagateOp op, Value row, bool end) {
    int64_t partitions = op.getPartitions();
    if (partitions == 1)
      return end ? rewriter.create<arith::AddIOp>(loc, row, index(1)) : row;
    Value rowFirst =
        rewriter.create<arith::MulIOp>(loc, row, index(partitions));
    if (op.getPartition().empty())
      return end ? rewriter.create<arith::AddIOp>(loc, rowFirst,
                                                  index(partitions))
                 : rowFirst;
    return rewriter.create<arith::AddIOp>(loc, rowFirst,
                                          op.getPartition()[end ? 2 : 1]);
  }

  /// Starts loading the synapse row (every cache line of it) of the spike
  /// `prefetchDistance` ahead (in the same segment), so that its targets
  /// are in cache when delivery reaches it. Indices are clamped into range; a
  /// prefetch never faults.
  void prefetchRowAhead(PropagateOp op, Value q, Value end) {
    constexpr int64_t prefetchDistance = 4;
    auto rows = cast<MemRefType>(op.getRowStart().getType());
    Value lastSpike = rewriter.create<arith::SubIOp>(loc, end, index(1));
    Value ahead = rewriter.create<arith::MinSIOp>(
        loc, rewriter.create<arith::AddIOp>(loc, q, index(prefetchDistance)),
        lastSpike);
    Value source = toIndex(load(op.getSpikes(), ahead));
    Value row =
        rewriter.create<arith::SubIOp>(loc, source, index(op.getSourceBegin()));
    // The source row itself is clamped, so that both ends of its part of
    // the row table are in range.
    int64_t rowCount = (rows.getNumElements() - 1) / op.getPartitions();
    Value clampedLow = rewriter.create<arith::MaxSIOp>(loc, row, index(0));
    Value clamped =
        rewriter.create<arith::MinSIOp>(loc, clampedLow, index(rowCount - 1));
    Value first =
        toIndex(load(op.getRowStart(), rowTableIndex(op, clamped, false)));
    Value last =
        toIndex(load(op.getRowStart(), rowTableIndex(op, clamped, true)));
    // Every 64-byte line of the row (16 int32 targets).
    scf::ForOp lines = rewriter.create<scf::ForOp>(loc, first, last, index(16));
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(lines.getBody()->getTerminator());
    rewriter.create<memref::PrefetchOp>(
        loc, op.getTargets(), ValueRange{lines.getInductionVar()},
        /*isWrite=*/false, /*localityHint=*/3, /*isDataCache=*/true);
  }

  void lowerCompact(CompactOp op) {
    auto flags = cast<MemRefType>(op.getFlags().getType());
    int64_t words = flags.getNumElements() / 8;
    // The words to scan and where the list starts: all of them from 0, or
    // one thread's part, [lo, hi) with lo a multiple of 8, listed from lo.
    Value firstWord = index(0), endWord = index(words), listStart;
    Value slot = index(0);
    if (!op.getPart().empty()) {
      listStart = op.getPart()[0];
      firstWord = rewriter.create<arith::DivUIOp>(loc, listStart, index(8));
      endWord = rewriter.create<arith::DivUIOp>(
          loc, rewriter.create<arith::AddIOp>(loc, op.getPart()[1], index(7)),
          index(8));
      slot = op.getPart()[2];
    }
    Value zero32 = rewriter.create<arith::ConstantIntOp>(loc, 0, 32);
    Value one32 = rewriter.create<arith::ConstantIntOp>(loc, 1, 32);
    Value zero8 = rewriter.create<arith::ConstantIntOp>(loc, 0, 8);
    Value zero64 = rewriter.create<arith::ConstantIntOp>(loc, 0, 64);
    // The flags as 64-bit words: spikes are rare, most words are zero.
    Value asWords = rewriter.create<memref::ViewOp>(
        loc, MemRefType::get({words}, rewriter.getI64Type()), op.getFlags(),
        index(0), ValueRange{});
    auto yield = [&](Value v) { rewriter.create<scf::YieldOp>(loc, v); };
    auto forOp = rewriter.create<scf::ForOp>(
        loc, firstWord, endWord, index(1), ValueRange{zero32},
        [&](OpBuilder &, Location, Value w, ValueRange outer) {
          Value word = load(asWords, w);
          Value any = rewriter.create<arith::CmpIOp>(
              loc, arith::CmpIPredicate::ne, word, zero64);
          auto ifWord = rewriter.create<scf::IfOp>(
              loc, any,
              [&](OpBuilder &, Location) {
                Value first = rewriter.create<arith::MulIOp>(loc, w, index(8));
                auto bytes = rewriter.create<scf::ForOp>(
                    loc, first,
                    rewriter.create<arith::AddIOp>(loc, first, index(8)),
                    index(1), ValueRange{outer[0]},
                    [&](OpBuilder &, Location, Value j, ValueRange iter) {
                      Value count = iter[0];
                      Value isSpike = rewriter.create<arith::CmpIOp>(
                          loc, arith::CmpIPredicate::ne, load(op.getFlags(), j),
                          zero8);
                      auto ifSpike = rewriter.create<scf::IfOp>(
                          loc, isSpike,
                          [&](OpBuilder &, Location) {
                            Value at = toIndex(count);
                            if (listStart)
                              at = rewriter.create<arith::AddIOp>(loc, at,
                                                                  listStart);
                            store(rewriter.create<arith::IndexCastOp>(
                                      loc, rewriter.getI32Type(), j),
                                  op.getSpikes(), at);
                            yield(rewriter.create<arith::AddIOp>(loc, count,
                                                                 one32));
                          },
                          [&](OpBuilder &, Location) { yield(count); });
                      yield(ifSpike.getResult(0));
                    });
                yield(bytes.getResult(0));
              },
              [&](OpBuilder &, Location) { yield(outer[0]); });
          yield(ifWord.getResult(0));
        });
    rewriter.setInsertionPointAfter(forOp);
    Value count = forOp.getResult(0);
    store(count, op.getCount(), slot);
    if (op.getRecordIndices()) {
      store(count, op.getRecordCounts(), op.getLocalStep());
      Value fill = load(op.getRecordFill(), slot);
      Value fillIndex = toIndex(fill);
      scf::ForOp copy = loop(index(0), toIndex(count));
      Value q = copy.getInductionVar();
      Value from =
          listStart ? rewriter.create<arith::AddIOp>(loc, listStart, q) : q;
      store(load(op.getSpikes(), from), op.getRecordIndices(),
            rewriter.create<arith::AddIOp>(loc, fillIndex, q));
      rewriter.setInsertionPointAfter(copy);
      store(rewriter.create<arith::AddIOp>(loc, fill, count),
            op.getRecordFill(), slot);
    }
    rewriter.eraseOp(op);
  }

  void lowerRecordState(RecordStateOp op) {
    Value first = index(0), last = index(op.getSize());
    if (!op.getRange().empty()) {
      first = op.getRange()[0];
      last = op.getRange()[1];
    }
    scf::ForOp forOp = loop(first, last);
    Value j = forOp.getInductionVar();
    Value neuron =
        rewriter.create<arith::AddIOp>(loc, j, index(op.getOffset()));
    Value at = rewriter.create<arith::AddIOp>(
        loc,
        rewriter.create<arith::MulIOp>(loc, op.getLocalStep(),
                                       index(op.getSize())),
        j);
    store(load(op.getSource(), neuron), op.getBuffer(), at);
    rewriter.eraseOp(op);
  }

  void lowerBarrier(BarrierOp op) {
    rewriter.replaceOpWithNewOp<func::CallOp>(op, barrierFunction, TypeRange{},
                                              ValueRange{op.getState()});
  }

  /// exprel(x) = (e^x - 1)/x. Near 0 that quotient cancels badly, so for
  /// |x| < 1/2 a Taylor polynomial is used: to x^7 in f32 (the first
  /// omitted term is below 1.1e-8 relative, under half an ulp), to x^15 in
  /// f64 (below 4.3e-20); elsewhere the quotient, then well conditioned. Both
  /// are computed and one selected, which keeps the neuron loop free of
  /// branches.
  void lowerExprel(ExprelOp op, bool smallOnly = false) {
    Value x = op.getInput();
    Type type = x.getType();
    if (matchPattern(x, m_Constant())) { // e.g. a synapse's dt * (-1/tau)
      SmallVector<OpFoldResult> folded;
      if (succeeded(op->fold(folded)) && folded.size() == 1)
        if (auto attr = dyn_cast<Attribute>(folded.front())) {
          rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, type,
                                                         cast<TypedAttr>(attr));
          return;
        }
    }
    auto constant = [&](double value) -> Value {
      return rewriter.create<arith::ConstantOp>(
          loc, rewriter.getFloatAttr(type, value));
    };
    // Horner: 1 + x/2! + x^2/3! + ... + x^n/(n+1)!, with exact fused steps.
    int degree = type.isF64() ? 15 : 7;
    double factorial = 1;
    for (int k = 2; k <= degree + 1; ++k)
      factorial *= k;
    Value poly = constant(1.0 / factorial);
    for (int k = degree; k >= 1; --k) {
      factorial /= k + 1;
      poly =
          rewriter.create<math::FmaOp>(loc, poly, x, constant(1.0 / factorial));
    }
    if (smallOnly) { // the caller checked that |x| < 1/2
      rewriter.replaceOp(op, poly);
      return;
    }
    Value expMinusOne = rewriter.create<arith::SubFOp>(
        loc, rewriter.create<math::ExpOp>(loc, x), constant(1.0));
    Value quotient = rewriter.create<arith::DivFOp>(loc, expMinusOne, x);
    Value small = rewriter.create<arith::CmpFOp>(
        loc, arith::CmpFPredicate::OLT, rewriter.create<math::AbsFOp>(loc, x),
        constant(0.5));
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, small, poly, quotient);
  }

  IRRewriter rewriter;
  Location loc = UnknownLoc::get(rewriter.getContext());
};

struct LowerToLoopsPass
    : PassWrapper<LowerToLoopsPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(LowerToLoopsPass)
  StringRef getArgument() const final { return "snn-lower-to-loops"; }
  StringRef getDescription() const final {
    return "Lower snn ops to scf/arith/math/memref loops";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<arith::ArithDialect, func::FuncDialect, math::MathDialect,
                    memref::MemRefDialect, scf::SCFDialect>();
  }

  void runOnOperation() override {
    // Innermost first: a region is lowered before the op that owns it.
    SmallVector<Operation *> worklist;
    getOperation().walk([&](Operation *op) {
      // A neuron pass lowers the exprel ops of its body itself.
      if (isa<ExprelOp>(op) && op->getParentOfType<ForEachNeuronOp>())
        return;
      if (isa<TimeLoopOp, ForEachNeuronOp, PropagateOp, CompactOp,
              RecordStateOp, ExprelOp, BarrierOp>(op))
        worklist.push_back(op);
    });
    declareBarrierFunction();
    Lowering lowering(&getContext());
    for (Operation *op : worklist)
      lowering.lower(op);
  }

  /// `func.func private @snnc_barrier_wait(memref<...xi32>)`, once, if any
  /// barrier calls it.
  void declareBarrierFunction() {
    ModuleOp module = getOperation();
    BarrierOp barrier;
    module.walk([&](BarrierOp op) {
      barrier = op;
      return WalkResult::interrupt();
    });
    if (!barrier || module.lookupSymbol(Lowering::barrierFunction))
      return;
    OpBuilder builder(module.getBodyRegion());
    auto declaration = builder.create<func::FuncOp>(
        module.getLoc(), Lowering::barrierFunction,
        builder.getFunctionType({barrier.getState().getType()}, {}));
    declaration.setPrivate();
  }
};

} // namespace

std::unique_ptr<Pass> snnc::createLowerToLoopsPass() {
  return std::make_unique<LowerToLoopsPass>();
}
