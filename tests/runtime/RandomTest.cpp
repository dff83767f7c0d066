//===- RandomTest.cpp - Philox4x32-10 and its distributions ---------------===//
//
// Checks the bijection against Random123's published known-answer vectors
// (kat_vectors, philox4x32_10), the documented mapping of (seed, stream,
// draw) onto Philox's key and counter, and the statistics of each derived
// distribution. Statistical tolerances are five standard errors of the
// estimate for 1e5 draws: a correct generator lands outside with
// probability below 1e-6, and the draws are fixed by the seed anyway, so
// these tests cannot flake; a broken conversion (wrong shift, lost bits,
// swapped words) moves the estimates by far more.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

using namespace snnc::rt;

namespace {

constexpr int kDraws = 100000;

// std::array's == is not constexpr before C++20.
constexpr bool sameBlock(const PhiloxBlock &a, const PhiloxBlock &b) {
  return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}
// The bijection is constexpr, so a vector is also checked at compile time.
static_assert(sameBlock(philox4x32({0, 0, 0, 0}, {0, 0}),
                        {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));

TEST(PhiloxTest, KnownAnswerVectors) {
  EXPECT_EQ(philox4x32({0, 0, 0, 0}, {0, 0}),
            (PhiloxBlock{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(philox4x32({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
                       {0xffffffff, 0xffffffff}),
            (PhiloxBlock{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(philox4x32({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
                       {0xa4093822, 0x299f31d0}),
            (PhiloxBlock{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(PhiloxTest, StreamMapsSeedStreamAndDrawOntoKeyAndCounter) {
  // Same vectors through RandomStream: seed -> key (low word first),
  // draw -> counter words 0-1, stream id -> counter words 2-3.
  EXPECT_EQ(RandomStream(0, 0).block(0),
            (PhiloxBlock{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(RandomStream(~0ull, ~0ull).block(~0ull),
            (PhiloxBlock{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(RandomStream(0x299f31d0a4093822ull, 0x0370734413198a2eull)
                .block(0x85a308d3243f6a88ull),
            (PhiloxBlock{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
  EXPECT_EQ(RandomStream(0, 0).bits32(0), 0x6627e8d5u);
}

TEST(PhiloxTest, DrawsArePureAndStreamsDiffer) {
  RandomStream a(42, 7), again(42, 7), otherStream(42, 8), otherSeed(43, 7);
  EXPECT_EQ(a.block(123), again.block(123));
  EXPECT_EQ(a.normal(5), again.normal(5));
  EXPECT_NE(a.block(123), otherStream.block(123));
  EXPECT_NE(a.block(123), otherSeed.block(123));
  EXPECT_NE(a.block(123), a.block(124));
  EXPECT_EQ(RandomStream::rowDraw(3, 5), (3ull << 32) | 5ull);
}

TEST(UniformTest, ConversionsStayBelowOne) {
  EXPECT_EQ(uniformFloatFromBits(0), 0.0f);
  EXPECT_LT(uniformFloatFromBits(0xffffffffu), 1.0f);
  EXPECT_EQ(uniformFloatFromBits(0xffffffffu), 1.0f - 1.0f / 16777216.0f);
  EXPECT_EQ(uniformDoubleFromBits(0, 0), 0.0);
  EXPECT_LT(uniformDoubleFromBits(0xffffffffu, 0xffffffffu), 1.0);
  EXPECT_EQ(uniformDoubleFromBits(0xffffffffu, 0xffffffffu),
            1.0 - std::ldexp(1.0, -53));
  // Both words contribute: the lowest bit used of `low` is bit 6.
  EXPECT_EQ(uniformDoubleFromBits(0, 1u << 6), std::ldexp(1.0, -53));
  EXPECT_EQ(uniformDoubleFromBits(1u << 5, 0), std::ldexp(1.0, -27));
}

// Mean of U(0,1) has standard error sqrt(1/12 / 1e5) = 9.1e-4; the sample
// variance has standard error sqrt((1/80 - 1/144) / 1e5) = 2.4e-4.
TEST(UniformTest, FloatMomentsAndRange) {
  RandomStream stream(2024, 1);
  double sum = 0, sumSquares = 0;
  for (int i = 0; i < kDraws; ++i) {
    float u = stream.uniformFloat(i);
    ASSERT_GE(u, 0.0f);
    ASSERT_LT(u, 1.0f);
    sum += u;
    sumSquares += double(u) * u;
  }
  double mean = sum / kDraws;
  double variance = sumSquares / kDraws - mean * mean;
  EXPECT_NEAR(mean, 0.5, 5 * 9.2e-4);
  EXPECT_NEAR(variance, 1.0 / 12.0, 5 * 2.4e-4);
}

TEST(UniformTest, DoubleMomentsAndRange) {
  RandomStream stream(2024, 2);
  double sum = 0, sumSquares = 0;
  for (int i = 0; i < kDraws; ++i) {
    double u = stream.uniformDouble(i);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sumSquares += u * u;
  }
  double mean = sum / kDraws;
  double variance = sumSquares / kDraws - mean * mean;
  EXPECT_NEAR(mean, 0.5, 5 * 9.2e-4);
  EXPECT_NEAR(variance, 1.0 / 12.0, 5 * 2.4e-4);
}

// Standard normal: the mean has standard error 1/sqrt(1e5) = 3.2e-3, the
// variance sqrt(2 / 1e5) = 4.5e-3. The fourth moment (3) is checked too,
// with standard error sqrt((105 - 9) / 1e5) = 3.1e-2, because a wrong
// Box–Muller radius can keep the variance and still change the shape.
TEST(NormalTest, MomentsOfBothOutputs) {
  RandomStream stream(99, 3);
  double sum = 0, sumSquares = 0, sumFourth = 0;
  for (int i = 0; i < kDraws; ++i) {
    double z = stream.normal(i);
    ASSERT_TRUE(std::isfinite(z));
    sum += z;
    sumSquares += z * z;
    sumFourth += z * z * z * z;
  }
  double mean = sum / kDraws;
  EXPECT_NEAR(mean, 0.0, 5 * 3.2e-3);
  EXPECT_NEAR(sumSquares / kDraws - mean * mean, 1.0, 5 * 4.5e-3);
  EXPECT_NEAR(sumFourth / kDraws, 3.0, 5 * 3.1e-2);
}

TEST(NormalTest, IndexSelectsOutputOfPair) {
  RandomStream stream(5, 6);
  for (uint64_t pair = 0; pair < 100; ++pair) {
    std::pair<double, double> both = stream.normalPair(pair);
    EXPECT_EQ(stream.normal(2 * pair), both.first);
    EXPECT_EQ(stream.normal(2 * pair + 1), both.second);
  }
  // The two outputs of a pair are not the same number.
  EXPECT_NE(stream.normalPair(0).first, stream.normalPair(0).second);
}

TEST(UniformIntTest, MatchesWideMultiplyWhenAccepted) {
  // The 32-bit-piece arithmetic must equal (x * n) >> 64 computed with a
  // 128-bit product whenever the first attempt is accepted.
  RandomStream stream(11, 12);
  for (uint32_t n :
       {1u, 2u, 3u, 7u, 80u, 4000u, 1000003u, 0x7fffffffu, 0xffffffffu}) {
    for (uint64_t draw = 0; draw < 1000; ++draw) {
      PhiloxBlock words = stream.block(draw);
      uint64_t x = (uint64_t(words[0]) << 32) | words[1];
      unsigned __int128 product = (unsigned __int128)x * n;
      uint64_t fraction = uint64_t(product);
      uint64_t threshold = (0 - uint64_t(n)) % n;
      if (fraction < threshold)
        continue; // rejected: the second attempt is used instead
      EXPECT_EQ(stream.uniformInt(draw, n), uint32_t(product >> 64))
          << "n=" << n << " draw=" << draw;
    }
  }
}

TEST(UniformIntTest, RangeAndEdgeCases) {
  RandomStream stream(1, 2);
  EXPECT_EQ(stream.uniformInt(0, 0), 0u);
  for (uint64_t draw = 0; draw < 1000; ++draw) {
    EXPECT_EQ(stream.uniformInt(draw, 1), 0u);
    EXPECT_LT(stream.uniformInt(draw, 0x7fffffffu), 0x7fffffffu);
    EXPECT_LT(stream.uniformInt(draw, 3), 3u);
  }
}

// 10 equiprobable bins over 1e5 draws: Pearson's statistic follows
// chi-square with 9 degrees of freedom, which exceeds 37.3 with
// probability 1e-5.
TEST(UniformIntTest, ChiSquareOverTenBins) {
  RandomStream stream(77, 0);
  int counts[10] = {};
  for (int i = 0; i < kDraws; ++i)
    ++counts[stream.uniformInt(i, 10)];
  double expected = kDraws / 10.0, chiSquare = 0;
  for (int count : counts)
    chiSquare += (count - expected) * (count - expected) / expected;
  EXPECT_LT(chiSquare, 37.3);
}

TEST(UniformIntTest, SmallRangeHitsEveryValue) {
  RandomStream stream(8, 9);
  std::set<uint32_t> seen;
  for (int i = 0; i < 2000; ++i)
    seen.insert(stream.uniformInt(i, 80));
  EXPECT_EQ(seen.size(), 80u);
}

} // namespace
