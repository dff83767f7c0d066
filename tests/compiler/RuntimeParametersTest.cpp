//===- RuntimeParametersTest.cpp - Values are data, not compiled code ----===//
//
// Parameter values, scalar weights and drives are run-time data of the
// compiled program (Parameters.h, OutlineParameters.h). What that must
// guarantee, tested here on small networks:
//
//   - overriding a value through SimulationOptions::parameterOverrides
//     gives exactly the spikes and states of editing the .snn text;
//   - the compile cache hits when only values, the seed or the duration
//     change, and misses when the program changes (an equation, or a value
//     that is compiled in);
//   - specializeParameters (snnc run --specialize) compiles the values in
//     and gives the same results;
//   - bad overrides are reported clearly, never crash.
//
//===----------------------------------------------------------------------===//

#include "snnc/Simulation.h"

#include "CobaModel.h"

#include "snnc/compiler/ProgramLayout.h"
#include "snnc/dsl/Frontend.h"
#include "snnc/model/Parameters.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

using namespace snnc;

namespace {

/// Front end and diagnostics into a string, one per compilation.
class Harness {
public:
  Harness() : stream(log), diags(sources, &stream) {}

  std::unique_ptr<Simulation> compile(llvm::StringRef source,
                                      SimulationOptions options = {}) {
    std::optional<model::Model> model =
        loadModelFromString(source, "test.snn", diags);
    if (!model)
      return nullptr;
    options.showProgress = false;
    return Simulation::create(*model, options, diags);
  }

  const std::string &messages() { return stream.str(); }

  llvm::SourceMgr sources;
  std::string log;
  llvm::raw_string_ostream stream;
  DiagnosticEngine diags;
};

/// Two populations' worth of COBA network: every kind of value (neuron,
/// synapse and output parameters, weights, drives onto a population and a
/// slice), soft reset and refractoriness, random connectivity.
const std::string kNetwork = std::string(snnc::testing::kCobaDefinitions) + R"(
population N = LIFRef(200, tau_ref = 2 ms) {
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
  connect fixed_per_pre(20)
  weight 6.7 mS
}
drive N.I = 20 mA
drive N[0:50].I = 1 mA
run 200 ms dt 0.1 ms seed 7 {
  record N.spike
}
)";

/// `text` with the first occurrence of `from` replaced by `to`.
std::string edit(std::string text, const std::string &from,
                 const std::string &to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos)
    text.replace(at, from.size(), to);
  return text;
}

/// What a run computed: every spike and the final state, bit for bit.
struct Outcome {
  std::vector<int32_t> steps, indices;
  std::vector<double> finalV;
  bool cacheHit = false;
  bool operator==(const Outcome &other) const {
    return steps == other.steps && indices == other.indices &&
           finalV.size() == other.finalV.size() &&
           std::memcmp(finalV.data(), other.finalV.data(),
                       finalV.size() * sizeof(double)) == 0;
  }
};

std::optional<Outcome> runModel(llvm::StringRef source,
                                const SimulationOptions &options,
                                std::string *messages = nullptr) {
  Harness h;
  std::unique_ptr<Simulation> sim = h.compile(source, options);
  if (messages)
    *messages = h.messages();
  EXPECT_TRUE(sim) << h.messages();
  if (!sim)
    return std::nullopt;
  sim->run(sim->totalSteps());
  Outcome out;
  out.steps = sim->spikes().at(0).steps;
  out.indices = sim->spikes().at(0).indices;
  out.finalV = sim->stateValues("N", "V");
  out.cacheHit = sim->compileTimes().cacheHit;
  return out;
}

/// A fresh cache directory, removed at the end of the test.
class CacheDirectory {
public:
  CacheDirectory() {
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("snnc-params", path));
    // The cache uses only a directory no one else can write (any umask).
    llvm::sys::fs::setPermissions(path, llvm::sys::fs::owner_all);
  }
  ~CacheDirectory() { llvm::sys::fs::remove_directories(path); }
  std::string str() const { return std::string(path); }

private:
  llvm::SmallString<128> path;
};

//===----------------------------------------------------------------------===//
// (a) An override is the same as an edit of the text
//===----------------------------------------------------------------------===//

TEST(RuntimeParametersTest, OverridesGiveExactlyTheRunOfTheEditedText) {
  for (bool doublePrecision : {false, true}) {
    SCOPED_TRACE(doublePrecision ? "double" : "float");
    SimulationOptions options;
    options.doublePrecision = doublePrecision;
    std::optional<Outcome> original = runModel(kNetwork, options);

    std::string edited = kNetwork;
    edited = edit(edited, "param V_th = -50 mV", "param V_th = -52 mV");
    edited = edit(edited, "param tau = 20 ms", "param tau : ms = 0.015 s");
    edited = edit(edited, "LIFRef(200, tau_ref = 2 ms)",
                  "LIFRef(200, tau_ref = 3 ms)");
    edited = edit(edited, "Expon(tau = 5 ms)", "Expon(tau = 6 ms)");
    edited = edit(edited, "COBA(E = -80 mV)", "COBA(E = -75 mV)");
    edited = edit(edited, "weight 0.6 mS", "weight 0.5 mS");
    edited = edit(edited, "weight 6.7 mS", "weight 7 mS");
    edited = edit(edited, "drive N.I = 20 mA", "drive N.I = 18 mA");
    edited = edit(edited, "drive N[0:50].I = 1 mA", "drive N[0:50].I = 2 mA");
    std::optional<Outcome> byText = runModel(edited, options);

    SimulationOptions overridden = options;
    overridden.parameterOverrides = {"N.V_th=-52mV",
                                     "N.tau = 0.015 s",
                                     "N.tau_ref=3 ms",
                                     "projection0.synapse.tau=6 ms",
                                     "projection1.output.E=-75 mV",
                                     "projection0.weight=0.5 mS",
                                     "projection1.weight=7000 uS",
                                     "drive0=18 mA",
                                     "drive1=+2 mA"};
    std::optional<Outcome> byOverride = runModel(kNetwork, overridden);

    ASSERT_TRUE(original && byText && byOverride);
    EXPECT_GT(byText->steps.size(), 100u);
    EXPECT_FALSE(*original == *byText) << "the edits should change the run";
    EXPECT_TRUE(*byOverride == *byText) << byOverride->steps.size() << " vs "
                                        << byText->steps.size() << " spikes";
  }
}

// Overrides apply before the network is drawn: a state's initial value
// that reads a parameter follows it, as it does when the text is edited.
TEST(RuntimeParametersTest, InitialValuesFollowOverriddenParameters) {
  std::string model = edit(kNetwork, "V ~ normal(-55 mV, 2 mV)", "");
  std::optional<Outcome> byText =
      runModel(edit(model, "param V_rest = -60 mV", "param V_rest = -58 mV"),
               SimulationOptions{});
  SimulationOptions options;
  options.parameterOverrides = {"N.V_rest=-58 mV"};
  std::optional<Outcome> byOverride = runModel(model, options);
  ASSERT_TRUE(byText && byOverride);
  EXPECT_TRUE(*byText == *byOverride);
}

//===----------------------------------------------------------------------===//
// (b) The compile cache
//===----------------------------------------------------------------------===//

TEST(RuntimeParametersTest, CacheHitsWhenOnlyValuesSeedOrDurationChange) {
  CacheDirectory cache;
  SimulationOptions options;
  options.cacheDirectory = cache.str();

  std::optional<Outcome> first = runModel(kNetwork, options);
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->cacheHit);

  // Every kind of value at once, then each on its own.
  std::vector<std::vector<std::string>> changes = {
      {"N.V_th=-52 mV", "projection0.synapse.tau=6 ms",
       "projection1.output.E=-75 mV", "projection0.weight=0.5 mS",
       "drive0=18 mA"},
      {"N.tau=25 ms"},
      {"N.tau_ref=1 ms"},
      {"projection1.synapse.tau=12 ms"},
      {"projection0.output.E=5 mV"},
      {"projection1.weight=5 mS"},
      {"drive1=3 mA"}};
  for (const std::vector<std::string> &change : changes) {
    SimulationOptions changed = options;
    changed.parameterOverrides = change;
    std::optional<Outcome> run = runModel(kNetwork, changed);
    ASSERT_TRUE(run);
    EXPECT_TRUE(run->cacheHit) << change.front();
    EXPECT_FALSE(*run == *first) << change.front();
    // The cached program with the new values computes what a program
    // compiled for them does.
    SimulationOptions fresh = changed;
    fresh.cacheDirectory.clear();
    std::optional<Outcome> compiled = runModel(kNetwork, fresh);
    ASSERT_TRUE(compiled);
    EXPECT_TRUE(*run == *compiled) << change.front();
  }

  // The seed (with random fixed_prob connectivity) and the duration.
  SimulationOptions seeded = options;
  seeded.seed = 8;
  seeded.durationMs = 150;
  std::optional<Outcome> reseeded = runModel(kNetwork, seeded);
  ASSERT_TRUE(reseeded);
  EXPECT_TRUE(reseeded->cacheHit);
  EXPECT_FALSE(reseeded->steps == first->steps);

  // A value edited in the text is the same program too.
  std::optional<Outcome> edited = runModel(
      edit(kNetwork, "param V_th = -50 mV", "param V_th = -51 mV"), options);
  ASSERT_TRUE(edited);
  EXPECT_TRUE(edited->cacheHit);

  // An equation is code: a different program.
  std::optional<Outcome> otherEquation = runModel(
      edit(kNetwork, "dg/dt = -g / tau", "dg/dt = -g / tau - g / (100 ms)"),
      options);
  ASSERT_TRUE(otherEquation);
  EXPECT_FALSE(otherEquation->cacheHit);
  // So is the time step.
  SimulationOptions finer = options;
  finer.dtMs = 0.05;
  std::optional<Outcome> finerRun = runModel(kNetwork, finer);
  ASSERT_TRUE(finerRun);
  EXPECT_FALSE(finerRun->cacheHit);
}

/// Neurons without synapses that integrate `exact`ly: the propagators
/// are computed from tau (and the other parameters of the equation) at
/// compile time.
const char *kExactModel = R"(
neuron LIF {
  param V_rest = -60 mV
  param V_th = -50 mV
  param tau = 20 ms
  param R = 1 ohm
  integrator exact
  state V : mV = V_rest
  input I : mA
  dV/dt = (-(V - V_rest) + R * I) / tau
  spike V >= V_th
  reset hard to V_rest
}
population N = LIF(10) {
  V ~ uniform(-60 mV, -50 mV)
}
drive N.I = 15 mA
run 100 ms dt 0.1 ms seed 2 {
  record N.spike
}
)";

TEST(RuntimeParametersTest, ValuesCompiledInAreReportedAndRecompile) {
  llvm::SourceMgr sources;
  DiagnosticEngine diags(sources);
  std::optional<model::Model> model =
      loadModelFromString(kExactModel, "exact.snn", diags);
  ASSERT_TRUE(model);
  std::string because;
  for (const ModelParameter &param : listParameters(*model)) {
    if (param.name == "N.tau") {
      because = param.specialisedBecause;
    } else if (param.name == "N.V_th" || param.name == "drive0") {
      EXPECT_EQ(param.specialisedBecause, "") << param.name;
    }
  }
  EXPECT_EQ(because, "an 'exact' equation reads it");

  CacheDirectory cache;
  SimulationOptions options;
  options.cacheDirectory = cache.str();
  std::optional<Outcome> first = runModel(kExactModel, options);
  ASSERT_TRUE(first);
  EXPECT_GT(first->steps.size(), 0u);
  SimulationOptions threshold = options;
  threshold.parameterOverrides = {"N.V_th=-52 mV", "drive0=16 mA"};
  std::optional<Outcome> run = runModel(kExactModel, threshold);
  ASSERT_TRUE(run);
  EXPECT_TRUE(run->cacheHit); // V_th and the drive are data here
  SimulationOptions tau = options;
  tau.parameterOverrides = {"N.tau=15 ms"};
  run = runModel(kExactModel, tau);
  ASSERT_TRUE(run);
  EXPECT_FALSE(run->cacheHit); // tau is in the propagator
  std::optional<Outcome> byText =
      runModel(edit(kExactModel, "param tau = 20 ms", "param tau = 15 ms"),
               SimulationOptions{});
  ASSERT_TRUE(byText);
  EXPECT_TRUE(*run == *byText);
}

TEST(RuntimeParametersTest, TheLayoutNamesEverySlotOfTheParamsBuffer) {
  Harness h;
  std::unique_ptr<Simulation> sim = h.compile(kNetwork);
  ASSERT_TRUE(sim) << h.messages();
  const ProgramLayout &layout = sim->layout();
  ASSERT_GE(layout.params, 0);
  EXPECT_EQ(layout.buffers[layout.params].name, "params");
  EXPECT_EQ(static_cast<size_t>(layout.buffers[layout.params].size),
            layout.paramSlots.size());
  bool threshold = false, computed = false;
  for (const ParamSlot &slot : layout.paramSlots) {
    if (slot.name == "N.V_th") {
      threshold = true;
      EXPECT_EQ(slot.unit, "mV");
    }
    // exprel(-dt / tau) of a synapse, folded on the host.
    if (slot.name == "computed from projection0.synapse.tau")
      computed = true;
  }
  EXPECT_TRUE(threshold);
  EXPECT_TRUE(computed);
}

//===----------------------------------------------------------------------===//
// (c) Specialisation
//===----------------------------------------------------------------------===//

TEST(RuntimeParametersTest, SpecializedProgramsGiveTheSameRuns) {
  // Exponents, exact integration, a condition on parameters alone, calls
  // on parameters, divisions by them and per-neuron parameters.
  std::string mixed = R"(
neuron Mixed {
  param V_rest = -60 mV
  param V_th = -50 mV
  param tau = 20 ms
  param k = 2
  param a = 0.3
  param on = 1
  state V : mV = V_rest
  state u = 0
  input I : mA
  dV/dt = (-(V - V_rest) + 1 ohm * I * exp(-a) * (1 + u ^ k)) / tau
  du/dt = (log(1 + a) - u) / (tau * sqrt(k)) using rk4
  spike V >= V_th and on > 0.5
}
synapse Alpha {
  param tau : ms
  state g : mS = 0 mS
  dg/dt = -g / tau
  on_pre g += w * exp(tau / (20 ms))
}
output Cuba {
  param scale = 1
  current scale * g * 1 mV
}
population N = Mixed(100) {
  V ~ uniform(-60 mV, -50 mV)
  tau ~ uniform(15 ms, 25 ms)
}
project N -> N {
  synapse Alpha(tau = 3 ms)
  output Cuba(scale = 2)
  connect fixed_per_pre(10)
  weight 0.1 mS
}
drive N.I = 16 mA
run 200 ms dt 0.1 ms seed 4 {
  record N.spike
}
)";
  for (const char *source : {kNetwork.c_str(), kExactModel, mixed.c_str()})
    for (bool doublePrecision : {false, true}) {
      SCOPED_TRACE(std::string(source).substr(0, 40));
      SimulationOptions options;
      options.doublePrecision = doublePrecision;
      std::optional<Outcome> runtime = runModel(source, options);
      options.specializeParameters = true;
      std::optional<Outcome> specialized = runModel(source, options);
      ASSERT_TRUE(runtime && specialized);
      EXPECT_GT(runtime->steps.size(), 0u);
      EXPECT_TRUE(*runtime == *specialized)
          << runtime->steps.size() << " vs " << specialized->steps.size()
          << " spikes";
    }

  Harness h;
  SimulationOptions options;
  options.specializeParameters = true;
  std::unique_ptr<Simulation> sim = h.compile(kNetwork, options);
  ASSERT_TRUE(sim) << h.messages();
  EXPECT_EQ(sim->layout().params, -1);
}

// A specialised program is keyed by its values: a change compiles again.
TEST(RuntimeParametersTest, SpecializedProgramsAreCachedPerValue) {
  CacheDirectory cache;
  SimulationOptions options;
  options.cacheDirectory = cache.str();
  options.specializeParameters = true;
  std::optional<Outcome> first = runModel(kNetwork, options);
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->cacheHit);
  std::optional<Outcome> again = runModel(kNetwork, options);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->cacheHit);
  options.parameterOverrides = {"N.V_th=-52 mV"};
  std::optional<Outcome> changed = runModel(kNetwork, options);
  ASSERT_TRUE(changed);
  EXPECT_FALSE(changed->cacheHit);
}

//===----------------------------------------------------------------------===//
// (d) Errors
//===----------------------------------------------------------------------===//

struct ErrorCase {
  const char *source; ///< null: kNetwork
  const char *override;
  const char *message;  ///< a substring of the first error
  unsigned column;      ///< of the first error in the override, from 1
  const char *noteText; ///< a substring of a note, or null
};

TEST(RuntimeParametersTest, BadOverridesAreReportedWhereTheyAre) {
  std::string perNeuron = edit(kNetwork, "V ~ normal(-55 mV, 2 mV)",
                               "V_th ~ uniform(-52 mV, -48 mV)");
  std::string drawnWeight =
      edit(kNetwork, "weight 0.6 mS", "weight ~ normal(0.6 mS, 0.1 mS)");
  const ErrorCase cases[] = {
      {nullptr, "N.V_t=-52 mV",
       "unknown parameter 'N.V_t'; did you mean 'N.V_th'?", 1,
       "the values that can be set are: N.V_rest, N.V_th"},
      {nullptr, "  projection2.weight = 1 mS",
       "unknown parameter 'projection2.weight'", 3, "projection1.weight"},
      {nullptr, "N.V_th=-52 mS", "'N.V_th' is in mV, but this value is in mS",
       8, "declared here"},
      {nullptr, "N.V_th=-52",
       "'N.V_th' is in mV: write the value with its "
       "unit, such as '-52 mV'",
       8, "declared here"},
      {nullptr, "N.V_th=-52 mv", "unknown unit 'mv'; did you mean 'mV'?", 12,
       nullptr},
      {nullptr, "N.V_th", "expected NAME=VALUE", 1, nullptr},
      {nullptr, " = 5 mV", "expected NAME=VALUE", 1, nullptr},
      {nullptr, "N.V_th=fast", "expected a number", 8, nullptr},
      {nullptr, "N.V_th=-52 mV mV", "unexpected 'm' after the value", 15,
       nullptr},
      {nullptr, "N.tau=1e999 ms", "number out of range", 7, nullptr},
      {nullptr, "N.V=-50 mV", "'N.V' is a state, not a parameter", 1, nullptr},
      {nullptr, "drive0=2 mA^2", "'drive0' is in mA, but this value is in", 8,
       nullptr},
      {perNeuron.c_str(), "N.V_th=-50 mV", "'N.V_th' varies per neuron", 1,
       nullptr},
      {drawnWeight.c_str(), "projection0.weight=0.5 mS",
       "'projection0.weight' is drawn per synapse", 1, nullptr},
  };
  for (const ErrorCase &c : cases) {
    SCOPED_TRACE(c.override);
    Harness h;
    SimulationOptions options;
    options.parameterOverrides = {c.override};
    std::unique_ptr<Simulation> sim =
        h.compile(c.source ? c.source : kNetwork, options);
    EXPECT_FALSE(sim);
    const std::vector<Diagnostic> &reported = h.diags.diagnostics();
    ASSERT_FALSE(reported.empty());
    const Diagnostic &first = reported.front();
    EXPECT_EQ(first.severity, Severity::Error);
    EXPECT_NE(first.message.find(c.message), std::string::npos)
        << first.message;
    EXPECT_EQ(first.file, "override");
    EXPECT_EQ(first.line, 1u);
    EXPECT_EQ(first.column, c.column) << first.message;
    if (c.noteText) {
      bool found = false;
      for (const Diagnostic &d : reported)
        if (d.severity == Severity::Note &&
            d.message.find(c.noteText) != std::string::npos)
          found = true;
      EXPECT_TRUE(found) << h.messages();
    }
  }
}

// A wrong unit points at the declaration in the model, too.
TEST(RuntimeParametersTest, AWrongUnitNotesTheDeclaration) {
  Harness h;
  SimulationOptions options;
  options.parameterOverrides = {"projection0.synapse.tau=5 mV"};
  EXPECT_FALSE(h.compile(kNetwork, options));
  const std::vector<Diagnostic> &reported = h.diags.diagnostics();
  ASSERT_EQ(reported.size(), 2u) << h.messages();
  EXPECT_EQ(reported[1].severity, Severity::Note);
  EXPECT_EQ(reported[1].file, "test.snn");
  EXPECT_EQ(reported[1].line, 17u); // param tau : ms, in Expon
  EXPECT_NE(h.messages().find("override:1:25: error: "
                              "'projection0.synapse.tau' is in ms, but this "
                              "value is in mV"),
            std::string::npos)
      << h.messages();
}

// Units with half exponents (the noise amplitude of a stochastic equation)
// are written in overrides as in the language, and converted as exactly.
TEST(RuntimeParametersTest, OverridesTakeHalfIntegerUnits) {
  llvm::SourceMgr sources;
  DiagnosticEngine diags(sources);
  std::optional<model::Model> model = loadModelFromString(R"(neuron Noisy {
  param k : 1/s^0.5 = 3 s^-0.5
  state v : mV = 0 mV
  dv/dt = -v / 10 ms + 1 mV * sqrt(2 / 10 ms) * k
}
population N = Noisy(1)
)",
                                                          "noisy.snn", diags);
  ASSERT_TRUE(model);
  ASSERT_TRUE(applyOverrides(*model, {"N.k=2 ms^-0.5"}, diags));
  EXPECT_DOUBLE_EQ(model->populations[0].params[0], 2 * std::sqrt(1000.0));
  ASSERT_TRUE(applyOverrides(*model, {"N.k=5 1/s^0.5"}, diags));
  EXPECT_EQ(model->populations[0].params[0], 5);

  Harness h;
  SimulationOptions options;
  options.parameterOverrides = {"N.k=2 (1/s^0.5)^0.5"};
  EXPECT_FALSE(h.compile(R"(neuron Noisy {
  param k : 1/s^0.5 = 3 s^-0.5
}
population N = Noisy(1)
)",
                         options));
  EXPECT_NE(h.messages().find("override:1:17: error: cannot raise 1/s^0.5 "
                              "to the power 0.5"),
            std::string::npos)
      << h.messages();
}

TEST(RuntimeParametersTest, ChecksListTheValuesWithTheirNames) {
  llvm::SourceMgr sources;
  DiagnosticEngine diags(sources);
  std::optional<model::Model> model =
      loadModelFromString(kNetwork, "test.snn", diags);
  ASSERT_TRUE(model);
  std::vector<std::string> names;
  for (const ModelParameter &param : listParameters(*model))
    names.push_back(param.name);
  std::vector<std::string> expected = {"N.V_rest",
                                       "N.V_th",
                                       "N.V_reset",
                                       "N.tau",
                                       "N.tau_ref",
                                       "N.R",
                                       "projection0.synapse.tau",
                                       "projection0.output.E",
                                       "projection0.weight",
                                       "projection1.synapse.tau",
                                       "projection1.output.E",
                                       "projection1.weight",
                                       "drive0",
                                       "drive1"};
  EXPECT_EQ(names, expected);
  std::string printed;
  llvm::raw_string_ostream os(printed);
  printParameters(*model, os);
  EXPECT_NE(printed.find("  drive1                   1 mA"), std::string::npos)
      << printed;
  EXPECT_NE(printed.find("into N[0:50].I"), std::string::npos) << printed;
}

//===----------------------------------------------------------------------===//
// Changing values between runs of one simulation
//===----------------------------------------------------------------------===//

/// Runs kNetwork: `before` steps, then setParameters(`change`) (which must
/// succeed), then the rest.
std::optional<Outcome> runWithChange(int64_t before,
                                     const std::vector<std::string> &change,
                                     SimulationOptions options = {}) {
  Harness h;
  std::unique_ptr<Simulation> sim = h.compile(kNetwork, options);
  EXPECT_TRUE(sim) << h.messages();
  if (!sim)
    return std::nullopt;
  sim->run(before);
  bool changed = sim->setParameters(change, h.diags);
  EXPECT_TRUE(changed) << h.messages();
  if (!changed)
    return std::nullopt;
  sim->run(sim->totalSteps());
  Outcome out;
  out.steps = sim->spikes().at(0).steps;
  out.indices = sim->spikes().at(0).indices;
  out.finalV = sim->stateValues("N", "V");
  return out;
}

// Before the first step, a change is the override at creation: bit for bit
// (values the initial spikes do not read, which were computed at creation).
TEST(SetParametersTest, BeforeTheFirstStepIsTheOverrideAtCreation) {
  std::vector<std::string> values = {"drive0=18 mA",
                                     "projection0.weight=0.5 mS", "N.tau=15 ms",
                                     "projection1.output.E=-75 mV"};
  SimulationOptions atCreation;
  atCreation.parameterOverrides = values;
  std::optional<Outcome> created = runModel(kNetwork, atCreation);
  std::optional<Outcome> changed = runWithChange(0, values);
  std::optional<Outcome> plain = runModel(kNetwork, SimulationOptions{});
  ASSERT_TRUE(created && changed && plain);
  EXPECT_TRUE(*changed == *created);
  EXPECT_FALSE(*changed == *plain) << "the values should change the run";
}

// Mid-run, a change acts from the next step on: the spikes before it are
// the unchanged run's, those after differ; changing a value and changing
// it back changes nothing.
TEST(SetParametersTest, AMidRunChangeActsFromTheNextStep) {
  std::optional<Outcome> plain = runModel(kNetwork, SimulationOptions{});
  std::optional<Outcome> changed = runWithChange(1000, {"drive0=25 mA"});
  std::optional<Outcome> restored =
      runWithChange(1000, {"N.V_th=-52 mV", "N.V_th=-50 mV"});
  ASSERT_TRUE(plain && changed && restored);
  EXPECT_TRUE(*restored == *plain);
  size_t early = 0;
  while (early < plain->steps.size() && plain->steps[early] < 1000)
    ++early;
  ASSERT_GT(early, 0u);
  ASSERT_GE(changed->steps.size(), early);
  EXPECT_EQ(
      std::vector<int32_t>(changed->steps.begin(),
                           changed->steps.begin() + early),
      std::vector<int32_t>(plain->steps.begin(), plain->steps.begin() + early));
  EXPECT_EQ(std::vector<int32_t>(changed->indices.begin(),
                                 changed->indices.begin() + early),
            std::vector<int32_t>(plain->indices.begin(),
                                 plain->indices.begin() + early));
  // A stronger drive: more spikes after the change.
  EXPECT_GT(changed->steps.size(), plain->steps.size());
}

TEST(SetParametersTest, CompiledInValuesAndBadNamesAreRefusedChangingNothing) {
  {
    Harness h;
    std::unique_ptr<Simulation> sim = h.compile(kExactModel);
    ASSERT_TRUE(sim) << h.messages();
    EXPECT_FALSE(sim->setParameters({"N.tau=25 ms"}, h.diags));
    EXPECT_NE(h.messages().find("'N.tau' is compiled into this simulation"),
              std::string::npos)
        << h.messages();
  }
  {
    Harness h;
    std::unique_ptr<Simulation> sim = h.compile(kNetwork);
    ASSERT_TRUE(sim) << h.messages();
    // One bad override: none of them applies.
    EXPECT_FALSE(sim->setParameters({"drive0=25 mA", "N.V_t=-52 mV"}, h.diags));
    EXPECT_NE(h.messages().find("did you mean 'N.V_th'"), std::string::npos)
        << h.messages();
    sim->run(sim->totalSteps());
    std::optional<Outcome> plain = runModel(kNetwork, SimulationOptions{});
    ASSERT_TRUE(plain);
    EXPECT_EQ(sim->spikes().at(0).indices, plain->indices);
  }
  {
    Harness h;
    SimulationOptions specialized;
    specialized.specializeParameters = true;
    std::unique_ptr<Simulation> sim = h.compile(kNetwork, specialized);
    ASSERT_TRUE(sim) << h.messages();
    EXPECT_FALSE(sim->setParameters({"drive0=25 mA"}, h.diags));
    EXPECT_NE(h.messages().find("compiled in"), std::string::npos)
        << h.messages();
  }
}

} // namespace
