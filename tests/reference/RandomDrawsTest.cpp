//===- RandomDrawsTest.cpp - rand() and randn() during a run --------------===//
//
// Per-step draws are a pure function of (seed, population, neuron, step,
// call site): both engines draw the same numbers bit for bit, in float and
// in double, on any number of threads; the numbers have the distribution
// they claim; a `let` read twice is one draw; another seed draws others.
//
//===----------------------------------------------------------------------===//
#include "Differential.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

using namespace snnc;
using namespace snnc::testing;

namespace {

/// Poisson sources (spike with probability rate * dt per step), a
/// membrane with Gaussian input, and two samplers whose state after each
/// step is the step's draw: z = randn(), u = rand().
const char *drawingModel = R"(
neuron Source {
  param rate = 40 Hz
  spike rand() < rate * dt
}
neuron Noisy {
  param tau = 10 ms
  state V : mV = 0 mV
  state z = 0
  state u = 0
  state same = 0
  input I : mA
  integrator euler
  let noise = randn()
  dV/dt = (-V + 3 mV * noise + 1 ohm * I) / tau
  dz/dt = (randn() - z) / dt
  du/dt = (rand() - u) / dt
  dsame/dt = (noise - noise) / 1 ms
  spike V >= 1 mV
  reset hard to 0 mV
  on_spike V += 0.1 mV * rand()
}
synapse Expon {
  state g : mA = 0 mA
  dg/dt = -g / 5 ms
  on_pre g += w
}
output CUBA {
  current g
}
population S = Source(500)
population N = Noisy(4000)
project S -> N {
  synapse Expon
  output CUBA
  connect fixed_prob(0.05)
  weight 0.2 mA
}
run 50 ms dt 0.1 ms seed 11
)";

TEST(RandomDrawsTest, BothEnginesDrawTheSameNumbers) {
  for (bool inDouble : {false, true}) {
    SCOPED_TRACE(inDouble ? "double" : "float");
    Harness harness;
    RunOptions options;
    options.doublePrecision = inDouble;
    std::optional<BothRuns> runs = harness.run(drawingModel, options);
    ASSERT_TRUE(runs) << harness.log;
    EXPECT_GT(countSpikes(*runs->compiled), 0);
    EXPECT_EQ(compareExactly(*runs), "");
  }
}

TEST(RandomDrawsTest, ThreadsAndSeeds) {
  Harness one, two, other;
  RunOptions twoThreads;
  twoThreads.threads = 2;
  RunOptions anotherSeed;
  anotherSeed.seed = 12;
  std::optional<BothRuns> a = one.run(drawingModel, {});
  std::optional<BothRuns> b = two.run(drawingModel, twoThreads);
  std::optional<BothRuns> c = other.run(drawingModel, anotherSeed);
  ASSERT_TRUE(a && b && c) << one.log << two.log << other.log;
  for (const char *state : {"V", "z", "u"}) {
    EXPECT_EQ(a->compiled->stateValues("N", state),
              b->compiled->stateValues("N", state))
        << state;
    EXPECT_NE(a->compiled->stateValues("N", state),
              c->compiled->stateValues("N", state))
        << state;
  }
  EXPECT_EQ(a->compiled->spikes().at(0).steps,
            b->compiled->spikes().at(0).steps);
}

/// Mean and variance of `values`.
std::pair<double, double> moments(const std::vector<double> &values) {
  double mean =
      std::accumulate(values.begin(), values.end(), 0.0) / values.size();
  double sq = 0;
  for (double v : values)
    sq += (v - mean) * (v - mean);
  return {mean, sq / (values.size() - 1)};
}

TEST(RandomDrawsTest, DrawsHaveTheirDistributions) {
  Harness harness;
  std::optional<BothRuns> runs = harness.run(drawingModel, {});
  ASSERT_TRUE(runs) << harness.log;
  // z and u after the last step are that step's draws, one per neuron
  // (z + (r - z) is r up to an ulp).
  std::vector<double> z = runs->compiled->stateValues("N", "z");
  std::vector<double> u = runs->compiled->stateValues("N", "u");
  ASSERT_EQ(z.size(), 4000u);
  // Standard errors for n = 4000: the mean of N(0, 1) 0.016, its variance
  // 0.022; the mean of U(0, 1) 0.0046, its variance (1/12) 0.0013. Five of
  // them each side.
  auto [zMean, zVar] = moments(z);
  EXPECT_NEAR(zMean, 0.0, 0.08);
  EXPECT_NEAR(zVar, 1.0, 0.11);
  int beyondTwo = 0;
  for (double v : z)
    beyondTwo += std::fabs(v) > 2;
  // P(|Z| > 2) = 0.0455: 182 of 4000, sd 13.
  EXPECT_NEAR(beyondTwo, 182, 65);
  auto [uMean, uVar] = moments(u);
  EXPECT_NEAR(uMean, 0.5, 0.023);
  EXPECT_NEAR(uVar, 1.0 / 12, 0.0065);
  for (double v : u) {
    EXPECT_GE(v, 0.0);
    EXPECT_LT(v, 1.0);
  }
  // A subexpression read twice is one draw: noise - noise is 0.
  for (double v : runs->compiled->stateValues("N", "same"))
    ASSERT_EQ(v, 0.0);

  // 500 sources at 40 Hz for 50 ms (500 steps, p = 0.004): 1000 spikes
  // expected, Poisson sd 31.6 (binomial 31.56).
  const rt::SpikeTrain &sources = runs->compiled->spikes().at(0);
  ASSERT_EQ(sources.population, "S");
  EXPECT_NEAR(double(sources.steps.size()), 1000.0, 5 * 31.6);
}

} // namespace

namespace {

// White noise, an Ornstein-Uhlenbeck process written as Brian2 writes it:
// Euler-Maruyama gives v_{k+1} = (1 - a) v_k + b N(0, 1) with a = dt / tau
// and b = sigma sqrt(2 dt / tau), whose stationary variance is b^2 / (1 -
// (1 - a)^2) = sigma^2 (1 / (1 - a / 2)): 4.0201 mV^2 here (the SDE's own
// is sigma^2 = 4). After 10 tau every neuron is a sample of it.
TEST(RandomDrawsTest, WhiteNoiseGivesTheOrnsteinUhlenbeckVariance) {
  const char *model = R"(
neuron OU {
  param tau = 10 ms
  param sigma = 2 mV
  state v : mV = 0 mV
  dv/dt = -v / tau + sigma * sqrt(2 / tau) * xi
  spike v >= 100 mV
}
population P = OU(4000)
run 100 ms dt 0.1 ms seed 5
)";
  for (bool inDouble : {false, true}) {
    SCOPED_TRACE(inDouble ? "double" : "float");
    Harness harness;
    RunOptions options;
    options.doublePrecision = inDouble;
    std::optional<BothRuns> runs = harness.run(model, options);
    ASSERT_TRUE(runs) << harness.log;
    EXPECT_EQ(compareExactly(*runs), "");
    auto [mean, variance] = moments(runs->compiled->stateValues("P", "v"));
    // Standard errors for n = 4000: mean 0.032, variance 0.090; five each.
    EXPECT_NEAR(mean, 0.0, 0.16);
    EXPECT_NEAR(variance, 4.0201, 0.45);
  }
}

} // namespace

namespace {

// A Poisson input of 1000 sources at 20 Hz at dt 0.1 ms adds a count of
// mean 2 per step; a state that only counts them holds, after 100 steps,
// a Poisson number of mean and variance 200 (standard errors over 2000
// neurons: 0.32 for the mean, 6.3 for the variance). A slice receives
// nothing outside it.
TEST(RandomDrawsTest, PoissonInputCountsHaveTheirMeanAndVariance) {
  const char *model = R"(
neuron Counter {
  state x = 0
  state V : mV = 0 mV
  spike V >= 1 mV
}
population P = Counter(2100)
poisson_input P[0:2000].x += 1 from 1000 sources at 20 Hz
poisson_input P[0:2000].V += 0.001 mV from 10 sources at 1 kHz
run 10 ms dt 0.1 ms seed 8
)";
  for (bool inDouble : {false, true}) {
    SCOPED_TRACE(inDouble ? "double" : "float");
    Harness harness;
    RunOptions options;
    options.doublePrecision = inDouble;
    std::optional<BothRuns> runs = harness.run(model, options);
    ASSERT_TRUE(runs) << harness.log;
    EXPECT_EQ(compareExactly(*runs), "");
    std::vector<double> x = runs->compiled->stateValues("P", "x");
    ASSERT_EQ(x.size(), 2100u);
    for (size_t j = 2000; j < x.size(); ++j)
      ASSERT_EQ(x[j], 0.0);
    x.resize(2000);
    auto [mean, variance] = moments(x);
    EXPECT_NEAR(mean, 200.0, 1.6);
    EXPECT_NEAR(variance, 200.0, 32);
    for (double count : x)
      ASSERT_EQ(count, std::floor(count));
    // The second input (mean 1 per step) draws its own numbers.
    std::vector<double> v = runs->compiled->stateValues("P", "V");
    auto [vMean, vVariance] = moments({v.begin(), v.begin() + 2000});
    EXPECT_NEAR(vMean, 0.1, 0.0012); // 100 counts of 0.001 mV, sd 0.0002
    EXPECT_NE(v[0] / 0.001, x[0] / 2);
  }
}

} // namespace
