//===- Evaluator.cpp - Typed expressions in the engine's arithmetic -------===//
//
// One switch over the expression kinds, each case doing what the compiled
// code does for it: arithmetic rounds once, comparisons are ordered except
// `!=`, min and max propagate NaN and order -0 below +0 (IEEE minimum and
// maximum), and a power with the constant exponent 2 is a multiplication.
//
//===----------------------------------------------------------------------===//

#include "snnc/reference/Evaluator.h"

#include "snnc/reference/CompiledMath.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

using namespace snnc;
using namespace snnc::model;
using namespace snnc::reference;

namespace {

constexpr double notANumber = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

double flushSubnormal(double value, double smallestNormal) {
  if (value != 0 && std::fabs(value) < smallestNormal)
    return std::copysign(0.0, value);
  return value;
}

/// IEEE minimum: NaN if either is NaN, and -0 below +0.
double minimum(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return notANumber;
  if (a == b)
    return std::signbit(a) ? a : b;
  return a < b ? a : b;
}

/// IEEE maximum: NaN if either is NaN, and +0 above -0.
double maximum(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return notANumber;
  if (a == b)
    return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

/// The C library's function in the precision of `x`: float overloads for a
/// float (as the compiler's constant folder calls expf, logf... on f32
/// constants), double ones for a double.
template <typename Real> double libm(Builtin fn, Real x) {
  switch (fn) {
  case Builtin::Exp:
    return std::exp(x);
  case Builtin::Log:
    return std::log(x);
  case Builtin::Tanh:
    return std::tanh(x);
  case Builtin::Sin:
    return std::sin(x);
  case Builtin::Cos:
    return std::cos(x);
  default:
    return notANumber;
  }
}

/// The compiled engine's polynomial approximation (float only).
double polynomial(Builtin fn, float x) {
  switch (fn) {
  case Builtin::Exp:
    return compiledExp(x);
  case Builtin::Log:
    return compiledLog(x);
  case Builtin::Tanh:
    return compiledTanh(x);
  case Builtin::Sin:
    return compiledSin(x);
  case Builtin::Cos:
    return compiledCos(x);
  default:
    return notANumber;
  }
}

} // namespace

double Evaluator::round(double value) const {
  if (precision == Precision::Single)
    return flushSubnormal(static_cast<float>(value), FLT_MIN);
  return flushSubnormal(value, DBL_MIN);
}

double Evaluator::operand(double value) const {
  return flushSubnormal(value,
                        precision == Precision::Single ? FLT_MIN : DBL_MIN);
}

double Evaluator::add(double a, double b) const {
  return round(operand(a) + operand(b));
}
double Evaluator::sub(double a, double b) const {
  return round(operand(a) - operand(b));
}
double Evaluator::mul(double a, double b) const {
  return round(operand(a) * operand(b));
}
double Evaluator::div(double a, double b) const {
  return round(operand(a) / operand(b));
}

std::optional<double> Evaluator::reciprocal(double c) const {
  double r = precision == Precision::Single
                 ? static_cast<float>(1.0 / c) // exact: see the file header
                 : 1.0 / c;
  if (r == 0 || !std::isfinite(r))
    return std::nullopt;
  return r;
}

double Evaluator::transcendental(Builtin fn, double x, When when) const {
  x = operand(x);
  if (math == MathLibrary::Accurate)
    return round(libm<double>(fn, x));
  // The compiled engine: polynomials at run time in single precision, libm
  // calls in double, and libm in the working precision on constants.
  if (precision == Precision::Double)
    return round(libm<double>(fn, x));
  float f = static_cast<float>(x);
  return round(when == When::CompileTime ? libm<float>(fn, f)
                                         : polynomial(fn, f));
}

double Evaluator::exprel(double x, When when) const {
  x = operand(x);
  if (math == MathLibrary::Accurate)
    return round(model::exprel(x));
  // The compiled code: a Taylor polynomial for |x| < 1/2, else
  // (exp(x) - 1) / x; on constants the folder evaluates the same
  // operations, with libm's exp.
  if (precision == Precision::Double)
    return round(compiledExprel(x));
  float f = static_cast<float>(x);
  if (when == When::RunTime)
    return round(compiledExprel(f));
  float quotient = (std::exp(f) - 1.0f) / f;
  return round(std::fabs(f) < 0.5f ? exprelTaylor(f) : quotient);
}

double Evaluator::power(double base, double exponent, bool constantExponent,
                        When when) const {
  base = operand(base);
  exponent = operand(exponent);
  if (math == MathLibrary::Accurate)
    return round(std::pow(base, exponent));
  // The compiler multiplies for the constant exponent 2; LLVM rewrites
  // pow(x, 0.5) into |sqrt(x)| (with pow(-inf, 0.5) = inf), and pow(x, 1),
  // pow(x, 0) and pow(x, -1) exactly. Otherwise libm's pow in the working
  // precision, at run time as in the constant folder.
  if (constantExponent && exponent == 2)
    return mul(base, base);
  if (constantExponent && when == When::RunTime) {
    if (exponent == 1)
      return base;
    if (exponent == 0)
      return 1.0;
    if (exponent == -1)
      return div(1.0, base);
    if (exponent == 0.5)
      return base == -infinity ? infinity : round(std::fabs(std::sqrt(base)));
  }
  if (precision == Precision::Single)
    return round(
        std::pow(static_cast<float>(base), static_cast<float>(exponent)));
  return round(std::pow(base, exponent));
}

double Evaluator::call(Builtin fn, llvm::ArrayRef<double> args,
                       When when) const {
  switch (fn) {
  case Builtin::Exp:
  case Builtin::Log:
  case Builtin::Tanh:
  case Builtin::Sin:
  case Builtin::Cos:
    return transcendental(fn, args[0], when);
  case Builtin::Exprel:
    return exprel(args[0], when);
  case Builtin::Sqrt:
    return round(std::sqrt(operand(args[0])));
  case Builtin::Abs:
    return std::fabs(args[0]);
  case Builtin::Min:
    return minimum(operand(args[0]), operand(args[1]));
  case Builtin::Max:
    return maximum(operand(args[0]), operand(args[1]));
  case Builtin::Clip:
    return minimum(maximum(operand(args[0]), operand(args[1])),
                   operand(args[2]));
  }
  return notANumber;
}

double Evaluator::apply(const Expr &node, llvm::ArrayRef<double> args) const {
  auto truth = [](bool value) { return value ? 1.0 : 0.0; };
  switch (node.op) {
  case Op::Negate:
    return -args[0]; // a sign flip: exact, and no flush
  case Op::Add:
    return add(args[0], args[1]);
  case Op::Sub:
    return sub(args[0], args[1]);
  case Op::Mul:
    return mul(args[0], args[1]);
  case Op::Div:
    return div(args[0], args[1]);
  case Op::Pow:
    return power(args[0], args[1], node.args[1]->op == Op::Constant);
  case Op::Less:
    return truth(operand(args[0]) < operand(args[1]));
  case Op::LessEqual:
    return truth(operand(args[0]) <= operand(args[1]));
  case Op::Greater:
    return truth(operand(args[0]) > operand(args[1]));
  case Op::GreaterEqual:
    return truth(operand(args[0]) >= operand(args[1]));
  case Op::Equal:
    return truth(operand(args[0]) == operand(args[1]));
  case Op::NotEqual: // unordered: true when either side is NaN
    return truth(operand(args[0]) != operand(args[1]));
  case Op::And:
    return truth(args[0] != 0 && args[1] != 0);
  case Op::Or:
    return truth(args[0] != 0 || args[1] != 0);
  case Op::Not:
    return truth(args[0] == 0);
  case Op::Select: // both values computed, one chosen (as the select op)
    return args[0] != 0 ? args[1] : args[2];
  case Op::Call: {
    bool allConstant = true;
    for (const ExprP &a : node.args)
      allConstant &= a->op == Op::Constant;
    if (allConstant) // the language folds these, in double
      return round(model::evaluate(node, [](const Expr &) { return 0.0; }));
    return call(node.fn, args);
  }
  default:
    return notANumber; // constants and leaves are not operations
  }
}

double Evaluator::evaluate(
    const Expr &expr,
    llvm::function_ref<double(const Expr &leaf)> leafValue) const {
  if (expr.op == Op::Constant)
    return round(expr.value);
  if (expr.args.empty())
    return leafValue(expr);
  double args[3] = {0, 0, 0}; // operations take at most three operands
  size_t count = std::min<size_t>(expr.args.size(), 3);
  for (size_t i = 0; i < count; ++i)
    args[i] = evaluate(*expr.args[i], leafValue);
  return apply(expr, llvm::ArrayRef<double>(args, count));
}
