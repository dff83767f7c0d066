//===- ConnectivityTest.cpp - Connectivity builders -----------------------===//
//
// Shape, range and determinism of every builder, the statistics that make
// each rule what it claims to be, and the errors for impossible requests.
// Sizes are those of the seed model (4000 neurons, 80 targets per source)
// or smaller, to keep the whole binary fast.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Connectivity.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

using namespace snnc::rt;

namespace {

void expectWellFormed(const Connectivity &c) {
  Status status = validate(c);
  EXPECT_TRUE(status.ok()) << status.message();
}

TEST(FixedPerPreTest, SeedModelShape) {
  RandomStream stream(1234, 0);
  Expected<Connectivity> result = fixedPerPre(3200, 4000, 80, stream);
  ASSERT_TRUE(result.ok()) << result.message();
  const Connectivity &c = *result;
  expectWellFormed(c);
  EXPECT_EQ(c.numPre, 3200);
  EXPECT_EQ(c.numPost, 4000);
  EXPECT_EQ(c.numSynapses(), 3200 * 80);
  ASSERT_EQ(c.rowStart.size(), 3201u);
  for (int32_t pre = 0; pre < c.numPre; ++pre)
    ASSERT_EQ(c.rowSize(pre), 80);
  // Mean in-degree is exactly 3200 * 80 / 4000 = 64; the spread is
  // binomial (sd about 8), so the extremes lie well apart.
  DegreeStats in = inDegreeStats(c);
  EXPECT_DOUBLE_EQ(in.mean, 64.0);
  EXPECT_LT(in.min, 64);
  EXPECT_GT(in.max, 64);
  DegreeStats out = outDegreeStats(c);
  EXPECT_EQ(out.min, 80);
  EXPECT_EQ(out.max, 80);
}

TEST(FixedPerPreTest, DeterministicAndSeedDependent) {
  Expected<Connectivity> a = fixedPerPre(200, 300, 10, RandomStream(5, 1));
  Expected<Connectivity> b = fixedPerPre(200, 300, 10, RandomStream(5, 1));
  Expected<Connectivity> otherSeed =
      fixedPerPre(200, 300, 10, RandomStream(6, 1));
  Expected<Connectivity> otherStream =
      fixedPerPre(200, 300, 10, RandomStream(5, 2));
  ASSERT_TRUE(a.ok() && b.ok() && otherSeed.ok() && otherStream.ok());
  EXPECT_EQ(a->targets, b->targets);
  EXPECT_NE(a->targets, otherSeed->targets);
  EXPECT_NE(a->targets, otherStream->targets);
}

TEST(FixedPerPreTest, RowDependsOnlyOnItsIndex) {
  // A row is the same whatever the number of other rows: the basis for
  // building rows in parallel or on a device.
  Expected<Connectivity> small = fixedPerPre(10, 500, 20, RandomStream(3, 4));
  Expected<Connectivity> large = fixedPerPre(1000, 500, 20, RandomStream(3, 4));
  ASSERT_TRUE(small.ok() && large.ok());
  EXPECT_TRUE(std::equal(small->targets.begin(), small->targets.end(),
                         large->targets.begin()));
}

TEST(FixedPerPreTest, WithReplacementAllowsRepeats) {
  // 50 draws from 10 targets must repeat.
  Expected<Connectivity> result = fixedPerPre(4, 10, 50, RandomStream(1, 1));
  ASSERT_TRUE(result.ok());
  expectWellFormed(*result);
  std::set<int32_t> distinct(result->rowBegin(0), result->rowEnd(0));
  EXPECT_LT(distinct.size(), 50u);
}

TEST(FixedPerPreTest, WithoutReplacementIsDistinctAndSorted) {
  Expected<Connectivity> result =
      fixedPerPre(300, 100, 60, RandomStream(9, 9), false);
  ASSERT_TRUE(result.ok()) << result.message();
  expectWellFormed(*result);
  std::vector<int64_t> hits(100, 0);
  for (int32_t pre = 0; pre < 300; ++pre) {
    std::vector<int32_t> row(result->rowBegin(pre), result->rowEnd(pre));
    ASSERT_EQ(row.size(), 60u);
    ASSERT_TRUE(std::is_sorted(row.begin(), row.end()));
    ASSERT_EQ(std::adjacent_find(row.begin(), row.end()), row.end());
    for (int32_t t : row)
      ++hits[t];
  }
  // Each target is chosen with probability 0.6 per row: 180 of 300 rows
  // expected, binomial sd sqrt(300 * 0.6 * 0.4) = 8.5; allow 5 sd.
  for (int64_t h : hits)
    EXPECT_NEAR(double(h), 180.0, 5 * 8.5);
  // count == numPost takes everything.
  Expected<Connectivity> full = fixedPerPre(3, 7, 7, RandomStream(1, 1), false);
  ASSERT_TRUE(full.ok());
  for (int32_t pre = 0; pre < 3; ++pre)
    for (int32_t j = 0; j < 7; ++j)
      EXPECT_EQ(full->rowBegin(pre)[j], j);
}

TEST(FixedPerPreTest, Errors) {
  RandomStream stream(1, 1);
  Expected<Connectivity> negative = fixedPerPre(10, 10, -1, stream);
  ASSERT_FALSE(negative.ok());
  EXPECT_NE(negative.message().find("count must not be negative"),
            std::string::npos)
      << negative.message();
  EXPECT_FALSE(fixedPerPre(-5, 10, 1, stream).ok());
  EXPECT_FALSE(fixedPerPre(10, -5, 1, stream).ok());
  EXPECT_FALSE(fixedPerPre(int64_t(1) << 31, 10, 1, stream).ok());
  Expected<Connectivity> tooMany = fixedPerPre(10, 5, 6, stream, false);
  ASSERT_FALSE(tooMany.ok());
  EXPECT_NE(tooMany.message().find("without replacement"), std::string::npos);
  EXPECT_FALSE(fixedPerPre(10, 0, 1, stream).ok());
  EXPECT_TRUE(fixedPerPre(10, 0, 0, stream).ok());

  // 100000 x 100000 synapses overflow the int32 index: refused before any
  // allocation.
  Expected<Connectivity> overflow = fixedPerPre(100000, 100, 100000, stream);
  ASSERT_FALSE(overflow.ok());
  EXPECT_NE(overflow.message().find("int32"), std::string::npos)
      << overflow.message();

  ConnectivityLimits small;
  small.maxBytes = 1 << 20;
  Expected<Connectivity> memory =
      fixedPerPre(4000, 4000, 80, stream, true, small);
  ASSERT_FALSE(memory.ok());
  EXPECT_NE(memory.message().find("memory limit"), std::string::npos)
      << memory.message();
}

TEST(FixedPerPostTest, EveryTargetGetsCountSources) {
  Expected<Connectivity> result =
      fixedPerPost(500, 300, 25, RandomStream(4, 2));
  ASSERT_TRUE(result.ok()) << result.message();
  expectWellFormed(*result);
  EXPECT_EQ(result->numSynapses(), 300 * 25);
  std::vector<int32_t> degrees = inDegrees(*result);
  for (int32_t d : degrees)
    ASSERT_EQ(d, 25);
  for (int32_t pre = 0; pre < result->numPre; ++pre)
    ASSERT_TRUE(std::is_sorted(result->rowBegin(pre), result->rowEnd(pre)));
  DegreeStats out = outDegreeStats(*result);
  EXPECT_DOUBLE_EQ(out.mean, 300.0 * 25 / 500);

  Expected<Connectivity> again = fixedPerPost(500, 300, 25, RandomStream(4, 2));
  Expected<Connectivity> other = fixedPerPost(500, 300, 25, RandomStream(4, 3));
  ASSERT_TRUE(again.ok() && other.ok());
  EXPECT_EQ(result->targets, again->targets);
  EXPECT_EQ(result->rowStart, again->rowStart);
  EXPECT_NE(result->rowStart, other->rowStart);

  EXPECT_FALSE(fixedPerPost(0, 10, 1, RandomStream(1, 1)).ok());
  EXPECT_FALSE(fixedPerPost(10, 10, -2, RandomStream(1, 1)).ok());
}

TEST(FixedTotalNumberTest, ExactlyTotalSynapsesSpreadUniformly) {
  const int64_t pre = 400, post = 300, total = 60000;
  Expected<Connectivity> result =
      fixedTotalNumber(pre, post, total, RandomStream(8, 5));
  ASSERT_TRUE(result.ok()) << result.message();
  expectWellFormed(*result);
  EXPECT_EQ(result->numSynapses(), total);
  // Each side's degree is binomial(total, 1/size): mean total/size, and
  // every degree within six standard deviations of it.
  DegreeStats out = outDegreeStats(*result), in = inDegreeStats(*result);
  EXPECT_DOUBLE_EQ(out.mean, double(total) / pre);
  EXPECT_DOUBLE_EQ(in.mean, double(total) / post);
  double sdOut = std::sqrt(total * (1.0 / pre) * (1 - 1.0 / pre));
  double sdIn = std::sqrt(total * (1.0 / post) * (1 - 1.0 / post));
  EXPECT_GT(out.min, double(total) / pre - 6 * sdOut);
  EXPECT_LT(out.max, double(total) / pre + 6 * sdOut);
  EXPECT_GT(in.min, double(total) / post - 6 * sdIn);
  EXPECT_LT(in.max, double(total) / post + 6 * sdIn);

  Expected<Connectivity> again =
      fixedTotalNumber(pre, post, total, RandomStream(8, 5));
  Expected<Connectivity> other =
      fixedTotalNumber(pre, post, total, RandomStream(8, 6));
  ASSERT_TRUE(again.ok() && other.ok());
  EXPECT_EQ(result->targets, again->targets);
  EXPECT_EQ(result->rowStart, again->rowStart);
  EXPECT_NE(result->targets, other->targets);

  Expected<Connectivity> none = fixedTotalNumber(10, 10, 0, RandomStream(1, 1));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->numSynapses(), 0);
  EXPECT_FALSE(fixedTotalNumber(0, 10, 1, RandomStream(1, 1)).ok());
  EXPECT_FALSE(fixedTotalNumber(10, 10, -1, RandomStream(1, 1)).ok());
}

TEST(FixedProbTest, CountWithinFiveSigma) {
  // 1000 x 1000 pairs at p = 0.02: expected 20000 synapses, binomial sd
  // sqrt(1e6 * 0.02 * 0.98) = 140.
  Expected<Connectivity> result =
      fixedProb(1000, 1000, 0.02, RandomStream(17, 0));
  ASSERT_TRUE(result.ok()) << result.message();
  expectWellFormed(*result);
  EXPECT_NEAR(double(result->numSynapses()), 20000.0, 5 * 140.0);
  for (int32_t pre = 0; pre < result->numPre; ++pre) {
    const int32_t *begin = result->rowBegin(pre), *end = result->rowEnd(pre);
    ASSERT_TRUE(std::adjacent_find(begin, end, std::greater_equal<int32_t>()) ==
                end)
        << "row " << pre << " not strictly ascending";
  }
  // Targets are spread evenly: the first and second halves of the targets
  // each expect 10000 synapses (sd 99).
  int64_t firstHalf =
      std::count_if(result->targets.begin(), result->targets.end(),
                    [](int32_t t) { return t < 500; });
  EXPECT_NEAR(double(firstHalf), 10000.0, 5 * 99.0);
}

TEST(FixedProbTest, HighProbabilityAndDeterminism) {
  // p = 0.9 over 200 x 200: expected 36000, sd sqrt(40000 * 0.09) = 60.
  Expected<Connectivity> a = fixedProb(200, 200, 0.9, RandomStream(2, 2));
  Expected<Connectivity> b = fixedProb(200, 200, 0.9, RandomStream(2, 2));
  Expected<Connectivity> c = fixedProb(200, 200, 0.9, RandomStream(3, 2));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_NEAR(double(a->numSynapses()), 36000.0, 5 * 60.0);
  EXPECT_EQ(a->targets, b->targets);
  EXPECT_EQ(a->rowStart, b->rowStart);
  EXPECT_NE(a->targets, c->targets);
}

TEST(FixedProbTest, ExtremesAndErrors) {
  RandomStream stream(1, 1);
  Expected<Connectivity> none = fixedProb(50, 60, 0.0, stream);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->numSynapses(), 0);
  expectWellFormed(*none);
  Expected<Connectivity> all = fixedProb(50, 60, 1.0, stream);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->numSynapses(), 3000);
  expectWellFormed(*all);

  for (double bad : {-0.1, 1.5, std::nan("")}) {
    Expected<Connectivity> result = fixedProb(10, 10, bad, stream);
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.message().find("probability"), std::string::npos);
  }
  // Expected size alone is over the int32 limit.
  EXPECT_FALSE(fixedProb(100000, 100000, 0.5, stream).ok());
  // The expected size (100) passes the up-front check, so whether the
  // build fails depends on the draws: it must fail exactly when more than
  // the limit were drawn. Over 40 seeds both outcomes occur.
  ConnectivityLimits limits;
  limits.maxSynapses = 100;
  int failures = 0, successes = 0;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    Expected<Connectivity> unlimited =
        fixedProb(100, 100, 0.01, RandomStream(seed, 0));
    Expected<Connectivity> limited =
        fixedProb(100, 100, 0.01, RandomStream(seed, 0), limits);
    ASSERT_TRUE(unlimited.ok());
    if (unlimited->numSynapses() > 100) {
      ASSERT_FALSE(limited.ok());
      EXPECT_NE(limited.message().find("limit"), std::string::npos);
      ++failures;
    } else {
      ASSERT_TRUE(limited.ok());
      EXPECT_EQ(limited->targets, unlimited->targets);
      ++successes;
    }
  }
  EXPECT_GT(failures, 0);
  EXPECT_GT(successes, 0);
}

TEST(AllToAllTest, EveryPair) {
  Expected<Connectivity> result = allToAll(3, 4);
  ASSERT_TRUE(result.ok());
  expectWellFormed(*result);
  EXPECT_EQ(result->targets,
            (std::vector<int32_t>{0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3}));
  EXPECT_EQ(result->rowStart, (std::vector<int32_t>{0, 4, 8, 12}));
  EXPECT_FALSE(allToAll(100000, 100000).ok());
}

TEST(OneToOneTest, IdentityAndSizeMismatch) {
  Expected<Connectivity> result = oneToOne(5, 5);
  ASSERT_TRUE(result.ok());
  expectWellFormed(*result);
  EXPECT_EQ(result->targets, (std::vector<int32_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(result->rowStart, (std::vector<int32_t>{0, 1, 2, 3, 4, 5}));
  Expected<Connectivity> mismatch = oneToOne(5, 6);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.message().find("same size"), std::string::npos);
  Expected<Connectivity> empty = oneToOne(0, 0);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->rowStart, (std::vector<int32_t>{0}));
}

TEST(ValidateTest, CatchesBrokenStructure) {
  Connectivity c = *oneToOne(3, 3);
  c.targets[1] = 3;
  EXPECT_FALSE(validate(c).ok());
  c = *oneToOne(3, 3);
  c.rowStart[2] = 0;
  EXPECT_FALSE(validate(c).ok());
  c = *oneToOne(3, 3);
  c.rowStart.pop_back();
  EXPECT_FALSE(validate(c).ok());
  c = *oneToOne(3, 3);
  c.targets.push_back(0);
  EXPECT_FALSE(validate(c).ok());
}

TEST(DegreeStatsTest, EmptyPopulations) {
  Connectivity c = *allToAll(0, 0);
  DegreeStats in = inDegreeStats(c);
  EXPECT_EQ(in.min, 0);
  EXPECT_EQ(in.max, 0);
  EXPECT_EQ(in.mean, 0.0);
}

} // namespace
