//===- Program.cpp - An expression, flattened for repeated evaluation -----===//
//
// Flattening is a post-order walk that numbers each distinct node once;
// running walks the list, reading each operation's operands from the
// values already computed and applying Evaluator::apply.
//
//===----------------------------------------------------------------------===//

#include "Program.h"

#include <algorithm>
#include <functional>
#include <map>

using namespace snnc;
using namespace snnc::model;
using namespace snnc::reference;

Program::Program(const ExprP &root, const Evaluator &eval)
    : root(root), eval(&eval) {
  if (!root)
    return;
  std::map<const Expr *, unsigned> index;
  // Post-order, each node once.
  std::function<unsigned(const Expr &)> visit = [&](const Expr &node) {
    auto found = index.find(&node);
    if (found != index.end())
      return found->second;
    Step step;
    step.node = &node;
    if (node.op == Op::Constant)
      step.constant = eval.round(node.value);
    for (size_t i = 0; i < node.args.size() && i < 3; ++i)
      step.args[i] = visit(*node.args[i]);
    steps.push_back(step);
    unsigned at = static_cast<unsigned>(steps.size() - 1);
    index[&node] = at;
    return at;
  };
  visit(*root);
  values.resize(steps.size());
}

double
Program::run(llvm::function_ref<double(const Expr &leaf)> leafValue) const {
  for (size_t k = 0; k < steps.size(); ++k) {
    const Step &step = steps[k];
    const Expr &node = *step.node;
    if (node.op == Op::Constant) {
      values[k] = step.constant;
    } else if (node.args.empty()) {
      values[k] = leafValue(node);
    } else {
      double args[3];
      size_t count = std::min<size_t>(node.args.size(), 3);
      for (size_t i = 0; i < count; ++i)
        args[i] = values[step.args[i]];
      values[k] = eval->apply(node, llvm::ArrayRef<double>(args, count));
    }
  }
  return values.back();
}
