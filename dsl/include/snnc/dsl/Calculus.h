//===- Calculus.h - Substitution and derivatives of typed expressions -*-===//
//
// Integrators need right-hand sides with their inputs spelled out and, for
// exponential Euler, the derivative of a right-hand side with respect to its
// own state (the diagonal of the Jacobian). Both are transformations of
// model::Expr trees done once at compile time.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_DSL_CALCULUS_H
#define SNNC_DSL_CALCULUS_H

#include "snnc/dsl/Model.h"

#include "llvm/ADT/STLFunctionalExtras.h"

namespace snnc::model {

/// Rebuilds `expr` with every non-constant leaf replaced by `replace(leaf)`
/// (return the leaf itself to keep it). Constant subtrees fold.
ExprP substitute(const ExprP &expr,
                 llvm::function_ref<ExprP(const ExprP &leaf)> replace);

/// d(expr)/d(x) where `isVariable(leaf)` says which leaves are x. Returns
/// null when `expr` is not differentiable (comparisons, clip of x, ...).
ExprP differentiate(const ExprP &expr,
                    llvm::function_ref<bool(const Expr &leaf)> isVariable);

} // namespace snnc::model

#endif // SNNC_DSL_CALCULUS_H
