//===- Propagation.cpp - snn.propagate as event-driven delivery loops -----===//
//
// For each listed spike in the source slice, for each of its synapses: the
// body. With TargetInfo::prefetchRowsAhead, the synapse row of a spike
// further down the list starts loading while this one is delivered.
//
//===----------------------------------------------------------------------===//

#include "LoopBuilder.h"

#include "snnc/compiler/Transforms/LoopLowering.h"
#include "snnc/runtime/ThreadPartition.h"

using namespace mlir;
using namespace snnc::snn;
using snnc::loops::LoopBuilder;

namespace {

class Delivery {
public:
  Delivery(RewriterBase &rewriter, PropagateOp op, int64_t prefetchRowsAhead)
      : b(rewriter, op), rewriter(rewriter), op(op),
        prefetchRowsAhead(prefetchRowsAhead) {}

  void lower() {
    Location loc = b.loc;
    // Partitioned: one segment of the spike list per partition, read in
    // partition order, [first, first + count) for segment u. Otherwise one
    // list from 0.
    Value first = b.index(0), count;
    if (!op.getPartition().empty()) {
      scf::ForOp segments = b.loop(b.index(0), b.index(op.getPartitions()));
      Value u = segments.getInductionVar();
      first = b.toIndex(b.load(op.getPartition()[0], u));
      count = b.toIndex(b.load(
          op.getCount(), rewriter.create<arith::MulIOp>(
                             loc, u, b.index(snnc::rt::kPerThreadStride))));
    } else {
      count = b.toIndex(b.load(op.getCount(), b.index(0)));
    }
    Value last = rewriter.create<arith::AddIOp>(loc, first, count);
    scf::ForOp spikes = b.loop(first, last);
    Value q = spikes.getInductionVar();
    Value source = b.toIndex(b.load(op.getSpikes(), q));
    Value begin = b.index(op.getSourceBegin());
    Value end = b.index(op.getSourceEnd());
    if (prefetchRowsAhead > 0)
      prefetchRowAhead(q, last);
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
        b.toIndex(b.load(op.getRowStart(), rowTableIndex(row, false)));
    Value rowEnd =
        b.toIndex(b.load(op.getRowStart(), rowTableIndex(row, true)));
    scf::ForOp synapses = b.loop(rowBegin, rowEnd);
    Value synapse = synapses.getInductionVar();
    Value target = b.toIndex(b.load(op.getTargets(), synapse));
    b.inlineBody(op.getBody(), synapses.getBody()->getTerminator(),
                 {target, synapse});
    rewriter.eraseOp(op);
  }

private:
  /// Where the synapses of source row `row` that this code delivers start
  /// (or, `end`, end) in the row table of P entries per row: partitioned,
  /// the part onto partitions [first, end), from row * P + first to
  /// row * P + end; otherwise the whole row, row * P to (row + 1) * P.
  Value rowTableIndex(Value row, bool end) {
    Location loc = b.loc;
    int64_t partitions = op.getPartitions();
    if (partitions == 1)
      return end ? rewriter.create<arith::AddIOp>(loc, row, b.index(1)) : row;
    Value rowFirst =
        rewriter.create<arith::MulIOp>(loc, row, b.index(partitions));
    if (op.getPartition().empty())
      return end ? rewriter.create<arith::AddIOp>(loc, rowFirst,
                                                  b.index(partitions))
                 : rowFirst;
    return rewriter.create<arith::AddIOp>(loc, rowFirst,
                                          op.getPartition()[end ? 2 : 1]);
  }

  /// Starts loading the synapse row (every cache line of it) of the spike
  /// prefetchRowsAhead places ahead (in the same segment), so that its
  /// targets are in cache when delivery reaches it. Indices are clamped
  /// into range; a prefetch never faults.
  void prefetchRowAhead(Value q, Value end) {
    Location loc = b.loc;
    auto rows = cast<MemRefType>(op.getRowStart().getType());
    Value lastSpike = rewriter.create<arith::SubIOp>(loc, end, b.index(1));
    Value ahead = rewriter.create<arith::MinSIOp>(
        loc, rewriter.create<arith::AddIOp>(loc, q, b.index(prefetchRowsAhead)),
        lastSpike);
    Value source = b.toIndex(b.load(op.getSpikes(), ahead));
    Value row = rewriter.create<arith::SubIOp>(loc, source,
                                               b.index(op.getSourceBegin()));
    // The source row itself is clamped, so that both ends of its part of
    // the row table are in range.
    int64_t rowCount = (rows.getNumElements() - 1) / op.getPartitions();
    Value clampedLow = rewriter.create<arith::MaxSIOp>(loc, row, b.index(0));
    Value clamped =
        rewriter.create<arith::MinSIOp>(loc, clampedLow, b.index(rowCount - 1));
    Value first =
        b.toIndex(b.load(op.getRowStart(), rowTableIndex(clamped, false)));
    Value last =
        b.toIndex(b.load(op.getRowStart(), rowTableIndex(clamped, true)));
    // Every 64-byte line of the row (16 int32 targets).
    scf::ForOp lines =
        rewriter.create<scf::ForOp>(loc, first, last, b.index(16));
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(lines.getBody()->getTerminator());
    rewriter.create<memref::PrefetchOp>(
        loc, op.getTargets(), ValueRange{lines.getInductionVar()},
        /*isWrite=*/false, /*localityHint=*/3, /*isDataCache=*/true);
  }

  LoopBuilder b;
  RewriterBase &rewriter;
  PropagateOp op;
  int64_t prefetchRowsAhead;
};

struct LowerPropagate : OpRewritePattern<PropagateOp> {
  LowerPropagate(MLIRContext *context, int64_t prefetchRowsAhead)
      : OpRewritePattern(context), prefetchRowsAhead(prefetchRowsAhead) {}
  LogicalResult matchAndRewrite(PropagateOp op,
                                PatternRewriter &rewriter) const override {
    Delivery(rewriter, op, prefetchRowsAhead).lower();
    return success();
  }
  int64_t prefetchRowsAhead;
};

} // namespace

void snnc::populatePropagationLoweringPatterns(RewritePatternSet &patterns,
                                               const TargetInfo &info) {
  patterns.add<LowerPropagate>(patterns.getContext(), info.prefetchRowsAhead);
}
