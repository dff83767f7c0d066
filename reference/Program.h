//===- Program.h - An expression flattened for evaluation -------*- C++ -*-===//
//
// The reference evaluates the same few expressions for every neuron at
// every step. A Program lists the nodes of one expression in evaluation
// order (operands first), each distinct node once, so that subexpressions
// shared within the expression (the right-hand side inside exp_euler's
// formula, the stages of rk4) are computed once per evaluation. The values
// are exactly those of Evaluator::evaluate on the tree.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_REFERENCE_PROGRAM_H
#define SNNC_REFERENCE_PROGRAM_H

#include "snnc/dsl/Model.h"
#include "snnc/reference/Evaluator.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <vector>

namespace snnc::reference {

class Program {
public:
  Program() = default;
  /// Flattens `root` (which may be null: an empty program).
  Program(const model::ExprP &root, const Evaluator &eval);

  bool empty() const { return !root; }
  /// The value of the expression; `leafValue` gives its leaves.
  double
  run(llvm::function_ref<double(const model::Expr &leaf)> leafValue) const;

private:
  struct Step {
    const model::Expr *node;
    double constant = 0;   ///< Rounded, for constants.
    unsigned args[3] = {}; ///< Indices of the operands' steps.
  };
  model::ExprP root; ///< Keeps the nodes alive.
  const Evaluator *eval = nullptr;
  std::vector<Step> steps;
  mutable std::vector<double> values;
};

} // namespace snnc::reference

#endif // SNNC_REFERENCE_PROGRAM_H
