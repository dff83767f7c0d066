//===- HandWrittenModelsTest.cpp - Small models, one feature each ---------===//
//
// Each model exercises one part of the step semantics (reset kinds,
// refractoriness, slices, per-neuron parameters, merged synapse groups,
// several inputs, the connectivity rules...). With the compiled engine's
// math (MathLibrary::Compiled) the reference must agree exactly: the same
// spikes and bitwise equal states. Models without transcendental functions
// and with euler only agree exactly under either math library, which the
// first tests pin separately.
//
//===----------------------------------------------------------------------===//
#include "Differential.h"

#include "snnc/dsl/Frontend.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstring>

using namespace snnc;
using namespace snnc::testing;

namespace {

/// Runs `source` on both engines and returns compareExactly's verdict
/// (empty: identical). Fails the test if the model does not run or does
/// not spike at all (a model that never spikes pins little).
std::string runExactly(llvm::StringRef source, RunOptions options = {}) {
  Harness harness;
  std::optional<BothRuns> runs = harness.run(source, options);
  if (!runs)
    return "the model did not run:\n" + harness.log;
  if (countSpikes(*runs->compiled) == 0)
    return "the model never spiked";
  return compareExactly(*runs);
}

const char *cubaEuler = R"(
neuron LIF {
  param tau = 10 ms
  param V_th = 1 mV
  state V : mV = 0 mV
  input I : mA
  integrator euler
  dV/dt = (-V + 1 ohm * I) / tau
  spike V >= V_th
  reset hard to 0 mV
}
synapse Current {
  param tau : ms
  state g : mA = 0 mA
  integrator euler
  dg/dt = -g / tau
  on_pre g += w
}
output CUBA {
  current g
}
population P = LIF(150) {
  V ~ uniform(0 mV, 1 mV)
}
project P[0:120] -> P {
  synapse Current(tau = 5 ms)
  output CUBA
  connect fixed_prob(0.1)
  weight 0.05 mA
}
project P[120:150] -> P {
  synapse Current(tau = 10 ms)
  output CUBA
  connect fixed_per_pre(20)
  weight -0.2 mA
}
drive P.I = 1.1 mA
run 40 ms seed 3
)";

TEST(HandWrittenModelsTest, CubaWithEulerIsBitwiseEqualUnderEitherMath) {
  EXPECT_EQ(runExactly(cubaEuler), "");
  RunOptions accurate;
  accurate.math = reference::MathLibrary::Accurate;
  EXPECT_EQ(runExactly(cubaEuler, accurate), "");
}

TEST(HandWrittenModelsTest, SoftResetRefractoryAndSlicedDrivesAreBitwiseEqual) {
  EXPECT_EQ(runExactly(R"(
neuron LIFRef {
  param V_rest = -60 mV
  param V_th = -50 mV
  param tau = 20 ms
  param tau_ref = 2 ms
  state V : mV = V_rest
  input I : mA
  integrator euler
  dV/dt = (-(V - V_rest) + 1 ohm * I) / tau
  spike V >= V_th
  reset soft to V_rest
  refractory tau_ref
}
population N = LIFRef(100) {
  V ~ normal(-55 mV, 3 mV)
}
drive N.I = 9 mA
drive N[0:50].I = 3 mA
drive N[25:75].I = 0.5 mA
run 50 ms
)"),
            "");
}

TEST(HandWrittenModelsTest, PerNeuronParametersFromUniformAreBitwiseEqual) {
  EXPECT_EQ(runExactly(R"(
neuron LIF {
  param V_rest = -65 mV
  param V_th = -50 mV
  param V_reset = -70 mV
  param tau = 10 ms
  param tau_ref = 1 ms
  state V : mV = V_rest
  input I : mA
  dV/dt = (-(V - V_rest) + 1 ohm * I) / tau using euler
  spike V >= V_th
  reset hard to V_reset
  refractory tau_ref
}
population N = LIF(120) {
  tau ~ uniform(5 ms, 25 ms)
  V_th ~ uniform(-52 mV, -48 mV)
  tau_ref = 0.5 ms + i * 0.02 ms
  V = -65 mV + i * 0.1 mV
}
drive N.I = 20 mA
run 30 ms seed 11
)"),
            "");
}

TEST(HandWrittenModelsTest, SlicedProjectionsOntoSlicedTargetsAreBitwiseEqual) {
  EXPECT_EQ(runExactly(R"(
neuron LIF {
  param tau = 10 ms
  state V : mV = 0 mV
  input I : mA
  dV/dt = (-V + 1 ohm * I) / tau using euler
  spike V >= 1 mV
  reset hard to 0 mV
}
synapse Jump {
  state g : mA = 0 mA
  dg/dt = -g / (2 ms) using euler
  on_pre g += w
}
output Direct {
  current g
}
population A = LIF(60) {
  V ~ uniform(0 mV, 1 mV)
}
population B = LIF(80)
project A[10:40] -> B[20:70] {
  synapse Jump
  output Direct
  connect fixed_prob(0.3)
  weight 0.4 mA
}
project A[0:60] -> B[0:30] {
  synapse Jump
  output Direct
  connect all_to_all
  weight 0.01 mA
}
project B[50:80] -> A[30:60] {
  synapse Jump
  output Direct
  connect one_to_one
  weight -0.5 mA
}
drive A.I = 1.2 mA
drive B[0:40].I = 0.5 mA
run 40 ms seed 5
)"),
            "");
}

TEST(HandWrittenModelsTest, MergedAndSeparateSynapseGroupsAreBitwiseEqual) {
  // The first two projections share one synapse state (same synapse and
  // output parameters onto the same target); the third has its own.
  EXPECT_EQ(runExactly(R"(
neuron LIF {
  param tau = 10 ms
  state V : mV = -60 mV
  input I : mA
  dV/dt = (-(V + 60 mV) + 1 ohm * I) / tau
  spike V >= -50 mV
  reset soft to -60 mV
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
population E = LIF(80) {
  V ~ uniform(-60 mV, -50 mV)
}
population I = LIF(20) {
  V ~ uniform(-60 mV, -50 mV)
}
project E -> E {
  synapse Expon(tau = 5 ms)
  output COBA(E = 0 mV)
  connect fixed_prob(0.1)
  weight 0.3 mS
}
project I -> E {
  synapse Expon(tau = 5 ms)
  output COBA(E = 0 mV)
  connect fixed_prob(0.2)
  weight 0.2 mS
}
project I -> E {
  synapse Expon(tau = 10 ms)
  output COBA(E = -80 mV)
  connect fixed_per_post(4)
  weight ~ normal(2 mS, 0.5 mS)
}
project E -> I {
  synapse Expon(tau = 5 ms)
  output COBA(E = 0 mV)
  connect fixed_per_pre(5)
  weight ~ uniform(0.1 mS, 0.5 mS)
}
drive E.I = 15 mA
drive I.I = 12 mA
run 50 ms seed 9
)"),
            "");
}

TEST(HandWrittenModelsTest, TwoStateSynapseAndTwoInputsAreBitwiseEqual) {
  // An alpha-like synapse (h drives g), on_pre with = and *=, and a neuron
  // with two inputs fed by different outputs.
  EXPECT_EQ(runExactly(R"(
neuron Two {
  param tau = 8 ms
  param tau_u = 30 ms
  state V : mV = 0 mV
  state u : mV = 0 mV
  input I : mA
  input J : mA
  dV/dt = (-V - u + 1 ohm * (I + J)) / tau
  du/dt = (0.3 * V - u) / tau_u using euler
  spike V >= 2 mV
  reset hard to 0 mV
}
synapse Alpha {
  state g : mA = 0 mA
  state h : mA = 0 mA
  dg/dt = (h - g) / (3 ms)
  dh/dt = -h / (3 ms)
  on_pre h += w
  on_pre g *= 0.9
}
synapse Latch {
  state s : mA = 0 mA
  ds/dt = -s / (1 ms) using euler
  on_pre s = w
}
output Plain {
  current g
}
output Held {
  current s
}
population P = Two(100) {
  V ~ uniform(0 mV, 2 mV)
}
project P -> P {
  synapse Alpha
  output Plain to I
  connect fixed_prob(0.05)
  weight 0.8 mA
}
project P[0:50] -> P[50:100] {
  synapse Latch
  output Held to J
  connect fixed_per_pre(3)
  weight 0.6 mA
}
drive P.I = 2.6 mA
run 50 ms seed 2
)"),
            "");
}

TEST(HandWrittenModelsTest, TranscendentalFunctionsMatchTheCompiledMath) {
  // exp (an AdEx-like spike current), tanh, sin, cos, log, sqrt, abs, min,
  // max, clip and powers: bitwise with MathLibrary::Compiled.
  EXPECT_EQ(runExactly(R"(
neuron Zoo {
  param V_T = -50 mV
  param delta = 2 mV
  param tau = 10 ms
  state V : mV = -65 mV
  state a : 1 = 0.3
  state b : mV = 1 mV
  input I : mA
  dV/dt = (-(V + 65 mV) + delta * exp((V - V_T) / delta) + 1 ohm * I) / tau
  da/dt = (tanh(a) - sin(3 * a) + cos(a) * 0.1 - log(1 + a * a)) / (20 ms)
  db/dt = ((sqrt(b * b + 1 mV * mV) - abs(b) + min(b, 2 mV) - max(b, 1 mV)
           + clip(V, -70 mV, -40 mV) + 65 mV) / (15 ms)
           + (a ^ 3 + abs(a) ^ 0.5) * (0.1 mV / ms)) using euler
  spike V >= 0 mV
  reset hard to -65 mV
}
population P = Zoo(50) {
  V ~ uniform(-65 mV, -55 mV)
  a ~ uniform(-1, 1)
}
drive P.I = 18 mA
run 40 ms seed 4
)"),
            "");
}

TEST(HandWrittenModelsTest,
     SeveralPopulationsWithDifferentNeuronsAreBitwiseEqual) {
  EXPECT_EQ(runExactly(R"(
neuron Fast {
  state V : mV = 0 mV
  input I : mA
  dV/dt = (-V + 1 ohm * I) / (5 ms)
  spike V >= 1 mV
  reset soft to 0 mV
  refractory 1 ms
}
neuron Slow {
  param tau = 30 ms
  state V : mV = 0 mV
  state a : mV = 0 mV
  input I : mA
  dV/dt = (-V - a + 1 ohm * I) / tau using euler
  da/dt = (0.5 * V - a) / (100 ms) using euler
  spike V > 1.5 mV
  reset hard to 0 mV
}
synapse Expon {
  param tau : ms
  state g : mA = 0 mA
  dg/dt = -g / tau
  on_pre g += w
}
output Direct {
  current g
}
population Input = Fast(40) {
  V ~ uniform(0 mV, 1 mV)
}
population Hidden = Slow(100)
population Out = Fast(20)
project Input -> Hidden {
  synapse Expon(tau = 4 ms)
  output Direct
  connect fixed_prob(0.25)
  weight 0.3 mA
}
project Hidden -> Out {
  synapse Expon(tau = 6 ms)
  output Direct
  connect fixed_per_post(10)
  weight 0.2 mA
}
project Out -> Hidden[0:50] {
  synapse Expon(tau = 6 ms)
  output Direct
  connect all_to_all
  weight -0.05 mA
}
drive Input.I = 1.3 mA
drive Hidden.I = 1.2 mA
run 50 ms seed 8
)"),
            "");
}

TEST(HandWrittenModelsTest, RungeKuttaSystemsWithTimeAreBitwiseEqual) {
  // v and u form one rk4 system (its stages move both, and t); z is an rk2
  // system of its own that reads v at the start of the step.
  EXPECT_EQ(runExactly(R"(
neuron Izhikevich {
  param a = 0.02
  state v : mV = -65 mV
  state u : mV = -13 mV
  state z : mV = 0 mV
  input I : mA
  dv/dt = (0.04 * v * v / mV + 5 * v + 140 mV - u + 1 ohm * I
           + 2 mV * sin(t / (3 ms))) / ms using rk4
  du/dt = a * (0.2 * v - u) / ms using rk4
  dz/dt = (v - z) / (5 ms) using rk2
  spike v >= 30 mV
  reset hard to -65 mV
}
population P = Izhikevich(20) {
  v ~ uniform(-70 mV, -60 mV)
}
drive P.I = 10 mA
run 30 ms
)"),
            "");
}

// The CUBA network integrated exactly: V and g are linear with constant
// coefficients, so both engines step them by the same compile-time
// propagators (ExactIntegration.h).
TEST(HandWrittenModelsTest, ExactIntegrationIsBitwiseEqual) {
  std::string source = cubaEuler;
  std::string euler = "  integrator euler\n";
  for (size_t at = source.find(euler); at != std::string::npos;
       at = source.find(euler, at))
    source.replace(at, euler.size(), "  integrator exact\n");
  ASSERT_EQ(source.find("integrator euler"), std::string::npos);
  EXPECT_EQ(runExactly(source), "");
}

TEST(HandWrittenModelsTest, IncrementBeforeDecayIsBitwiseEqual) {
  std::string source = cubaEuler;
  std::string onPre = "  on_pre g += w\n";
  source.replace(source.find(onPre), onPre.size(),
                 onPre + "  increment before decay\n");
  EXPECT_EQ(runExactly(source), "");
}

TEST(HandWrittenModelsTest, DoublePrecisionIsBitwiseEqual) {
  RunOptions options;
  options.doublePrecision = true;
  EXPECT_EQ(runExactly(cubaEuler, options), "");
}

TEST(HandWrittenModelsTest, DoublePrecisionExpEulerIsBitwiseEqual) {
  // exprel in double precision: the engine's Taylor polynomial or quotient
  // (CompiledMath.h), in double.
  RunOptions options;
  options.doublePrecision = true;
  std::string source = cubaEuler;
  for (size_t at;
       (at = source.find("  integrator euler\n")) != std::string::npos;)
    source.erase(at, 19);
  EXPECT_EQ(runExactly(source, options), "");
}

} // namespace

namespace {

// on_spike statements, hand-computed: v rises by exactly 1 mV a step from
// -65 mV; at 30 mV it spikes (step 94, the 95th step), and at the start of
// the next step v = -65 mV and u += 2 mV, in that order; u has no
// equation. So spikes come every 95 steps (94, 189, 284, 379, 474) and u
// after step k is 2 mV per spike before k. Both engines, bitwise.
const char *izhikevichStyleReset = R"(
neuron Counter {
  param c = -65 mV
  param d = 2 mV
  state v : mV = -65 mV
  state u : mV = 0 mV
  input I : mA
  integrator euler
  dv/dt = 1 ohm * I / 1 ms
  spike v >= 30 mV
  on_spike v = c
  on_spike u += d
}
population P = Counter(1)
drive P.I = 10 mA
run 50 ms dt 0.1 ms seed 1 {
  record P.spike
  record P.u
  record P.v
}
)";

TEST(HandWrittenModelsTest, OnSpikeStatementsRunInOrderAfterTheSpike) {
  EXPECT_EQ(runExactly(izhikevichStyleReset), "");
  // The model's own recordings, on the compiled engine.
  llvm::SourceMgr sources;
  std::string log;
  llvm::raw_string_ostream stream(log);
  DiagnosticEngine diags(sources, &stream);
  std::optional<model::Model> model =
      loadModelFromString(izhikevichStyleReset, "counter.snn", diags);
  ASSERT_TRUE(model) << log;
  SimulationOptions options;
  options.showProgress = false;
  std::unique_ptr<Simulation> sim = Simulation::create(*model, options, diags);
  ASSERT_TRUE(sim) << log;
  ASSERT_TRUE(sim->run(sim->totalSteps()));
  const SpikeTrain &train = sim->spikes().at(0);
  EXPECT_EQ(train.steps, (std::vector<int32_t>{94, 189, 284, 379, 474}));
  const StateTrace &u = sim->stateTraces().at(0);
  const StateTrace &v = sim->stateTraces().at(1);
  ASSERT_EQ(u.values.size(), 500u);
  for (int32_t k = 0; k < 500; ++k) {
    int spikesBefore = 0;
    for (int32_t s : train.steps)
      spikesBefore += s < k;
    EXPECT_EQ(u.values[k], 2.0f * spikesBefore) << "after step " << k;
  }
  EXPECT_EQ(v.values[94], 30.0f);  // the spike
  EXPECT_EQ(v.values[95], -64.0f); // reset to -65, then one step
}

// on_spike may scale a state, and runs after `reset` on the same spike.
TEST(HandWrittenModelsTest, OnSpikeAfterAResetIsBitwiseEqual) {
  EXPECT_EQ(runExactly(R"(
neuron AdEx {
  param tau_w = 100 ms
  param b = 0.5 mA
  state V : mV = -70 mV
  state w : mA = 0 mA
  input I : mA
  dV/dt = (-(V + 70 mV) + 1 ohm * (I - w)) / 10 ms
  dw/dt = -w / tau_w
  spike V >= -50 mV
  reset hard to -70 mV
  on_spike w += b
  on_spike w *= 0.9
}
population P = AdEx(20) {
  V ~ uniform(-70 mV, -55 mV)
}
drive P.I = 30 mA
run 100 ms seed 4
)"),
            "");
}

} // namespace

namespace {

// Subexpressions (`let`) stand for their expressions: Hodgkin-Huxley's
// rate functions written with them compute exactly what the same model
// written out computes, on both engines.
const char *hodgkinHuxleyTemplate = R"(
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
  LETS
  dv/dt = (IION + I) / Cm
  dm/dt = ALPHA_M * (1 - m) - BETA_M * m
  dn/dt = ALPHA_N * (1 - n) - BETA_N * n
  dh/dt = ALPHA_H * (1 - h) - BETA_H * h
  spike v >= -20 mV
}
population P = HH(4) {
  v ~ uniform(-65 mV, -55 mV)
}
drive P.I = 0.5 nA
run 30 ms dt 0.01 ms seed 2
)";

std::string hodgkinHuxley(bool withLets) {
  const std::pair<const char *, const char *> rates[] = {
      {"ALPHA_M", "0.32 / ms * (13 mV - v + VT) / 1 mV / (exp((13 mV - v + "
                  "VT) / 4 mV) - 1)"},
      {"BETA_M", "0.28 / ms * (v - VT - 40 mV) / 1 mV / (exp((v - VT - 40 "
                 "mV) / 5 mV) - 1)"},
      {"ALPHA_H", "0.128 / ms * exp((17 mV - v + VT) / 18 mV)"},
      {"BETA_H", "4 / ms / (1 + exp((40 mV - v + VT) / 5 mV))"},
      {"ALPHA_N", "0.032 / ms * (15 mV - v + VT) / 1 mV / (exp((15 mV - v "
                  "+ VT) / 5 mV) - 1)"},
      {"BETA_N", "0.5 / ms * exp((10 mV - v + VT) / 40 mV)"},
      {"IION", "(gl * (El - v) - g_na * m * m * m * h * (v - ENa) - g_kd * "
               "n * n * n * n * (v - EK))"},
  };
  std::string text = hodgkinHuxleyTemplate, lets;
  for (const auto &[name, expr] : rates) {
    std::string lower = name;
    for (char &c : lower)
      c = static_cast<char>(std::tolower(c));
    lets += "let " + lower + " = " + expr + "\n  ";
    std::string use = withLets ? lower : std::string("(") + expr + ")";
    for (size_t at; (at = text.find(name)) != std::string::npos;)
      text.replace(at, std::strlen(name), use);
  }
  text.replace(text.find("LETS"), 4, withLets ? lets : "");
  return text;
}

TEST(HandWrittenModelsTest, SubexpressionsComputeWhatTheyStandFor) {
  std::string withLets = hodgkinHuxley(true);
  std::string written = hodgkinHuxley(false);
  ASSERT_NE(withLets.find("let alpha_m ="), std::string::npos);
  ASSERT_EQ(written.find("let "), std::string::npos);
  EXPECT_EQ(runExactly(withLets), "");
  Harness a, b;
  std::optional<BothRuns> lets = a.run(withLets, {});
  std::optional<BothRuns> plain = b.run(written, {});
  ASSERT_TRUE(lets && plain) << a.log << b.log;
  for (const char *state : {"v", "m", "n", "h"})
    EXPECT_EQ(lets->compiled->stateValues("P", state),
              plain->compiled->stateValues("P", state))
        << state;
  EXPECT_EQ(lets->compiled->spikes().at(0).steps,
            plain->compiled->spikes().at(0).steps);
}

} // namespace

namespace {

// A step current through a condition used as a number, and a conditional
// expression in an equation: no spike before 20 ms or after the step ends
// (plus the membrane's decay), and both engines bitwise equal.
TEST(HandWrittenModelsTest, ConditionsAsNumbersAndConditionalsAreBitwiseEqual) {
  const char *model = R"(
neuron LIF {
  param tau = 10 ms
  state V : mV = 0 mV
  input I : mA
  let I_step = (t >= 20 ms and t < 60 ms) * 30 mA
  dV/dt = (-V + 1 ohm * (I + I_step)) / tau * (1 if t < 40 ms else 0.5)
  spike V >= 10 mV
  reset hard to 0 mV
}
population P = LIF(3)
run 100 ms seed 1
)";
  EXPECT_EQ(runExactly(model), "");
  Harness harness;
  std::optional<BothRuns> runs = harness.run(model, {});
  ASSERT_TRUE(runs) << harness.log;
  const SpikeTrain &train = runs->compiled->spikes().at(0);
  ASSERT_FALSE(train.steps.empty());
  for (int32_t step : train.steps) {
    EXPECT_GE(step, 200);
    EXPECT_LT(step, 620);
  }
}

} // namespace
