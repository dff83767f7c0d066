//===- ThreadingTest.cpp - Multi-threaded runs compute what one thread does
//===//
//
// A multi-threaded run splits every population into per-thread ranges, and
// every thread delivers spikes only onto its own neurons, along rows sorted
// by target (ThreadPartition.h). None of that may change a result: the
// seed model on 2 and 5 threads must give the very spikes and the very
// membrane potentials of one thread.
//
//===----------------------------------------------------------------------===//
#include "snnc/Simulation.h"

#include "snnc/dsl/Frontend.h"
#include "snnc/runtime/ThreadPartition.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

using namespace snnc;
using namespace snnc::rt;

namespace {

TEST(ThreadBoundsTest, RangesCoverThePopulationInAlignedPieces) {
  std::vector<int32_t> bounds = threadBounds(1000, 3);
  ASSERT_EQ(bounds.size(), 4u);
  EXPECT_EQ(bounds.front(), 0);
  EXPECT_EQ(bounds.back(), 1000);
  for (size_t t = 0; t + 1 < bounds.size(); ++t) {
    EXPECT_LE(bounds[t], bounds[t + 1]);
    EXPECT_EQ(bounds[t] % kThreadRangeAlign, 0) << "thread " << t;
  }
  // More threads than aligned pieces: the first threads get nothing.
  EXPECT_EQ(threadBounds(10, 4), (std::vector<int32_t>{0, 0, 0, 0, 10}));
}

TEST(SplitRowsTest, RowsAreSortedStablyAndSplitAtThreadBounds) {
  rt::Connectivity c;
  c.numPre = 2;
  c.numPost = 40;
  c.rowStart = {0, 5, 8};
  c.targets = {35, 3, 20, 3, 16, /*row 1:*/ 39, 0, 17};
  // Distinct weights show where each synapse went; the two synapses onto
  // neuron 3 must keep their order (0.1 before 0.3).
  std::vector<double> weights = {0.0, 0.1, 0.2, 0.3, 0.4, 1.0, 1.1, 1.2};
  // Threads own [0, 16), [16, 32), [32, 40) of the population.
  std::vector<int32_t> table =
      splitRowsByThread(c, weights, 0, {0, 16, 32, 40});
  EXPECT_EQ(c.targets, (std::vector<int32_t>{3, 3, 16, 20, 35, 0, 17, 39}));
  EXPECT_EQ(weights,
            (std::vector<double>{0.1, 0.3, 0.4, 0.2, 0.0, 1.1, 1.2, 1.0}));
  // Row r, thread t: [table[3r + t], table[3r + t + 1]).
  EXPECT_EQ(table, (std::vector<int32_t>{0, 2, 4, 5, 6, 7, 8}));
}

TEST(SplitRowsTest, TargetsOfASliceAreSplitInPopulationCoordinates) {
  rt::Connectivity c;
  c.numPre = 1;
  c.numPost = 20; // onto neurons [30, 50) of the population
  c.rowStart = {0, 3};
  c.targets = {5, 1, 19}; // neurons 35, 31, 49
  std::vector<double> noWeights;
  std::vector<int32_t> table = splitRowsByThread(c, noWeights, 30, {0, 32, 64});
  EXPECT_EQ(c.targets, (std::vector<int32_t>{1, 5, 19}));
  EXPECT_EQ(table, (std::vector<int32_t>{0, 1, 3}));
}

struct SeedRun {
  std::vector<SpikeTrain> spikes;
  std::vector<StateTrace> traces;
  std::vector<double> v;
  int64_t stepsOnOne = 0; ///< of a multi-threaded simulation
};

/// The seed model for 200 ms, recording all spikes and three neurons' V
/// after every step; run at once, or `piece` steps per call. With
/// `workers`, piece i runs on workers[i % size] threads.
std::optional<SeedRun> runSeed(int threads, std::string &log, int64_t piece = 0,
                               const std::string &cacheDirectory = "",
                               bool *cacheHit = nullptr,
                               const std::vector<int> &workers = {}) {
  llvm::SourceMgr sources;
  llvm::raw_string_ostream stream(log);
  DiagnosticEngine diags(sources, &stream);
  std::optional<model::Model> model =
      loadModel(SNNC_EXAMPLES_DIR "/coba.snn", diags);
  if (!model)
    return std::nullopt;
  for (model::Record &record : model->run->records)
    if (record.spikes) { // add a state recording next to the spikes
      model::Record states = record;
      states.spikes = false;
      states.target.end = 3;
      states.state = 0; // V
      model->run->records.push_back(states);
      break;
    }
  SimulationOptions options;
  options.showProgress = false;
  options.threads = threads;
  options.durationMs = 200;
  options.cacheDirectory = cacheDirectory;
  std::unique_ptr<Simulation> sim = Simulation::create(*model, options, diags);
  if (!sim || sim->threads() != threads)
    return std::nullopt;
  if (cacheHit)
    *cacheHit = sim->compileTimes().cacheHit;
  if (piece > 0) // in pieces that end mid-chunk
    for (size_t i = 0; sim->stepsDone() < sim->totalSteps(); ++i) {
      if (!workers.empty())
        sim->setWorkers(workers[i % workers.size()]);
      sim->run(piece);
    }
  else
    sim->run(sim->totalSteps());
  return SeedRun{sim->spikes(), sim->stateTraces(), sim->stateValues("N", "V"),
                 sim->stepsOnOneThread()};
}

TEST(ThreadingTest, SeedModelOnTwoAndFiveThreadsIsBitwiseOneThread) {
  std::string log;
  std::optional<SeedRun> one = runSeed(1, log);
  ASSERT_TRUE(one) << log;
  ASSERT_EQ(one->spikes.size(), 1u);
  ASSERT_GT(one->spikes[0].steps.size(), 20000u); // ~50 Hz x 4000 x 0.2 s
  ASSERT_EQ(one->traces.size(), 1u);
  ASSERT_EQ(one->traces[0].values.size(), 3u * 2000);
  for (int threads : {2, 5}) {
    std::optional<SeedRun> many = runSeed(threads, log);
    ASSERT_TRUE(many) << log;
    EXPECT_EQ(many->spikes[0].steps, one->spikes[0].steps) << threads;
    EXPECT_EQ(many->spikes[0].indices, one->spikes[0].indices) << threads;
    EXPECT_EQ(many->traces[0].values, one->traces[0].values) << threads;
    // Bitwise, not approximately: memcmp sees -0 and +0 apart.
    ASSERT_EQ(many->v.size(), one->v.size());
    EXPECT_EQ(std::memcmp(many->v.data(), one->v.data(),
                          one->v.size() * sizeof(double)),
              0)
        << threads;
  }
}

TEST(ThreadingTest, ThreadedRunInPiecesIsTheWholeRun) {
  std::string log;
  std::optional<SeedRun> whole = runSeed(2, log);
  std::optional<SeedRun> pieces = runSeed(2, log, /*piece=*/333);
  ASSERT_TRUE(whole && pieces) << log;
  EXPECT_EQ(pieces->spikes[0].steps, whole->spikes[0].steps);
  EXPECT_EQ(pieces->spikes[0].indices, whole->spikes[0].indices);
  EXPECT_EQ(pieces->traces[0].values, whole->traces[0].values);
  EXPECT_EQ(pieces->v, whole->v);
}

// A program built for several partitions may be stepped by fewer threads,
// each taking adjacent partitions, and the count may change between any two
// steps (rt::WorkerSchedule does so on a busy machine): the spike lists are
// laid out anew at each change. None of it may change a result.
TEST(ThreadingTest, AnyNumberOfThreadsSharingThePartitionsIsBitwiseOneThread) {
  std::string log;
  std::optional<SeedRun> one = runSeed(1, log);
  ASSERT_TRUE(one) << log;
  struct Case {
    int partitions;
    std::vector<int> workers;
  };
  for (const Case &c : {Case{2, {1}}, Case{2, {1, 2}}, Case{2, {2, 1, 1}},
                        Case{5, {1, 5, 2, 3, 5, 4, 1}}}) {
    std::optional<SeedRun> shared =
        runSeed(c.partitions, log, /*piece=*/137, "", nullptr, c.workers);
    ASSERT_TRUE(shared) << log;
    std::string what = std::to_string(c.partitions) + " partitions";
    // The pieces really ran on one thread where asked to.
    EXPECT_GT(shared->stepsOnOne, c.workers.size() == 1 ? 1999 : 136) << what;
    EXPECT_EQ(shared->spikes[0].steps, one->spikes[0].steps) << what;
    EXPECT_EQ(shared->spikes[0].indices, one->spikes[0].indices) << what;
    EXPECT_EQ(shared->traces[0].values, one->traces[0].values) << what;
    ASSERT_EQ(shared->v.size(), one->v.size());
    EXPECT_EQ(std::memcmp(shared->v.data(), one->v.data(),
                          one->v.size() * sizeof(double)),
              0)
        << what;
  }
}

// A threaded program from the compile cache calls the runtime's barrier
// like a freshly compiled one (the JIT resolves it in both cases).
TEST(ThreadingTest, ThreadedProgramFromTheCompileCacheRunsTheSame) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("snnc-cache", dir));
  // The cache uses only a directory no one else can write (any umask).
  llvm::sys::fs::setPermissions(dir, llvm::sys::fs::owner_all);
  std::string log;
  bool hit = true;
  std::optional<SeedRun> compiled = runSeed(2, log, 0, std::string(dir), &hit);
  ASSERT_TRUE(compiled) << log;
  EXPECT_FALSE(hit);
  std::optional<SeedRun> cached = runSeed(2, log, 0, std::string(dir), &hit);
  ASSERT_TRUE(cached) << log;
  EXPECT_TRUE(hit);
  EXPECT_EQ(cached->spikes[0].indices, compiled->spikes[0].indices);
  EXPECT_EQ(cached->v, compiled->v);
  llvm::sys::fs::remove_directories(dir);
}

} // namespace
