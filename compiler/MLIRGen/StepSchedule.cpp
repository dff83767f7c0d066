//===- StepSchedule.cpp - Functions, time loop, what runs when ------------===//

#include "Builder.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace snnc;
using namespace snnc::mlirgen;

void snnc::loadDialects(mlir::MLIRContext &context) {
  context.loadDialect<snn::SnnDialect, mlir::arith::ArithDialect,
                      mlir::func::FuncDialect, mlir::math::MathDialect,
                      mlir::memref::MemRefDialect, mlir::scf::SCFDialect,
                      mlir::cf::ControlFlowDialect, mlir::LLVM::LLVMDialect>();
}

mlir::func::FuncOp ProgramBuilder::createFunction(llvm::StringRef name,
                                                  bool withRange) {
  llvm::SmallVector<mlir::Type> types;
  for (const BufferSpec &spec : layout.buffers) {
    mlir::Type element = spec.type == ElementType::Real ? real
                         : spec.type == ElementType::Int32
                             ? builder.getI32Type()
                             : builder.getI8Type();
    types.push_back(mlir::MemRefType::get({spec.size}, element));
  }
  if (withRange) {
    types.push_back(builder.getI64Type());
    types.push_back(builder.getI64Type());
  }
  auto function = builder.create<mlir::func::FuncOp>(
      loc, name, builder.getFunctionType(types, {}));
  // Name every buffer, and keep the unit of the values it holds: the code
  // below is plain numbers, the attributes say what they mean.
  for (size_t i = 0; i < layout.buffers.size(); ++i) {
    const BufferSpec &spec = layout.buffers[i];
    function.setArgAttr(i, "snn.buffer", builder.getStringAttr(spec.name));
    if (!spec.unit.empty())
      function.setArgAttr(i, "snn.unit", builder.getStringAttr(spec.unit));
  }
  mlir::Block *entry = function.addEntryBlock();
  args.assign(entry->args_begin(), entry->args_end());
  builder.setInsertionPointToStart(entry);
  return function;
}

Value ProgramBuilder::timeOfStep(Value step) {
  using namespace mlir::arith;
  Value k = builder.create<SIToFPOp>(
      loc, builder.getF64Type(),
      builder.create<IndexCastOp>(loc, builder.getI64Type(), step));
  Value t = builder.create<MulFOp>(
      loc, k,
      builder.create<ConstantOp>(
          loc, builder.getFloatAttr(builder.getF64Type(), layout.dtMs)));
  if (!layout.doublePrecision)
    t = builder.create<TruncFOp>(loc, real, t);
  return t;
}

mlir::OwningOpRef<mlir::ModuleOp> ProgramBuilder::build() {
  // Plan everything first so that all errors are reported together.
  std::vector<NeuronPlan> neuronPlans;
  std::vector<std::vector<OdePlan>> synapsePlans;
  bool ok = true;
  for (unsigned p = 0; p < model.populations.size(); ++p) {
    std::optional<NeuronPlan> plan = planNeuron(p);
    ok &= plan.has_value();
    neuronPlans.push_back(plan ? std::move(*plan) : NeuronPlan{});
  }
  for (const SynapseGroup &group : layout.groups) {
    std::optional<std::vector<OdePlan>> plan = planSynapse(group);
    ok &= plan.has_value();
    synapsePlans.push_back(plan ? std::move(*plan) : std::vector<OdePlan>{});
  }
  if (!ok)
    return nullptr;

  // The module, its functions and the time loop come from the run
  // statement; every other op from the construct that asked for it.
  std::optional<LocatedAt> atRun;
  if (model.run)
    atRun.emplace(*this, model.run->range);
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::ModuleOp::create(loc);
  // The populations and their sizes, for the passes that split them.
  llvm::SmallVector<mlir::NamedAttribute> sizes;
  for (const Population &pop : model.populations)
    sizes.push_back(
        builder.getNamedAttr(pop.name, builder.getI64IntegerAttr(pop.size)));
  module->getOperation()->setAttr("snn.populations",
                                  builder.getDictionaryAttr(sizes));
  builder.setInsertionPointToEnd(module->getBody());
  {
    mlir::OpBuilder::InsertionGuard guard(builder);
    createFunction("snn_init", false);
    for (unsigned p = 0; p < model.populations.size(); ++p)
      emitInitialSpikes(p);
    // Synapse buffers hold the value after the coming step's decay: step
    // 0's decay, at t = 0, applies to the initial values.
    for (unsigned g = 0; g < layout.groups.size(); ++g)
      if (!model.synapses[layout.groups[g].synapse].incrementBeforeDecay)
        emitSynapseDecay(g, synapsePlans[g], constant(0.0));
    builder.create<mlir::func::ReturnOp>(loc);
  }
  {
    mlir::OpBuilder::InsertionGuard guard(builder);
    mlir::func::FuncOp run = createFunction("snn_run", true);
    Value begin = toIndex(run.getArgument(layout.buffers.size()));
    Value end = toIndex(run.getArgument(layout.buffers.size() + 1));
    withBody<snn::TimeLoopOp>(
        [&](mlir::Block &block) {
          Value step = block.getArgument(0), t = block.getArgument(1);
          Value localStep =
              builder.create<mlir::arith::SubIOp>(loc, step, begin);
          Value tNext = timeOfStep(
              builder.create<mlir::arith::AddIOp>(loc, step, index(1)));
          emitPropagation(step, t);
          emitDelayedArrivals(step);
          // Synapses whose increments decay with them step before the
          // neurons read them.
          for (unsigned g = 0; g < layout.groups.size(); ++g)
            if (model.synapses[layout.groups[g].synapse].incrementBeforeDecay)
              emitSynapseDecay(g, synapsePlans[g], t);
          for (unsigned p = 0; p < model.populations.size(); ++p)
            emitNeuronPass(p, neuronPlans[p], synapsePlans, step, t, tNext,
                           localStep);
          emitStateRecording(localStep);
        },
        begin, end, layout.dtMs, real);
    builder.create<mlir::func::ReturnOp>(loc);
  }
  return module;
}

mlir::OwningOpRef<mlir::ModuleOp>
snnc::buildProgram(mlir::MLIRContext &context, const Model &model,
                   const ProgramLayout &layout, DiagnosticEngine &diags,
                   RuntimeScalars *scalars) {
  loadDialects(context);
  ProgramBuilder builder(context, model, layout, diags);
  mlir::OwningOpRef<mlir::ModuleOp> module = builder.build();
  if (scalars)
    *scalars = builder.takeScalars();
  return module;
}
