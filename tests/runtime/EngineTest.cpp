//===- EngineTest.cpp - The runtime runs a program, no compiler in sight --===//
//
// A program written by hand (what a target's loader would hand over) over a
// four-neuron population: every step adds 1 to each V, neuron step % 4
// spikes, and the program records its spikes and V into the chunk buffers
// as compiled code does. The engine must allocate the layout, call the
// program chunk by chunk, drain the recordings in order, stop on a NaN
// with the exact step its trace shows, and honour the stop flag.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Engine.h"
#include "snnc/runtime/PackedProgram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace snnc::rt;

namespace {

enum Buffer { V, List, Count, RecIndices, RecCounts, RecFill, RecV };
constexpr int64_t kChunk = 3, kNeurons = 4;

EngineLayout layoutOfFour() {
  EngineLayout layout;
  layout.buffers = {{"N.V", BufferType::Real, kNeurons},
                    {"N.spike_list", BufferType::Int32, kNeurons},
                    {"N.spike_count", BufferType::Int32, 1},
                    {"N.record_indices", BufferType::Int32, kNeurons * kChunk},
                    {"N.record_counts", BufferType::Int32, kChunk},
                    {"N.record_fill", BufferType::Int32, 1},
                    {"N.record_V", BufferType::Real, kNeurons * kChunk}};
  layout.chunkSteps = kChunk;
  layout.populations = {
      {"N", kNeurons, List, Count, RecIndices, RecCounts, RecFill, -1}};
  layout.spikeRecords = {0};
  layout.stateRecords = {{RecV, kNeurons}};
  layout.scans = {{V, kNeurons, false, 0, "V"}};
  return layout;
}

/// Steps V += 1; at step `nanAt` neuron 2 becomes NaN.
class CountingProgram : public Program {
public:
  explicit CountingProgram(int64_t nanAt) : nanAt(nanAt) {}
  void init(void *const *buffers, Partitions) const override {
    auto *v = static_cast<float *>(buffers[V]);
    for (int64_t j = 0; j < kNeurons; ++j)
      v[j] = 0;
  }
  void run(void *const *buffers, int64_t begin, int64_t end,
           Partitions) const override {
    auto *v = static_cast<float *>(buffers[V]);
    auto *indices = static_cast<int32_t *>(buffers[RecIndices]);
    auto *counts = static_cast<int32_t *>(buffers[RecCounts]);
    auto *fill = static_cast<int32_t *>(buffers[RecFill]);
    auto *recorded = static_cast<float *>(buffers[RecV]);
    for (int64_t step = begin; step < end; ++step) {
      int64_t local = step - begin;
      for (int64_t j = 0; j < kNeurons; ++j)
        v[j] += 1;
      if (step == nanAt)
        v[2] = std::numeric_limits<float>::quiet_NaN();
      indices[(*fill)++] = static_cast<int32_t>(step % kNeurons);
      counts[local] = 1;
      for (int64_t j = 0; j < kNeurons; ++j)
        recorded[local * kNeurons + j] = v[j];
    }
  }

private:
  int64_t nanAt;
};

std::unique_ptr<Engine> startedEngine(std::unique_ptr<Program> program,
                                      const std::atomic<bool> *stop = nullptr) {
  EngineOptions options;
  options.showProgress = false;
  options.stop = stop;
  auto engine = std::make_unique<Engine>(layoutOfFour(), options);
  EXPECT_TRUE(engine->allocate({}).ok());
  SpikeTrain train;
  train.population = "N";
  train.size = train.end = kNeurons;
  StateTrace trace;
  trace.population = "N";
  trace.state = "V";
  trace.end = kNeurons;
  engine->start(std::move(program), {train}, {trace});
  return engine;
}

std::unique_ptr<Engine> startedEngine(int64_t nanAt,
                                      const std::atomic<bool> *stop = nullptr) {
  return startedEngine(std::make_unique<CountingProgram>(nanAt), stop);
}

TEST(EngineTest, RunsAProgramChunkByChunkAndDrainsItsRecordings) {
  std::unique_ptr<Engine> engine = startedEngine(/*nanAt=*/-1);
  // 8 steps: chunks of 3, 3 and 2, in two calls.
  ASSERT_TRUE(engine->run(5));
  ASSERT_TRUE(engine->run(8));
  EXPECT_EQ(engine->stepsDone(), 8);
  EXPECT_EQ(engine->stop(), nullptr);
  const SpikeTrain &train = engine->spikes().at(0);
  ASSERT_EQ(train.steps.size(), 8u);
  for (int32_t step = 0; step < 8; ++step) {
    EXPECT_EQ(train.steps[step], step);
    EXPECT_EQ(train.indices[step], step % kNeurons);
  }
  const StateTrace &trace = engine->stateTraces().at(0);
  ASSERT_EQ(trace.steps.size(), 8u);
  ASSERT_EQ(trace.values.size(), 8u * kNeurons);
  for (size_t row = 0; row < 8; ++row)
    EXPECT_EQ(trace.values[row * kNeurons + 3], static_cast<float>(row + 1));
  // The buffers are the engine's, and hold the state after step 8.
  EXPECT_EQ(engine->data<float>(V)[0], 8.0f);
}

TEST(EngineTest, StopsOnANanAtTheStepItsTraceShows) {
  std::unique_ptr<Engine> engine = startedEngine(/*nanAt=*/10);
  EXPECT_FALSE(engine->run(20));
  const EngineStop *stop = engine->stop();
  ASSERT_NE(stop, nullptr);
  EXPECT_EQ(stop->kind, EngineStop::Kind::NonFinite);
  EXPECT_EQ(stop->scan, 0u);
  EXPECT_EQ(stop->index, 2);
  EXPECT_TRUE(std::isnan(stop->value));
  EXPECT_EQ(stop->count, 1);
  // Checked once, at the end of the call; the trace dates it.
  EXPECT_EQ(stop->finiteSteps, 0);
  EXPECT_EQ(stop->stoppedSteps, 20);
  EXPECT_TRUE(stop->exact);
  EXPECT_EQ(stop->foundSteps, 11);
  // Nothing more runs.
  EXPECT_FALSE(engine->run(30));
  EXPECT_EQ(engine->stepsDone(), 20);
}

TEST(EngineTest, AStopFlagEndsTheRunAtAChunkBoundary) {
  std::atomic<bool> stop{true};
  std::unique_ptr<Engine> engine = startedEngine(-1, &stop);
  EXPECT_TRUE(engine->run(9));
  EXPECT_EQ(engine->stepsDone(), 0);
  stop = false;
  EXPECT_TRUE(engine->run(9));
  EXPECT_EQ(engine->stepsDone(), 9);
}

TEST(EngineTest, AdoptedBuffersAreTakenOverPadded) {
  EngineOptions options;
  options.showProgress = false;
  Engine engine(layoutOfFour(), options);
  std::vector<bool> adopted(7, false);
  adopted[List] = true;
  ASSERT_TRUE(engine.allocate(adopted).ok());
  engine.adopt(List, {7, 8});
  const int32_t *list = engine.data<int32_t>(List);
  EXPECT_EQ(list[0], 7);
  EXPECT_EQ(list[1], 8);
  EXPECT_EQ(list[3], 0);
}

// The same program built as a shared library with packed entry points, as
// the CPU target writes a bundle's: loaded without LLVM, it runs alike.
TEST(EngineTest, RunsAProgramLoadedFromASharedLibrary) {
  Expected<std::unique_ptr<Program>> loaded =
      loadLibraryProgram(SNNC_COUNTING_PROGRAM, 7);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  std::unique_ptr<Engine> fromLibrary = startedEngine(loaded.take());
  std::unique_ptr<Engine> inProcess = startedEngine(/*nanAt=*/-1);
  ASSERT_TRUE(fromLibrary->run(8));
  ASSERT_TRUE(inProcess->run(8));
  EXPECT_EQ(fromLibrary->spikes().at(0).steps, inProcess->spikes().at(0).steps);
  EXPECT_EQ(fromLibrary->spikes().at(0).indices,
            inProcess->spikes().at(0).indices);
  EXPECT_EQ(fromLibrary->stateTraces().at(0).values,
            inProcess->stateTraces().at(0).values);
  EXPECT_EQ(fromLibrary->stateTraces().at(0).values.size(), 8u * kNeurons);
}

TEST(EngineTest, ALibraryThatIsNotAProgramIsAnError) {
  Expected<std::unique_ptr<Program>> missing =
      loadLibraryProgram("/nonexistent/program.so", 7);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("cannot load the program"),
            std::string::npos)
      << missing.message();
  Expected<std::unique_ptr<Program>> notAProgram =
      loadLibraryProgram(SNNC_NOT_A_PROGRAM, 7);
  ASSERT_FALSE(notAProgram.ok());
  EXPECT_NE(notAProgram.message().find("has no entry point _mlir_snn_init"),
            std::string::npos)
      << notAProgram.message();
}

} // namespace
