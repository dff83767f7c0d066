//===- ValuesTest.cpp - Initial values from states, values from values ----===//
//
// A state's initial value may read the states declared before it (u = b *
// v, after v is drawn), and a per-neuron value may read per-neuron
// parameters declared after it: both are drawn in the order their
// dependencies need, on both engines.
//
//===----------------------------------------------------------------------===//
#include "Differential.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace snnc;
using namespace snnc::testing;

namespace {

TEST(ValuesTest, AnInitialValueReadsTheStatesBeforeIt) {
  const char *model = R"(
neuron Izh {
  param b = 0.2
  state v : mV = -65 mV
  state u : mV = b * v
  dv/dt = 0 mV / ms
  du/dt = 0 mV / ms
  spike v >= 30 mV
}
population P = Izh(50) {
  v ~ uniform(-70 mV, -60 mV)
}
population Q = Izh(3) {
  b = 0.25
  u = 2 * v
}
run 0.1 ms seed 4
)";
  Harness harness;
  std::optional<model::Model> loaded = harness.load(model);
  ASSERT_TRUE(loaded) << harness.log;
  std::optional<BothRuns> runs = harness.run(*loaded, {});
  ASSERT_TRUE(runs) << harness.log;
  EXPECT_EQ(compareExactly(*runs), "");
  std::vector<double> v = runs->compiled->stateValues("P", "v");
  std::vector<double> u = runs->compiled->stateValues("P", "u");
  ASSERT_EQ(v.size(), 50u);
  for (size_t j = 0; j < v.size(); ++j) {
    EXPECT_NEAR(u[j], 0.2 * v[j], 1e-5) << j; // each neuron's own draw
    if (j > 0) {
      EXPECT_NE(v[j], v[0]);
    }
  }
  for (double value : runs->compiled->stateValues("Q", "u"))
    EXPECT_EQ(value, -130.0);
}

// Izhikevich (2003) spells c = -65 + 15 r^2 with r drawn per neuron; that
// works whichever of c and r the neuron declares first.
TEST(ValuesTest, PerNeuronValuesAreDrawnAfterTheValuesTheyRead) {
  auto model = [](bool rFirst) {
    std::string params = rFirst ? "  param r = 0\n  param c = -65 mV\n"
                                : "  param c = -65 mV\n  param r = 0\n";
    return "neuron A {\n" + params + R"(  state v : mV = 0 mV
  integrator euler
  dv/dt = 100 mV / 1 ms
  spike v >= 30 mV
  on_spike v = c
}
population P = A(20) {
  r ~ uniform(0, 1)
  c = -40 mV + 15 mV * r^2
}
run 20 ms seed 9
)";
  };
  Harness a, b;
  std::optional<BothRuns> cFirst = a.run(model(false), {});
  std::optional<BothRuns> rFirst = b.run(model(true), {});
  ASSERT_TRUE(cFirst && rFirst) << a.log << b.log;
  EXPECT_EQ(compareExactly(*cFirst), "");
  EXPECT_EQ(compareExactly(*rFirst), "");
  // (The draws themselves differ: r's stream is its parameter's number.)
  std::vector<double> v1 = cFirst->compiled->stateValues("P", "v");
  // Each neuron resets to its own c, so their potentials part (with one
  // c for all, as when c was drawn before r, they would all be equal).
  std::sort(v1.begin(), v1.end());
  EXPECT_GT(std::unique(v1.begin(), v1.end()) - v1.begin(), 10);
}

} // namespace
