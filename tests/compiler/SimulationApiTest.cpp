//===- SimulationApiTest.cpp - What the Simulation API hands out ----------===//
//
// The ownership rules Simulation.h states, held to: a state view is the
// program's own buffer (same address across runs, new values after each),
// recordings only grow, and a simulation created without its program
// (SimulationOptions::compile = false, as `snnc emit` makes them) answers
// every accessor without touching buffers that were never allocated.
//
//===----------------------------------------------------------------------===//
#include "snnc/Simulation.h"

#include "snnc/compiler/CompileCache.h"
#include "snnc/compiler/ProgramLayout.h"
#include "snnc/dsl/Frontend.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <type_traits>

using namespace snnc;

namespace {

constexpr const char *kModel = R"(
neuron LIF {
  param V_rest = -60 mV
  param V_th   = -50 mV
  param tau    = 20 ms
  state V : mV = V_rest
  input I : mV
  dV/dt = (-(V - V_rest) + I) / tau
  spike V >= V_th
  reset hard to V_rest
}
population N = LIF(4)
drive N.I = 20 mV
run 100 ms {
  record N.spike
  record N.V
}
)";

struct Harness {
  llvm::SourceMgr sources;
  std::string log;
  llvm::raw_string_ostream stream{log};
  DiagnosticEngine diags{sources, &stream};

  std::unique_ptr<Simulation> create(SimulationOptions options = {}) {
    std::optional<model::Model> model =
        loadModelFromString(kModel, "api.snn", diags);
    if (!model)
      return nullptr;
    options.showProgress = false;
    return Simulation::create(*model, options, diags);
  }
};

static_assert(!std::is_copy_constructible_v<Simulation> &&
              !std::is_copy_assignable_v<Simulation>);

TEST(SimulationApiTest, AStateViewIsTheProgramsBufferAcrossRuns) {
  Harness h;
  std::unique_ptr<Simulation> sim = h.create();
  ASSERT_TRUE(sim) << h.log;
  ASSERT_TRUE(sim->compiled());
  llvm::ArrayRef<float> before = sim->state("N", "V");
  ASSERT_EQ(before.size(), 4u);
  EXPECT_FLOAT_EQ(before[0], -60.0f);
  ASSERT_TRUE(sim->run(10));
  llvm::ArrayRef<float> after = sim->state("N", "V");
  EXPECT_EQ(after.data(), before.data());
  // The old view shows the new values: it is not a copy.
  EXPECT_GT(before[0], -60.0f);
  EXPECT_EQ(sim->stateValues("N", "V")[0], static_cast<double>(after[0]));
}

TEST(SimulationApiTest, RecordingsGrowInPlace) {
  Harness h;
  std::unique_ptr<Simulation> sim = h.create();
  ASSERT_TRUE(sim) << h.log;
  const std::vector<SpikeTrain> &trains = sim->spikes();
  const std::vector<StateTrace> &traces = sim->stateTraces();
  ASSERT_EQ(trains.size(), 1u);
  ASSERT_EQ(traces.size(), 1u);
  ASSERT_TRUE(sim->run(sim->totalSteps() / 2));
  size_t half = traces[0].steps.size();
  ASSERT_TRUE(sim->run(sim->totalSteps()));
  EXPECT_EQ(&sim->spikes(), &trains);
  EXPECT_EQ(trains.size(), 1u);
  EXPECT_EQ(traces[0].steps.size(), static_cast<size_t>(sim->totalSteps()));
  EXPECT_LT(half, traces[0].steps.size());
  // 20 mV over 10 mV of threshold, tau 20 ms: 7 spikes each in 100 ms.
  EXPECT_EQ(trains[0].steps.size(), 4u * 7u);
}

TEST(SimulationApiTest, AnUncompiledSimulationHasOnlyItsPlan) {
  Harness h;
  SimulationOptions options;
  options.compile = false;
  std::unique_ptr<Simulation> sim = h.create(options);
  ASSERT_TRUE(sim) << h.log;
  EXPECT_FALSE(sim->compiled());
  EXPECT_EQ(sim->totalSteps(), 1000);
  EXPECT_FALSE(sim->layout().buffers.empty());
  EXPECT_EQ(sim->model().populations.size(), 1u);
  // No buffer was allocated: nothing reads one.
  EXPECT_TRUE(sim->state("N", "V").empty());
  EXPECT_TRUE(sim->stateValues("N", "V").empty());
  EXPECT_TRUE(sim->spikes().empty());
  EXPECT_FALSE(sim->run(10));
  EXPECT_EQ(sim->stepsDone(), 0);
  EXPECT_EQ(sim->stopped(), nullptr);
  EXPECT_FALSE(sim->setParameters({"N.V_th=-52 mV"}, h.diags));
  EXPECT_NE(h.log.find("compile = false"), std::string::npos) << h.log;
}

TEST(SimulationApiTest, TheCompilerBuildIsTheExecutableItIsLinkedInto) {
  // This test program links the compiler's static libraries; a program
  // linked with libsnnc.so gets the library (tests/package).
  bool same = false;
  ASSERT_FALSE(
      llvm::sys::fs::equivalent(compilerBuildFile(), "/proc/self/exe", same));
  EXPECT_TRUE(same) << compilerBuildFile();
}

} // namespace
