//===- Builder.h - MLIRGen's builder, shared by its files -----*- C++ -*-===//
//
// The typed model becomes ops of the snn dialect (ProgramBuilder.h has the
// entry point and the policy). One class holds what every part needs (the
// OpBuilder, the layout, the buffers of the function being built); its
// members are defined by idea, one file each:
//
//   OdePlanning.cpp       which ODEs each block steps, and how
//   ParameterBinding.cpp  parameters as run-time scalars or constants
//   Expressions.cpp       model expressions as arith/math ops
//   NeuronPass.cpp        a population's step: inputs, ODEs, spikes,
//                         synapse decay, compaction, state recording
//   Propagation.cpp       delivering spikes along projections
//   StepSchedule.cpp      the functions, the time loop and what runs when
//
// Right-hand sides are emitted with their inputs spelled out (drives plus
// output currents); parameters shared by all neurons, scalar weights and
// drives are snn.param ops (run-time scalars; constants when the program
// is specialised); each ODE step is an snn.integrate that the
// snn-integrate pass expands. Each model concept gets its own op (neuron
// update, synapse decay, propagation, compaction); fusing and lowering
// them is the passes' job.
//
// Run-time scalars round exactly as constants did. Where the language folds
// an expression of constants in double precision (makeNode, calls on
// constants), an expression of parameters becomes one scalar of its own,
// evaluated the same way on the host (RuntimeScalars); everything the
// compiler folds later in the working precision is left to
// snn-outline-parameters. Values that choose code (listParameters'
// specialisedBecause: exact propagators, exponents) stay constants.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_COMPILER_MLIRGEN_BUILDER_H
#define SNNC_COMPILER_MLIRGEN_BUILDER_H

#include "snnc/compiler/ProgramBuilder.h"

#include "snnc/compiler/Dialect/Snn.h"
#include "snnc/model/Parameters.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace snnc::mlirgen {

using namespace snnc::model;
using mlir::Value;

/// One ODE to step: the right-hand side, inputs spelled out.
struct OdePlan {
  ExprP rhs; ///< Null: the state has no equation.
  Integrator method = Integrator::ExpEuler;
  /// `exact`: the new value, from the propagator (ExactIntegration.h).
  ExprP exactUpdate;
  llvm::SMRange range;
};

/// The ODEs of one population's neurons, one per state.
struct NeuronPlan {
  std::vector<OdePlan> odes;
};

/// Which named value (listParameters index) a model's parameter q is; -1
/// when it has none.
using NamedFn = std::function<int(unsigned)>;

class ProgramBuilder {
public:
  ProgramBuilder(mlir::MLIRContext &context, const Model &model,
                 const ProgramLayout &layout, DiagnosticEngine &diags)
      : builder(&context), loc(builder.getUnknownLoc()), model(model),
        layout(layout), diags(diags), parameters(listParameters(model)),
        named(parameters), runtime(layout.params >= 0) {
    real = layout.doublePrecision ? mlir::Type(builder.getF64Type())
                                  : mlir::Type(builder.getF32Type());
  }

  mlir::OwningOpRef<mlir::ModuleOp> build();
  RuntimeScalars takeScalars() { return std::move(scalars); }

private:
  using LeafFn = llvm::function_ref<Value(const Expr &)>;
  //===--- Planning on model expressions --------------------------------===//
  std::optional<NeuronPlan> planNeuron(unsigned pop);
  std::optional<std::vector<OdePlan>> planSynapse(const SynapseGroup &group);
  /// A source location for MLIR ops, so pass errors point at the .snn file.
  mlir::Location locate(llvm::SMRange range);
  /// Ops built while it lives are located at `range` (the population,
  /// projection, drive or record they come from); then the location before.
  class LocatedAt {
  public:
    LocatedAt(ProgramBuilder &builder, llvm::SMRange range)
        : builder(builder), saved(builder.loc) {
      builder.loc = builder.locate(range);
    }
    ~LocatedAt() { builder.loc = saved; }
    LocatedAt(const LocatedAt &) = delete;
    LocatedAt &operator=(const LocatedAt &) = delete;

  private:
    ProgramBuilder &builder;
    mlir::Location saved;
  };
  /// Steps every planned ODE of a block from the state values `values`
  /// (which `leaf` must read for State leaves): one snn.integrate per
  /// method, so Runge-Kutta stages see the whole system. Returns the new
  /// values (unchanged where a state has no ODE).
  std::vector<Value> stepOdes(const std::vector<OdePlan> &odes,
                              const std::vector<Value> &values, Value t,
                              LeafFn leaf);
  /// Fills in `exactUpdate` for the `exact` ODEs of a block, or reports
  /// why they cannot be integrated exactly.
  bool planExact(std::vector<OdePlan> &odes);
  ExprP bindConstants(const ExprP &expr, const std::vector<double> &values,
                      const std::vector<int> *perNeuron = nullptr);
  /// Binds the parameters of `expr`: per-neuron ones stay Param leaves;
  /// the others become run-time scalars, or constants when the program is
  /// specialised, when listParameters() says they are compiled in, or with
  /// `constants`. Folds as bindConstants does: a node the language would
  /// fold becomes one scalar.
  ExprP bindParams(const ExprP &expr, const std::vector<double> &values,
                   const NamedFn &namedOf,
                   const std::vector<int> *perNeuron = nullptr,
                   bool constants = false);
  /// Whether named value `n` is read at run time.
  bool readAtRunTime(int n) const {
    return runtime && n >= 0 && parameters[n].specialisedBecause.empty();
  }
  /// The scalar leaf for `value`, an expression of named values: a leaf
  /// the builder owns and knows by identity (scalarSlot), so that nothing
  /// in the front end's Expr has to mark it.
  ExprP scalarLeaf(ExprP value);
  /// The RuntimeScalars slot `e` stands for, if it is a scalar leaf.
  std::optional<unsigned> scalarSlot(const Expr &e) const {
    auto it = slotOfLeaf.find(&e);
    if (it == slotOfLeaf.end())
      return std::nullopt;
    return it->second;
  }
  bool isScalar(const Expr &e) const { return scalarSlot(e).has_value(); }
  /// A named value in the code: an snn.param, or a constant.
  Value namedValue(int n, double value);
  NamedFn neuronNamed(unsigned pop) const {
    return [this, pop](unsigned q) { return named.neuronParam(pop, q); };
  }
  NamedFn synapseNamed(unsigned projection) const {
    return [this, projection](unsigned q) {
      return named.synapseParam(projection, q);
    };
  }
  NamedFn outputNamed(unsigned projection) const {
    return [this, projection](unsigned q) {
      return named.outputParam(projection, q);
    };
  }

  //===--- Emission -----------------------------------------------------===//
  Value emit(const ExprP &expr, LeafFn leaf);
  Value constant(double value) {
    return builder.create<mlir::arith::ConstantOp>(
        loc, builder.getFloatAttr(real, value));
  }
  Value index(int64_t value) {
    return builder.create<mlir::arith::ConstantIndexOp>(loc, value);
  }
  Value load(int buffer, Value at) {
    return builder.create<mlir::memref::LoadOp>(loc, args[buffer],
                                                mlir::ValueRange{at});
  }
  void store(Value value, int buffer, Value at) {
    builder.create<mlir::memref::StoreOp>(loc, value, args[buffer],
                                          mlir::ValueRange{at});
  }
  Value toIndex(Value v) {
    return builder.create<mlir::arith::IndexCastOp>(loc, builder.getIndexType(),
                                                    v);
  }
  /// `old op= value` (ast::AssignOp) as arith ops: on_pre and on_spike.
  Value applyAssign(ast::AssignOp op, Value old, Value value) {
    using namespace mlir::arith;
    switch (op) {
    case ast::AssignOp::Set:
      return value;
    case ast::AssignOp::Add:
      return builder.create<AddFOp>(loc, old, value);
    case ast::AssignOp::Sub:
      return builder.create<SubFOp>(loc, old, value);
    case ast::AssignOp::Mul:
      return builder.create<MulFOp>(loc, old, value);
    case ast::AssignOp::Div:
      return builder.create<DivFOp>(loc, old, value);
    }
    return value;
  }
  /// Creates an snn op with a body region and fills the body.
  template <typename OpT, typename... Args>
  OpT withBody(llvm::function_ref<void(mlir::Block &)> body, Args &&...args);
  /// begin <= j < end, with the comparisons emitted in that order.
  Value insideRange(Value j, int64_t begin, int64_t end) {
    using namespace mlir::arith;
    Value atLeast =
        builder.create<CmpIOp>(loc, CmpIPredicate::sge, j, index(begin));
    Value below =
        builder.create<CmpIOp>(loc, CmpIPredicate::slt, j, index(end));
    return builder.create<AndIOp>(loc, atLeast, below);
  }
  /// One step of a synapse group's ODEs over its target slice.
  void emitSynapseDecay(unsigned group, const std::vector<OdePlan> &odes,
                        Value t);
  /// The summed drives of `input` at neuron j.
  Value emitDrive(unsigned pop, unsigned input, Value j);
  /// A refractory period in ms as whole steps (i32): floor(period *
  /// (1/dt) + 0.001) in the working precision, at most 2^30.
  Value refractorySteps(Value periodMs) {
    using namespace mlir::arith;
    Value steps = builder.create<mlir::math::FloorOp>(
        loc,
        builder.create<AddFOp>(
            loc,
            builder.create<MulFOp>(loc, periodMs, constant(1.0 / layout.dtMs)),
            constant(0.001)));
    steps = builder.create<MinimumFOp>(loc, steps, constant(1073741824.0));
    return builder.create<FPToSIOp>(loc, builder.getI32Type(), steps);
  }
  /// The value of a Random leaf (rand(), randn()) of population `pop` for
  /// neuron j at `step` (i64; all ones for the initial state's spike).
  Value emitRandomDraw(const Expr &leaf, unsigned pop, Value j, Value step);
  /// The Philox block of draw site `site` of population `pop` for neuron j
  /// at `step` (runtime/Random.h).
  std::array<Value, 4> drawBlock(unsigned pop, unsigned site, Value j,
                                 Value step);
  /// This step's Poisson count of `input` for neuron j (a real number).
  Value emitPoissonCount(const model::PoissonInput &input, unsigned pop,
                         Value j, Value step);
  /// A uniform number in [0, 1) from Philox words, in the working
  /// precision (runtime/Random.h: from `high` alone in float).
  Value uniformFromBits(Value high, Value low);

  /// A function over the layout's buffers, then (`withRange`) the steps
  /// [begin, end) to run.
  mlir::func::FuncOp createFunction(llvm::StringRef name, bool withRange);
  /// Records the recorded neuron states into their chunk buffers
  /// (ProgramLayout::stateRecords), after the step's neuron passes.
  void emitStateRecording(Value localStep);
  void emitPropagation(Value step, Value t);
  /// The first element of the ring slot of step `step + ahead` of a group
  /// with delayed projections.
  Value delaySlotStart(const SynapseGroup &group, Value step, int64_t ahead);
  /// Adds the increments whose delay ends at `step` to their synapse
  /// states (and empties their slot), after this step's propagation.
  void emitDelayedArrivals(Value step);
  void emitNeuronPass(unsigned pop, const NeuronPlan &plan,
                      const std::vector<std::vector<OdePlan>> &synapsePlans,
                      Value step, Value t, Value tNext, Value localStep);
  /// t_k = float(k * dt) computed in f64, as snn.time_loop does.
  Value timeOfStep(Value step);
  /// Flags -> spike list and count; optionally appended to the recording.
  void emitCompaction(unsigned pop, Value localStep, bool record);
  void emitInitialSpikes(unsigned pop);

  mlir::OpBuilder builder;
  mlir::Location loc;
  const Model &model;
  const ProgramLayout &layout;
  DiagnosticEngine &diags;
  mlir::Type real;
  std::vector<Value> args; ///< Buffers of the function being built.
  /// Values already emitted in the current block, by expression. The map
  /// owns its keys: a freed temporary's address must never hit the cache.
  std::map<ExprP, Value> emitted;
  std::vector<ModelParameter> parameters; ///< listParameters(model)
  ParameterIndex named;
  bool runtime; ///< Parameters are run-time scalars.
  RuntimeScalars scalars;
  std::map<std::string, unsigned> scalarSlots; ///< By appendKey.
  std::vector<ExprP> scalarLeaves;             ///< Every leaf scalarLeaf made.
  std::map<const Expr *, unsigned> slotOfLeaf; ///< Their slots.
};

template <typename OpT, typename... Args>
OpT ProgramBuilder::withBody(llvm::function_ref<void(mlir::Block &)> body,
                             Args &&...args) {
  OpT op = builder.create<OpT>(loc, std::forward<Args>(args)...);
  mlir::OpBuilder::InsertionGuard guard(builder);
  mlir::Block &block = op.getBody().front();
  builder.setInsertionPoint(block.getTerminator());
  emitted.clear();
  body(block);
  emitted.clear();
  return op;
}

} // namespace snnc::mlirgen

#endif // SNNC_COMPILER_MLIRGEN_BUILDER_H
