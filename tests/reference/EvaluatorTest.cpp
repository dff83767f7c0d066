//===- EvaluatorTest.cpp - The engine's arithmetic on expression trees ----===//
//
// The evaluator's rules, one by one: rounding to float after every
// operation, subnormals flushed (FTZ and DAZ, as the compiled loop runs),
// IEEE minimum and maximum, exprel at 0, constants folded in double only
// where the language folds them, and the reciprocal that replaces a
// division by a constant.
//
//===----------------------------------------------------------------------===//
#include "snnc/reference/Evaluator.h"

#include "snnc/reference/CompiledMath.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>

using namespace snnc;
using namespace snnc::model;
using namespace snnc::reference;

namespace {

const Evaluator single(Precision::Single, MathLibrary::Compiled);
const Evaluator doubled(Precision::Double, MathLibrary::Compiled);

double noLeaves(const Expr &) { return 0.0; }

TEST(EvaluatorTest, EveryOperationRoundsToFloatInSinglePrecision) {
  // 0.1 + 0.2 in float is not 0.1 + 0.2 in double rounded to float.
  double a = single.round(0.1), b = single.round(0.2);
  EXPECT_EQ(single.add(a, b), double(0.1f + 0.2f));
  EXPECT_EQ(single.mul(a, b), double(0.1f * 0.2f));
  EXPECT_EQ(single.div(a, b), double(0.1f / 0.2f));
  EXPECT_EQ(doubled.add(0.1, 0.2), 0.1 + 0.2);
}

TEST(EvaluatorTest, SubnormalResultsAndOperandsAreFlushedToZero) {
  double tiny = FLT_MIN;
  EXPECT_EQ(single.mul(tiny, 0.5), 0.0);
  EXPECT_TRUE(std::signbit(single.mul(-tiny, 0.5)));
  EXPECT_EQ(single.operand(FLT_MIN / 4), 0.0);
  EXPECT_EQ(single.add(FLT_MIN / 4, 0.0), 0.0);
  EXPECT_EQ(doubled.mul(DBL_MIN, 0.5), 0.0);
  EXPECT_EQ(doubled.mul(FLT_MIN, 0.5), FLT_MIN * 0.5); // normal in double
}

TEST(EvaluatorTest, MinAndMaxPropagateNanAndOrderSignedZeros) {
  EXPECT_TRUE(std::isnan(single.call(Builtin::Min, {1.0, NAN})));
  EXPECT_TRUE(std::isnan(single.call(Builtin::Max, {NAN, 1.0})));
  EXPECT_TRUE(std::signbit(single.call(Builtin::Min, {0.0, -0.0})));
  EXPECT_FALSE(std::signbit(single.call(Builtin::Max, {-0.0, 0.0})));
  EXPECT_EQ(single.call(Builtin::Clip, {5.0, 0.0, 2.0}), 2.0);
}

TEST(EvaluatorTest, ExprelIsOneAtZeroAndNearTheTruthElsewhere) {
  EXPECT_EQ(single.call(Builtin::Exprel, {0.0}), 1.0);
  EXPECT_NEAR(single.call(Builtin::Exprel, {-0.005}), 0.997504, 1e-6);
  Evaluator accurate(Precision::Single, MathLibrary::Accurate);
  EXPECT_EQ(accurate.call(Builtin::Exprel, {-0.005}),
            double(float(std::expm1(-0.005) / -0.005)));
}

TEST(EvaluatorTest, CallsOnConstantsFoldInDoubleAndRoundOnce) {
  // exp(1) folded by the language: float(e), not a float polynomial.
  ExprP call = makeCall(Builtin::Exp, {makeConstant(1.0)}, Unit());
  EXPECT_EQ(single.evaluate(*call, noLeaves), double(float(std::exp(1.0))));
}

TEST(EvaluatorTest, ConstantsOfTheProgramFoldWithTheCLibrary) {
  EXPECT_EQ(single.call(Builtin::Exp, {0.5}, When::CompileTime),
            double(std::exp(0.5f)));
  EXPECT_EQ(single.call(Builtin::Exp, {0.5}, When::RunTime),
            double(compiledExp(0.5f)));
}

TEST(EvaluatorTest, ReciprocalOfAConstantIsRoundedOnceAndRefusedForZero) {
  EXPECT_EQ(single.reciprocal(3.0), double(1.0f / 3.0f));
  EXPECT_EQ(doubled.reciprocal(3.0), 1.0 / 3.0);
  EXPECT_FALSE(single.reciprocal(0.0));
}

TEST(EvaluatorTest, ConstantExponentTwoIsAMultiplication) {
  ExprP square = makeNode(
      Op::Pow, {makeLeaf(Op::State, 0, Unit()), makeConstant(2.0)}, Unit());
  double x = single.round(1.1);
  EXPECT_EQ(single.evaluate(*square, [&](const Expr &) { return x; }),
            single.mul(x, x));
}

} // namespace
