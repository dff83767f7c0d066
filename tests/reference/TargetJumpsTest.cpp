//===- TargetJumpsTest.cpp - Synapses that change the target's state ------===//
//
// `on_pre V_post += w` (delta synapses): the target's V jumps by w in the
// step after the presynaptic spike, before that step's reset, on both
// engines bit for bit; projections that only jump need no output.
//
//===----------------------------------------------------------------------===//
#include "Differential.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>

using namespace snnc;
using namespace snnc::testing;

namespace {

/// A clock neuron that spikes at steps 4, 9, 14, ... (V reaches 5 mV
/// every five steps), onto a target whose V only moves by the jumps.
std::string clockOnto(const std::string &target, double durationMs,
                      const std::string &weight = "0.25 mV",
                      const std::string &delay = "") {
  return R"(
neuron Clock {
  state V : mV = 0 mV
  integrator euler
  dV/dt = 10 mV / ms
  spike V >= 4.5 mV
  reset hard to 0 mV
}
)" + target +
         R"(
synapse Delta {
  on_pre V_post += w
}
population C = Clock(1)
population T = Target(3)
project C -> T {
  synapse Delta
  connect all_to_all
  weight )" +
         weight + (delay.empty() ? "" : "\n  delay " + delay) + R"(
}
run )" + std::to_string(durationMs) +
         " ms dt 0.1 ms seed 1\n";
}

const char *still = R"(
neuron Target {
  state V : mV = 1 mV
  spike V >= 100 mV
}
)";

TEST(TargetJumpsTest, TheTargetJumpsByTheWeightOneStepAfterTheSpike) {
  // Steps 0..4: the spike of step 4 has not arrived; steps 0..5: it has.
  for (auto [duration, expected] : {std::pair<double, double>{0.5, 1.0},
                                    {0.6, 1.25},
                                    {5.0, 1.0 + 9 * 0.25}}) {
    SCOPED_TRACE(duration);
    Harness harness;
    std::optional<BothRuns> runs = harness.run(clockOnto(still, duration), {});
    ASSERT_TRUE(runs) << harness.log;
    EXPECT_EQ(compareExactly(*runs), "");
    for (double v : runs->compiled->stateValues("T", "V"))
      EXPECT_NEAR(v, expected, 1e-6);
  }
}

// A jump lands before the reset of the same step, as Brian2 applies
// on_pre before resetting: a target that spiked in the step before loses
// the jump to its hard reset. Here the target is a clock of its own, in
// step with the source: it spikes at steps 4, 9, 14, ... and is reset at
// 5, 10, 15, ..., exactly when the source's jumps land, so every jump is
// lost and it keeps its period. (Landing after the reset, 0.6 mV would
// bring each next spike a step earlier: 0.6 + 4 * 1 mV >= 4.5 mV.)
TEST(TargetJumpsTest, AJumpLandsBeforeTheReset) {
  const char *clock = R"(
neuron Target {
  state V : mV = 0 mV
  integrator euler
  dV/dt = 10 mV / ms
  spike V >= 4.5 mV
  reset hard to 0 mV
}
)";
  Harness harness;
  std::optional<BothRuns> runs =
      harness.run(clockOnto(clock, 5.0, "0.6 mV"), {});
  ASSERT_TRUE(runs) << harness.log;
  EXPECT_EQ(compareExactly(*runs), "");
  const rt::SpikeTrain &train = runs->compiled->spikes().at(1);
  ASSERT_EQ(train.population, "T");
  ASSERT_EQ(train.steps.size(), 3u * 10);
  for (size_t k = 0; k < train.steps.size(); ++k)
    EXPECT_EQ(train.steps[k], int32_t(4 + 5 * (k / 3))) << k;
}

// `delay 1.5 ms` at dt 0.1 ms is 15 steps: the spike of step 4 jumps the
// target at step 19 instead of 5 (the default, one step, is `delay 0.1
// ms`, and gives the same result as no delay).
TEST(TargetJumpsTest, ADelayedSpikeArrivesItsStepsLater) {
  for (auto [delay, duration, expected] :
       {std::tuple<const char *, double, double>{"1.5 ms", 1.9, 1.0},
        {"1.5 ms", 2.0, 1.25},
        {"1.5 ms", 5.0, 1.0 + 7 * 0.25}, // spikes 4 .. 34 arrive by 49
        {"0.1 ms", 0.6, 1.25},
        {"0.14 ms", 0.6, 1.25}}) { // rounded to one step
    SCOPED_TRACE(std::string(delay) + " " + std::to_string(duration));
    Harness harness;
    std::optional<BothRuns> runs =
        harness.run(clockOnto(still, duration, "0.25 mV", delay), {});
    ASSERT_TRUE(runs) << harness.log;
    EXPECT_EQ(compareExactly(*runs), "");
    for (double v : runs->compiled->stateValues("T", "V"))
      EXPECT_NEAR(v, expected, 1e-6);
  }
}

// Conductances through a delay: both engines agree bit for bit on a
// recurrent network whose projections have different delays, on one and
// two threads.
TEST(TargetJumpsTest, DelayedConductancesAreBitwiseEqualOnBothEngines) {
  const char *model = R"(
neuron LIF {
  param tau = 20 ms
  state V : mV = -60 mV
  input I : mA
  dV/dt = (-(V + 60 mV) + 1 ohm * I) / tau
  spike V >= -50 mV
  reset hard to -60 mV
  refractory 2 ms
}
synapse Expon {
  param tau : ms
  state g : mS = 0 mS
  dg/dt = -g / tau
  on_pre g += w
}
output COBA {
  param E : mV
  current g * (E - V)
}
population N = LIF(400) {
  V ~ uniform(-60 mV, -50 mV)
}
project N[0:320] -> N {
  synapse Expon(tau = 5 ms)
  output COBA(E = 0 mV)
  connect fixed_prob(0.05)
  weight 1 mS
  delay 2 ms
}
project N[320:400] -> N[100:400] {
  synapse Expon(tau = 10 ms)
  output COBA(E = -80 mV)
  connect fixed_prob(0.1)
  weight 5 mS
  delay 0.7 ms
}
drive N.I = 12 mA
run 200 ms seed 3
)";
  for (int threads : {1, 2}) {
    SCOPED_TRACE(threads);
    Harness harness;
    RunOptions options;
    options.threads = threads;
    std::optional<BothRuns> runs = harness.run(model, options);
    ASSERT_TRUE(runs) << harness.log;
    EXPECT_GT(countSpikes(*runs->compiled), 100);
    EXPECT_EQ(compareExactly(*runs), "");
  }
}

// A state a refractory period holds takes no jumps while it is held (as
// Brian2 and NEST's iaf_psc_delta do): the target rises 0.1 mV a step and
// spikes at step 0, is reset to 10 mV at step 1 and held for steps 1 ..
// 19 (2 ms); the source's jumps of steps 5, 10 and 15 are lost, the one
// of step 20 lands, and steps 20 .. 24 rise 0.5 mV: 10.75 mV.
TEST(TargetJumpsTest, AHeldStateTakesNoJumps) {
  const char *refractory = R"(
neuron Target {
  state V : mV = 19.95 mV
  dV/dt = 1 mV / ms
  spike V >= 20 mV
  reset hard to 10 mV
  refractory 2 ms
}
)";
  Harness harness;
  std::optional<BothRuns> runs = harness.run(clockOnto(refractory, 2.5), {});
  ASSERT_TRUE(runs) << harness.log;
  EXPECT_EQ(compareExactly(*runs), "");
  for (double v : runs->compiled->stateValues("T", "V"))
    EXPECT_NEAR(v, 10.75, 1e-5);
}

} // namespace
