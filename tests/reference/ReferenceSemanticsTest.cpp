//===- ReferenceSemanticsTest.cpp - The reference alone, against the docs -===//
//
// The differential tests show that the two engines agree; these show that
// the reference computes what docs/language.md (section 10) says, on
// models small enough to work out by hand, in float32 arithmetic written
// out in the test.
//
//===----------------------------------------------------------------------===//
#include "snnc/reference/ReferenceSimulator.h"

#include "snnc/dsl/Frontend.h"

#include "llvm/Support/SourceMgr.h"

#include <gtest/gtest.h>

using namespace snnc;
using namespace snnc::reference;

namespace {

std::unique_ptr<ReferenceSimulator> load(const std::string &source,
                                         ReferenceOptions options = {}) {
  llvm::SourceMgr sources;
  std::string log;
  llvm::raw_string_ostream stream(log);
  DiagnosticEngine diags(sources, &stream);
  std::optional<model::Model> model =
      loadModelFromString(source, "test.snn", diags);
  if (!model) {
    ADD_FAILURE() << log;
    return nullptr;
  }
  std::unique_ptr<ReferenceSimulator> sim =
      ReferenceSimulator::create(*model, options, diags);
  if (!sim)
    ADD_FAILURE() << log;
  return sim;
}

/// One neuron fed by a synapse whose initial state is 1 mA, no spikes.
const char *decayingSynapse = R"(
neuron Sum {
  state V : mV = 0 mV
  input I : mA
  dV/dt = 1 ohm * I / (1 ms) using euler
}
neuron Silent {
  state V : mV = 0 mV
  dV/dt = 0 mV / ms using euler
  spike V >= 1 mV
}
synapse S {
  state g : mA = 1 mA
  dg/dt = -g / (1 ms) using euler
  on_pre g += w
}
output C {
  current g
}
population Source = Silent(1)
population Target = Sum(1)
project Source -> Target {
  synapse S
  output C
  connect all_to_all
  weight 1 mA
}
run 0.2 ms
)";

TEST(ReferenceSemanticsTest, SynapsesDecayBeforeTheNeuronsReadThem) {
  std::unique_ptr<ReferenceSimulator> sim = load(decayingSynapse);
  ASSERT_TRUE(sim);
  sim->run(1);
  // Step 0: g = 1 + 0.1 * (-1 / 1) = 0.9; V = 0 + 0.1 * 0.9.
  float g0 = 1.0f + 0.1f * (-1.0f * 1.0f);
  EXPECT_EQ(sim->state("Target", "V")[0], 0.1f * g0);
  sim->run(1);
  float g1 = g0 + 0.1f * (-g0 * 1.0f);
  EXPECT_EQ(sim->state("Target", "V")[0], 0.1f * g0 + 0.1f * g1);
}

TEST(ReferenceSemanticsTest, SpikesAreDeliveredOneStepLaterAndResetThen) {
  std::unique_ptr<ReferenceSimulator> sim = load(R"(
neuron Ramp {
  state V : mV = 0.95 mV
  input I : mA
  dV/dt = 1 mV / ms + 1 ohm * I / (1 ms) using euler
  spike V >= 1 mV
  reset hard to 0 mV
}
synapse Jump {
  state g : mA = 0 mA
  on_pre g += w
}
output C {
  current g
}
population A = Ramp(1)
population B = Ramp(1) {
  V = 0 mV
}
project A -> B {
  synapse Jump
  output C
  connect all_to_all
  weight 2 mA
}
run 0.3 ms {
  record A.spike
  record B.spike
}
)");
  ASSERT_TRUE(sim);
  sim->run(sim->totalSteps());
  // A: 0.95 + 0.1 = 1.05 >= 1 spikes at step 0, is reset at step 1.
  ASSERT_EQ(sim->spikes()[0].steps, std::vector<int32_t>{0});
  EXPECT_EQ(sim->state("A", "V")[0], 0.0f + 0.1f + 0.1f);
  // B feels A's spike at step 1: V = 0.1 + 0.1 * (1 + 2) >= 1? No: 0.4.
  EXPECT_TRUE(sim->spikes()[1].steps.empty());
  EXPECT_EQ(sim->state("B", "V")[0], 0.1f + 0.1f * 3.0f + 0.1f * 3.0f);
}

TEST(ReferenceSemanticsTest, RefractoryNeuronsHoldTheirPostResetValue) {
  // V climbs 0.2 mV per step and spikes every 5 steps when free; after a
  // spike at step s it is reset at s+1 and held at s+1 .. s+h. Counted in
  // steps, 0.25 ms is floor(2.5 + 0.001) = 2 steps, the m-th step after
  // the spike refractory for m < 2: h = 1, 6 steps apart. Counted by
  // time, t - t_s < 0.25 ms at m = 1 and 2: h = 2, 7 steps apart.
  for (auto [rule, interval] :
       {std::pair<const char *, int32_t>{"", 6}, {" counted by time", 7}}) {
    SCOPED_TRACE(rule);
    std::unique_ptr<ReferenceSimulator> sim = load(R"(
neuron Ref {
  state V : mV = 1 mV
  dV/dt = 2 mV / ms using euler
  spike V >= 1 mV
  reset soft to 0 mV
  refractory 0.25 ms)" + std::string(rule) + R"(
}
population P = Ref(1)
run 2 ms {
  record P.spike
}
)");
    ASSERT_TRUE(sim);
    sim->run(sim->totalSteps());
    const std::vector<int32_t> &steps = sim->spikes()[0].steps;
    ASSERT_GE(steps.size(), 2u);
    for (size_t k = 1; k < steps.size(); ++k)
      EXPECT_EQ(steps[k] - steps[k - 1], interval);
  }
}

TEST(ReferenceSemanticsTest, CurrentsReachOnlyTheirTargetSlice) {
  std::string withProjection = R"(
neuron LIF {
  state V : mV = 0 mV
  input I : mA
  dV/dt = (-V + 1 ohm * I) / (10 ms)
  spike V >= 1 mV
  reset hard to 0 mV
}
synapse S {
  state g : mA = 0 mA
  dg/dt = -g / (5 ms)
  on_pre g += w
}
output Offset {
  current g + 0.3 mA
}
population P = LIF(20) {
  V ~ uniform(0 mV, 1 mV)
}
project P[0:10] -> P[10:20] {
  synapse S
  output Offset
  connect all_to_all
  weight 0.1 mA
}
drive P.I = 1.2 mA
run 20 ms
)";
  std::string without = withProjection;
  without.replace(without.find("project"),
                  without.find("drive") - without.find("project"), "");
  std::unique_ptr<ReferenceSimulator> a = load(withProjection);
  std::unique_ptr<ReferenceSimulator> b = load(without);
  ASSERT_TRUE(a && b);
  a->run(a->totalSteps());
  b->run(b->totalSteps());
  std::vector<float> va = a->state("P", "V"), vb = b->state("P", "V");
  for (int j = 0; j < 10; ++j)
    EXPECT_EQ(va[j], vb[j]) << "neuron " << j << " is outside the slice";
  EXPECT_NE(va[15], vb[15]);
}

TEST(ReferenceSemanticsTest, ExactOnANonlinearEquationIsRefusedAtIt) {
  llvm::SourceMgr sources;
  std::string log;
  llvm::raw_string_ostream stream(log);
  DiagnosticEngine diags(sources, &stream);
  std::optional<model::Model> model = loadModelFromString(R"(
neuron N {
  state V : mV = 0 mV
  dV/dt = -V * V / (1 mV) / (10 ms) using exact
}
population P = N(1)
run 1 ms
)",
                                                          "test.snn", diags);
  ASSERT_TRUE(model) << log;
  EXPECT_FALSE(ReferenceSimulator::create(*model, {}, diags));
  EXPECT_NE(log.find("test.snn:4:"), std::string::npos) << log;
  EXPECT_NE(log.find("cannot integrate this equation exactly"),
            std::string::npos)
      << log;
}

} // namespace
