//===- ParameterBinding.cpp - Parameters: scalars or constants ------------===//

#include "Builder.h"

#include "snnc/dsl/Calculus.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdio>

using namespace snnc;
using namespace snnc::mlirgen;

namespace {
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
} // namespace

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
  // A leaf of the value's unit; its other fields mean nothing.
  auto leaf = std::make_shared<Expr>();
  leaf->op = Op::Param;
  leaf->unit = value->unit;
  scalarLeaves.push_back(leaf);
  slotOfLeaf[leaf.get()] = it->second;
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
    auto constantLike = [&](const ExprP &a) {
      return a->op == Op::Constant || isScalar(*a);
    };
    if (!e->isBoolean && llvm::all_of(args, constantLike) &&
        llvm::any_of(args, [&](const ExprP &a) { return isScalar(*a); })) {
      // makeNode would fold this in double: one scalar, evaluated alike.
      auto value = std::make_shared<Expr>(*e);
      for (ExprP &arg : args)
        if (std::optional<unsigned> slot = scalarSlot(*arg))
          arg = scalars.values[*slot];
      value->args = std::move(args);
      return scalarLeaf(value);
    }
    return makeNode(e->op, std::move(args), e->unit, e->range);
  };
  return lift(expr);
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
