//===- Folding.h - Constants folded as the compiler folds them --*- C++ -*-===//
//
// Two different rules fold constant subexpressions before anything runs:
//
//   - the language folds arithmetic on constants in double as it builds
//     expressions (model::makeNode; calls on constants when emitted), so a
//     unit conversion costs nothing;
//   - the compiler's canonicaliser then folds every operation whose
//     operands are constants in the program (parameters shared by the
//     population, dt, the step formulas of the integrators): arithmetic in
//     the working precision (as at run time), but math functions with the
//     C library's float functions, not with the polynomials used at run
//     time;
//   - a division by a constant of the program, x / c, becomes x * (1/c)
//     with the reciprocal rounded once to the working precision (snnc's
//     arithmetic, as XLA's; compiler/Transforms/DivisionByConstant.cpp).
//
// The reference builds the integrator formulas with makeRawNode, which does
// not fold, and then folds with foldConstants, so that it rounds where the
// compiled engine rounds.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_REFERENCE_FOLDING_H
#define SNNC_REFERENCE_FOLDING_H

#include "snnc/dsl/Model.h"
#include "snnc/reference/Evaluator.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace snnc::reference {

/// An expression node whose constant operands are not folded.
model::ExprP makeRawNode(model::Op op, std::vector<model::ExprP> args);
/// A call node (never folded when built).
model::ExprP makeRawCall(model::Builtin fn, std::vector<model::ExprP> args);

/// Replaces every non-boolean subexpression whose operands are all
/// constants of the program by its value, computed as the compiler's
/// constant folder does, and every other division by a constant by a
/// multiplication with its reciprocal. `constantLeaf` gives the value of the
/// leaves that are program constants (dt, population-wide drives, ...), in
/// double.
model::ExprP
foldConstants(const model::ExprP &expr, const Evaluator &eval,
              llvm::function_ref<std::optional<double>(const model::Expr &)>
                  constantLeaf);

} // namespace snnc::reference

#endif // SNNC_REFERENCE_FOLDING_H
