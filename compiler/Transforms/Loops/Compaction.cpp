//===- Compaction.cpp - snn.compact as a scan of the spike flags ----------===//
//
// Flags -> ascending spike list, count, and the recording's copy. The flags
// are scanned as 64-bit words: spikes are rare, and a word of eight silent
// neurons is skipped with one load and one compare.
//
//===----------------------------------------------------------------------===//

#include "LoopBuilder.h"

#include "snnc/compiler/Transforms/LoopLowering.h"

using namespace mlir;
using namespace snnc::snn;
using snnc::loops::LoopBuilder;

namespace {

struct LowerCompact : OpRewritePattern<CompactOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CompactOp op,
                                PatternRewriter &rewriter) const override {
    LoopBuilder b(rewriter, op);
    Location loc = b.loc;
    auto flags = cast<MemRefType>(op.getFlags().getType());
    int64_t words = flags.getNumElements() / 8;
    // The words to scan and where the list starts: all of them from 0, or
    // one thread's part, [lo, hi) with lo a multiple of 8, listed from lo.
    Value firstWord = b.index(0), endWord = b.index(words), listStart;
    Value slot = b.index(0);
    if (!op.getPart().empty()) {
      listStart = op.getPart()[0];
      firstWord = rewriter.create<arith::DivUIOp>(loc, listStart, b.index(8));
      endWord = rewriter.create<arith::DivUIOp>(
          loc, rewriter.create<arith::AddIOp>(loc, op.getPart()[1], b.index(7)),
          b.index(8));
      slot = op.getPart()[2];
    }
    Value zero32 = rewriter.create<arith::ConstantIntOp>(loc, 0, 32);
    Value one32 = rewriter.create<arith::ConstantIntOp>(loc, 1, 32);
    Value zero8 = rewriter.create<arith::ConstantIntOp>(loc, 0, 8);
    Value zero64 = rewriter.create<arith::ConstantIntOp>(loc, 0, 64);
    // The flags as 64-bit words: spikes are rare, most words are zero.
    Value asWords = rewriter.create<memref::ViewOp>(
        loc, MemRefType::get({words}, rewriter.getI64Type()), op.getFlags(),
        b.index(0), ValueRange{});
    auto yield = [&](Value v) { rewriter.create<scf::YieldOp>(loc, v); };
    auto forOp = rewriter.create<scf::ForOp>(
        loc, firstWord, endWord, b.index(1), ValueRange{zero32},
        [&](OpBuilder &, Location, Value w, ValueRange outer) {
          Value word = b.load(asWords, w);
          Value any = rewriter.create<arith::CmpIOp>(
              loc, arith::CmpIPredicate::ne, word, zero64);
          auto ifWord = rewriter.create<scf::IfOp>(
              loc, any,
              [&](OpBuilder &, Location) {
                Value first =
                    rewriter.create<arith::MulIOp>(loc, w, b.index(8));
                auto bytes = rewriter.create<scf::ForOp>(
                    loc, first,
                    rewriter.create<arith::AddIOp>(loc, first, b.index(8)),
                    b.index(1), ValueRange{outer[0]},
                    [&](OpBuilder &, Location, Value j, ValueRange iter) {
                      Value count = iter[0];
                      Value isSpike = rewriter.create<arith::CmpIOp>(
                          loc, arith::CmpIPredicate::ne,
                          b.load(op.getFlags(), j), zero8);
                      auto ifSpike = rewriter.create<scf::IfOp>(
                          loc, isSpike,
                          [&](OpBuilder &, Location) {
                            Value at = b.toIndex(count);
                            if (listStart)
                              at = rewriter.create<arith::AddIOp>(loc, at,
                                                                  listStart);
                            b.store(rewriter.create<arith::IndexCastOp>(
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
    b.store(count, op.getCount(), slot);
    if (op.getRecordIndices()) {
      b.store(count, op.getRecordCounts(), op.getLocalStep());
      Value fill = b.load(op.getRecordFill(), slot);
      Value fillIndex = b.toIndex(fill);
      scf::ForOp copy = b.loop(b.index(0), b.toIndex(count));
      Value q = copy.getInductionVar();
      Value from =
          listStart ? rewriter.create<arith::AddIOp>(loc, listStart, q) : q;
      b.store(b.load(op.getSpikes(), from), op.getRecordIndices(),
              rewriter.create<arith::AddIOp>(loc, fillIndex, q));
      rewriter.setInsertionPointAfter(copy);
      b.store(rewriter.create<arith::AddIOp>(loc, fill, count),
              op.getRecordFill(), slot);
    }
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void snnc::populateCompactionLoweringPatterns(RewritePatternSet &patterns,
                                              const TargetInfo &) {
  patterns.add<LowerCompact>(patterns.getContext());
}
