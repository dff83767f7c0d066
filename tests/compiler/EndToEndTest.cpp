//===- EndToEndTest.cpp - Compile small models, run them, check numbers ---===//
//
// Every test here goes the whole way: .snn text through the front end,
// Simulation::create (connectivity, MLIR generation, lowering, JIT), and a
// run, and then compares what the compiled program computed with an
// analytic result or with another run. The models are a handful of neurons
// so that the whole binary stays fast; the one exception is the seed model
// (examples/coba.snn), whose mean rate pins the documented semantics
// (docs: /work/shared/docs/seed-semantics.md) as a whole.
//
// The step semantics the expectations below are derived from, per step k
// (t_k = k * dt):
//   1. spikes of step k-1 are delivered into the synapse states;
//   2. a neuron that spiked at step k-1 is reset at the start of step k;
//   3. the neuron is integrated over [t_k, t_k + dt] from the post-reset
//      value, reading the synapse states as they are after delivery;
//   4. inside the refractory window (t_k - last_spike < tau_ref, counted
//      in steps or by time) the post-reset value is held instead;
//   5. the spike of step k is V >= V_th on the new value, and it is
//      recorded at step k (time t_k, although V is the value at t_k + dt);
//   6. synapse states decay by exp(-dt / tau).
//
//===----------------------------------------------------------------------===//
#include "snnc/Simulation.h"

#include "CobaModel.h"

#include "snnc/compiler/ProgramLayout.h"
#include "snnc/dsl/Frontend.h"
#include "llvm/Support/FileSystem.h"

#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <string>

using namespace snnc;

namespace {

/// One front end and diagnostics engine per test; diagnostics go to a
/// string so that expected errors do not clutter the test log.
class Harness {
public:
  Harness() : stream(log), diags(sources, &stream) {}

  std::optional<model::Model> load(llvm::StringRef source) {
    return loadModelFromString(source, "test.snn", diags);
  }

  /// Front end and compiler; null (with the reason in `log`) on errors.
  std::unique_ptr<Simulation> compile(llvm::StringRef source,
                                      SimulationOptions options = {}) {
    std::optional<model::Model> model = load(source);
    if (!model)
      return nullptr;
    options.showProgress = false;
    return Simulation::create(*model, options, diags);
  }

  /// What was reported, for failure messages.
  const std::string &messages() { return stream.str(); }

  llvm::SourceMgr sources;
  std::string log;
  llvm::raw_string_ostream stream;
  DiagnosticEngine diags;
};

const SpikeTrain *findTrain(const Simulation &sim, llvm::StringRef name) {
  for (const SpikeTrain &train : sim.spikes())
    if (train.population == name)
      return &train;
  return nullptr;
}

/// Steps at which neuron `index` of `population` spiked.
std::vector<int32_t> spikeSteps(const Simulation &sim,
                                llvm::StringRef population, int32_t index) {
  std::vector<int32_t> steps;
  if (const SpikeTrain *train = findTrain(sim, population))
    for (size_t k = 0; k < train->steps.size(); ++k)
      if (train->indices[k] == index)
        steps.push_back(train->steps[k]);
  return steps;
}

/// Differences of consecutive entries, in steps.
std::vector<int32_t> intervals(const std::vector<int32_t> &steps) {
  std::vector<int32_t> out;
  for (size_t k = 1; k < steps.size(); ++k)
    out.push_back(steps[k] - steps[k - 1]);
  return out;
}

/// The 1-based line and column of the first occurrence of `needle`.
std::pair<unsigned, unsigned> lineAndColumn(llvm::StringRef text,
                                            llvm::StringRef needle) {
  size_t at = text.find(needle);
  llvm::StringRef before = text.take_front(at);
  unsigned line = 1 + before.count('\n');
  size_t lineStart = before.rfind('\n');
  unsigned column =
      lineStart == llvm::StringRef::npos ? at + 1 : at - lineStart;
  return {line, column};
}

//===----------------------------------------------------------------------===//
// A single LIF neuron under constant drive
//===----------------------------------------------------------------------===//

// V_rest = V_reset = -60 mV, V_th = -50 mV, R I = 20 mV: V tends to
// V_inf = -40 mV, and the continuous neuron needs
//   T = tau * ln((V_inf - V_reset) / (V_inf - V_th)) = 20 ms * ln 2
//     = 13.863 ms
// from reset to threshold. T / dt = 138.6 is far from a whole number, so
// float rounding cannot move a crossing across a step boundary.
constexpr double kVInf = -40, kVReset = -60, kVTh = -50, kTau = 20;
const double kTimeToThreshold =
    kTau * std::log((kVInf - kVReset) / (kVInf - kVTh));

/// One LIF neuron; `extra` lines go into the neuron block.
std::string lifModel(const std::string &reset, const std::string &extra,
                     int durationMs = 300) {
  return "neuron LIF {\n"
         "  param V_rest = -60 mV\n"
         "  param V_th = -50 mV\n"
         "  param V_reset = -60 mV\n"
         "  param tau = 20 ms\n"
         "  param R = 1 ohm\n"
         "  state V : mV = V_rest\n"
         "  input I : mA\n"
         "  dV/dt = (-(V - V_rest) + R * I) / tau\n"
         "  spike V >= V_th\n"
         "  reset " +
         reset + " to V_reset\n" + extra +
         "}\n"
         "population N = LIF(1)\n"
         "drive N.I = 20 mA\n"
         "run " +
         std::to_string(durationMs) +
         " ms dt 0.1 ms seed 1 {\n"
         "  record N.spike\n"
         "}\n";
}

// Exponential Euler integrates this linear equation exactly, so the discrete
// neuron reaches threshold after exactly m = ceil(T / dt) integrated steps.
// The reset is applied at the start of the step after the spike, but that
// step is also the first one integrated from V_reset, so the delay costs
// nothing: ISI = m * dt, which lies in [T, T + dt).
TEST(LifTest, HardResetIntervalIsTimeToThresholdRoundedUpToAStep) {
  Harness h;
  std::unique_ptr<Simulation> sim = h.compile(lifModel("hard", ""));
  ASSERT_TRUE(sim) << h.messages();
  sim->run(sim->totalSteps());
  double dt = sim->dtMs();
  std::vector<int32_t> steps = spikeSteps(*sim, "N", 0);
  ASSERT_GE(steps.size(), 10u);
  int32_t expected = static_cast<int32_t>(std::ceil(kTimeToThreshold / dt));
  // Starting at V_rest = V_reset, the first crossing is reached after m
  // steps; the spike is recorded at the step that computed it, m - 1.
  EXPECT_EQ(steps.front(), expected - 1);
  for (int32_t isi : intervals(steps)) {
    EXPECT_EQ(isi, expected);
    EXPECT_GE(isi * dt, kTimeToThreshold - 1e-9);
    EXPECT_LT(isi * dt, kTimeToThreshold + dt);
  }
}

// A soft reset keeps the overshoot above threshold (at most one step's rise,
// dt * (V_inf - V_th) / tau = 0.05 mV), so a neuron starts at most 0.05 ms
// further along; every interval stays within one step of T.
TEST(LifTest, SoftResetIntervalIsWithinOneStepOfTimeToThreshold) {
  Harness h;
  std::unique_ptr<Simulation> sim = h.compile(lifModel("soft", ""));
  ASSERT_TRUE(sim) << h.messages();
  sim->run(sim->totalSteps());
  double dt = sim->dtMs();
  std::vector<int32_t> isis = intervals(spikeSteps(*sim, "N", 0));
  ASSERT_GE(isis.size(), 10u);
  for (int32_t isi : isis)
    EXPECT_NEAR(isi * dt, kTimeToThreshold, dt + 1e-9);
}

// With a refractory period, the step after a spike at step k both resets
// and is the first held step. Counted in steps, tau_ref is n =
// floor(tau_ref / dt + 0.001) steps and steps k + i are held for i < n:
// h = n - 1 held steps, then m = ceil(T / dt) integrated ones, ISI = (n -
// 1 + m) * dt exactly. Counted by time, steps k + i are held while
// t_{k+i} - t_k = i * dt < tau_ref, i.e. for i = 1 .. h with h =
// ceil(tau_ref / dt) - 1; with tau_ref / dt a whole number, float32 time
// can make t_{k+i} - t_k fall just below tau_ref at i = tau_ref / dt and
// hold one more step. Either way |ISI - (tau_ref + T)| < dt.
TEST(LifTest, RefractoryCountedInStepsHoldsExactlyItsStepsLessOne) {
  Harness h;
  std::unique_ptr<Simulation> sim =
      h.compile(lifModel("hard", "  refractory 5 ms\n"));
  ASSERT_TRUE(sim) << h.messages();
  sim->run(sim->totalSteps());
  double dt = sim->dtMs();
  std::vector<int32_t> isis = intervals(spikeSteps(*sim, "N", 0));
  ASSERT_GE(isis.size(), 10u);
  int32_t m = static_cast<int32_t>(std::ceil(kTimeToThreshold / dt));
  for (int32_t isi : isis)
    EXPECT_EQ(isi, m + 49);
}

TEST(LifTest,
     RefractoryIntervalIsWithinOneStepOfRefractoryPlusTimeToThreshold) {
  Harness h;
  std::unique_ptr<Simulation> sim =
      h.compile(lifModel("hard", "  refractory 5 ms counted by time\n"));
  ASSERT_TRUE(sim) << h.messages();
  sim->run(sim->totalSteps());
  double dt = sim->dtMs(), tauRef = 5;
  std::vector<int32_t> isis = intervals(spikeSteps(*sim, "N", 0));
  ASSERT_GE(isis.size(), 10u);
  int32_t m = static_cast<int32_t>(std::ceil(kTimeToThreshold / dt));
  int32_t wholeRef = static_cast<int32_t>(std::lround(tauRef / dt));
  for (int32_t isi : isis) {
    EXPECT_NEAR(isi * dt, tauRef + kTimeToThreshold, dt);
    EXPECT_TRUE(isi == m + wholeRef - 1 || isi == m + wholeRef) << isi;
  }
}

// tau_ref = 2.05 ms is not a whole number of steps: counted in steps it
// is floor(20.5 + 0.001) = 20, so 19 held steps (see above).
TEST(LifTest, RefractoryCountedInStepsRoundsAPartStepDown) {
  Harness h;
  std::unique_ptr<Simulation> sim =
      h.compile(lifModel("hard", "  refractory 2.05 ms\n"));
  ASSERT_TRUE(sim) << h.messages();
  sim->run(sim->totalSteps());
  double dt = sim->dtMs();
  std::vector<int32_t> isis = intervals(spikeSteps(*sim, "N", 0));
  ASSERT_GE(isis.size(), 10u);
  int32_t m = static_cast<int32_t>(std::ceil(kTimeToThreshold / dt));
  for (int32_t isi : isis)
    EXPECT_EQ(isi, 19 + m);
}

// Counted by time, float rounding of t cannot matter here: h = ceil(20.5)
// - 1 = 20 held steps, then 139 integrated: exactly 159 steps.
TEST(LifTest, RefractoryHoldsPostResetValueForWholeStepsInsideTheWindow) {
  Harness h;
  std::unique_ptr<Simulation> sim =
      h.compile(lifModel("hard", "  refractory 2.05 ms counted by time\n"));
  ASSERT_TRUE(sim) << h.messages();
  sim->run(sim->totalSteps());
  double dt = sim->dtMs();
  std::vector<int32_t> isis = intervals(spikeSteps(*sim, "N", 0));
  ASSERT_GE(isis.size(), 10u);
  int32_t held = static_cast<int32_t>(std::ceil(2.05 / dt)) - 1;
  int32_t m = static_cast<int32_t>(std::ceil(kTimeToThreshold / dt));
  for (int32_t isi : isis) {
    EXPECT_EQ(isi, held + m);
    EXPECT_NEAR(isi * dt, 2.05 + kTimeToThreshold, dt);
  }
}

/// V after `timeMs` from V_rest (no spike happens before 13.8 ms).
std::optional<double> voltageAfter(Harness &h, const std::string &extra,
                                   double dtMs, double timeMs) {
  SimulationOptions options;
  options.dtMs = dtMs;
  std::unique_ptr<Simulation> sim = h.compile(lifModel("hard", extra), options);
  if (!sim)
    return std::nullopt;
  sim->run(std::lround(timeMs / dtMs));
  llvm::ArrayRef<float> v = sim->state("N", "V");
  if (v.size() != 1)
    return std::nullopt;
  return v[0];
}

// Below threshold V(t) = V_inf + (V_rest - V_inf) e^{-t/tau}. Forward
// Euler is first order: shrinking dt tenfold shrinks the error about
// tenfold (0.015 mV -> 0.0015 mV at t = 10 ms). Exponential Euler is exact
// for this linear equation up to float32 rounding.
TEST(IntegratorTest, EulerVoltageErrorShrinksWithDtAndExpEulerIsExact) {
  Harness h;
  double t = 10;
  double exact = kVInf + (kVReset - kVInf) * std::exp(-t / kTau);
  std::optional<double> coarse =
      voltageAfter(h, "  integrator euler\n", 0.1, t);
  std::optional<double> fine = voltageAfter(h, "  integrator euler\n", 0.01, t);
  std::optional<double> expEuler = voltageAfter(h, "", 0.1, t);
  ASSERT_TRUE(coarse && fine && expEuler) << h.messages();
  double coarseError = std::abs(*coarse - exact);
  double fineError = std::abs(*fine - exact);
  EXPECT_GT(coarseError, 5e-3); // forward Euler, not exact
  EXPECT_LT(fineError, coarseError / 5);
  EXPECT_LT(std::abs(*expEuler - exact), 1e-3);
}

/// Mean ISI of the LIF neuron (hard reset), in ms.
std::optional<double> meanInterval(Harness &h, const std::string &extra,
                                   double dtMs) {
  SimulationOptions options;
  options.dtMs = dtMs;
  options.durationMs = 150;
  std::unique_ptr<Simulation> sim = h.compile(lifModel("hard", extra), options);
  if (!sim)
    return std::nullopt;
  sim->run(sim->totalSteps());
  std::vector<int32_t> steps = spikeSteps(*sim, "N", 0);
  if (steps.size() < 3)
    return std::nullopt;
  return (steps.back() - steps.front()) * dtMs / (steps.size() - 1);
}

// The interval under forward Euler converges to T as dt shrinks: at
// dt = 0.1 ms the discrete crossing is 138.3 steps (rounded up: 13.9 ms,
// 0.037 ms off), at dt = 0.01 ms 1385.9 steps (13.86 ms, 0.003 ms off).
TEST(IntegratorTest, EulerIntervalConvergesToAnalyticAsDtShrinks) {
  Harness h;
  std::optional<double> coarse = meanInterval(h, "  integrator euler\n", 0.1);
  std::optional<double> fine = meanInterval(h, "  integrator euler\n", 0.01);
  ASSERT_TRUE(coarse && fine) << h.messages();
  double coarseError = std::abs(*coarse - kTimeToThreshold);
  double fineError = std::abs(*fine - kTimeToThreshold);
  EXPECT_LT(coarseError, 0.1 + 1e-9);
  EXPECT_LT(fineError, coarseError);
  EXPECT_LT(fineError, 0.01 + 1e-9);
}

// `using euler` after one equation selects forward Euler for it just as the
// block-wide `integrator euler` does: the same spikes and the same final
// membrane potential, bit for bit, and not those of exponential Euler.
TEST(IntegratorTest, UsingEulerOnEquationMatchesBlockIntegrator) {
  std::string block = lifModel("hard", "  integrator euler\n", 50);
  std::string perEquation = lifModel("hard", "", 50);
  std::string rhs = "dV/dt = (-(V - V_rest) + R * I) / tau";
  perEquation.replace(perEquation.find(rhs), rhs.size(), rhs + " using euler");
  Harness h1, h2, h3;
  std::unique_ptr<Simulation> a = h1.compile(block);
  std::unique_ptr<Simulation> b = h2.compile(perEquation);
  std::unique_ptr<Simulation> expEuler = h3.compile(lifModel("hard", "", 50));
  ASSERT_TRUE(a && b && expEuler) << h1.messages() << h2.messages();
  a->run(a->totalSteps());
  b->run(b->totalSteps());
  expEuler->run(expEuler->totalSteps());
  ASSERT_FALSE(spikeSteps(*a, "N", 0).empty());
  EXPECT_EQ(spikeSteps(*a, "N", 0), spikeSteps(*b, "N", 0));
  EXPECT_EQ(a->state("N", "V")[0], b->state("N", "V")[0]);
  EXPECT_NE(a->state("N", "V")[0], expEuler->state("N", "V")[0]);
}

//===----------------------------------------------------------------------===//
// Synapse decay, seen through a passive target
//===----------------------------------------------------------------------===//

// The source starts above threshold: it sends one spike into the synapses
// at step 0 (not recorded: it belongs to no step's output), is reset to
// -60 mV and never fires again. The synapse is current-based (g in mA), so
// the passive target obeys tau_m dV/dt = -V + R g with g = w e^{-t/tau_s}:
//   V(t) = R w tau_s / (tau_s - tau_m) (e^{-t/tau_s} - e^{-t/tau_m}),
// peaking at t* = tau_s tau_m / (tau_s - tau_m) ln(tau_s / tau_m)
// = 6.93 ms with V(t*) = R w / 2 = 5 mV for tau_m = 5, tau_s = 10 ms,
// w = 10 mA, R = 1 ohm.
const char *kSynapseModel = R"(
neuron Source {
  state V : mV = -40 mV
  dV/dt = -(V + 60 mV) / (10 ms)
  spike V >= -50 mV
  reset hard to -60 mV
}
neuron Passive {
  param tau = 5 ms
  param R = 1 ohm
  state V : mV = 0 mV
  input I : mA
  dV/dt = (-V + R * I) / tau
}
synapse Exp {
  param tau : ms
  state g : mA = 0 mA
  dg/dt = -g / tau
  on_pre g += w
}
output CUBA {
  current g
}
population S = Source(1)
population T = Passive(1)
project S -> T {
  synapse Exp(tau = 10 ms)
  output CUBA
  connect all_to_all
  weight 10 mA
}
run 30 ms dt 0.1 ms seed 1 {
  record S.spike
}
)";

// The synapse state is not readable through Simulation::state, so it is
// recovered from the target: exponential Euler on the target is exact for
// a current g_k held over step k, so V_{k+1} = a V_k + (1 - a) R g_k with
// a = e^{-dt/tau_m}, and g_k = (V_{k+1} - a V_k) / ((1 - a) R). The
// recovered g_0 must be the whole weight (the spike is delivered before
// the first decay, and the target reads it in the same step), and each
// step must multiply g by exactly e^{-dt/tau_s}.
TEST(SynapseTest, ConductanceIncrementsByWeightThenDecaysExponentially) {
  Harness h;
  std::unique_ptr<Simulation> sim = h.compile(kSynapseModel);
  ASSERT_TRUE(sim) << h.messages();
  double dt = sim->dtMs(), tauM = 5, tauS = 10, w = 10;
  double a = std::exp(-dt / tauM), decay = std::exp(-dt / tauS);
  std::vector<double> v = {sim->state("T", "V")[0]};
  for (int k = 0; k < 200; ++k) {
    sim->run(1);
    v.push_back(sim->state("T", "V")[0]);
  }
  std::vector<double> g;
  for (size_t k = 0; k + 1 < v.size(); ++k)
    g.push_back((v[k + 1] - a * v[k]) / (1 - a));
  EXPECT_NEAR(g[0], w, 1e-3 * w);
  for (size_t k = 1; k < g.size(); ++k)
    ASSERT_NEAR(g[k] / g[k - 1], decay, 2e-4) << "at step " << k;
  // The source fired only its initial spike, which is not recorded.
  const SpikeTrain *source = findTrain(*sim, "S");
  ASSERT_TRUE(source);
  EXPECT_TRUE(source->steps.empty());
}

// The peak of the discrete response against the continuous one. Holding g
// at its value at the start of each step overestimates it by about
// dt / (2 tau_s) = 0.5 %, and the peak lands on the step grid: time within
// one step, value within 1 %.
TEST(SynapseTest, PassiveResponsePeakMatchesDifferenceOfExponentials) {
  Harness h;
  std::unique_ptr<Simulation> sim = h.compile(kSynapseModel);
  ASSERT_TRUE(sim) << h.messages();
  double dt = sim->dtMs(), tauM = 5, tauS = 10, w = 10, r = 1;
  double peakTime = tauS * tauM / (tauS - tauM) * std::log(tauS / tauM);
  double peakValue = r * w * tauS / (tauS - tauM) *
                     (std::exp(-peakTime / tauS) - std::exp(-peakTime / tauM));
  double best = -1e9;
  int64_t bestStep = -1;
  for (int64_t n = 1; n <= sim->totalSteps(); ++n) {
    sim->run(1);
    double v = sim->state("T", "V")[0];
    if (v > best) {
      best = v;
      bestStep = n;
    }
  }
  // After n steps V is the value at t = n * dt.
  EXPECT_NEAR(bestStep * dt, peakTime, dt);
  EXPECT_NEAR(best, peakValue, 0.01 * peakValue);
  // And it decays afterwards: at 30 ms V(t) = 20 (e^-3 - e^-6) = 0.946 mV.
  double late = r * w * tauS / (tauS - tauM) *
                (std::exp(-30 / tauS) - std::exp(-30 / tauM));
  EXPECT_NEAR(sim->state("T", "V")[0], late, 0.02 * late);
}

//===----------------------------------------------------------------------===//
// Networks: determinism, precision, slices
//===----------------------------------------------------------------------===//

// A 200-neuron version of the seed model, with pairwise connections.
const std::string kSmallNetwork =
    std::string(snnc::testing::kCobaDefinitions) + R"(
population N = LIFRef(200) {
  V ~ normal(-55 mV, 2 mV)
}
project N[0:160] -> N {
  synapse Expon(tau = 5 ms)
  output COBA(E = 0 mV)
  connect fixed_prob(0.1)
  weight 0.6 mS
}
project N[160:200] -> N {
  synapse Expon(tau = 10 ms)
  output COBA(E = -80 mV)
  connect fixed_prob(0.1)
  weight 6.7 mS
}
drive N.I = 20 mA
run 200 ms dt 0.1 ms seed 7 {
  record N.spike
}
)";

std::optional<SpikeTrain> runNetwork(Harness &h, SimulationOptions options) {
  std::unique_ptr<Simulation> sim = h.compile(kSmallNetwork, options);
  if (!sim)
    return std::nullopt;
  sim->run(sim->totalSteps());
  const SpikeTrain *train = findTrain(*sim, "N");
  if (!train)
    return std::nullopt;
  return *train;
}

double rateHz(const SpikeTrain &train, double durationMs) {
  return train.steps.size() / (train.size * durationMs * 1e-3);
}

// A projection whose rule draws no synapse at all (p = 0) with per-synapse
// weights compiles and runs; nothing is delivered.
TEST(NetworkTest, ProjectionWithoutSynapsesAndSampledWeightsRuns) {
  std::string text = kSmallNetwork;
  std::string rule = "connect fixed_prob(0.1)\n  weight 0.6 mS";
  text.replace(text.find(rule), rule.size(),
               "connect fixed_prob(0)\n  weight ~ normal(0.6 mS, 0.1 mS)");
  Harness h;
  std::unique_ptr<Simulation> sim = h.compile(text);
  ASSERT_TRUE(sim) << h.messages();
  sim->run(sim->totalSteps());
  EXPECT_GT(sim->spikes().at(0).steps.size(), 0u);
}

// A network that cannot fit in memory is refused before anything is drawn,
// with the estimate, at the run.
TEST(NetworkTest, NetworkTooLargeForMemoryIsRefusedUpFront) {
  std::string text = kSmallNetwork;
  auto replace = [&](const std::string &from, const std::string &to) {
    text.replace(text.find(from), from.size(), to);
  };
  replace("LIFRef(200)", "LIFRef(2000000000)");
  replace("N[0:160]", "N[0:1600000000]");
  replace("N[160:200]", "N[1600000000:2000000000]");
  // Few enough synapses for int32 indices: memory is what does not fit.
  replace("fixed_prob(0.1)", "fixed_prob(1e-10)");
  replace("fixed_prob(0.1)", "fixed_prob(1e-10)");
  Harness h;
  std::unique_ptr<Simulation> sim = h.compile(text);
  EXPECT_FALSE(sim);
  ASSERT_EQ(h.diags.errorCount(), 1u) << h.messages();
  EXPECT_NE(h.diags.diagnostics()[0].message.find("this network needs about"),
            std::string::npos)
      << h.messages();
}

// The persistent cache: the second compilation of the same program loads
// the machine code of the first and gives the same spikes; a damaged entry
// is compiled again, not trusted.
TEST(NetworkTest, CompiledCodeIsCachedAndADamagedEntryIsRebuilt) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("snnc-cache", dir));
  // The cache uses only a directory no one else can write (any umask).
  llvm::sys::fs::setPermissions(dir, llvm::sys::fs::owner_all);
  SimulationOptions options;
  options.showProgress = false;
  options.cacheDirectory = std::string(dir);
  auto compileAndRun = [&](bool expectHit) -> std::vector<int32_t> {
    Harness h;
    std::unique_ptr<Simulation> sim = h.compile(kSmallNetwork, options);
    EXPECT_TRUE(sim) << h.messages();
    if (!sim)
      return {};
    EXPECT_EQ(sim->compileTimes().cacheHit, expectHit);
    sim->run(sim->totalSteps());
    return sim->spikes().at(0).indices;
  };
  std::vector<int32_t> first = compileAndRun(false);
  std::vector<int32_t> second = compileAndRun(true);
  EXPECT_EQ(first, second);

  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    std::FILE *file = std::fopen(it->path().c_str(), "wb");
    ASSERT_TRUE(file);
    std::fputs("not an object file", file);
    std::fclose(file);
  }
  EXPECT_EQ(compileAndRun(false), first);
  llvm::sys::fs::remove_directories(dir);
}

// AlignPost merging: projections whose synapse and output are identical
// (kind and parameters) onto the same target share one synapse state;
// any difference keeps them apart.
TEST(NetworkTest, IdenticalSynapseAndOutputOntoOneTargetShareState) {
  auto splitExcitation = [](llvm::StringRef secondTau) {
    std::string text = kSmallNetwork;
    std::string whole = "project N[0:160] -> N {\n  synapse Expon(tau = 5 ms)";
    std::string split = "project N[0:80] -> N {\n  synapse Expon(tau = 5 ms)\n"
                        "  output COBA(E = 0 mV)\n  connect fixed_prob(0.1)\n"
                        "  weight 0.6 mS\n}\nproject N[80:160] -> N {\n"
                        "  synapse Expon(tau = " +
                        secondTau.str() + ")";
    text.replace(text.find(whole), whole.size(), split);
    return text;
  };
  Harness same;
  std::unique_ptr<Simulation> merged = same.compile(splitExcitation("5 ms"));
  ASSERT_TRUE(merged) << same.messages();
  ASSERT_EQ(merged->model().projections.size(), 3u);
  ASSERT_EQ(merged->layout().groups.size(), 2u);
  EXPECT_EQ(merged->layout().groups[0].projections,
            (std::vector<unsigned>{0, 1}));

  Harness different;
  std::unique_ptr<Simulation> apart =
      different.compile(splitExcitation("6 ms"));
  ASSERT_TRUE(apart) << different.messages();
  EXPECT_EQ(apart->layout().groups.size(), 3u);
}

// One seed fixes connectivity, initial state and the run: two compilations
// give the same spikes, step for step; another seed gives other spikes.
TEST(NetworkTest, SameSeedGivesIdenticalSpikesAndOtherSeedDiffers) {
  Harness h;
  std::optional<SpikeTrain> first = runNetwork(h, {});
  std::optional<SpikeTrain> second = runNetwork(h, {});
  SimulationOptions reseeded;
  reseeded.seed = 8;
  std::optional<SpikeTrain> other = runNetwork(h, reseeded);
  ASSERT_TRUE(first && second && other) << h.messages();
  ASSERT_GT(first->steps.size(), 1000u);
  EXPECT_EQ(first->steps, second->steps);
  EXPECT_EQ(first->indices, second->indices);
  EXPECT_TRUE(first->steps != other->steps || first->indices != other->indices);
  // The model's own seed and the same seed given as an option agree.
  SimulationOptions explicitSeed;
  explicitSeed.seed = 7;
  std::optional<SpikeTrain> same = runNetwork(h, explicitSeed);
  ASSERT_TRUE(same);
  EXPECT_EQ(first->indices, same->indices);
}

// float64 state runs the same model; the network is near-regular, so the
// mean rate moves by far less than 1 % (it is about 50 Hz). State is not
// exposed as float in double precision.
TEST(NetworkTest, DoublePrecisionGivesCloseRates) {
  Harness h;
  SimulationOptions doubles;
  doubles.doublePrecision = true;
  std::optional<SpikeTrain> single = runNetwork(h, {});
  std::optional<SpikeTrain> twice = runNetwork(h, doubles);
  ASSERT_TRUE(single && twice) << h.messages();
  double singleRate = rateHz(*single, 200), doubleRate = rateHz(*twice, 200);
  EXPECT_GT(singleRate, 30);
  EXPECT_LT(singleRate, 80);
  EXPECT_NEAR(doubleRate, singleRate, 0.01 * singleRate);

  std::unique_ptr<Simulation> sim = h.compile(kSmallNetwork, doubles);
  ASSERT_TRUE(sim);
  EXPECT_TRUE(sim->state("N", "V").empty());
}

/// 30 LIF neurons at rest; `extra` adds drives and projections, `record`
/// says what the run records.
std::string sliceModel(llvm::StringRef extra,
                       llvm::StringRef record = "record N.spike") {
  return (llvm::Twine(R"(
neuron LIF {
  param V_rest = -60 mV
  param V_th = -50 mV
  param tau = 20 ms
  param R = 1 ohm
  state V : mV = V_rest
  input I : mA
  dV/dt = (-(V - V_rest) + R * I) / tau
  spike V >= V_th
  reset hard to V_rest
}
synapse Exp {
  param tau : ms
  state g : mA = 0 mA
  dg/dt = -g / tau
  on_pre g += w
}
output CUBA {
  current g
}
population N = LIF(30)
)") + extra +
          "run 100 ms dt 0.1 ms seed 1 {\n  " + record + "\n}\n")
      .str();
}

std::set<int32_t> spikingNeurons(const Simulation &sim) {
  const SpikeTrain *train = findTrain(sim, "N");
  if (!train)
    return {};
  return std::set<int32_t>(train->indices.begin(), train->indices.end());
}

std::set<int32_t> range(int32_t begin, int32_t end) {
  std::set<int32_t> out;
  for (int32_t i = begin; i < end; ++i)
    out.insert(i);
  return out;
}

// A drive on N[0:10] reaches exactly those neurons, each firing at the
// single-neuron interval (first spike at step 138, then every 139).
TEST(SliceTest, DriveOnSliceMakesOnlyThoseNeuronsSpike) {
  Harness h;
  std::unique_ptr<Simulation> sim =
      h.compile(sliceModel("drive N[0:10].I = 20 mA\n"));
  ASSERT_TRUE(sim) << h.messages();
  sim->run(sim->totalSteps());
  EXPECT_EQ(spikingNeurons(*sim), range(0, 10));
  for (int32_t i = 0; i < 10; ++i)
    EXPECT_EQ(spikeSteps(*sim, "N", i),
              (std::vector<int32_t>{138, 277, 416, 555, 694, 833, 972}))
        << "neuron " << i;
}

// A projection from the driven slice onto N[20:30] (one to one) excites
// those targets past threshold (peak response 0.16 * w = 31 mV) and no
// neuron outside the target slice.
TEST(SliceTest, ProjectionOntoSliceExcitesOnlyThatSlice) {
  Harness h;
  std::unique_ptr<Simulation> sim = h.compile(sliceModel(R"(
drive N[0:10].I = 20 mA
project N[0:10] -> N[20:30] {
  synapse Exp(tau = 5 ms)
  output CUBA
  connect one_to_one
  weight 200 mA
}
)"));
  ASSERT_TRUE(sim) << h.messages();
  sim->run(sim->totalSteps());
  std::set<int32_t> expected = range(0, 10);
  std::set<int32_t> targets = range(20, 30);
  expected.insert(targets.begin(), targets.end());
  EXPECT_EQ(spikingNeurons(*sim), expected);
  // Each target fires after its source: the one-step delay at least.
  for (int32_t i = 0; i < 10; ++i) {
    std::vector<int32_t> source = spikeSteps(*sim, "N", i);
    std::vector<int32_t> target = spikeSteps(*sim, "N", 20 + i);
    ASSERT_FALSE(source.empty() || target.empty());
    EXPECT_GT(target.front(), source.front()) << "neuron " << i;
  }
}

// Parameters and states initialised from the neuron index: each neuron has
// its own threshold V_th = -50 - 2i mV and starting point V = -60 + i mV,
// so its first crossing comes after
//   m_i = ceil(tau ln((V_inf - V_i) / (V_inf - V_th,i)) / dt)
// steps (recorded at step m_i - 1): 138, 91, 50 and 12.
TEST(PopulationTest, PerNeuronParameterAndStateFromIndexSetEachFirstSpike) {
  Harness h;
  std::unique_ptr<Simulation> sim = h.compile(sliceModel(R"(
population M = LIF(4) {
  V_th = -50 mV - i * 2 mV
  V = -60 mV + i * 1 mV
}
drive M.I = 20 mA
)",
                                                         "record M.spike"));
  ASSERT_TRUE(sim) << h.messages();
  llvm::ArrayRef<float> v = sim->state("M", "V");
  ASSERT_EQ(v.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(v[i], -60.0f + i) << "neuron " << i;
  }
  sim->run(sim->totalSteps());
  double dt = sim->dtMs();
  for (int i = 0; i < 4; ++i) {
    double threshold = -50 - 2 * i, start = -60 + i;
    int32_t m = static_cast<int32_t>(
        std::ceil(kTau * std::log((kVInf - start) / (kVInf - threshold)) / dt));
    std::vector<int32_t> steps = spikeSteps(*sim, "M", i);
    ASSERT_FALSE(steps.empty()) << "neuron " << i;
    EXPECT_EQ(steps.front(), m - 1) << "neuron " << i;
  }
}

// The program runs in chunks (at most 1000 steps) between which recorded
// spikes are drained; any split of the run into calls gives the same
// spikes, and a request past the end is clamped to it.
TEST(SimulationTest, RunningInPiecesGivesTheSameSpikesAsOneRun) {
  Harness h;
  SimulationOptions longer;
  longer.durationMs = 250; // 2500 steps: two chunk boundaries
  std::unique_ptr<Simulation> whole = h.compile(kSmallNetwork, longer);
  std::unique_ptr<Simulation> pieces = h.compile(kSmallNetwork, longer);
  ASSERT_TRUE(whole && pieces) << h.messages();
  ASSERT_EQ(whole->totalSteps(), 2500);
  whole->run(whole->totalSteps());
  for (int64_t piece : {1, 7, 999, 1001, 13})
    pieces->run(piece);
  pieces->run(10 * pieces->totalSteps());
  EXPECT_EQ(pieces->stepsDone(), pieces->totalSteps());
  pieces->run(5); // nothing left to run
  EXPECT_EQ(pieces->stepsDone(), pieces->totalSteps());
  const SpikeTrain *a = findTrain(*whole, "N");
  const SpikeTrain *b = findTrain(*pieces, "N");
  ASSERT_TRUE(a && b);
  ASSERT_GT(a->steps.size(), 1000u);
  EXPECT_EQ(a->steps, b->steps);
  EXPECT_EQ(a->indices, b->indices);
}

// `record N[0:10].spike` asks for the spikes of ten neurons; every neuron of
// N is driven, so a recorder that ignores the slice returns all thirty.
TEST(RecordTest, RecordingASliceRecordsOnlyThoseNeurons) {
  Harness h;
  std::unique_ptr<Simulation> sim =
      h.compile(sliceModel("drive N.I = 20 mA\n", "record N[0:10].spike"));
  ASSERT_TRUE(sim) << h.messages();
  sim->run(sim->totalSteps());
  EXPECT_EQ(spikingNeurons(*sim), range(0, 10));
}

// `record N[3:6].V` gives the state of those neurons after every step; the
// last row is the state the simulation ends with.
TEST(RecordTest, RecordingAStateGivesItsValueAfterEveryStep) {
  Harness h;
  std::unique_ptr<Simulation> sim =
      h.compile(sliceModel("drive N.I = 20 mA\n", "record N[3:6].V"));
  ASSERT_TRUE(sim) << h.messages();
  sim->run(sim->totalSteps());
  ASSERT_EQ(sim->stateTraces().size(), 1u);
  const StateTrace &trace = sim->stateTraces().front();
  EXPECT_EQ(trace.state, "V");
  EXPECT_EQ(trace.begin, 3);
  EXPECT_EQ(trace.end, 6);
  ASSERT_EQ(trace.steps.size(), static_cast<size_t>(sim->totalSteps()));
  ASSERT_EQ(trace.values.size(), trace.steps.size() * 3);
  llvm::ArrayRef<float> finalV = sim->state("N", "V");
  for (int64_t i = 0; i < 3; ++i)
    EXPECT_EQ(trace.values[trace.values.size() - 3 + i], finalV[3 + i]);
  // The first recorded value is one step away from the initial state.
  EXPECT_NE(trace.values[0], trace.values[3]);
}

// The program records states into a buffer per chunk of steps; the trace
// must hold what reading the state after each single step gives.
TEST(RecordTest, TraceRecordedInChunksEqualsTheStateAfterEachStep) {
  Harness h;
  std::string model = sliceModel("drive N.I = 20 mA\n", "record N[3:6].V");
  std::unique_ptr<Simulation> chunked = h.compile(model);
  std::unique_ptr<Simulation> stepped = h.compile(model);
  ASSERT_TRUE(chunked && stepped) << h.messages();
  chunked->run(chunked->totalSteps());
  std::vector<float> perStep;
  while (stepped->stepsDone() < stepped->totalSteps()) {
    stepped->run(1);
    llvm::ArrayRef<float> v = stepped->state("N", "V");
    perStep.insert(perStep.end(), v.begin() + 3, v.begin() + 6);
  }
  const StateTrace &trace = chunked->stateTraces().front();
  ASSERT_EQ(trace.steps.size(), static_cast<size_t>(chunked->totalSteps()));
  for (size_t k = 0; k < trace.steps.size(); ++k)
    ASSERT_EQ(trace.steps[k], static_cast<int32_t>(k));
  EXPECT_EQ(trace.values, perStep);
  EXPECT_EQ(stepped->stateTraces().front().values, perStep);
}

//===----------------------------------------------------------------------===//
// Models the front end accepts but the compiler cannot build
//===----------------------------------------------------------------------===//

const char *kExactCobaModel = R"(neuron LIF {
  param V_rest = -60 mV
  param tau = 20 ms
  state V : mV = V_rest
  input I : mA
  dV/dt = (-(V - V_rest) + 1 ohm * I) / tau using exact
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
population N = LIF(2)
project N -> N {
  synapse Expon(tau = 5 ms)
  output COBA(E = 0 mV)
  connect all_to_all
  weight 1 mS
}
run 1 ms
)";

// `exact` needs constant coefficients; a conductance-based input makes the
// coefficient of V vary, so the compiler refuses it at the equation (with
// the reason) instead of integrating something else.
TEST(CompileErrorTest, ExactWithConductanceInputIsRefusedAtTheEquation) {
  Harness h;
  std::optional<model::Model> model = h.load(kExactCobaModel);
  ASSERT_TRUE(model) << h.messages();
  SimulationOptions options;
  options.showProgress = false;
  std::unique_ptr<Simulation> sim =
      Simulation::create(*model, options, h.diags);
  EXPECT_FALSE(sim);
  ASSERT_EQ(h.diags.errorCount(), 1u) << h.messages();
  const Diagnostic &diag = h.diags.diagnostics().front();
  EXPECT_EQ(diag.severity, Severity::Error);
  EXPECT_NE(diag.message.find("cannot integrate this equation exactly"),
            std::string::npos)
      << diag.message;
  EXPECT_NE(diag.message.find("a synaptic input"), std::string::npos)
      << diag.message;
  auto [line, column] = lineAndColumn(kExactCobaModel, "dV/dt");
  EXPECT_EQ(diag.file, "test.snn");
  EXPECT_EQ(diag.line, line);
  EXPECT_EQ(diag.column, column);
}

const char *kAbsModel = R"(neuron Leaky {
  param V_rest = -60 mV
  param tau = 20 ms
  state V : mV = -50 mV
  dV/dt = -abs(V - V_rest) / tau
}
population N = Leaky(1)
run 1 ms
)";

// exp_euler (the default) needs dF/dV; abs has none, so the compiler points
// at the equation and suggests forward Euler, which then compiles.
TEST(CompileErrorTest, ExpEulerOnNonDifferentiableRhsIsReportedAtTheEquation) {
  Harness h;
  std::unique_ptr<Simulation> sim = h.compile(kAbsModel);
  EXPECT_FALSE(sim);
  ASSERT_EQ(h.diags.errorCount(), 1u) << h.messages();
  const Diagnostic &diag = h.diags.diagnostics().front();
  EXPECT_NE(diag.message.find("not differentiable"), std::string::npos)
      << diag.message;
  EXPECT_NE(diag.message.find("using euler"), std::string::npos)
      << diag.message;
  auto [line, column] = lineAndColumn(kAbsModel, "dV/dt");
  EXPECT_EQ(diag.line, line);
  EXPECT_EQ(diag.column, column);

  std::string fixed = kAbsModel;
  std::string rhs = "/ tau\n}";
  fixed.replace(fixed.find(rhs), rhs.size(), "/ tau using euler\n}");
  Harness h2;
  std::unique_ptr<Simulation> repaired = h2.compile(fixed);
  ASSERT_TRUE(repaired) << h2.messages();
  repaired->run(repaired->totalSteps());
  // From -50 mV, V decays towards -60 mV: ten Euler steps, each taking
  // dt / tau = 0.5 % of the distance.
  EXPECT_NEAR(repaired->state("N", "V")[0],
              -50 - 10 * (1 - std::pow(0.995, 10)), 1e-3);
}

//===----------------------------------------------------------------------===//
// The seed model
//===----------------------------------------------------------------------===//

// examples/coba.snn for its 1000 ms with seed 42: 4000 neurons, about
// 203 000 spikes. The mean rate is sensitive to every semantic choice
// (integrator, reset kind, decay/increment order move it by 0.01-0.1 Hz
// over 10 s, more over 1 s), so this window is a sharp end-to-end check.
TEST(SeedModelTest, CobaMeanRateOverOneSecondIsAbout50Point7Hz) {
  Harness h;
  std::optional<model::Model> model =
      loadModel(SNNC_EXAMPLES_DIR "/coba.snn", h.diags);
  ASSERT_TRUE(model) << h.messages();
  SimulationOptions options;
  options.showProgress = false;
  std::unique_ptr<Simulation> sim =
      Simulation::create(*model, options, h.diags);
  ASSERT_TRUE(sim) << h.messages();
  ASSERT_EQ(sim->totalSteps(), 10000);
  sim->run(sim->totalSteps());
  const SpikeTrain *train = findTrain(*sim, "N");
  ASSERT_TRUE(train);
  ASSERT_EQ(train->size, 4000);
  double rate = rateHz(*train, 1000);
  EXPECT_GT(rate, 50.60);
  EXPECT_LT(rate, 50.80);
  // Every neuron fires, none pathologically fast (46-54 spikes expected).
  std::vector<int32_t> counts(4000, 0);
  for (int32_t i : train->indices)
    ++counts[i];
  EXPECT_GE(*std::min_element(counts.begin(), counts.end()), 40);
  EXPECT_LE(*std::max_element(counts.begin(), counts.end()), 60);
}

} // namespace
