//===- RecorderTest.cpp - Spike and state recorders -----------------------===//
//
// Appending chunks as compiled code produces them, counts and rates, the
// all-or-nothing rejection of bad chunks, state sampling at an interval,
// and the .npz files both recorders write.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/SpikeRecorder.h"
#include "snnc/runtime/StateRecorder.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

using namespace snnc::rt;
namespace fs = std::filesystem;

namespace {

TEST(SpikeRecorderTest, AppendCountAndRate) {
  SpikeRecorder recorder;
  Expected<int32_t> exc = recorder.addPopulation("E", 4);
  Expected<int32_t> inh = recorder.addPopulation("I", 2);
  ASSERT_TRUE(exc.ok() && inh.ok());
  EXPECT_EQ(*exc, 0);
  EXPECT_EQ(*inh, 1);
  EXPECT_EQ(recorder.numPopulations(), 2);
  EXPECT_EQ(*recorder.findPopulation("I"), 1);
  EXPECT_EQ(recorder.name(1), "I");
  EXPECT_EQ(recorder.size(0), 4);

  const int32_t step0[] = {0, 3};
  const int32_t step5[] = {1, 3, 2};
  ASSERT_TRUE(recorder.append(*exc, 0, step0, 2).ok());
  ASSERT_TRUE(recorder.append(*exc, 5, step5, 3).ok());
  ASSERT_TRUE(recorder.append(*exc, 6, nullptr, 0).ok());
  const int32_t bulkSteps[] = {1, 1, 20};
  const int32_t bulkIndices[] = {0, 1, 1};
  ASSERT_TRUE(recorder.appendBulk(*inh, bulkSteps, bulkIndices, 3).ok());

  EXPECT_EQ(recorder.count(*exc), 5);
  EXPECT_EQ(recorder.count(*inh), 3);
  EXPECT_EQ(recorder.steps(*exc), (std::vector<int32_t>{0, 0, 5, 5, 5}));
  EXPECT_EQ(recorder.indices(*exc), (std::vector<int32_t>{0, 3, 1, 3, 2}));
  EXPECT_EQ(recorder.countsPerNeuron(*exc), (std::vector<int64_t>{1, 1, 1, 2}));

  // dt = 0.1 ms, 1 ms = 10 steps: 5 spikes of 4 neurons in 1 ms = 1250 Hz.
  Expected<double> rate = recorder.meanRateHz(*exc, 0.1, 1.0);
  ASSERT_TRUE(rate.ok()) << rate.message();
  EXPECT_NEAR(*rate, 1250.0, 1e-9);
  // The spike at step 20 lies outside a 1 ms window: 2 spikes of 2 neurons.
  EXPECT_NEAR(*recorder.meanRateHz(*inh, 0.1, 1.0), 1000.0, 1e-9);
  // 1000 / 0.1 is not exactly 10000 in floating point; still 10000 steps.
  EXPECT_NEAR(*recorder.meanRateHz(*exc, 0.1, 1000.0), 1.25, 1e-12);

  recorder.clear();
  EXPECT_EQ(recorder.count(*exc), 0);
  EXPECT_EQ(recorder.numPopulations(), 2);
}

TEST(SpikeRecorderTest, RejectsBadInputWithoutSideEffects) {
  SpikeRecorder recorder;
  int32_t pop = *recorder.addPopulation("E", 3);
  const int32_t good[] = {0, 1};
  const int32_t bad[] = {0, 3};
  ASSERT_TRUE(recorder.append(pop, 1, good, 2).ok());
  Status status = recorder.append(pop, 2, bad, 2);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("outside population 'E'"), std::string::npos)
      << status.message();
  EXPECT_EQ(recorder.count(pop), 2) << "a rejected chunk must not be kept";
  EXPECT_FALSE(recorder.append(7, 1, good, 2).ok());
  EXPECT_FALSE(recorder.append(pop, -1, good, 2).ok());
  EXPECT_FALSE(recorder.append(pop, 1, good, -2).ok());
  EXPECT_FALSE(recorder.append(pop, 1, nullptr, 2).ok());
  const int32_t negativeSteps[] = {1, -4};
  EXPECT_FALSE(recorder.appendBulk(pop, negativeSteps, good, 2).ok());
  EXPECT_EQ(recorder.count(pop), 2);

  EXPECT_FALSE(recorder.addPopulation("E", 3).ok());
  EXPECT_FALSE(recorder.addPopulation("", 3).ok());
  EXPECT_FALSE(recorder.addPopulation("X", -3).ok());
  Expected<int32_t> missing = recorder.findPopulation("Z");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("known: E"), std::string::npos);
  EXPECT_FALSE(recorder.meanRateHz(pop, 0.0, 1.0).ok());
  EXPECT_FALSE(recorder.meanRateHz(pop, 0.1, -1.0).ok());
  EXPECT_FALSE(recorder.meanRateHz(pop, 0.1, 0.01).ok());
  EXPECT_FALSE(recorder.meanRateHz(9, 0.1, 1.0).ok());
  EXPECT_EQ(recorder.count(9), 0);
  EXPECT_TRUE(recorder.steps(-1).empty());
}

TEST(StateRecorderTest, SamplesEveryIntervalSteps) {
  Expected<StateRecorder> created =
      StateRecorder::create("V", {2, 0, 2}, 4, /*interval=*/3, 10);
  ASSERT_TRUE(created.ok()) << created.message();
  StateRecorder &recorder = *created;
  std::vector<float> state(4);
  for (int64_t step = 0; step < 10; ++step) {
    for (int i = 0; i < 4; ++i)
      state[i] = float(100 * step + i);
    ASSERT_TRUE(recorder.record(step, state.data()).ok());
  }
  EXPECT_EQ(recorder.numSamples(), 4); // steps 0, 3, 6, 9
  EXPECT_EQ(recorder.numNeurons(), 3);
  EXPECT_EQ(recorder.recordedSteps(), (std::vector<int64_t>{0, 3, 6, 9}));
  EXPECT_EQ(recorder.at(1, 0), 302.0f);
  EXPECT_EQ(recorder.at(1, 1), 300.0f);
  EXPECT_EQ(recorder.at(3, 2), 902.0f);
  EXPECT_EQ(recorder.values().size(), 12u);

  std::vector<double> wide = {0.5, 1.5, 2.5, 3.5};
  ASSERT_TRUE(recorder.record(12, wide.data()).ok());
  EXPECT_EQ(recorder.at(4, 0), 2.5f);
  ASSERT_TRUE(recorder.record(13, wide.data()).ok()); // not a sample step
  EXPECT_EQ(recorder.numSamples(), 5);
  EXPECT_FALSE(recorder.record(-3, wide.data()).ok());
  EXPECT_FALSE(recorder.record(15, static_cast<float *>(nullptr)).ok());
  recorder.clear();
  EXPECT_EQ(recorder.numSamples(), 0);
}

TEST(StateRecorderTest, CreationErrors) {
  EXPECT_FALSE(StateRecorder::create("V", {4}, 4).ok());
  EXPECT_FALSE(StateRecorder::create("V", {-1}, 4).ok());
  EXPECT_FALSE(StateRecorder::create("V", {0}, 4, 0).ok());
  EXPECT_FALSE(StateRecorder::create("", {0}, 4).ok());
  EXPECT_FALSE(StateRecorder::create("V", {0}, -4).ok());
  // An absurd size hint is ignored, not allocated.
  EXPECT_TRUE(StateRecorder::create("V", {0}, 4, 1, int64_t(1) << 60).ok());
}

TEST(RecorderFilesTest, WriteNpz) {
  fs::path directory = fs::path(::testing::TempDir()) /
                       ("snnc-rec-" + std::to_string(::getpid()));
  SpikeRecorder spikes;
  int32_t pop = *spikes.addPopulation("E", 3);
  const int32_t indices[] = {2};
  ASSERT_TRUE(spikes.append(pop, 4, indices, 1).ok());
  Status status = spikes.writeNpz((directory / "spikes.npz").string(), 0.1);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_TRUE(fs::exists(directory / "spikes.npz"));

  StateRecorder state = StateRecorder::create("V", {0, 1}, 3).take();
  const float values[] = {1, 2, 3};
  ASSERT_TRUE(state.record(0, values).ok());
  status = state.writeNpz((directory / "V.npz").string());
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_TRUE(fs::exists(directory / "V.npz"));

  SpikeRecorder badName;
  ASSERT_TRUE(badName.addPopulation("E I", 1).ok());
  EXPECT_FALSE(badName.writeNpz((directory / "bad.npz").string(), 0.1).ok());
  std::error_code error;
  fs::remove_all(directory, error);
}

} // namespace
