//===- OutlineParameters.cpp - Computations on run-time scalars -----------===//
//
// See OutlineParameters.h. A value is *scalar-only* when it is an
// snn.param, or the result of a pure op without regions whose operands are
// scalar-only or constants (at least one scalar-only), and whose results
// are of the program's real type or i1. Scalar-only values used by any
// other op are the *roots*: each gets a slot of `params` (identical
// computations share one), and its uses read the slot, loaded once at the
// entry of the function (loop-invariant by construction, so the neuron
// loops see a register, as they saw a constant).
//
//===----------------------------------------------------------------------===//

#include "snnc/compiler/Transforms/OutlineParameters.h"

#include "snnc/compiler/Dialect/Snn.h"
#include "snnc/compiler/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

#include <limits>

using namespace mlir;
using namespace snnc;

namespace {

constexpr llvm::StringLiteral paramsBufferName = "params";

/// The index of the function's `params` buffer argument, or -1.
int paramsArgument(func::FuncOp function) {
  for (unsigned i = 0; i < function.getNumArguments(); ++i)
    if (auto name = function.getArgAttrOfType<StringAttr>(i, "snn.buffer"))
      if (name.getValue() == paramsBufferName)
        return static_cast<int>(i);
  return -1;
}

struct OutlineParametersPass
    : PassWrapper<OutlineParametersPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(OutlineParametersPass)
  explicit OutlineParametersPass(ParameterProgram *sink = nullptr)
      : sink(sink) {}
  StringRef getArgument() const final { return "snn-outline-parameters"; }
  StringRef getDescription() const final {
    return "Move computations on run-time scalars (snn.param) out of the "
           "program; read their results from the params buffer";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<arith::ArithDialect, func::FuncDialect,
                    memref::MemRefDialect>();
  }
  void runOnOperation() override;

  ParameterProgram *sink;
};

void OutlineParametersPass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *context = &getContext();
  if (sink)
    *sink = ParameterProgram();

  // The precision of the program: the element type of `params`.
  Type real;
  module.walk([&](func::FuncOp function) {
    int arg = paramsArgument(function);
    if (arg >= 0 && !real)
      real = cast<MemRefType>(function.getArgument(arg).getType())
                 .getElementType();
  });
  bool anyParam = false;
  module.walk([&](snn::ParamOp) { anyParam = true; });
  if (!anyParam)
    return;
  if (!real) {
    module.emitError("snn.param ops need a function argument named "
                     "'params' (snn.buffer)");
    return signalPassFailure();
  }

  // 1. The scalar-only values, in program order.
  llvm::DenseSet<Operation *> outlined;
  llvm::DenseSet<Value> scalarOnly;
  auto isScalarType = [&](Type type) {
    return type == real || type.isInteger(1);
  };
  auto consider = [&](Operation *op) {
    if (isa<snn::ParamOp>(op)) {
      if (op->getResult(0).getType() != real)
        return;
    } else {
      if (op->getNumRegions() || op->getNumResults() == 0 ||
          op->hasTrait<OpTrait::ConstantLike>() ||
          op->hasTrait<OpTrait::IsTerminator>() || !isMemoryEffectFree(op) ||
          !llvm::all_of(op->getResultTypes(), isScalarType))
        return;
      bool readsScalar = false;
      for (Value operand : op->getOperands()) {
        if (scalarOnly.contains(operand))
          readsScalar = true;
        else if (!matchPattern(operand, m_Constant()))
          return;
      }
      if (!readsScalar)
        return;
    }
    outlined.insert(op);
    for (Value result : op->getResults())
      scalarOnly.insert(result);
  };
  module.walk<WalkOrder::PreOrder>(consider);

  // 2. x / s -> x * (1/s), as snn-divide-by-reciprocal does for constants;
  //    1/s is scalar-only and is outlined with the rest.
  SmallVector<arith::DivFOp> divisions;
  module.walk([&](arith::DivFOp div) {
    if (!outlined.contains(div) && scalarOnly.contains(div.getRhs()))
      divisions.push_back(div);
  });
  for (arith::DivFOp div : divisions) {
    OpBuilder builder(div);
    Value one = builder.create<arith::ConstantOp>(
        div.getLoc(), builder.getFloatAttr(div.getType(), 1.0));
    auto reciprocal =
        builder.create<arith::DivFOp>(div.getLoc(), one, div.getRhs());
    outlined.insert(reciprocal);
    scalarOnly.insert(reciprocal);
    Value product =
        builder.create<arith::MulFOp>(div.getLoc(), div.getLhs(), reciprocal);
    div.replaceAllUsesWith(product);
    div.erase();
  }

  SmallVector<Operation *> ordered;
  module.walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (outlined.contains(op))
      ordered.push_back(op);
  });

  // 3. Roots: scalar-only values that the rest of the program uses.
  SmallVector<Value> roots;
  for (Operation *op : ordered)
    for (Value result : op->getResults())
      if (llvm::any_of(result.getUsers(), [&](Operation *user) {
            return !outlined.contains(user);
          }))
        roots.push_back(result);

  // 4. The outlined function, identical computations merged.
  OpBuilder builder(context);
  Location loc = module.getLoc();
  OwningOpRef<ModuleOp> program = ModuleOp::create(loc);
  builder.setInsertionPointToEnd(program->getBody());
  SmallVector<Type> rootTypes;
  for (Value root : roots)
    rootTypes.push_back(root.getType());
  auto function = builder.create<func::FuncOp>(
      loc, "snn_parameters", builder.getFunctionType({}, rootTypes));
  Block *entry = function.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  IRMapping mapping;
  for (Operation *op : ordered) {
    for (Value operand : op->getOperands())
      if (!mapping.contains(operand))
        builder.clone(*operand.getDefiningOp(), mapping);
    builder.clone(*op, mapping);
  }
  SmallVector<Value> returned;
  for (Value root : roots)
    returned.push_back(mapping.lookup(root));
  auto ret = builder.create<func::ReturnOp>(loc, returned);
  {
    IRRewriter rewriter(context);
    DominanceInfo dominance(function);
    eliminateCommonSubExpressions(rewriter, dominance, function);
  }
  // One slot per distinct value.
  llvm::MapVector<Value, unsigned> slotOfValue;
  SmallVector<unsigned> slotOfRoot;
  for (Value value : ret.getOperands()) {
    auto [it, inserted] = slotOfValue.insert({value, slotOfValue.size()});
    slotOfRoot.push_back(it->second);
  }
  SmallVector<Value> slots;
  SmallVector<Type> slotTypes;
  for (auto &[value, slot] : slotOfValue) {
    slots.push_back(value);
    slotTypes.push_back(value.getType());
  }
  builder.setInsertionPoint(ret);
  builder.create<func::ReturnOp>(loc, slots);
  ret.erase();
  function.setType(builder.getFunctionType({}, slotTypes));

  // 5. The program reads the slots at the entry of each function.
  llvm::DenseMap<Value, unsigned> rootIndex;
  for (unsigned i = 0; i < roots.size(); ++i)
    rootIndex[roots[i]] = i;
  bool failed = false;
  int64_t size = std::max<int64_t>(1, slots.size());
  module.walk([&](func::FuncOp fn) {
    SmallVector<Value> mine;
    for (Value root : roots)
      if (root.getDefiningOp()->getParentOfType<func::FuncOp>() == fn)
        mine.push_back(root);
    int arg = paramsArgument(fn);
    if (arg < 0) {
      if (!mine.empty()) {
        fn.emitError("reads snn.param values but has no 'params' buffer");
        failed = true;
      }
      return;
    }
    auto type = MemRefType::get({size}, real);
    fn.getArgument(arg).setType(type);
    SmallVector<Type> inputs(fn.getArgumentTypes());
    inputs[arg] = type;
    fn.setType(builder.getFunctionType(inputs, fn.getResultTypes()));

    OpBuilder at = OpBuilder::atBlockBegin(&fn.getBody().front());
    llvm::DenseMap<unsigned, Value> loaded;
    for (Value root : mine) {
      unsigned slot = slotOfRoot[rootIndex[root]];
      Value value = loaded.lookup(slot);
      if (!value) {
        Value index = at.create<arith::ConstantIndexOp>(loc, slot);
        value = at.create<memref::LoadOp>(loc, fn.getArgument(arg),
                                          ValueRange{index});
        loaded[slot] = value;
      }
      if (root.getType().isInteger(1)) // stored as 0 or 1
        value = at.create<arith::CmpFOp>(
            loc, arith::CmpFPredicate::UNE, value,
            at.create<arith::ConstantOp>(loc, at.getFloatAttr(real, 0.0)));
      root.replaceAllUsesWith(value);
    }
  });
  if (failed)
    return signalPassFailure();
  for (Operation *op : llvm::reverse(ordered))
    op->erase();

  // 6. What the host needs to fill the slots.
  ParameterProgram result;
  for (Value value : slots) {
    auto param = value.getDefiningOp<snn::ParamOp>();
    result.direct.push_back(param ? static_cast<int64_t>(param.getSlot()) : -1);
    llvm::SetVector<StringRef> names;
    SmallVector<Value> work{value};
    llvm::DenseSet<Value> seen;
    while (!work.empty()) {
      Value v = work.pop_back_val();
      if (!seen.insert(v).second)
        continue;
      Operation *def = v.getDefiningOp();
      if (auto p = dyn_cast_or_null<snn::ParamOp>(def))
        names.insert(p.getName());
      else if (def)
        work.append(def->operand_begin(), def->operand_end());
    }
    std::vector<std::string> reads;
    for (StringRef name : names)
      reads.push_back(name.str());
    std::sort(reads.begin(), reads.end());
    result.reads.push_back(std::move(reads));
  }
  if (sink) {
    result.module = std::move(program);
    *sink = std::move(result);
  } else {
    builder.setInsertionPointToEnd(module.getBody());
    builder.clone(*function);
  }
}

} // namespace

std::unique_ptr<Pass>
snnc::createOutlineParametersPass(ParameterProgram *sink) {
  return std::make_unique<OutlineParametersPass>(sink);
}

std::vector<double>
snnc::evaluateParameterProgram(const ParameterProgram &program,
                               llvm::ArrayRef<double> scalars) {
  std::vector<double> values(program.size(),
                             std::numeric_limits<double>::quiet_NaN());
  if (!program.module)
    return values;
  OwningOpRef<ModuleOp> copy =
      const_cast<OwningOpRef<ModuleOp> &>(program.module)->clone();
  MLIRContext *context = copy->getContext();
  SmallVector<snn::ParamOp> params;
  copy->walk([&](snn::ParamOp op) { params.push_back(op); });
  OpBuilder builder(context);
  for (snn::ParamOp op : params) {
    builder.setInsertionPoint(op);
    uint64_t slot = op.getSlot();
    double value = slot < scalars.size()
                       ? scalars[slot]
                       : std::numeric_limits<double>::quiet_NaN();
    // The very constant the code generator emits for a specialised value.
    Value constant = builder.create<arith::ConstantOp>(
        op.getLoc(), builder.getFloatAttr(op.getType(), value));
    op.replaceAllUsesWith(constant);
    op.erase();
  }
  // The canonicalizer's patterns and folders, as on the specialised program.
  RewritePatternSet patterns(context);
  for (Dialect *dialect : context->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : context->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, context);
  (void)applyPatternsAndFoldGreedily(*copy, std::move(patterns));

  copy->walk([&](func::ReturnOp ret) {
    for (unsigned k = 0; k < ret.getNumOperands() && k < values.size(); ++k) {
      Attribute attr;
      if (!matchPattern(ret.getOperand(k), m_Constant(&attr)))
        continue;
      if (auto f = dyn_cast<FloatAttr>(attr))
        values[k] = f.getValueAsDouble();
      else if (auto i = dyn_cast<IntegerAttr>(attr))
        values[k] = i.getValue().isZero() ? 0.0 : 1.0;
    }
  });
  return values;
}
