//===- CompiledMathTest.cpp - The engine's float math, mirrored in C++ ----===//
//
// CompiledMath.h reproduces the compiled engine's polynomial approximations
// operation for operation; the differential tests pin that they agree with
// the engine bit for bit. These tests pin the other half: that they are
// accurate (so that MathLibrary::Accurate and ::Compiled differ only in the
// last bits), with the bounds measured on these sweeps plus a margin, and
// that special values come out as IEEE says.
//
//===----------------------------------------------------------------------===//
#include "snnc/reference/CompiledMath.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace snnc::reference;

namespace {

/// |got - want| in units in the last place of the float nearest `want`.
double ulps(float got, double want) {
  float nearest = static_cast<float>(want);
  double ulp = std::nextafter(std::fabs(nearest),
                              std::numeric_limits<float>::infinity()) -
               std::fabs(nearest);
  return std::fabs(got - want) / ulp;
}

constexpr int points = 200000;

TEST(CompiledMathTest, ExpIsWithinOneAndAHalfUlpsOverItsFiniteRange) {
  double worst = 0;
  for (int k = 0; k <= points; ++k) {
    float x = -87.0f + 175.0f * k / points;
    worst = std::max(worst, ulps(compiledExp(x), std::exp(double(x))));
  }
  EXPECT_LE(worst, 1.5);
}

TEST(CompiledMathTest, LogIsWithinOneAndAHalfUlpsFrom2ToTheMinus100To2To100) {
  double worst = 0;
  for (int k = 0; k <= points; ++k) {
    float x = std::ldexp(1.0f + float(k) / points, k % 200 - 100);
    worst = std::max(worst, ulps(compiledLog(x), std::log(double(x))));
  }
  EXPECT_LE(worst, 1.5);
}

TEST(CompiledMathTest, ExprelIsWithinThreeUlpsIncludingNearZero) {
  auto exprel = [](double x) { return x == 0 ? 1.0 : std::expm1(x) / x; };
  double worst = 0;
  for (int k = 0; k <= points; ++k) {
    float x = -20.0f + 40.0f * k / points;
    float small = 1e-3f * (k - points / 2) / points;
    worst = std::max(worst, ulps(compiledExprel(x), exprel(x)));
    worst = std::max(worst, ulps(compiledExprel(small), exprel(small)));
  }
  EXPECT_LE(worst, 3.0);
}

TEST(CompiledMathTest, ExprelSwitchesFromTaylorToTheQuotientAtOneHalf) {
  EXPECT_EQ(compiledExprel(0.0f), 1.0f);
  EXPECT_EQ(compiledExprel(-0.49f), exprelTaylor(-0.49f));
  EXPECT_EQ(compiledExprel(0.5f), (compiledExp(0.5f) - 1.0f) / 0.5f);
  EXPECT_EQ(compiledExprel(-0.005), exprelTaylor(-0.005));
  EXPECT_EQ(compiledExprel(2.0), (std::exp(2.0) - 1.0) / 2.0);
}

TEST(CompiledMathTest, TanhSinAndCosAreWithinTheirAbsoluteErrorBounds) {
  double tanhError = 0, sinError = 0, cosError = 0;
  for (int k = 0; k <= points; ++k) {
    float x = -20.0f + 40.0f * k / points;
    tanhError =
        std::max(tanhError, std::fabs(compiledTanh(x) - std::tanh(double(x))));
    sinError =
        std::max(sinError, std::fabs(compiledSin(x) - std::sin(double(x))));
    cosError =
        std::max(cosError, std::fabs(compiledCos(x) - std::cos(double(x))));
  }
  EXPECT_LE(tanhError, 5e-7);
  EXPECT_LE(sinError, 2e-6);
  EXPECT_LE(cosError, 2e-6);
}

TEST(CompiledMathTest, SpecialValuesFollowIeee) {
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(compiledExp(0.0f), 1.0f);
  EXPECT_EQ(compiledExp(-100.0f), 0.0f);
  EXPECT_EQ(compiledExp(100.0f), inf);
  EXPECT_EQ(compiledLog(1.0f), 0.0f);
  EXPECT_EQ(compiledLog(0.0f), -inf);
  EXPECT_EQ(compiledLog(inf), inf);
  EXPECT_TRUE(std::isnan(compiledLog(-1.0f)));
  EXPECT_EQ(compiledExprel(-100.0f), 0.01f);
  EXPECT_EQ(compiledTanh(0.0f), 0.0f);
  EXPECT_EQ(compiledTanh(100.0f), 1.0f);
  EXPECT_TRUE(std::isnan(compiledExp(std::nanf(""))));
}

} // namespace
