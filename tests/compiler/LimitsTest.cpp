//===- LimitsTest.cpp - Limits checked before work, numbers never silent --===//
//
// The library's side of the limits: step counts from SimulationOptions held
// to the model file's limits, parameter rules through setParameters, and a
// run whose states go non-finite stopping with Simulation::stopped() saying
// where and when.
//
//===----------------------------------------------------------------------===//

#include "snnc/Simulation.h"
#include "snnc/dsl/Frontend.h"

#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cmath>
#include <string>

using namespace snnc;

namespace {

/// A LIF neuron whose leak has the wrong sign: V runs away downwards and
/// overflows float32 after 172 steps.
constexpr const char *kWrongSign = R"(
neuron LIF {
  param V_rest = -60 mV
  param V_th = -50 mV
  param tau = 0.2 ms
  state V : mV = -65 mV
  dV/dt = (V - V_rest) / tau
  spike V >= V_th
  reset hard to V_rest
}
population P = LIF(10)
run 50 ms {
  record P.spike
}
)";

class Harness {
public:
  Harness() : stream(log), diags(sources, &stream) {}

  std::unique_ptr<Simulation> compile(llvm::StringRef text,
                                      SimulationOptions options = {}) {
    std::optional<model::Model> model =
        loadModelFromString(text, "test.snn", diags);
    if (!model)
      return nullptr;
    options.showProgress = false;
    return Simulation::create(*model, options, diags);
  }
  std::string messages() { return stream.str(); }

  llvm::SourceMgr sources;
  std::string log;
  llvm::raw_string_ostream stream;
  DiagnosticEngine diags;
};

TEST(LimitsTest, StepCountsAreExactOrExplained) {
  EXPECT_EQ(model::countSteps(1000, 0.1, true).steps, 10000);
  EXPECT_EQ(model::countSteps(0, 0.1, true).steps, 0);
  EXPECT_EQ(model::countSteps(0.15, 0.1, true).steps, 2);
  using Problem = model::StepCount::Problem;
  EXPECT_EQ(model::countSteps(1e33, 0.1, false).problem, Problem::TooManySteps);
  EXPECT_EQ(model::countSteps(INFINITY, 0.1, false).problem, Problem::Duration);
  EXPECT_EQ(model::countSteps(20, 50, false).problem, Problem::TimeStep);
  EXPECT_EQ(model::countSteps(20, NAN, false).problem, Problem::TimeStep);
  EXPECT_EQ(model::countSteps(3e5, 1e-4, true).problem, Problem::TooManySteps);
  EXPECT_TRUE(model::countSteps(3e5, 1e-4, false).ok());
}

TEST(LimitsTest, OptionsAreHeldToTheModelFilesLimits) {
  Harness h;
  SimulationOptions options;
  options.durationMs = 1e33;
  EXPECT_FALSE(h.compile(kWrongSign, options));
  EXPECT_NE(h.messages().find("more than 10^12 steps"), std::string::npos)
      << h.messages();
  Harness longDt;
  options.durationMs = 20;
  options.dtMs = 50;
  EXPECT_FALSE(longDt.compile(kWrongSign, options));
  EXPECT_NE(longDt.messages().find("is longer than the run"), std::string::npos)
      << longDt.messages();
}

TEST(LimitsTest, RunStopsAtTheFirstNonFiniteStateAndSaysWhere) {
  Harness h;
  std::unique_ptr<Simulation> sim = h.compile(kWrongSign);
  ASSERT_TRUE(sim) << h.messages();
  EXPECT_FALSE(sim->run(sim->totalSteps()));
  const RunStop *stop = sim->stopped();
  ASSERT_TRUE(stop);
  EXPECT_EQ(stop->kind, RunStop::Kind::NonFinite);
  EXPECT_EQ(stop->population, "P");
  EXPECT_EQ(stop->state, "V");
  EXPECT_EQ(stop->neuron, 0);
  EXPECT_EQ(stop->value, -INFINITY);
  EXPECT_EQ(stop->count, 10);
  EXPECT_FALSE(stop->exact);
  EXPECT_EQ(stop->finiteSteps, 0);
  EXPECT_EQ(stop->foundSteps, 500);
  EXPECT_EQ(sim->stepsDone(), 500);
  EXPECT_TRUE(stop->where.isValid());
  EXPECT_NE(stop->message().find("became -inf by t = 50 ms"), std::string::npos)
      << stop->message();
  // Stopped for good: nothing more runs.
  EXPECT_FALSE(sim->run(10));
  EXPECT_EQ(sim->stepsDone(), 500);
}

TEST(LimitsTest, ShortRunsNarrowWhenItHappened) {
  Harness h;
  std::unique_ptr<Simulation> sim = h.compile(kWrongSign);
  ASSERT_TRUE(sim) << h.messages();
  EXPECT_TRUE(sim->run(100));
  EXPECT_FALSE(sim->run(100));
  ASSERT_TRUE(sim->stopped());
  EXPECT_EQ(sim->stopped()->finiteSteps, 100);
  EXPECT_EQ(sim->stopped()->foundSteps, 200);
}

TEST(LimitsTest, SetParametersRefusesAZeroTimeConstant) {
  Harness h;
  std::unique_ptr<Simulation> sim = h.compile(kWrongSign);
  ASSERT_TRUE(sim) << h.messages();
  EXPECT_FALSE(sim->setParameters({"P.tau=0 ms"}, h.diags));
  EXPECT_NE(h.messages().find("'P.tau' must be positive"), std::string::npos)
      << h.messages();
  EXPECT_TRUE(sim->setParameters({"P.tau=5 ms"}, h.diags)) << h.messages();
}

} // namespace
