//===- ThreadTeamTest.cpp - Threads that step one simulation together ----===//

#include "snnc/runtime/ThreadTeam.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace snnc::rt;

namespace {

TEST(ThreadTeamTest, RunCallsTheJobOncePerThreadAndWaitsForAll) {
  ThreadTeam team(4);
  ASSERT_EQ(team.size(), 4);
  std::vector<std::atomic<int>> calls(4);
  for (int job = 0; job < 100; ++job)
    team.run([&](int thread) { calls[thread].fetch_add(1); });
  // run() returned after every call of the last job had returned.
  for (int t = 0; t < 4; ++t)
    EXPECT_EQ(calls[t].load(), 100) << "thread " << t;
}

// Jobs on fewer threads than the team has, the count changing from job to
// job: exactly the threads asked for take part, each once, and a barrier
// resized between jobs holds as many as the job has.
TEST(ThreadTeamTest, AJobRunsOnAsManyThreadsAsItAsksFor) {
  ThreadTeam team(4);
  std::vector<std::atomic<int>> calls(4);
  StepBarrierState barrier;
  initStepBarrier(barrier.words, 4);
  std::vector<int> expected(4, 0);
  for (int job = 0; job < 200; ++job) {
    int workers = 1 + (job * 7) % 4;
    resizeStepBarrier(barrier.words, workers);
    team.run(
        [&](int thread) {
          calls[thread].fetch_add(1);
          waitStepBarrier(barrier.words);
        },
        workers);
    for (int t = 0; t < workers; ++t)
      ++expected[t];
    for (int t = 0; t < 4; ++t)
      ASSERT_EQ(calls[t].load(), expected[t])
          << "job " << job << " thread " << t;
  }
}

// How much of the spinning thread's time it gets depends on the machine's
// load (tests run in parallel), so only its bounds are checked; a thread
// that sleeps is off its core whatever the load.
TEST(ThreadClockTest, ASleepingThreadIsOffItsCore) {
  ThreadClock spinning;
  volatile double sink = 0;
  for (int i = 0; i < 2000000 && sink >= 0; ++i)
    sink = sink + 1e-9;
  double share = spinning.cpuShare();
  EXPECT_GT(share, 0.0);
  EXPECT_LE(share, 1.0);
  ThreadClock sleeping;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_LT(sleeping.cpuShare(), 0.25);
}

TEST(ThreadTeamTest, OneThreadRunsOnTheCaller) {
  ThreadTeam team(1);
  int seen = -1;
  team.run([&](int thread) { seen = thread; });
  EXPECT_EQ(seen, 0);
}

// The pattern of a simulated step: every thread writes its own slot, all
// meet, every thread reads all slots, all meet again. Any thread that ran
// ahead through a barrier would read a slot from the wrong round.
TEST(StepBarrierTest, NoThreadPassesBeforeAllArrive) {
  constexpr int threads = 3, rounds = 2000;
  StepBarrierState barrier;
  initStepBarrier(barrier.words, threads);
  std::vector<int> slots(threads, -1);
  std::vector<int> mismatches(threads, 0);
  ThreadTeam team(threads);
  team.run([&](int thread) {
    for (int round = 0; round < rounds; ++round) {
      __atomic_store_n(&slots[thread], round, __ATOMIC_RELAXED);
      waitStepBarrier(barrier.words);
      for (int other = 0; other < threads; ++other)
        mismatches[thread] +=
            __atomic_load_n(&slots[other], __ATOMIC_RELAXED) != round;
      waitStepBarrier(barrier.words);
    }
  });
  for (int t = 0; t < threads; ++t)
    EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

TEST(ThreadCountTest, SmallNetworksRunOnOneThread) {
  EXPECT_EQ(defaultThreadCount(4000), 1);
  EXPECT_EQ(defaultThreadCount(1), 1);
  EXPECT_GE(defaultThreadCount(1 << 24), 1);
}

} // namespace
