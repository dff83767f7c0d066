//===- Jacobian.h - df/dx by the compiler's rules ---------------*- C++ -*-===//
//
// Exponential Euler needs J = df/dx, the derivative of a right-hand side
// with respect to its own state. Mathematically any correct derivative
// will do; to round like the compiled engine, the reference builds it with
// the same rules, in the same shape, as the compiler's snn-integrate pass
// (compiler/Transforms/IntegrateOdes.cpp):
//
//   (a + b)' = a' + b'          (a - b)' = a' + -(b')
//   (a * b)' = a' * b + b' * a  (a / b)' = a' / b + -((b' * (a / b)) / b)
//   (-a)'    = -(a')            exp(a)'  = a' * exp(a)
//   log(a)'  = a' / a           sqrt(a)' = a' / (2 * sqrt(a))
//   tanh(a)' = a' * (1 - tanh(a) * tanh(a))
//   sin(a)'  = a' * cos(a)      cos(a)'  = a' * -(sin(a))
//   (a ^ n)' = a' * (n * a ^ (n - 1))   (n independent of x; a ^ 2 is
//                                        a * a, derived as a product)
//
// where a term whose factor does not depend on x is dropped (not added as
// 0), and x' is the constant 1. Nothing is folded here (Folding.h does it).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_REFERENCE_JACOBIAN_H
#define SNNC_REFERENCE_JACOBIAN_H

#include "snnc/dsl/Model.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace snnc::reference {

/// The outcome of differentiating: `derivative` is null when f does not
/// depend on x; `ok` is false when an operation on a path from x has no
/// derivative rule (comparisons, min, max, clip, abs, exprel).
struct Derivative {
  bool ok = true;
  model::ExprP derivative;
};

/// df/dx, where `isX` says which leaves are x.
Derivative derivativeOf(const model::ExprP &f,
                        llvm::function_ref<bool(const model::Expr &)> isX);

} // namespace snnc::reference

#endif // SNNC_REFERENCE_JACOBIAN_H
