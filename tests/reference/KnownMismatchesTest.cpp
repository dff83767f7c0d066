//===- KnownMismatchesTest.cpp - Where the compiled engine is wrong today -===//
//
// Each test is a small model on which the compiled engine does not compute
// what docs/language.md says (and the reference does). They are disabled
// so that the suite stays green; each names the engine code at fault.
// When a fix lands, enable its test (drop DISABLED_): it must then pass.
// Run them with --gtest_also_run_disabled_tests.
//
//===----------------------------------------------------------------------===//
#include "Differential.h"

#include <gtest/gtest.h>

using namespace snnc;
using namespace snnc::testing;

namespace {

/// The shared model: P[0:10] drives P[10:20] through one synapse whose
/// initial value, equation and output current are the parameters.
std::string model(const std::string &initial, const std::string &rhs,
                  const std::string &current,
                  const std::string &spike = "V >= 1 mV") {
  return R"(
neuron LIF {
  state V : mV = 0 mV
  input I : mA
  dV/dt = (-V + 1 ohm * I) / (10 ms) using euler
  spike )" +
         spike + R"(
  reset hard to 0 mV
}
synapse S {
  state g : mA = )" +
         initial + R"(
  dg/dt = )" +
         rhs + R"( using euler
  on_pre g += w
}
output C {
  current )" +
         current + R"(
}
population P = LIF(20) {
  V ~ uniform(0 mV, 1 mV)
}
project P[0:10] -> P[10:20] {
  synapse S
  output C
  connect all_to_all
  weight 0.1 mA
}
drive P.I = 1.2 mA
run 20 ms
)";
}

std::string differences(const std::string &source) {
  Harness harness;
  std::optional<BothRuns> runs = harness.run(source, RunOptions{});
  if (!runs)
    return harness.log;
  return compareExactly(*runs);
}

// ProgramBuilder::emitSynapseDecay: the leaf function returns 0 for every
// leaf but State and Time, so `dt` reads as 0 in synapse equations.
TEST(KnownMismatchesTest, SynapseEquationsReadDtAsTheTimeStep) {
  EXPECT_EQ(differences(model("0 mA", "-g / (5 ms) * (dt / (0.1 ms))", "g")),
            "");
}

// The synapse state buffer starts at its initial value and is decayed at
// the end of each step, so step 0 reads the undecayed initial value; the
// documented order (decay, then add) decays it first.
TEST(KnownMismatchesTest, NonzeroInitialSynapseStateDecaysAtStepZero) {
  EXPECT_EQ(differences(model("0.5 mA", "-g / (5 ms)", "g")), "");
}

// The same shift: the decay that produces the value read at step k runs
// at the end of step k-1, with t = t_{k-1} instead of t_k.
TEST(KnownMismatchesTest, SynapseEquationsReadTheTimeOfTheStep) {
  EXPECT_EQ(differences(model("0 mA", "-g / (5 ms) * (t / (1 ms))", "g")), "");
}

// emitNeuronPass re-evaluates the spike condition at the start of step k
// (with t_k) to decide the reset, while the spikes delivered at step k
// were decided at the end of step k-1 (with t_{k-1}): a threshold that
// depends on t resets neurons that did not spike, and vice versa.
TEST(KnownMismatchesTest, ResetFollowsTheSpikeOfThePreviousStep) {
  EXPECT_EQ(differences(model("0 mA", "-g / (5 ms)", "g",
                              "V >= 1 mV + t * 0.05 mV / ms")),
            "");
}

// emitInitialSpikes: the leaf function returns 0 for dt, t and inputs, so
// the spikes of the initial state are decided with dt = 0.
TEST(KnownMismatchesTest, InitialSpikesReadDt) {
  EXPECT_EQ(differences(model("0 mA", "-g / (5 ms)", "g",
                              "V >= 1 mV - dt * 1 mV / ms")),
            "");
}

// emitNeuronPass reads a group's state as 0 outside its target slice but
// still adds its output current: a current that does not vanish at g = 0
// reaches neurons the projection does not target.
TEST(KnownMismatchesTest, CurrentsReachOnlyTheTargetSlice) {
  EXPECT_EQ(differences(model("0 mA", "-g / (5 ms)", "g + 0.3 mA")), "");
}

} // namespace
