//===- LoopBuilder.h - What the conversions to loops share ------*- C++ -*-===//
//
// Ops at one location through one rewriter, for the lowering of one snn
// op: constants, casts, loads, stores, loops, and moving an snn region's
// body into a loop.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_COMPILER_TRANSFORMS_LOOPS_LOOPBUILDER_H
#define SNNC_COMPILER_TRANSFORMS_LOOPS_LOOPBUILDER_H

#include "snnc/compiler/Dialect/Snn.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace snnc::loops {

class LoopBuilder {
public:
  LoopBuilder(mlir::RewriterBase &rewriter, mlir::Operation *op)
      : rewriter(rewriter), loc(op->getLoc()) {
    rewriter.setInsertionPoint(op);
  }

  mlir::Value index(int64_t value) {
    return rewriter.create<mlir::arith::ConstantIndexOp>(loc, value);
  }
  mlir::Value toIndex(mlir::Value v) {
    return rewriter.create<mlir::arith::IndexCastOp>(
        loc, rewriter.getIndexType(), v);
  }
  mlir::Value load(mlir::Value memref, mlir::Value at) {
    return rewriter.create<mlir::memref::LoadOp>(loc, memref,
                                                 mlir::ValueRange{at});
  }
  void store(mlir::Value value, mlir::Value memref, mlir::Value at) {
    rewriter.create<mlir::memref::StoreOp>(loc, value, memref,
                                           mlir::ValueRange{at});
  }
  /// An scf.for whose body is ready for new ops before its yield.
  mlir::scf::ForOp loop(mlir::Value lb, mlir::Value ub) {
    auto forOp = rewriter.create<mlir::scf::ForOp>(loc, lb, ub, index(1));
    rewriter.setInsertionPoint(forOp.getBody()->getTerminator());
    return forOp;
  }
  /// Moves `body` (an snn region's block) before `before`, binding its
  /// arguments, and drops its snn.yield.
  void inlineBody(mlir::Region &body, mlir::Operation *before,
                  mlir::ValueRange arguments) {
    mlir::Block &block = body.front();
    rewriter.eraseOp(block.getTerminator());
    rewriter.inlineBlockBefore(&block, before, arguments);
  }

  mlir::RewriterBase &rewriter;
  mlir::Location loc;
};

/// Replaces `op` by its formula (NeuronPasses.cpp); `smallOnly` when the
/// caller knows |x| < 1/2.
void lowerExprel(mlir::RewriterBase &rewriter, snn::ExprelOp op,
                 bool smallOnly = false);

} // namespace snnc::loops

#endif // SNNC_COMPILER_TRANSFORMS_LOOPS_LOOPBUILDER_H
