//===- RefractorinessTest.cpp - Refractory periods and conditions ---------===//
//
// `refractory while COND` (a neuron is refractory in a step whose
// post-reset state meets COND, and cannot spike then) and `unless
// refractory` (which states are held), on both engines, against what the
// language reference says they compute.
//
//===----------------------------------------------------------------------===//
#include "Differential.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <tuple>

using namespace snnc;
using namespace snnc::testing;

namespace {

/// Hodgkin-Huxley (Traub-Miles, as in Brette et al. 2007's COBAHH), one
/// neuron per drive; SPIKE is replaced by the spike statements.
const char *hodgkinHuxley = R"(
neuron HH {
  param Cm = 0.2 nF
  param gl = 0.01 uS
  param El = -60 mV
  param EK = -90 mV
  param ENa = 50 mV
  param g_na = 20 uS
  param g_kd = 6 uS
  param VT = -63 mV
  state v : mV = -60 mV
  state m = 0
  state n = 0
  state h = 1
  input I : nA
  let alpha_m = 0.32 / ms * (13 mV - v + VT) / 1 mV / (exp((13 mV - v + VT) / 4 mV) - 1)
  let beta_m = 0.28 / ms * (v - VT - 40 mV) / 1 mV / (exp((v - VT - 40 mV) / 5 mV) - 1)
  let alpha_h = 0.128 / ms * exp((17 mV - v + VT) / 18 mV)
  let beta_h = 4 / ms / (1 + exp((40 mV - v + VT) / 5 mV))
  let alpha_n = 0.032 / ms * (15 mV - v + VT) / 1 mV / (exp((15 mV - v + VT) / 5 mV) - 1)
  let beta_n = 0.5 / ms * exp((10 mV - v + VT) / 40 mV)
  dv/dt = (gl * (El - v) - g_na * m^3 * h * (v - ENa) - g_kd * n^4 * (v - EK) + I) / Cm
  dm/dt = alpha_m * (1 - m) - beta_m * m
  dn/dt = alpha_n * (1 - n) - beta_n * n
  dh/dt = alpha_h * (1 - h) - beta_h * h
  SPIKE
}
population P = HH(3)
drive P[0:1].I = 0.3 nA
drive P[1:2].I = 0.6 nA
drive P[2:3].I = 1.2 nA
run 60 ms dt 0.01 ms seed 2
)";

std::string withSpike(const std::string &spike) {
  std::string text = hodgkinHuxley;
  text.replace(text.find("SPIKE"), 5, spike);
  return text;
}

// Brian2's COBAHH idiom, `threshold='v > -20*mV', refractory='v > -20*mV'`:
// refractory while above -20 mV, so a spike only where v crosses it
// upwards. Nothing is held and nothing is reset, so the membrane follows
// the same path as without the condition: the spikes must be exactly the
// first steps of the runs of steps with v > -20 mV.
TEST(RefractorinessTest, AConditionMakesSpikesUpwardCrossings) {
  Harness crossing, above;
  std::optional<BothRuns> once = crossing.run(
      withSpike("spike v > -20 mV\n  refractory while v > -20 mV"), {});
  std::optional<BothRuns> every = above.run(withSpike("spike v > -20 mV"), {});
  ASSERT_TRUE(once && every) << crossing.log << above.log;
  EXPECT_EQ(compareExactly(*once), "");
  EXPECT_EQ(compareExactly(*every), "");

  const rt::SpikeTrain &all = every->compiled->spikes().at(0);
  std::vector<std::pair<int32_t, int32_t>> firstSteps; // (neuron, step)
  std::map<int32_t, int32_t> lastStep;
  for (size_t k = 0; k < all.steps.size(); ++k) {
    auto [it, fresh] = lastStep.emplace(all.indices[k], all.steps[k]);
    if (fresh || all.steps[k] != it->second + 1)
      firstSteps.emplace_back(all.indices[k], all.steps[k]);
    it->second = all.steps[k];
  }
  const rt::SpikeTrain &crossings = once->compiled->spikes().at(0);
  std::vector<std::pair<int32_t, int32_t>> got;
  for (size_t k = 0; k < crossings.steps.size(); ++k)
    got.emplace_back(crossings.indices[k], crossings.steps[k]);
  std::sort(firstSteps.begin(), firstSteps.end(), [](auto a, auto b) {
    return std::tie(a.second, a.first) < std::tie(b.second, b.first);
  });
  EXPECT_EQ(got, firstSteps);
  // Every action potential lasts several steps above -20 mV at dt 0.01 ms;
  // the stronger drives fire more.
  EXPECT_GT(all.steps.size(), 3 * crossings.steps.size());
  std::map<int32_t, int> perNeuron;
  for (int32_t neuron : crossings.indices)
    ++perNeuron[neuron];
  EXPECT_GT(perNeuron[2], perNeuron[1]);
  EXPECT_GT(perNeuron[1], 0);
}

// `unless refractory` chooses what a duration holds: here a clock x that
// counts the time spent outside the refractory period, while V (not
// marked) is reset but not held. A neuron driven to fire right away spikes
// every 10 steps (V rises by 1 mV a step from 0 to 10 mV), each spike
// holding x for the steps of the period after it.
TEST(RefractorinessTest, UnlessRefractoryChoosesTheHeldStates) {
  const char *model = R"(
neuron Clocked {
  state V : mV = 0 mV
  state x : ms = 0 ms
  integrator euler
  dV/dt = 10 mV / ms
  dx/dt = 1 unless refractory
  spike V >= 9.5 mV
  reset hard to 0 mV
  refractory 0.25 ms
}
population P = Clocked(1)
run 10 ms dt 0.1 ms seed 1
)";
  Harness harness;
  std::optional<BothRuns> runs = harness.run(model, {});
  ASSERT_TRUE(runs) << harness.log;
  EXPECT_EQ(compareExactly(*runs), "");
  const rt::SpikeTrain &train = runs->compiled->spikes().at(0);
  ASSERT_FALSE(train.steps.empty());
  // V reaches 10 mV after 10 steps: spikes at steps 9, 19, 29, ...
  for (size_t k = 0; k < train.steps.size(); ++k)
    EXPECT_EQ(train.steps[k], int32_t(9 + 10 * k)) << k;
  // 0.25 ms is floor(2.5 + 0.001) = 2 steps: the m-th step after a spike
  // is refractory for m < 2, so one held step per spike (within the run's
  // 100 steps).
  std::vector<double> x = runs->compiled->stateValues("P", "x");
  ASSERT_EQ(x.size(), 1u);
  int heldSteps = 0;
  for (int32_t step : train.steps)
    heldSteps += step + 1 < 100;
  double held = 0.1 * heldSteps;
  EXPECT_NEAR(x[0], 10.0 - held, 1e-4);
}

} // namespace
