//===- NeuronPasses.cpp - Neuron passes, recordings, exprel as loops ------===//
//
//   snn.for_each_neuron  scf.for over the neurons (or the range)
//   snn.record_state     scf.for copying the slice into its chunk row
//   snn.exprel           a polynomial near 0, (exp(x) - 1) / x elsewhere
//
// A neuron pass lowers the exprel ops of its body itself: with
// TargetInfo::versionExprelPasses it makes two copies of the pass, one
// with the polynomial alone.
//
//===----------------------------------------------------------------------===//

#include "LoopBuilder.h"

#include "snnc/compiler/Transforms/LoopLowering.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace snnc::snn;
using snnc::loops::LoopBuilder;

namespace {

/// The neurons a pass runs over: its range, or the whole slice.
std::pair<Value, Value> neuronRange(LoopBuilder &b, ForEachNeuronOp op) {
  if (!op.getRange().empty())
    return {op.getRange()[0], op.getRange()[1]};
  return {b.index(0), b.index(op.getSize())};
}

/// Adds to `slice` the ops of `op`'s body that compute `v`, if they only
/// read memory: then they can run once more, ahead of the pass.
bool collectSlice(ForEachNeuronOp op, Value v, SetVector<Operation *> &slice) {
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

/// Whether the ops computing each exprel's argument can be run ahead.
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

/// exprel's general form costs an exp and a division per neuron, but
/// neurons need it only when |x| >= 1/2, which is rare (for the seed,
/// never). So a cheap pass first computes just the arguments and asks
/// whether any is that large; then one of two copies of the pass runs:
/// with the general exprel, or with its polynomial alone. For |x| < 1/2
/// both give the same bits, so results do not depend on the path.
void lowerWithSmallArgumentPath(RewriterBase &rewriter, ForEachNeuronOp op,
                                ArrayRef<ExprelOp> exprels) {
  LoopBuilder b(rewriter, op);
  Location loc = b.loc;
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
  std::pair<Value, Value> range = neuronRange(b, op);
  Block &body = op.getBody().front();
  auto scan = rewriter.create<scf::ForOp>(
      loc, range.first, range.second, b.index(1), ValueRange{falseValue},
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
    scf::ForOp forOp = b.loop(range.first, range.second);
    IRMapping mapping;
    mapping.map(body.getArgument(0), forOp.getInductionVar());
    rewriter.setInsertionPoint(forOp.getBody()->getTerminator());
    SmallVector<ExprelOp> copies;
    for (Operation &inner : body.without_terminator()) {
      Operation *copy = rewriter.clone(inner, mapping);
      copy->walk([&](ExprelOp exprel) { copies.push_back(exprel); });
    }
    for (ExprelOp exprel : copies)
      snnc::loops::lowerExprel(rewriter, exprel, smallOnly);
  };
  emitCopy(choice.thenBlock(), /*smallOnly=*/false);
  emitCopy(choice.elseBlock(), /*smallOnly=*/true);
  rewriter.eraseOp(op);
}

struct LowerForEachNeuron : OpRewritePattern<ForEachNeuronOp> {
  LowerForEachNeuron(MLIRContext *context, bool versionExprelPasses)
      : OpRewritePattern(context), versionExprelPasses(versionExprelPasses) {}

  LogicalResult matchAndRewrite(ForEachNeuronOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<ExprelOp> exprels;
    op.getBody().walk([&](ExprelOp exprel) { exprels.push_back(exprel); });
    if (versionExprelPasses && !exprels.empty() &&
        canTestArgumentsFirst(op, exprels)) {
      lowerWithSmallArgumentPath(rewriter, op, exprels);
      return success();
    }
    LoopBuilder b(rewriter, op);
    auto [first, last] = neuronRange(b, op);
    scf::ForOp forOp = b.loop(first, last);
    b.inlineBody(op.getBody(), forOp.getBody()->getTerminator(),
                 {forOp.getInductionVar()});
    rewriter.eraseOp(op);
    for (ExprelOp exprel : exprels)
      snnc::loops::lowerExprel(rewriter, exprel);
    return success();
  }

  bool versionExprelPasses;
};

/// buffer[local_step * size + j] = source[offset + j] over the slice (or
/// the range).
struct LowerRecordState : OpRewritePattern<RecordStateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RecordStateOp op,
                                PatternRewriter &rewriter) const override {
    LoopBuilder b(rewriter, op);
    Value first = b.index(0), last = b.index(op.getSize());
    if (!op.getRange().empty()) {
      first = op.getRange()[0];
      last = op.getRange()[1];
    }
    scf::ForOp forOp = b.loop(first, last);
    Value j = forOp.getInductionVar();
    Value neuron =
        rewriter.create<arith::AddIOp>(b.loc, j, b.index(op.getOffset()));
    Value at = rewriter.create<arith::AddIOp>(
        b.loc,
        rewriter.create<arith::MulIOp>(b.loc, op.getLocalStep(),
                                       b.index(op.getSize())),
        j);
    b.store(b.load(op.getSource(), neuron), op.getBuffer(), at);
    rewriter.eraseOp(op);
    return success();
  }
};

struct LowerExprel : OpRewritePattern<ExprelOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ExprelOp op,
                                PatternRewriter &rewriter) const override {
    snnc::loops::lowerExprel(rewriter, op);
    return success();
  }
};

} // namespace

/// exprel(x) = (e^x - 1)/x. Near 0 that quotient cancels badly, so for
/// |x| < 1/2 a Taylor polynomial is used: to x^7 in f32 (the first omitted
/// term is below 1.1e-8 relative, under half an ulp), to x^15 in f64 (below
/// 4.3e-20); elsewhere the quotient, then well conditioned. Both are
/// computed and one selected, which keeps the neuron loop free of branches.
void snnc::loops::lowerExprel(RewriterBase &rewriter, ExprelOp op,
                              bool smallOnly) {
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
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

void snnc::populateNeuronPassLoweringPatterns(RewritePatternSet &patterns,
                                              const TargetInfo &info) {
  patterns.add<LowerForEachNeuron>(patterns.getContext(),
                                   info.versionExprelPasses);
  patterns.add<LowerRecordState, LowerExprel>(patterns.getContext());
}
