//===- RandomModelsTest.cpp - Random models on both engines ---------------===//
//
// Fifty random models (RandomModels.h; fixed seeds, at most 200 neurons and
// 500 steps each) must run identically on the compiled engine and on the
// reference with the engine's math: the same spikes and bitwise equal
// states. A failing case is shrunk to the smallest model that still fails,
// which is printed with its seed. A case that crashes an engine cannot be
// caught; SNNC_PRINT_SEED=1 prints every model before it runs. Twenty of
// them run again split over three threads, which must not change a bit.
//
//===----------------------------------------------------------------------===//
#include "RandomModels.h"
#include "Differential.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

using namespace snnc;
using namespace snnc::testing;

namespace {

constexpr uint32_t numCases = 50;
/// Threaded runs oversubscribe CI's two cores: fewer cases keep them quick.
constexpr uint32_t numThreadedCases = 20;

/// "" when both engines agree on `model`; the difference otherwise.
/// `valid` is false when the model does not load or run (only possible for
/// a shrunk candidate, whose parts no longer fit together).
std::string compare(const RandomModel &model, bool &valid) {
  Harness harness;
  std::optional<BothRuns> runs = harness.run(model.print(), RunOptions{});
  valid = runs.has_value();
  if (!runs)
    return harness.log;
  return compareExactly(*runs);
}

TEST(RandomModelsTest, FiftyRandomModelsRunIdenticallyOnBothEngines) {
  unsigned spiking = 0;
  for (uint32_t seed = 1; seed <= numCases; ++seed) {
    RandomModel model = generateModel(seed);
    if (std::getenv("SNNC_PRINT_SEED"))
      std::fprintf(stderr, "seed %u\n%s", seed, model.print().c_str());
    Harness harness;
    std::optional<BothRuns> runs = harness.run(model.print(), RunOptions{});
    ASSERT_TRUE(runs) << "seed " << seed
                      << ": the generated model is invalid:\n"
                      << harness.log << "\n"
                      << model.print();
    spiking += countSpikes(*runs->compiled) > 0;
    std::string difference = compareExactly(*runs);
    if (difference.empty())
      continue;
    RandomModel smallest = shrink(model, [](const RandomModel &candidate) {
      bool valid;
      std::string diff = compare(candidate, valid);
      return valid && !diff.empty();
    });
    bool valid;
    ADD_FAILURE() << "seed " << seed << ": the engines differ:\n"
                  << difference << "smallest failing model:\n"
                  << smallest.print() << "which differs by:\n"
                  << compare(smallest, valid);
  }
  // A generator whose models never spike would test little.
  EXPECT_GE(spiking, numCases * 3 / 4);
}

// Split over three threads (ranges of 64 neurons, some empty for small
// populations), the compiled engine must still compute exactly what the
// reference computes: threads change who computes, never what.
TEST(RandomModelsTest, TwentyRandomModelsOnThreeThreadsMatchTheReference) {
  RunOptions threaded;
  threaded.threads = 3;
  for (uint32_t seed = 1; seed <= numThreadedCases; ++seed) {
    RandomModel model = generateModel(seed);
    Harness harness;
    std::optional<BothRuns> runs = harness.run(model.print(), threaded);
    ASSERT_TRUE(runs) << "seed " << seed << ":\n"
                      << harness.log << "\n"
                      << model.print();
    ASSERT_EQ(runs->compiled->threads(), 3);
    EXPECT_EQ(compareExactly(*runs), "") << "seed " << seed << ":\n"
                                         << model.print();
  }
}

TEST(RandomModelsTest, GeneratorIsDeterministicAndWithinBounds) {
  for (uint32_t seed = 1; seed <= numCases; ++seed) {
    RandomModel model = generateModel(seed);
    EXPECT_EQ(model.print(), generateModel(seed).print());
    int64_t neurons = 0;
    for (const RandomPopulation &pop : model.populations)
      neurons += pop.size;
    EXPECT_LE(neurons, 200) << "seed " << seed;
    Harness harness;
    std::optional<model::Model> loaded = harness.load(model.print());
    ASSERT_TRUE(loaded) << harness.log;
    const model::RunSettings &run = *loaded->run;
    EXPECT_LE(run.durationMs / run.dtMs, 500 + 1e-6) << "seed " << seed;
  }
}

} // namespace
