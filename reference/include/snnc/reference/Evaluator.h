//===- Evaluator.h - Expressions in the engine's arithmetic -----*- C++ -*-===//
//
// model::evaluate computes an expression in double precision. The compiled
// engine computes in float32 (or float64), rounding after every operation,
// with subnormal numbers flushed to zero (it runs with the x86 FTZ and DAZ
// flags set, as XLA does). This evaluator does the same on the expression
// tree: each operation is done in double, rounded to the working precision
// and flushed. For float32 the double-then-round result equals the float
// operation's, because double carries more than twice float's precision
// (Figueroa, 1995) for + - * / and sqrt.
//
// Values travel as doubles; in single precision they always hold a float.
// Constants are rounded where they are used, except calls whose arguments
// are all constants, which are folded in double and rounded once, as the
// language folds them.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_REFERENCE_EVALUATOR_H
#define SNNC_REFERENCE_EVALUATOR_H

#include "snnc/dsl/Model.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace snnc::reference {

/// The precision of the simulated state and of every operation.
enum class Precision { Single, Double };

/// How transcendental functions (exp, exprel, log, tanh, sin, cos,
/// pow) are computed.
enum class MathLibrary {
  /// In double with libm, rounded once to the working precision: the
  /// intended values, within an ulp of the truth.
  Accurate,
  /// Exactly as the compiled engine computes them, so that the reference
  /// can be compared with it bit for bit: at run time its polynomial
  /// approximations (CompiledMath.h); on constants, the C library's float
  /// functions its constant folder calls.
  Compiled,
};

/// Whether a function is applied to values known when the program is
/// compiled (and folded by the compiler) or to run-time values.
enum class When { RunTime, CompileTime };

/// The rounding, flushing and function rules of one precision.
class Evaluator {
public:
  Evaluator(Precision precision, MathLibrary math)
      : precision(precision), math(math) {}

  /// The nearest value of the working precision, flushed to zero when it
  /// is subnormal (FTZ).
  double round(double value) const;
  /// An operand as the engine's arithmetic sees it: subnormals read as
  /// zero (DAZ).
  double operand(double value) const;

  /// Evaluates `expr` at run time; `leafValue` gives every leaf other than
  /// constants (already in the working precision). Booleans are 0 or 1.
  double
  evaluate(const model::Expr &expr,
           llvm::function_ref<double(const model::Expr &leaf)> leafValue) const;

  /// The operation of `node` (neither a constant nor a leaf) applied to the
  /// values of its operands, at run time.
  double apply(const model::Expr &node, llvm::ArrayRef<double> args) const;

  /// The arithmetic of the engine, one rounding each.
  double add(double a, double b) const;
  double sub(double a, double b) const;
  double mul(double a, double b) const;
  double div(double a, double b) const;

  /// 1/c rounded once to the working precision (without flushing), or
  /// nullopt when it is zero or not finite: the factor that replaces a
  /// division by the constant c.
  std::optional<double> reciprocal(double c) const;

  /// A built-in function of already-evaluated arguments.
  double call(model::Builtin fn, llvm::ArrayRef<double> args,
              When when = When::RunTime) const;
  /// base ^ exponent; `constantExponent` says whether the exponent is a
  /// constant of the program (the compiler treats some of those specially).
  double power(double base, double exponent, bool constantExponent,
               When when = When::RunTime) const;

  Precision getPrecision() const { return precision; }
  MathLibrary getMathLibrary() const { return math; }

private:
  double exprel(double x, When when) const;
  double transcendental(model::Builtin fn, double x, When when) const;

  Precision precision;
  MathLibrary math;
};

} // namespace snnc::reference

#endif // SNNC_REFERENCE_EVALUATOR_H
