//===- ProgramBuilder.cpp - The fused simulation loop in MLIR -------------===//
//
// Integration happens on typed model expressions first (Calculus.h): inputs
// are spelled out as drives plus output currents, exponential Euler gets its
// diagonal Jacobian by symbolic differentiation, and parameters that are
// the same for every neuron become constants. The result is emitted as
// plain scf/arith/math/memref loops that LLVM vectorises.
//
//===----------------------------------------------------------------------===//

#include "snnc/compiler/ProgramBuilder.h"

#include "snnc/dsl/Calculus.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

#include "llvm/ADT/DenseMap.h"

#include <cmath>
#include <map>

using namespace snnc;
using namespace snnc::model;
using mlir::Value;

void snnc::loadDialects(mlir::MLIRContext &context) {
  context.loadDialect<mlir::arith::ArithDialect, mlir::func::FuncDialect,
                      mlir::math::MathDialect, mlir::memref::MemRefDialect,
                      mlir::scf::SCFDialect, mlir::cf::ControlFlowDialect,
                      mlir::LLVM::LLVMDialect>();
}

namespace {

/// Update expressions of one population, built on model expressions.
struct NeuronPlan {
  std::vector<ExprP> update; ///< Per state: its new value, or null.
};

class ProgramBuilder {
public:
  ProgramBuilder(mlir::MLIRContext &context, const Model &model,
                 const ProgramLayout &layout, DiagnosticEngine &diags)
      : builder(&context), loc(builder.getUnknownLoc()), model(model),
        layout(layout), diags(diags) {
    real = layout.doublePrecision ? mlir::Type(builder.getF64Type())
                                  : mlir::Type(builder.getF32Type());
  }

  mlir::OwningOpRef<mlir::ModuleOp> build();

private:
  //===--- Planning on model expressions --------------------------------===//
  ExprP integrate(const Equation &eq, const ExprP &rhs, const ExprP &state,
                  llvm::function_ref<bool(const Expr &)> isState);
  std::optional<NeuronPlan> planNeuron(unsigned pop);
  std::optional<std::vector<ExprP>> planSynapse(const SynapseGroup &group);
  ExprP bindConstants(const ExprP &expr, const std::vector<double> &values,
                      const std::vector<int> *perNeuron = nullptr);

  //===--- Emission -----------------------------------------------------===//
  using LeafFn = llvm::function_ref<Value(const Expr &)>;
  Value emit(const ExprP &expr, LeafFn leaf);
  Value constant(double value) {
    return builder.create<mlir::arith::ConstantOp>(
        loc, builder.getFloatAttr(real, value));
  }
  Value index(int64_t value) {
    return builder.create<mlir::arith::ConstantIndexOp>(loc, value);
  }
  Value i32(int64_t value) {
    return builder.create<mlir::arith::ConstantIntOp>(loc, value, 32);
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
    return builder.create<mlir::arith::IndexCastOp>(
        loc, builder.getIndexType(), v);
  }
  Value toI32(Value v) {
    return builder.create<mlir::arith::IndexCastOp>(loc, builder.getI32Type(),
                                                    v);
  }
  /// `for (iv = lb; iv < ub; ++iv) body(iv)`.
  void forLoop(Value lb, Value ub, llvm::function_ref<void(Value)> body);

  mlir::func::FuncOp createFunction(llvm::StringRef name, bool withRange);
  void emitPropagation(Value t);
  void emitNeuronPass(unsigned pop, const NeuronPlan &plan,
                      const std::vector<std::vector<ExprP>> &synapsePlans,
                      Value t, Value localStep);
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

ExprP ProgramBuilder::integrate(const Equation &eq, const ExprP &rhs,
                                const ExprP &state,
                                llvm::function_ref<bool(const Expr &)> isState) {
  ExprP dt = makeConstant(layout.dtMs, *lookupUnit("ms"));
  switch (eq.integrator) {
  case Integrator::Euler:
    // x + dt * f(x)
    return makeNode(Op::Add, {state, makeNode(Op::Mul, {dt, rhs}, Unit())},
                    state->unit);
  case Integrator::ExpEuler: {
    // brainstate's exp_euler_step: x + dt * exprel(dt * J) * f(x), with J
    // the derivative of f with respect to x.
    ExprP jacobian = differentiate(rhs, isState);
    if (!jacobian) {
      diags.error(eq.range, "exp_euler needs the derivative of this "
                            "right-hand side with respect to its state, "
                            "which is not differentiable; use 'using euler'");
      return nullptr;
    }
    ExprP scaled = makeNode(Op::Mul, {dt, jacobian}, Unit());
    ExprP factor = makeNode(
        Op::Mul, {dt, makeCall(Builtin::Exprel, {scaled}, Unit())}, Unit());
    return makeNode(Op::Add, {state, makeNode(Op::Mul, {factor, rhs}, Unit())},
                    state->unit);
  }
  default:
    diags.error(eq.range, llvm::Twine("the '") +
                              integratorName(eq.integrator) +
                              "' integrator is not supported by the compiler "
                              "yet; use euler or exp_euler");
    return nullptr;
  }
}

std::optional<NeuronPlan> ProgramBuilder::planNeuron(unsigned popIndex) {
  const Population &pop = model.populations[popIndex];
  const NeuronModel &neuron = model.neurons[pop.neuron];
  const PopulationBuffers &bufs = layout.populations[popIndex];

  // Each input is its drive (an Input leaf, emitted per neuron) plus the
  // currents of the synapse groups that feed it.
  std::vector<ExprP> inputs;
  for (unsigned i = 0; i < neuron.inputs.size(); ++i) {
    ExprP sum = makeLeaf(Op::Input, i, neuron.inputs[i].unit);
    for (unsigned g = 0; g < layout.groups.size(); ++g) {
      const SynapseGroup &group = layout.groups[g];
      const Projection &first = model.projections[group.projections.front()];
      if (group.target.population != popIndex || first.targetInput != i)
        continue;
      ExprP current = bindConstants(first.current, first.outputParams);
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
      sum = makeNode(Op::Add, {sum, current}, sum->unit);
    }
    inputs.push_back(sum);
  }

  NeuronPlan plan;
  plan.update.resize(neuron.states.size());
  bool ok = true;
  for (const Equation &eq : neuron.equations) {
    ExprP rhs = bindConstants(eq.rhs, pop.params, &bufs.perNeuronParams);
    rhs = substitute(rhs, [&](const ExprP &leaf) -> ExprP {
      return leaf->op == Op::Input ? inputs[leaf->index] : leaf;
    });
    ExprP state = makeLeaf(Op::State, eq.state, neuron.states[eq.state].unit);
    ExprP update = integrate(eq, rhs, state, [&](const Expr &leaf) {
      return leaf.op == Op::State && leaf.index == eq.state;
    });
    ok &= update != nullptr;
    plan.update[eq.state] = update;
  }
  if (!ok)
    return std::nullopt;
  return plan;
}

std::optional<std::vector<ExprP>>
ProgramBuilder::planSynapse(const SynapseGroup &group) {
  const SynapseModel &synapse = model.synapses[group.synapse];
  std::vector<ExprP> updates(synapse.states.size());
  bool ok = true;
  for (const Equation &eq : synapse.equations) {
    ExprP rhs = bindConstants(eq.rhs, group.synapseParams);
    ExprP state = makeLeaf(Op::State, eq.state, synapse.states[eq.state].unit);
    ExprP update = integrate(eq, rhs, state, [&](const Expr &leaf) {
      return leaf.op == Op::State && leaf.index == eq.state;
    });
    ok &= update != nullptr;
    updates[eq.state] = update;
  }
  if (!ok)
    return std::nullopt;
  return updates;
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
    CmpFPredicate predicate =
        expr->op == Op::Less           ? CmpFPredicate::OLT
        : expr->op == Op::LessEqual    ? CmpFPredicate::OLE
        : expr->op == Op::Greater      ? CmpFPredicate::OGT
        : expr->op == Op::GreaterEqual ? CmpFPredicate::OGE
        : expr->op == Op::Equal        ? CmpFPredicate::OEQ
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
    result = builder.create<XOrIOp>(
        loc, arg(0), builder.create<ConstantIntOp>(loc, 1, 1));
    break;
  case Op::Call: {
    bool allConstant = llvm::all_of(
        expr->args, [](const ExprP &a) { return a->op == Op::Constant; });
    if (allConstant) { // fold at compile time, in double precision
      result = constant(evaluate(*expr, [](const Expr &) { return 0.0; }));
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
    case Builtin::Exprel: {
      // expm1(x) / x, and 1 at x == 0.
      Value x = arg(0);
      Value ratio =
          builder.create<DivFOp>(loc, builder.create<ExpM1Op>(loc, x), x);
      Value isZero =
          builder.create<CmpFOp>(loc, CmpFPredicate::OEQ, x, constant(0.0));
      result = builder.create<SelectOp>(loc, isZero, constant(1.0), ratio);
      break;
    }
    }
    break;
  }
  default:
    result = leaf(*expr);
    break;
  }
  emitted[expr] = result;
  return result;
}

void ProgramBuilder::forLoop(Value lb, Value ub,
                             llvm::function_ref<void(Value)> body) {
  auto loop = builder.create<mlir::scf::ForOp>(loc, lb, ub, index(1));
  mlir::OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(loop.getBody());
  body(loop.getInductionVar());
}

mlir::func::FuncOp ProgramBuilder::createFunction(llvm::StringRef name,
                                                  bool withRange) {
  llvm::SmallVector<mlir::Type> types;
  for (const BufferSpec &spec : layout.buffers) {
    mlir::Type element = spec.type == ElementType::Real    ? real
                         : spec.type == ElementType::Int32 ? builder.getI32Type()
                                                           : builder.getI8Type();
    types.push_back(mlir::MemRefType::get({spec.size}, element));
  }
  if (withRange) {
    types.push_back(builder.getI64Type());
    types.push_back(builder.getI64Type());
  }
  auto function = builder.create<mlir::func::FuncOp>(
      loc, name, builder.getFunctionType(types, {}));
  mlir::Block *entry = function.addEntryBlock();
  args.assign(entry->args_begin(), entry->args_end());
  builder.setInsertionPointToStart(entry);
  return function;
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
    int64_t sourceSize = model.populations[proj.source.population].size;
    bool wholeSource =
        proj.source.begin == 0 && proj.source.end == sourceSize;

    Value count = toIndex(load(source.spikeCount, index(0)));
    forLoop(index(0), count, [&](Value q) {
      Value spiking = toIndex(load(source.spikeList, q));
      auto deliver = [&](Value row) {
        Value rowBegin = toIndex(load(bufs.rowStart, row));
        Value rowEnd = toIndex(load(
            bufs.rowStart,
            builder.create<mlir::arith::AddIOp>(loc, row, index(1))));
        forLoop(rowBegin, rowEnd, [&](Value m) {
          Value target = toIndex(load(bufs.targets, m));
          for (const AssignStatement &stmt : synapse.onPre) {
            emitted.clear();
            auto leaf = [&](const Expr &e) -> Value {
              switch (e.op) {
              case Op::State:
                return load(group.stateBuffers[e.index], target);
              case Op::Param:
                return constant(group.synapseParams[e.index]);
              case Op::Weight:
                return bufs.weights >= 0 ? load(bufs.weights, m)
                                         : constant(proj.weight.value->value);
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
        });
      };
      if (wholeSource) {
        deliver(spiking);
        return;
      }
      using namespace mlir::arith;
      Value begin = index(proj.source.begin), end = index(proj.source.end);
      Value inside = builder.create<AndIOp>(
          loc, builder.create<CmpIOp>(loc, CmpIPredicate::sge, spiking, begin),
          builder.create<CmpIOp>(loc, CmpIPredicate::slt, spiking, end));
      auto ifOp = builder.create<mlir::scf::IfOp>(loc, inside, false);
      mlir::OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToStart(ifOp.thenBlock());
      deliver(builder.create<SubIOp>(loc, spiking, begin));
    });
  }
}

void ProgramBuilder::emitNeuronPass(
    unsigned popIndex, const NeuronPlan &plan,
    const std::vector<std::vector<ExprP>> &synapsePlans, Value t,
    Value localStep) {
  using namespace mlir::arith;
  const Population &pop = model.populations[popIndex];
  const NeuronModel &neuron = model.neurons[pop.neuron];
  const PopulationBuffers &bufs = layout.populations[popIndex];

  forLoop(index(0), index(pop.size), [&](Value j) {
    emitted.clear();
    std::vector<Value> states;
    for (int buffer : bufs.states)
      states.push_back(load(buffer, j));

    // Synapse state of the groups onto this population, at neuron j.
    struct GroupView {
      unsigned group;
      Value at, inside; ///< Index into the group, and j within its slice.
      std::vector<Value> states;
    };
    std::vector<GroupView> views;
    for (unsigned g = 0; g < layout.groups.size(); ++g) {
      const SynapseGroup &group = layout.groups[g];
      if (group.target.population != popIndex)
        continue;
      GroupView view{g, j, Value(), {}};
      if (group.target.begin != 0 || group.target.end != pop.size) {
        // Clamp into the slice; contributions outside it are masked.
        Value shifted = builder.create<SubIOp>(loc, j, index(group.target.begin));
        view.at = builder.create<MinSIOp>(
            loc, builder.create<MaxSIOp>(loc, shifted, index(0)),
            index(group.target.size() - 1));
        view.inside = builder.create<AndIOp>(
            loc,
            builder.create<CmpIOp>(loc, CmpIPredicate::sge, j,
                                   index(group.target.begin)),
            builder.create<CmpIOp>(loc, CmpIPredicate::slt, j,
                                   index(group.target.end)));
      }
      for (int buffer : group.stateBuffers)
        view.states.push_back(load(buffer, view.at));
      views.push_back(std::move(view));
    }
    auto findView = [&](unsigned g) -> GroupView & {
      for (GroupView &view : views)
        if (view.group == g)
          return view;
      return views.front();
    };
    Value jReal = builder.create<SIToFPOp>(
        loc, real, builder.create<IndexCastOp>(loc, builder.getI64Type(), j));

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
        GroupView &view = findView(e.group);
        Value value = view.states[e.index];
        if (!view.inside)
          return value;
        return builder.create<SelectOp>(loc, view.inside, value,
                                        constant(0.0));
      }
      case Op::Input: {
        Value sum = constant(0.0);
        for (const Drive &drive : model.drives) {
          if (drive.target.population != popIndex || drive.input != e.index)
            continue;
          Value value = constant(drive.value);
          if (drive.target.begin != 0 || drive.target.end != pop.size) {
            Value inside = builder.create<AndIOp>(
                loc,
                builder.create<CmpIOp>(loc, CmpIPredicate::sge, j,
                                       index(drive.target.begin)),
                builder.create<CmpIOp>(loc, CmpIPredicate::slt, j,
                                       index(drive.target.end)));
            value = builder.create<SelectOp>(loc, inside, value, constant(0.0));
          }
          sum = builder.create<AddFOp>(loc, sum, value);
        }
        return sum;
      }
      default:
        return constant(0.0);
      }
    };

    // 1. Reset from the previous step's spike (brainpy: at the next step).
    std::optional<unsigned> resetState = neuron.spikeState;
    Value held;
    if (neuron.spike && resetState &&
        neuron.reset != NeuronModel::ResetKind::None) {
      ExprP condition = bindConstants(neuron.spike, pop.params,
                                      &bufs.perNeuronParams);
      Value spiked = emit(condition, leaf);
      Value x = current[*resetState];
      Value resetValue = emit(
          bindConstants(neuron.resetValue, pop.params, &bufs.perNeuronParams),
          leaf);
      Value reset;
      if (neuron.reset == NeuronModel::ResetKind::Soft) {
        // x - (threshold - reset): keeps the overshoot.
        Value threshold = emit(bindConstants(neuron.spikeThreshold,
                                             pop.params, &bufs.perNeuronParams),
                               leaf);
        reset = builder.create<SubFOp>(
            loc, x, builder.create<SubFOp>(loc, threshold, resetValue));
      } else {
        reset = resetValue;
      }
      current[*resetState] = builder.create<SelectOp>(loc, spiked, reset, x);
      emitted.clear(); // expressions now read the post-reset state
    }
    if (resetState)
      held = current[*resetState];

    // 2. Integrate every equation from the post-reset state.
    std::vector<Value> next = current;
    for (unsigned s = 0; s < plan.update.size(); ++s)
      if (plan.update[s])
        next[s] = emit(plan.update[s], leaf);

    // 3. Refractory: the reset variable keeps its post-reset value.
    if (neuron.refractory && resetState) {
      Value tauRef = emit(bindConstants(neuron.refractory, pop.params,
                                        &bufs.perNeuronParams),
                          leaf);
      Value last = load(bufs.lastSpike, j);
      Value refractory = builder.create<CmpFOp>(
          loc, CmpFPredicate::OLT, builder.create<SubFOp>(loc, t, last),
          tauRef);
      next[*resetState] =
          builder.create<SelectOp>(loc, refractory, held, next[*resetState]);
    }
    for (unsigned s = 0; s < next.size(); ++s)
      store(next[s], bufs.states[s], j);

    // 4. This step's spike, from the new state.
    if (neuron.spike) {
      current = next;
      emitted.clear();
      Value spiked = emit(
          bindConstants(neuron.spike, pop.params, &bufs.perNeuronParams),
          leaf);
      if (bufs.lastSpike >= 0) {
        Value last = load(bufs.lastSpike, j);
        store(builder.create<SelectOp>(loc, spiked, t, last), bufs.lastSpike,
              j);
      }
      store(builder.create<ExtUIOp>(loc, builder.getI8Type(), spiked),
            bufs.spikeFlags, j);
    }

    // 5. Synapse decay, after the currents have read this step's value.
    for (GroupView &view : views) {
      const SynapseGroup &group = layout.groups[view.group];
      const std::vector<ExprP> &updates = synapsePlans[view.group];
      emitted.clear();
      auto synapseLeaf = [&](const Expr &e) -> Value {
        if (e.op == Op::State)
          return view.states[e.index];
        if (e.op == Op::Time)
          return t;
        return constant(0.0);
      };
      for (unsigned s = 0; s < updates.size(); ++s) {
        if (!updates[s])
          continue;
        Value decayed = emit(updates[s], synapseLeaf);
        if (view.inside)
          decayed = builder.create<SelectOp>(loc, view.inside, decayed,
                                             view.states[s]);
        store(decayed, group.stateBuffers[s], view.at);
      }
    }
  });
  if (neuron.spike)
    emitCompaction(popIndex, localStep, bufs.recordIndices >= 0);
}

void ProgramBuilder::emitCompaction(unsigned popIndex, Value localStep,
                                    bool record) {
  using namespace mlir::arith;
  const PopulationBuffers &bufs = layout.populations[popIndex];
  int64_t size = model.populations[popIndex].size;
  auto loop = builder.create<mlir::scf::ForOp>(
      loc, index(0), index(size), index(1), mlir::ValueRange{i32(0)},
      [&](mlir::OpBuilder &, mlir::Location, Value j, mlir::ValueRange iter) {
        Value count = iter[0];
        Value flag = load(bufs.spikeFlags, j);
        Value isSpike = builder.create<CmpIOp>(
            loc, CmpIPredicate::ne, flag,
            builder.create<ConstantIntOp>(loc, 0, 8));
        auto ifOp = builder.create<mlir::scf::IfOp>(
            loc, isSpike,
            [&](mlir::OpBuilder &, mlir::Location) {
              store(toI32(j), bufs.spikeList, toIndex(count));
              Value more = builder.create<AddIOp>(loc, count, i32(1));
              builder.create<mlir::scf::YieldOp>(loc, more);
            },
            [&](mlir::OpBuilder &, mlir::Location) {
              builder.create<mlir::scf::YieldOp>(loc, count);
            });
        builder.create<mlir::scf::YieldOp>(loc, ifOp.getResult(0));
      });
  Value count = loop.getResult(0);
  store(count, bufs.spikeCount, index(0));
  if (!record)
    return;
  store(count, bufs.recordCounts, localStep);
  Value fill = load(bufs.recordFill, index(0));
  Value fillIndex = toIndex(fill);
  forLoop(index(0), toIndex(count), [&](Value q) {
    Value spiking = load(bufs.spikeList, q);
    store(spiking, bufs.recordIndices,
          builder.create<AddIOp>(loc, fillIndex, q));
  });
  store(builder.create<AddIOp>(loc, fill, count), bufs.recordFill, index(0));
}

void ProgramBuilder::emitInitialSpikes(unsigned popIndex) {
  const Population &pop = model.populations[popIndex];
  const NeuronModel &neuron = model.neurons[pop.neuron];
  const PopulationBuffers &bufs = layout.populations[popIndex];
  if (!neuron.spike)
    return;
  forLoop(index(0), index(pop.size), [&](Value j) {
    emitted.clear();
    auto leaf = [&](const Expr &e) -> Value {
      if (e.op == Op::State)
        return load(bufs.states[e.index], j);
      if (e.op == Op::Param)
        return load(bufs.perNeuronParams[e.index], j);
      return constant(0.0);
    };
    Value spiked = emit(
        bindConstants(neuron.spike, pop.params, &bufs.perNeuronParams), leaf);
    store(builder.create<mlir::arith::ExtUIOp>(loc, builder.getI8Type(),
                                               spiked),
          bufs.spikeFlags, j);
  });
  emitCompaction(popIndex, Value(), /*record=*/false);
}

mlir::OwningOpRef<mlir::ModuleOp> ProgramBuilder::build() {
  // Plan everything first so that all errors are reported together.
  std::vector<NeuronPlan> neuronPlans;
  std::vector<std::vector<ExprP>> synapsePlans;
  bool ok = true;
  for (unsigned p = 0; p < model.populations.size(); ++p) {
    std::optional<NeuronPlan> plan = planNeuron(p);
    ok &= plan.has_value();
    neuronPlans.push_back(plan ? std::move(*plan) : NeuronPlan{});
  }
  for (const SynapseGroup &group : layout.groups) {
    std::optional<std::vector<ExprP>> plan = planSynapse(group);
    ok &= plan.has_value();
    synapsePlans.push_back(plan ? std::move(*plan) : std::vector<ExprP>{});
  }
  if (!ok)
    return nullptr;

  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::ModuleOp::create(loc);
  builder.setInsertionPointToEnd(module->getBody());
  {
    mlir::OpBuilder::InsertionGuard guard(builder);
    createFunction("snn_init", false);
    for (unsigned p = 0; p < model.populations.size(); ++p)
      emitInitialSpikes(p);
    builder.create<mlir::func::ReturnOp>(loc);
  }
  {
    mlir::OpBuilder::InsertionGuard guard(builder);
    mlir::func::FuncOp run = createFunction("snn_run", true);
    Value begin = toIndex(run.getArgument(layout.buffers.size()));
    Value end = toIndex(run.getArgument(layout.buffers.size() + 1));
    forLoop(begin, end, [&](Value step) {
      using namespace mlir::arith;
      // t_k = k * dt, rounded once from double as numpy's arange does.
      Value k = builder.create<SIToFPOp>(
          loc, builder.getF64Type(),
          builder.create<IndexCastOp>(loc, builder.getI64Type(), step));
      Value t = builder.create<MulFOp>(
          loc, k,
          builder.create<ConstantOp>(
              loc, builder.getFloatAttr(builder.getF64Type(), layout.dtMs)));
      if (!layout.doublePrecision)
        t = builder.create<TruncFOp>(loc, real, t);
      Value localStep = builder.create<SubIOp>(loc, step, begin);
      emitted.clear();
      emitPropagation(t);
      for (unsigned p = 0; p < model.populations.size(); ++p)
        emitNeuronPass(p, neuronPlans[p], synapsePlans, t, localStep);
    });
    builder.create<mlir::func::ReturnOp>(loc);
  }
  return module;
}

} // namespace

mlir::OwningOpRef<mlir::ModuleOp> snnc::buildProgram(mlir::MLIRContext &context,
                                                     const Model &model,
                                                     const ProgramLayout &layout,
                                                     DiagnosticEngine &diags) {
  loadDialects(context);
  ProgramBuilder builder(context, model, layout, diags);
  return builder.build();
}
