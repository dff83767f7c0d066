//===- ThreadTeamTest.cpp - Threads that step one simulation together ----===//

#include "snnc/runtime/ThreadTeam.h"

#include <gtest/gtest.h>

#include <atomic>
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
