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

using namespace snnc;
using namespace snnc::testing;

namespace {

/// A clock neuron that spikes at steps 4, 9, 14, ... (V reaches 5 mV
/// every five steps), onto a target whose V only moves by the jumps.
std::string clockOnto(const std::string &target, double durationMs,
                      const std::string &weight = "0.25 mV") {
  return R"(
neuron Clock {
  state V : mV = 0 mV
  integrator euler
  dV/dt = 10 mV / ms
  spike V >= 4.5 mV
  reset hard to 0 mV
}
)" + target + R"(
synapse Delta {
  on_pre V_post += w
}
population C = Clock(1)
population T = Target(3)
project C -> T {
  synapse Delta
  connect all_to_all
  weight )" + weight + R"(
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
  for (auto [duration, expected] :
       {std::pair<double, double>{0.5, 1.0}, {0.6, 1.25}, {5.0, 1.0 + 9 * 0.25}}) {
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

} // namespace
