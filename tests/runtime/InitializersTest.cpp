//===- InitializersTest.cpp - Buffer initialisers -------------------------===//
//
// Moments of the filled values (tolerances: five standard errors for the
// sample size, see each test), exact reproducibility of slices, agreement
// between float and double buffers, and argument errors.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Initializers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

using namespace snnc::rt;

namespace {

constexpr int64_t kCount = 100000;

template <typename T>
void moments(const std::vector<T> &values, double &mean, double &variance) {
  double sum = 0, sumSquares = 0;
  for (T v : values) {
    sum += v;
    sumSquares += double(v) * v;
  }
  mean = sum / double(values.size());
  variance = sumSquares / double(values.size()) - mean * mean;
}

TEST(InitializersTest, Constant) {
  std::vector<float> values(10, 1.0f);
  ASSERT_TRUE(fillConstant(values.data(), 10, -60.0).ok());
  for (float v : values)
    EXPECT_EQ(v, -60.0f);
  std::vector<double> doubles(3);
  ASSERT_TRUE(
      fill(InitSpec::constant(0.25), doubles.data(), 3, RandomStream(0, 0))
          .ok());
  EXPECT_EQ(doubles, (std::vector<double>{0.25, 0.25, 0.25}));
}

// The seed model's V ~ Normal(-55, 2) mV over 1e5 values: the mean has
// standard error 2 / sqrt(1e5) = 6.3e-3 mV, the variance (4 mV^2)
// 4 * sqrt(2 / 1e5) = 1.8e-2 mV^2.
TEST(InitializersTest, NormalMoments) {
  std::vector<float> values(kCount);
  ASSERT_TRUE(
      fillNormal(values.data(), kCount, -55.0, 2.0, RandomStream(2024, 1))
          .ok());
  double mean, variance;
  moments(values, mean, variance);
  EXPECT_NEAR(mean, -55.0, 5 * 6.3e-3);
  EXPECT_NEAR(variance, 4.0, 5 * 1.8e-2);
}

// U(-1, 3) over 1e5 values: mean 1 with standard error
// sqrt(16/12 / 1e5) = 3.7e-3; variance 16/12 with standard error
// sqrt((4^4/80 - (16/12)^2) / 1e5) = 3.8e-3.
TEST(InitializersTest, UniformMomentsAndBounds) {
  std::vector<double> values(kCount);
  ASSERT_TRUE(
      fillUniform(values.data(), kCount, -1.0, 3.0, RandomStream(2024, 2))
          .ok());
  for (double v : values) {
    ASSERT_GE(v, -1.0);
    ASSERT_LT(v, 3.0);
  }
  double mean, variance;
  moments(values, mean, variance);
  EXPECT_NEAR(mean, 1.0, 5 * 3.7e-3);
  EXPECT_NEAR(variance, 16.0 / 12.0, 5 * 3.8e-3);
}

TEST(InitializersTest, FloatUniformNeverReachesHigh) {
  // A float range so narrow that many doubles in it round to `high`.
  std::vector<float> values(10000);
  float high = 1.0f + 4 * std::numeric_limits<float>::epsilon();
  ASSERT_TRUE(
      fillUniform(values.data(), 10000, 1.0, high, RandomStream(3, 3)).ok());
  for (float v : values) {
    ASSERT_GE(v, 1.0f);
    ASSERT_LT(v, high);
  }
}

TEST(InitializersTest, SlicesReproduceTheWhole) {
  RandomStream stream(7, 11);
  std::vector<float> whole(101);
  ASSERT_TRUE(fillNormal(whole.data(), 101, 0.0, 1.0, stream).ok());
  // Slices with odd and even starts and lengths, which split Box–Muller
  // pairs in every way.
  for (int64_t start : {0, 1, 2, 33, 50, 99, 100}) {
    for (int64_t length : {0, 1, 2, 3}) {
      if (start + length > 101)
        continue;
      std::vector<float> slice(size_t(length) + 1, 12345.0f);
      ASSERT_TRUE(
          fillNormal(slice.data(), length, 0.0, 1.0, stream, start).ok());
      for (int64_t k = 0; k < length; ++k)
        EXPECT_EQ(slice[k], whole[start + k]) << start << "+" << k;
      EXPECT_EQ(slice[length], 12345.0f) << "wrote past the slice";
    }
  }
  std::vector<double> uniformWhole(50), uniformSlice(20);
  ASSERT_TRUE(fillUniform(uniformWhole.data(), 50, 0, 1, stream).ok());
  ASSERT_TRUE(fillUniform(uniformSlice.data(), 20, 0, 1, stream, 17).ok());
  for (int k = 0; k < 20; ++k)
    EXPECT_EQ(uniformSlice[k], uniformWhole[17 + k]);
}

TEST(InitializersTest, DeterministicAndFloatMatchesDouble) {
  std::vector<float> a(1000), b(1000), c(1000);
  std::vector<double> wide(1000);
  ASSERT_TRUE(fillNormal(a.data(), 1000, -55, 2, RandomStream(1, 5)).ok());
  ASSERT_TRUE(fillNormal(b.data(), 1000, -55, 2, RandomStream(1, 5)).ok());
  ASSERT_TRUE(fillNormal(c.data(), 1000, -55, 2, RandomStream(2, 5)).ok());
  ASSERT_TRUE(fillNormal(wide.data(), 1000, -55, 2, RandomStream(1, 5)).ok());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(a[i], float(wide[i]));
    EXPECT_EQ(wide[i], -55.0 + 2.0 * RandomStream(1, 5).normal(i));
  }
}

TEST(InitializersTest, Errors) {
  RandomStream stream(0, 0);
  std::vector<float> buffer(4);
  EXPECT_FALSE(fillNormal(buffer.data(), 4, 0, -1, stream).ok());
  EXPECT_FALSE(fillNormal(buffer.data(), 4, std::nan(""), 1, stream).ok());
  EXPECT_FALSE(fillNormal(buffer.data(), 4, 0, 1e300, stream).ok());
  EXPECT_FALSE(fillUniform(buffer.data(), 4, 2, 1, stream).ok());
  EXPECT_FALSE(fillUniform(buffer.data(), 4, 0, INFINITY, stream).ok());
  EXPECT_FALSE(fillConstant(buffer.data(), -1, 0).ok());
  EXPECT_FALSE(fillConstant(buffer.data(), 4, 1e39).ok()); // beyond float
  Status nullBuffer = fillConstant(static_cast<float *>(nullptr), 4, 0);
  ASSERT_FALSE(nullBuffer.ok());
  EXPECT_NE(nullBuffer.message().find("null"), std::string::npos);
  std::vector<double> wide(2);
  EXPECT_FALSE(fillUniform(wide.data(), 2, -1.7e308, 1.7e308, stream).ok());
  // Degenerate but valid.
  ASSERT_TRUE(fillUniform(buffer.data(), 4, 5, 5, stream).ok());
  for (float v : buffer)
    EXPECT_EQ(v, 5.0f);
  ASSERT_TRUE(fillNormal(buffer.data(), 4, 3, 0, stream).ok());
  for (float v : buffer)
    EXPECT_EQ(v, 3.0f);
  EXPECT_TRUE(fillNormal(static_cast<float *>(nullptr), 0, 0, 1, stream).ok());
}

} // namespace
