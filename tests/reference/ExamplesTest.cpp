//===- ExamplesTest.cpp - Every example model, on both engines ------------===//
//
// Each `.snn` file of examples/ is run for 100 ms (scaled down from its own
// duration) by the compiled engine and by the reference simulator, twice:
//
// - with the engine's own math in the reference (MathLibrary::Compiled):
//   the spikes must be identical and every state bitwise equal;
// - with libm's math in the reference (MathLibrary::Accurate): the engine's
//   polynomial exp/exprel/log are within about 2 ulps of libm (see
//   CompiledMathTest), so each exp_euler step differs by about 1e-7
//   relative. Neurons whose spike trains stay the same keep states within
//   that times the steps since their last reset: under 1e-4 relative (the
//   seed shows 3e-6). A neuron near threshold can cross it one step
//   earlier or later; in a recurrent network that flip then spreads. Over
//   100 ms of the seed 4 of 20077 spikes differ. The bounds (spike counts
//   within 0.5%, at most 1% of spikes unmatched, states within 1e-4) leave
//   room for other examples and still fail on a semantic difference: the
//   seed's one-line variants (docs/seed-semantics.md) change its 100 ms
//   spike count by only 0.005-0.08%, but leave 3981 (increment before
//   decay), 14897 (hard reset) and 27063 (forward Euler) spikes unmatched
//   and states 2e-4 to 8e-4 apart.
//   Two examples need a looser state bound, 1e-3, for reasons that are
//   not semantic: Hodgkin-Huxley neurons (cobahh) are never reset, so the
//   per-step difference accumulates over the whole run and the spike's
//   steep rise amplifies it (2.5e-4 seen, every spike matched); and the
//   Gaussian draws of izhikevich2003 go through log and cos, polynomial in
//   the engine and libm's in the reference, so every step's input differs
//   in the last bits (1.25e-4 seen, every spike matched). A semantic
//   difference still leaves spikes unmatched.
//
//===----------------------------------------------------------------------===//
#include "Differential.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

using namespace snnc;
using namespace snnc::testing;

namespace {

std::vector<std::string> examples() {
  std::vector<std::string> paths;
  for (const auto &entry :
       std::filesystem::directory_iterator(SNNC_EXAMPLES_DIR))
    if (entry.path().extension() == ".snn")
      paths.push_back(entry.path().string());
  std::sort(paths.begin(), paths.end());
  return paths;
}

TEST(ExamplesTest, EveryExampleRunsIdenticallyOnBothEnginesFor100Ms) {
  std::vector<std::string> paths = examples();
  ASSERT_FALSE(paths.empty());
  for (const std::string &path : paths) {
    SCOPED_TRACE(path);
    Harness harness;
    std::optional<model::Model> model = harness.loadFile(path);
    ASSERT_TRUE(model) << harness.log;
    RunOptions options;
    options.durationMs = 100;
    std::optional<BothRuns> runs = harness.run(*model, options);
    ASSERT_TRUE(runs) << harness.log;
    EXPECT_GT(countSpikes(*runs->compiled), 0);
    EXPECT_EQ(compareExactly(*runs), "");
  }
}

TEST(ExamplesTest, EveryExampleAgreesWithAccurateMathWithinTolerance) {
  for (const std::string &path : examples()) {
    SCOPED_TRACE(path);
    Harness harness;
    std::optional<model::Model> model = harness.loadFile(path);
    ASSERT_TRUE(model) << harness.log;
    RunOptions options;
    options.durationMs = 100;
    options.math = reference::MathLibrary::Accurate;
    std::optional<BothRuns> runs = harness.run(*model, options);
    ASSERT_TRUE(runs) << harness.log;
    ToleranceReport report = compareWithTolerance(*runs);
    SCOPED_TRACE(report.describe());
    int64_t total = report.compiledSpikes;
    EXPECT_LE(std::abs(report.compiledSpikes - report.referenceSpikes),
              total / 200 + 1);
    EXPECT_LE(report.unmatchedSpikes, total / 100 + 1);
    bool neverReset = path.find("cobahh") != std::string::npos;
    bool gaussianDraws = path.find("izhikevich2003") != std::string::npos;
    EXPECT_LE(report.maxRelativeStateError,
              neverReset || gaussianDraws ? 1e-3 : 1e-4);
  }
}

} // namespace
