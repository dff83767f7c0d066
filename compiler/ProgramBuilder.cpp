//===- ProgramBuilder.cpp - The fused simulation loop in MLIR -------------===//
//
// MLIRGen: the typed model becomes ops of the snn dialect. Right-hand sides
// are emitted with their inputs spelled out (drives plus output currents);
// parameters shared by all neurons, scalar weights and drives are snn.param
// ops (run-time scalars; constants when the program is specialised); each
// ODE step is an snn.integrate that the snn-integrate pass expands. Each
// model concept gets its own op (neuron update, synapse decay, propagation,
// compaction); fusing and lowering them is the passes' job.
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

#include "snnc/compiler/ProgramBuilder.h"

#include "snnc/compiler/Dialect/Snn.h"
#include "snnc/compiler/ThreadPartition.h"
#include "snnc/dsl/Calculus.h"
#include "snnc/model/ExactIntegration.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

#include "llvm/ADT/DenseMap.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>

using namespace snnc;
using namespace snnc::model;
using mlir::Value;

void snnc::loadDialects(mlir::MLIRContext &context) {
  context.loadDialect<snn::SnnDialect, mlir::arith::ArithDialect,
                      mlir::func::FuncDialect, mlir::math::MathDialect,
                      mlir::memref::MemRefDialect, mlir::scf::SCFDialect,
                      mlir::cf::ControlFlowDialect, mlir::LLVM::LLVMDialect>();
}

namespace {

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

/// Param leaves with this `group` are run-time scalars: `index` is their
/// RuntimeScalars slot.
constexpr unsigned scalarGroup = ~0u - 1;

bool isScalar(const Expr &e) {
  return e.op == Op::Param && e.group == scalarGroup;
}

/// A string that identifies an expression's structure and constants.
void appendKey(const Expr &e, std::string &key) {
  char text[64];
  std::snprintf(text, sizeof text, "(%d %d %u %a", static_cast<int>(e.op),
                static_cast<int>(e.fn), e.index, e.value);
  key += text;
  for (const ExprP &arg : e.args)
    appendKey(*arg, key);
  key += ")";
}

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
  /// The scalar leaf for `value`, an expression of named values.
  ExprP scalarLeaf(ExprP value);
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

  /// A function over the layout's buffers, then (`withRange`) the steps
  /// [begin, end) to run, then the partitions [first, end) it steps
  /// (0 <= first < end <= threads; rt::Partitions).
  mlir::func::FuncOp createFunction(llvm::StringRef name, bool withRange);
  /// Multi-threaded: loads the neuron range of partitions [first, end) of
  /// every population and derives its range of every synapse group's
  /// target slice.
  void emitThreadRanges(mlir::Value firstArgument, mlir::Value endArgument);
  /// The range operands of a neuron pass over population `pop` / group
  /// `group`: empty with one thread (the whole population).
  mlir::ValueRange populationRange(unsigned pop) const;
  mlir::ValueRange groupRange(unsigned group) const;
  /// This thread's part of a population slice, indexed from the slice's
  /// first neuron.
  std::array<Value, 2> sliceRange(const Slice &slice);
  /// Copies the recorded neuron states into their chunk buffers
  /// (ProgramLayout::stateRecords), after the step's neuron passes.
  void emitStateRecording(Value localStep);
  /// Multi-threaded: all threads meet (snn.barrier).
  void emitBarrier();
  void emitPropagation(Value t);
  void emitNeuronPass(unsigned pop, const NeuronPlan &plan,
                      const std::vector<std::vector<OdePlan>> &synapsePlans,
                      Value t, Value tNext, Value localStep);
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
  /// Multi-threaded: the partitions [first, end) this code steps (index),
  /// and their ranges, [lo, hi) each.
  Value partsBegin, partsEnd;
  std::vector<std::array<Value, 2>> populationRanges, groupRanges, recordRanges;
  /// Values already emitted in the current block, by expression. The map
  /// owns its keys: a freed temporary's address must never hit the cache.
  std::map<ExprP, Value> emitted;
  std::vector<ModelParameter> parameters; ///< listParameters(model)
  ParameterIndex named;
  bool runtime; ///< Parameters are run-time scalars.
  RuntimeScalars scalars;
  std::map<std::string, unsigned> scalarSlots; ///< By appendKey.
};

//===----------------------------------------------------------------------===//
// Planning
//===----------------------------------------------------------------------===//

ExprP ProgramBuilder::bindConstants(const ExprP &expr,
                                    const std::vector<double> &values,
                                    const std::vector<int> *perNeuron) {
  return substitute(expr, [&](const ExprP &leaf) -> ExprP {
    if (leaf->op != Op::Param)
      return leaf;
    if (perNeuron && (*perNeuron)[leaf->index] >= 0)
      return leaf; // loaded per neuron
    return makeConstant(values[leaf->index], leaf->unit);
  });
}

ExprP ProgramBuilder::scalarLeaf(ExprP value) {
  std::string key;
  appendKey(*value, key);
  auto [it, inserted] = scalarSlots.insert({key, scalars.values.size()});
  if (inserted) {
    std::string name;
    llvm::raw_string_ostream os(name);
    printExpr(*value, os, [&](const Expr &leaf) -> std::string {
      return leaf.op == Op::Param ? parameters[leaf.index].name : "?";
    });
    scalars.values.push_back(value);
    scalars.names.push_back(name);
    scalars.units.push_back(value->unit.str());
  }
  auto leaf = std::make_shared<Expr>();
  leaf->op = Op::Param;
  leaf->group = scalarGroup;
  leaf->index = it->second;
  leaf->unit = value->unit;
  return leaf;
}

Value ProgramBuilder::namedValue(int n, double value) {
  if (!readAtRunTime(n))
    return constant(value);
  return emit(scalarLeaf(makeLeaf(Op::Param, n, parameters[n].unit)),
              [](const Expr &) { return Value(); });
}

ExprP ProgramBuilder::bindParams(const ExprP &expr,
                                 const std::vector<double> &values,
                                 const NamedFn &namedOf,
                                 const std::vector<int> *perNeuron,
                                 bool constants) {
  if (!runtime || constants)
    return bindConstants(expr, values, perNeuron);
  std::function<ExprP(const ExprP &)> lift = [&](const ExprP &e) -> ExprP {
    if (e->op == Op::Constant)
      return e;
    if (e->args.empty()) {
      if (e->op != Op::Param || isScalar(*e))
        return e;
      if (perNeuron && (*perNeuron)[e->index] >= 0)
        return e; // loaded per neuron
      int n = namedOf(e->index);
      if (!readAtRunTime(n))
        return makeConstant(values[e->index], e->unit);
      return scalarLeaf(makeLeaf(Op::Param, n, e->unit));
    }
    std::vector<ExprP> args;
    bool changed = false;
    for (const ExprP &arg : e->args) {
      args.push_back(lift(arg));
      changed |= args.back() != arg;
    }
    if (!changed)
      return e;
    if (e->op == Op::Call) // calls fold when emitted (see emit)
      return makeCall(e->fn, std::move(args), e->unit, e->range);
    auto constantLike = [](const ExprP &a) {
      return a->op == Op::Constant || isScalar(*a);
    };
    if (!e->isBoolean && llvm::all_of(args, constantLike) &&
        llvm::any_of(args, [](const ExprP &a) { return isScalar(*a); })) {
      // makeNode would fold this in double: one scalar, evaluated alike.
      auto value = std::make_shared<Expr>(*e);
      for (ExprP &arg : args)
        if (isScalar(*arg))
          arg = scalars.values[arg->index];
      value->args = std::move(args);
      return scalarLeaf(value);
    }
    return makeNode(e->op, std::move(args), e->unit, e->range);
  };
  return lift(expr);
}

bool ProgramBuilder::planExact(std::vector<OdePlan> &odes) {
  std::vector<ExprP> rhs;
  std::vector<unsigned> states;
  for (unsigned s = 0; s < odes.size(); ++s)
    if (odes[s].rhs && odes[s].method == Integrator::Exact) {
      rhs.push_back(odes[s].rhs);
      states.push_back(s);
    }
  if (states.empty())
    return true;
  auto result = exactUpdates(rhs, states, layout.dtMs);
  if (auto *why = std::get_if<std::string>(&result)) {
    for (unsigned s : states)
      diags.error(odes[s].range, "cannot integrate this equation exactly: " +
                                     *why + "; use exp_euler, rk2 or rk4");
    return false;
  }
  auto &updates = std::get<std::vector<ExprP>>(result);
  for (size_t k = 0; k < states.size(); ++k)
    odes[states[k]].exactUpdate = updates[k];
  return true;
}

mlir::Location ProgramBuilder::locate(llvm::SMRange range) {
  llvm::SourceMgr &sources = diags.getSourceMgr();
  if (!range.Start.isValid())
    return loc;
  unsigned buffer = sources.FindBufferContainingLoc(range.Start);
  if (!buffer)
    return loc;
  auto [line, column] = sources.getLineAndColumn(range.Start, buffer);
  return mlir::FileLineColLoc::get(
      builder.getContext(),
      sources.getMemoryBuffer(buffer)->getBufferIdentifier(), line, column);
}

std::vector<Value> ProgramBuilder::stepOdes(const std::vector<OdePlan> &odes,
                                            const std::vector<Value> &values,
                                            Value t, LeafFn leaf) {
  std::vector<Value> next = values;
  for (unsigned s = 0; s < odes.size(); ++s)
    if (odes[s].exactUpdate)
      next[s] = emit(odes[s].exactUpdate, leaf);
  // One snn.integrate per method, in the registry's order.
  for (const IntegratorInfo &info : integrators()) {
    if (!info.stepped)
      continue;
    Integrator method = info.id;
    llvm::SmallVector<unsigned> members;
    llvm::SmallVector<Value> states, rhs;
    for (unsigned s = 0; s < odes.size(); ++s)
      if (odes[s].rhs && !odes[s].exactUpdate && method == odes[s].method) {
        members.push_back(s);
        states.push_back(values[s]);
        rhs.push_back(emit(odes[s].rhs, leaf));
      }
    if (members.empty())
      continue;
    auto step =
        builder.create<snn::IntegrateOp>(locate(odes[members.front()].range),
                                         states, rhs, t, method, layout.dtMs);
    for (size_t k = 0; k < members.size(); ++k)
      next[members[k]] = step.getResult(k);
  }
  return next;
}

std::optional<NeuronPlan> ProgramBuilder::planNeuron(unsigned popIndex) {
  const Population &pop = model.populations[popIndex];
  const NeuronModel &neuron = model.neurons[pop.neuron];
  const PopulationBuffers &bufs = layout.populations[popIndex];

  // Each input is its drive (an Input leaf, emitted per neuron) plus the
  // currents of the synapse groups that feed it; `exact` equations need
  // them with constants (their propagators are computed here).
  std::vector<ExprP> inputs, constantInputs;
  for (bool constants : {false, true})
    for (unsigned i = 0; i < neuron.inputs.size(); ++i) {
      ExprP sum = makeLeaf(Op::Input, i, neuron.inputs[i].unit);
      for (unsigned g = 0; g < layout.groups.size(); ++g) {
        const SynapseGroup &group = layout.groups[g];
        const Projection &first = model.projections[group.projections.front()];
        if (group.target.population != popIndex || first.targetInput != i)
          continue;
        ExprP current = bindParams(first.current, first.outputParams,
                                   outputNamed(group.projections.front()),
                                   nullptr, constants);
        current = substitute(current, [&](const ExprP &leaf) -> ExprP {
          if (leaf->op == Op::TargetState)
            return makeLeaf(Op::State, leaf->index, leaf->unit);
          if (leaf->op == Op::SynapseState) {
            auto copy = std::make_shared<Expr>(*leaf);
            copy->group = g;
            return copy;
          }
          return leaf;
        });
        if (group.target.begin != 0 || group.target.end != pop.size) {
          auto inside = std::make_shared<Expr>();
          inside->op = Op::SynapseState;
          inside->index = insideSliceIndex;
          inside->group = g;
          current = makeNode(Op::Mul, {inside, current}, current->unit);
        }
        sum = makeNode(Op::Add, {sum, current}, sum->unit);
      }
      (constants ? constantInputs : inputs).push_back(sum);
    }

  NeuronPlan plan;
  plan.odes.resize(neuron.states.size());
  bool ok = true;
  for (const Equation &eq : neuron.equations) {
    bool exact = eq.integrator == Integrator::Exact;
    ExprP rhs = bindParams(eq.rhs, pop.params, neuronNamed(popIndex),
                           &bufs.perNeuronParams, exact);
    const std::vector<ExprP> &bound = exact ? constantInputs : inputs;
    rhs = substitute(rhs, [&](const ExprP &leaf) -> ExprP {
      return leaf->op == Op::Input ? bound[leaf->index] : leaf;
    });
    plan.odes[eq.state] = OdePlan{rhs, eq.integrator, nullptr, eq.range};
  }
  ok &= planExact(plan.odes);
  if (!ok)
    return std::nullopt;
  return plan;
}

std::optional<std::vector<OdePlan>>
ProgramBuilder::planSynapse(const SynapseGroup &group) {
  const SynapseModel &synapse = model.synapses[group.synapse];
  std::vector<OdePlan> odes(synapse.states.size());
  bool ok = true;
  for (const Equation &eq : synapse.equations)
    odes[eq.state] =
        OdePlan{bindParams(eq.rhs, group.synapseParams,
                           synapseNamed(group.projections.front()), nullptr,
                           eq.integrator == Integrator::Exact),
                eq.integrator, nullptr, eq.range};
  ok &= planExact(odes);
  if (!ok)
    return std::nullopt;
  return odes;
}

//===----------------------------------------------------------------------===//
// Emission
//===----------------------------------------------------------------------===//

Value ProgramBuilder::emit(const ExprP &expr, LeafFn leaf) {
  auto cached = emitted.find(expr);
  if (cached != emitted.end())
    return cached->second;
  using namespace mlir::arith;
  auto arg = [&](unsigned i) { return emit(expr->args[i], leaf); };
  Value result;
  switch (expr->op) {
  case Op::Constant:
    result = constant(expr->value);
    break;
  case Op::Negate:
    result = builder.create<NegFOp>(loc, arg(0));
    break;
  case Op::Add:
    result = builder.create<AddFOp>(loc, arg(0), arg(1));
    break;
  case Op::Sub:
    result = builder.create<SubFOp>(loc, arg(0), arg(1));
    break;
  case Op::Mul:
    result = builder.create<MulFOp>(loc, arg(0), arg(1));
    break;
  case Op::Div:
    result = builder.create<DivFOp>(loc, arg(0), arg(1));
    break;
  case Op::Pow: {
    const ExprP &exponent = expr->args[1];
    if (exponent->op == Op::Constant && exponent->value == 2) {
      Value base = arg(0);
      result = builder.create<MulFOp>(loc, base, base);
    } else {
      result = builder.create<mlir::math::PowFOp>(loc, arg(0), arg(1));
    }
    break;
  }
  case Op::Less:
  case Op::LessEqual:
  case Op::Greater:
  case Op::GreaterEqual:
  case Op::Equal:
  case Op::NotEqual: {
    CmpFPredicate predicate = expr->op == Op::Less        ? CmpFPredicate::OLT
                              : expr->op == Op::LessEqual ? CmpFPredicate::OLE
                              : expr->op == Op::Greater   ? CmpFPredicate::OGT
                              : expr->op == Op::GreaterEqual
                                  ? CmpFPredicate::OGE
                              : expr->op == Op::Equal ? CmpFPredicate::OEQ
                                                      : CmpFPredicate::UNE;
    result = builder.create<CmpFOp>(loc, predicate, arg(0), arg(1));
    break;
  }
  case Op::And:
    result = builder.create<AndIOp>(loc, arg(0), arg(1));
    break;
  case Op::Or:
    result = builder.create<OrIOp>(loc, arg(0), arg(1));
    break;
  case Op::Not:
    result = builder.create<XOrIOp>(loc, arg(0),
                                    builder.create<ConstantIntOp>(loc, 1, 1));
    break;
  case Op::Call: {
    bool allConstant = llvm::all_of(
        expr->args, [](const ExprP &a) { return a->op == Op::Constant; });
    if (allConstant) { // fold at compile time, in double precision
      result = constant(evaluate(*expr, [](const Expr &) { return 0.0; }));
      break;
    }
    bool allScalar = llvm::all_of(expr->args, [](const ExprP &a) {
      return a->op == Op::Constant || isScalar(*a);
    });
    if (allScalar) { // the same, on the host, once per run
      auto value = std::make_shared<Expr>(*expr);
      for (ExprP &a : value->args)
        if (isScalar(*a))
          a = scalars.values[a->index];
      result = emit(scalarLeaf(value), leaf);
      break;
    }
    using namespace mlir::math;
    switch (expr->fn) {
    case Builtin::Exp:
      result = builder.create<ExpOp>(loc, arg(0));
      break;
    case Builtin::Log:
      result = builder.create<LogOp>(loc, arg(0));
      break;
    case Builtin::Sqrt:
      result = builder.create<SqrtOp>(loc, arg(0));
      break;
    case Builtin::Abs:
      result = builder.create<AbsFOp>(loc, arg(0));
      break;
    case Builtin::Min:
      result = builder.create<MinimumFOp>(loc, arg(0), arg(1));
      break;
    case Builtin::Max:
      result = builder.create<MaximumFOp>(loc, arg(0), arg(1));
      break;
    case Builtin::Clip:
      result = builder.create<MinimumFOp>(
          loc, builder.create<MaximumFOp>(loc, arg(0), arg(1)), arg(2));
      break;
    case Builtin::Sin:
      result = builder.create<SinOp>(loc, arg(0));
      break;
    case Builtin::Cos:
      result = builder.create<CosOp>(loc, arg(0));
      break;
    case Builtin::Tanh:
      result = builder.create<TanhOp>(loc, arg(0));
      break;
    case Builtin::Exprel:
      result = builder.create<snn::ExprelOp>(loc, arg(0));
      break;
    }
    break;
  }
  case Op::Param:
    if (isScalar(*expr)) {
      result = builder.create<snn::ParamOp>(loc, real,
                                            static_cast<uint64_t>(expr->index),
                                            scalars.names[expr->index]);
      break;
    }
    result = leaf(*expr);
    break;
  default:
    result = leaf(*expr);
    break;
  }
  emitted[expr] = result;
  return result;
}

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
  types.push_back(builder.getI64Type()); // the partitions: first
  types.push_back(builder.getI64Type()); // and end
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
  if (layout.threads > 1)
    emitThreadRanges(entry->getArgument(entry->getNumArguments() - 2),
                     entry->getArgument(entry->getNumArguments() - 1));
  return function;
}

void ProgramBuilder::emitThreadRanges(Value firstArgument, Value endArgument) {
  partsBegin = toIndex(firstArgument);
  partsEnd = toIndex(endArgument);
  populationRanges.clear();
  for (const PopulationBuffers &bufs : layout.populations)
    populationRanges.push_back({toIndex(load(bufs.threadBounds, partsBegin)),
                                toIndex(load(bufs.threadBounds, partsEnd))});
  groupRanges.clear();
  for (const SynapseGroup &group : layout.groups)
    groupRanges.push_back(sliceRange(group.target));
  recordRanges.clear();
  for (const StateRecordBuffer &record : layout.stateRecords)
    recordRanges.push_back(sliceRange(record.target));
}

std::array<Value, 2> ProgramBuilder::sliceRange(const Slice &slice) {
  using namespace mlir::arith;
  const std::array<Value, 2> &range = populationRanges[slice.population];
  if (slice.begin == 0 && slice.end == model.populations[slice.population].size)
    return range; // the same values: passes stay fusable
  // A slice [b, e) is indexed from b: the thread's share is its range
  // shifted by b and clamped to the slice.
  std::array<Value, 2> shifted;
  for (int k = 0; k < 2; ++k) {
    Value local = builder.create<SubIOp>(loc, range[k], index(slice.begin));
    shifted[k] = builder.create<MinSIOp>(
        loc, builder.create<MaxSIOp>(loc, local, index(0)),
        index(slice.size()));
  }
  return shifted;
}

void ProgramBuilder::emitStateRecording(Value localStep) {
  using namespace mlir::arith;
  for (unsigned r = 0; r < layout.stateRecords.size(); ++r) {
    const StateRecordBuffer &record = layout.stateRecords[r];
    const Population &pop = model.populations[record.target.population];
    LocatedAt at(*this, record.range);
    int from =
        layout.populations[record.target.population].states[record.state];
    // Not elementwise: neuron j writes element (step, j) of the buffer.
    withBody<snn::ForEachNeuronOp>(
        [&](mlir::Block &block) {
          Value j = block.getArgument(0);
          Value neuron =
              builder.create<AddIOp>(loc, j, index(record.target.begin));
          Value at = builder.create<AddIOp>(
              loc,
              builder.create<MulIOp>(loc, localStep,
                                     index(record.target.size())),
              j);
          store(load(from, neuron), record.buffer, at);
        },
        pop.name + "[" + std::to_string(record.target.begin) + ":" +
            std::to_string(record.target.end) + "]",
        record.target.size(), /*elementwise=*/false,
        layout.threads == 1 ? mlir::ValueRange{}
                            : mlir::ValueRange(recordRanges[r]));
  }
}

mlir::ValueRange ProgramBuilder::populationRange(unsigned pop) const {
  if (layout.threads == 1)
    return {};
  return populationRanges[pop];
}

mlir::ValueRange ProgramBuilder::groupRange(unsigned group) const {
  if (layout.threads == 1)
    return {};
  return groupRanges[group];
}

void ProgramBuilder::emitBarrier() {
  if (layout.threads > 1)
    builder.create<snn::BarrierOp>(loc, args[layout.barrier]);
}

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
            using namespace mlir::arith;
            switch (stmt.op) {
            case ast::AssignOp::Set:
              break;
            case ast::AssignOp::Add:
              value = builder.create<AddFOp>(loc, old, value);
              break;
            case ast::AssignOp::Sub:
              value = builder.create<SubFOp>(loc, old, value);
              break;
            case ast::AssignOp::Mul:
              value = builder.create<MulFOp>(loc, old, value);
              break;
            case ast::AssignOp::Div:
              value = builder.create<DivFOp>(loc, old, value);
              break;
            }
            store(value, buffer, target);
          }
        },
        args[source.spikeList], args[source.spikeCount], args[bufs.rowStart],
        args[bufs.targets], proj.source.begin, proj.source.end, layout.threads,
        layout.threads > 1 ? args[source.threadBounds] : Value(), partsBegin,
        partsEnd);
  }
}

void ProgramBuilder::emitNeuronPass(
    unsigned popIndex, const NeuronPlan &plan,
    const std::vector<std::vector<OdePlan>> &synapsePlans, Value t, Value tNext,
    Value localStep) {
  using namespace mlir::arith;
  const Population &pop = model.populations[popIndex];
  const NeuronModel &neuron = model.neurons[pop.neuron];
  const PopulationBuffers &bufs = layout.populations[popIndex];
  LocatedAt at(*this, pop.range);

  std::vector<unsigned> groups;
  bool elementwise = true;
  for (unsigned g = 0; g < layout.groups.size(); ++g) {
    const SynapseGroup &group = layout.groups[g];
    if (group.target.population != popIndex)
      continue;
    groups.push_back(g);
    elementwise &= group.target.begin == 0 && group.target.end == pop.size;
  }

  // The neuron update: reset, integrate, refractoriness, spike flag.
  withBody<snn::ForEachNeuronOp>(
      [&](mlir::Block &block) {
        Value j = block.getArgument(0);
        std::vector<Value> states;
        for (int buffer : bufs.states)
          states.push_back(load(buffer, j));

        // Synapse state of the groups onto this population, at neuron j;
        // slices are clamped and masked.
        struct GroupView {
          Value at, inside;
          std::vector<Value> states;
        };
        std::map<unsigned, GroupView> views;
        for (unsigned g : groups) {
          const SynapseGroup &group = layout.groups[g];
          GroupView view{j, Value(), {}};
          if (group.target.begin != 0 || group.target.end != pop.size) {
            Value shifted =
                builder.create<SubIOp>(loc, j, index(group.target.begin));
            Value clampedLow = builder.create<MaxSIOp>(loc, shifted, index(0));
            view.at = builder.create<MinSIOp>(loc, clampedLow,
                                              index(group.target.size() - 1));
            view.inside = insideRange(j, group.target.begin, group.target.end);
          }
          for (int buffer : group.stateBuffers)
            view.states.push_back(load(buffer, view.at));
          views[g] = std::move(view);
        }
        Value jReal = builder.create<SIToFPOp>(
            loc, real,
            builder.create<IndexCastOp>(loc, builder.getI64Type(), j));

        // Leaves of neuron expressions; `current` holds the state values.
        std::vector<Value> current = states;
        auto leaf = [&](const Expr &e) -> Value {
          switch (e.op) {
          case Op::State:
            return current[e.index];
          case Op::Param:
            return load(bufs.perNeuronParams[e.index], j);
          case Op::Time:
            return t;
          case Op::Dt:
            return constant(layout.dtMs);
          case Op::NeuronIndex:
            return jReal;
          case Op::SynapseState: {
            GroupView &view = views[e.group];
            if (e.index == insideSliceIndex)
              return builder.create<SelectOp>(loc, view.inside, constant(1.0),
                                              constant(0.0));
            Value value = view.states[e.index];
            if (!view.inside)
              return value;
            return builder.create<SelectOp>(loc, view.inside, value,
                                            constant(0.0));
          }
          case Op::Input:
            return emitDrive(popIndex, e.index, j);
          default:
            return constant(0.0);
          }
        };
        auto bound = [&](const ExprP &expr) {
          return bindParams(expr, pop.params, neuronNamed(popIndex),
                            &bufs.perNeuronParams);
        };

        // 1. Reset from the previous step's spike (brainpy: at the next
        //    step), on the variable the spike condition tests.
        std::optional<unsigned> resetState = neuron.spikeState;
        if (neuron.spike && resetState &&
            neuron.reset != NeuronModel::ResetKind::None) {
          // The flag the previous step (or snn_init) wrote: the very spike
          // that propagation delivered, not the condition re-evaluated now.
          Value spiked = builder.create<CmpIOp>(
              loc, CmpIPredicate::ne, load(bufs.spikeFlags, j),
              builder.create<ConstantIntOp>(loc, 0, 8));
          Value x = current[*resetState];
          Value resetValue = emit(bound(neuron.resetValue), leaf);
          Value reset = resetValue;
          if (neuron.reset == NeuronModel::ResetKind::Soft) {
            // x - (threshold - reset): keeps the overshoot.
            Value threshold = emit(bound(neuron.spikeThreshold), leaf);
            reset = builder.create<SubFOp>(
                loc, x, builder.create<SubFOp>(loc, threshold, resetValue));
          }
          current[*resetState] =
              builder.create<SelectOp>(loc, spiked, reset, x);
          emitted.clear(); // expressions now read the post-reset state
        }
        Value held = resetState ? current[*resetState] : Value();

        // 2. One ODE step for every equation, from the post-reset state.
        std::vector<Value> next = stepOdes(plan.odes, current, t, leaf);

        // 3. Refractory: the reset variable keeps its post-reset value.
        if (neuron.refractory && resetState) {
          Value tauRef = emit(bound(neuron.refractory), leaf);
          Value last = load(bufs.lastSpike, j);
          Value refractory = builder.create<CmpFOp>(
              loc, CmpFPredicate::OLT, builder.create<SubFOp>(loc, t, last),
              tauRef);
          next[*resetState] = builder.create<SelectOp>(loc, refractory, held,
                                                       next[*resetState]);
        }
        for (unsigned s = 0; s < next.size(); ++s)
          store(next[s], bufs.states[s], j);

        // 4. This step's spike, from the new state.
        if (neuron.spike) {
          current = next;
          emitted.clear();
          Value spiked = emit(bound(neuron.spike), leaf);
          if (bufs.lastSpike >= 0) {
            Value last = load(bufs.lastSpike, j);
            store(builder.create<SelectOp>(loc, spiked, t, last),
                  bufs.lastSpike, j);
          }
          store(builder.create<ExtUIOp>(loc, builder.getI8Type(), spiked),
                bufs.spikeFlags, j);
        }
      },
      pop.name, pop.size, elementwise, populationRange(popIndex));

  // 5. Synapse decay, after the neuron update has read this step's value
  //    (unless the synapse adds its increments before the decay). It is
  //    the next step's decay, so it runs at the next step's time.
  for (unsigned g : groups)
    if (!model.synapses[layout.groups[g].synapse].incrementBeforeDecay)
      emitSynapseDecay(g, synapsePlans[g], tNext);
  if (neuron.spike)
    emitCompaction(popIndex, localStep, bufs.recordIndices >= 0);
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

void ProgramBuilder::emitSynapseDecay(unsigned g,
                                      const std::vector<OdePlan> &odes,
                                      Value t) {
  const SynapseGroup &group = layout.groups[g];
  const Population &pop = model.populations[group.target.population];
  if (llvm::none_of(odes, [](const OdePlan &ode) { return ode.rhs; }))
    return;
  LocatedAt at(*this, model.projections[group.projections.front()].range);
  bool whole = group.target.begin == 0 && group.target.end == pop.size;
  std::string name = whole
                         ? pop.name
                         : pop.name + "[" + std::to_string(group.target.begin) +
                               ":" + std::to_string(group.target.end) + "]";
  withBody<snn::ForEachNeuronOp>(
      [&](mlir::Block &block) {
        Value at = block.getArgument(0);
        std::vector<Value> states;
        for (int buffer : group.stateBuffers)
          states.push_back(load(buffer, at));
        auto leaf = [&](const Expr &e) -> Value {
          if (e.op == Op::State)
            return states[e.index];
          if (e.op == Op::Time)
            return t;
          if (e.op == Op::Dt)
            return constant(layout.dtMs);
          return constant(0.0);
        };
        std::vector<Value> next = stepOdes(odes, states, t, leaf);
        for (unsigned s = 0; s < odes.size(); ++s)
          if (odes[s].rhs)
            store(next[s], group.stateBuffers[s], at);
      },
      name, group.target.size(), /*elementwise=*/true, groupRange(g));
}

Value ProgramBuilder::emitDrive(unsigned popIndex, unsigned input, Value j) {
  using namespace mlir::arith;
  const Population &pop = model.populations[popIndex];
  Value sum = constant(0.0);
  for (unsigned d = 0; d < model.drives.size(); ++d) {
    const Drive &drive = model.drives[d];
    if (drive.target.population != popIndex || drive.input != input)
      continue;
    LocatedAt at(*this, drive.range);
    Value value = namedValue(named.drive(d), drive.value);
    if (drive.target.begin != 0 || drive.target.end != pop.size) {
      Value inside = insideRange(j, drive.target.begin, drive.target.end);
      value = builder.create<SelectOp>(loc, inside, value, constant(0.0));
    }
    sum = builder.create<AddFOp>(loc, sum, value);
  }
  return sum;
}

void ProgramBuilder::emitCompaction(unsigned popIndex, Value localStep,
                                    bool record) {
  using namespace mlir::arith;
  const PopulationBuffers &bufs = layout.populations[popIndex];
  // A thread lists the range of its partitions [first, end); its counters
  // sit in the slot of `first` and its recording counts from
  // first * chunkSteps (ProgramLayout.h). The slots of the others stay as
  // they are: the driver empties them (Simulation.cpp, assignPartitions).
  llvm::SmallVector<Value, 3> part;
  if (layout.threads > 1) {
    part = {populationRanges[popIndex][0], populationRanges[popIndex][1],
            builder.create<MulIOp>(loc, partsBegin, index(kPerThreadStride))};
    if (record)
      localStep = builder.create<AddIOp>(
          loc, localStep,
          builder.create<MulIOp>(loc, partsBegin, index(layout.chunkSteps)));
  }
  if (record)
    builder.create<snn::CompactOp>(
        loc, args[bufs.spikeFlags], args[bufs.spikeList], args[bufs.spikeCount],
        part, args[bufs.recordIndices], args[bufs.recordCounts],
        args[bufs.recordFill], localStep);
  else
    builder.create<snn::CompactOp>(loc, args[bufs.spikeFlags],
                                   args[bufs.spikeList], args[bufs.spikeCount],
                                   part, Value(), Value(), Value(), Value());
}

void ProgramBuilder::emitInitialSpikes(unsigned popIndex) {
  const Population &pop = model.populations[popIndex];
  const NeuronModel &neuron = model.neurons[pop.neuron];
  const PopulationBuffers &bufs = layout.populations[popIndex];
  if (!neuron.spike)
    return;
  LocatedAt at(*this, pop.range);
  withBody<snn::ForEachNeuronOp>(
      [&](mlir::Block &block) {
        Value j = block.getArgument(0);
        // Step 0's view of the neuron: t = 0, inputs are the drives.
        auto leaf = [&](const Expr &e) -> Value {
          switch (e.op) {
          case Op::State:
            return load(bufs.states[e.index], j);
          case Op::Param:
            return load(bufs.perNeuronParams[e.index], j);
          case Op::Dt:
            return constant(layout.dtMs);
          case Op::Input:
            return emitDrive(popIndex, e.index, j);
          case Op::NeuronIndex:
            return builder.create<mlir::arith::SIToFPOp>(
                loc, real,
                builder.create<mlir::arith::IndexCastOp>(
                    loc, builder.getI64Type(), j));
          default:
            return constant(0.0);
          }
        };
        Value spiked =
            emit(bindParams(neuron.spike, pop.params, neuronNamed(popIndex),
                            &bufs.perNeuronParams),
                 leaf);
        store(builder.create<mlir::arith::ExtUIOp>(loc, builder.getI8Type(),
                                                   spiked),
              bufs.spikeFlags, j);
      },
      pop.name, pop.size, /*elementwise=*/true, populationRange(popIndex));
  emitCompaction(popIndex, Value(), /*record=*/false);
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

  // The module, its functions, the time loop and the barriers come from the
  // run statement; every other op from the construct that asked for it.
  std::optional<LocatedAt> atRun;
  if (model.run)
    atRun.emplace(*this, model.run->range);
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::ModuleOp::create(loc);
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
          emitPropagation(t);
          // Every spike of the previous step is delivered before any
          // thread overwrites its spike list.
          emitBarrier();
          // Synapses whose increments decay with them step before the
          // neurons read them.
          for (unsigned g = 0; g < layout.groups.size(); ++g)
            if (model.synapses[layout.groups[g].synapse].incrementBeforeDecay)
              emitSynapseDecay(g, synapsePlans[g], t);
          for (unsigned p = 0; p < model.populations.size(); ++p)
            emitNeuronPass(p, neuronPlans[p], synapsePlans, t, tNext,
                           localStep);
          emitStateRecording(localStep);
          // Every list is complete before any thread delivers it.
          emitBarrier();
        },
        begin, end, layout.dtMs, real);
    builder.create<mlir::func::ReturnOp>(loc);
  }
  return module;
}

} // namespace

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

std::vector<double>
RuntimeScalars::evaluate(const std::vector<ModelParameter> &parameters) const {
  std::vector<double> out;
  for (const ExprP &value : values)
    out.push_back(model::evaluate(*value, [&](const Expr &leaf) {
      return leaf.op == Op::Param && leaf.index < parameters.size()
                 ? parameters[leaf.index].value
                 : 0.0;
    }));
  return out;
}
