//===- CompiledMath.h - The compiled engine's float math --------*- C++ -*-===//
//
// The compiled engine does not call libm for exp, log, tanh, sin and cos in
// single precision: MLIR's polynomial approximation rewrites them into a
// fixed sequence of float multiplies, adds, fused multiply-adds, floors and
// bit manipulations (see `snnc emit mlir --until=approximated`); exprel
// (exponential Euler's factor) is lowered by snnc itself.
// Each function here performs exactly that sequence, operation for
// operation, so that the reference can reproduce the compiled results bit
// for bit. They are accurate to a few units in the last place; where the
// reference wants the mathematically intended value instead it uses the
// double-precision libm and rounds once (MathLibrary::Accurate).
//
// The sequences were transcribed from the MLIR 19 rewrite patterns as the
// compiler emits them; tests/reference pins them against the compiled code.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_REFERENCE_COMPILEDMATH_H
#define SNNC_REFERENCE_COMPILEDMATH_H

namespace snnc::reference {

/// e^x as MLIR's f32 polynomial approximation computes it.
float compiledExp(float x);
/// ln(x) as MLIR's f32 polynomial approximation computes it.
float compiledLog(float x);
/// tanh(x) as MLIR's f32 rational approximation computes it.
float compiledTanh(float x);
/// sin(x) as MLIR's f32 polynomial approximation computes it.
float compiledSin(float x);
/// cos(x) as MLIR's f32 polynomial approximation computes it.
float compiledCos(float x);

/// 1 + x/2! + x^2/3! + ... + x^7/8! by Horner's rule with fused steps, the
/// coefficients rounded from double: the engine's exprel for |x| < 1/2.
float exprelTaylor(float x);
double exprelTaylor(double x);

/// (e^x - 1)/x as the compiled engine computes it (snn.exprel's lowering):
/// exprelTaylor(x) for |x| < 1/2, else (compiledExp(x) - 1) / x in float
/// (libm's exp in double).
float compiledExprel(float x);
double compiledExprel(double x);

} // namespace snnc::reference

#endif // SNNC_REFERENCE_COMPILEDMATH_H
