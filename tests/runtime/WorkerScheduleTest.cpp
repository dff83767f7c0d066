//===- WorkerScheduleTest.cpp - How many threads step the next stretch ----===//
//
// The schedule is driven here by a model machine: on all T threads a step
// takes `all` seconds, on one `one`, and while a thread shares its core
// with another process it is on that core for half the time.
//
//===----------------------------------------------------------------------===//

#include "snnc/runtime/WorkerSchedule.h"

#include <gtest/gtest.h>

using namespace snnc::rt;

namespace {

struct Machine {
  double all, one;   ///< seconds per step on all threads, on one
  bool busy = false; ///< another process holds a core
  int64_t chunk = 1000;
  double seconds = 0; ///< wall time of everything run
};

/// Runs `steps` steps under `schedule` on `machine`.
void run(WorkerSchedule &schedule, Machine &machine, int maxWorkers,
         int64_t steps) {
  while (steps > 0) {
    WorkerSchedule::Stretch stretch = schedule.next();
    int64_t n = std::min(steps, machine.chunk);
    if (stretch.maxSteps > 0)
      n = std::min(n, stretch.maxSteps);
    bool allThreads = stretch.workers == maxWorkers;
    double perStep = allThreads ? machine.all : machine.one;
    double share = machine.busy && allThreads ? 0.5 : 1.0;
    schedule.finished(stretch, n, n * perStep, share);
    machine.seconds += n * perStep;
    steps -= n;
  }
}

TEST(WorkerScheduleTest, OnAnIdleMachineEveryStepRunsOnAllThreads) {
  WorkerSchedule schedule(2, true);
  Machine idle{/*all=*/30e-6, /*one=*/54e-6};
  run(schedule, idle, 2, 100000);
  EXPECT_EQ(schedule.stepsOnAll(), 100000);
  EXPECT_EQ(schedule.stepsOnOne(), 0);
}

TEST(WorkerScheduleTest, ABusyMachineFallsBackToOneThreadWithinTenPercent) {
  WorkerSchedule schedule(2, true);
  // As measured with another process busy: two threads 3.3x one.
  Machine busy{/*all=*/180e-6, /*one=*/54e-6, /*busy=*/true};
  run(schedule, busy, 2, 100000);
  double oneThreadAlone = 100000 * busy.one;
  EXPECT_LT(busy.seconds, 1.10 * oneThreadAlone);
  EXPECT_GT(schedule.stepsOnOne(), 95000);
  EXPECT_GT(schedule.stepsOnAll(), 0); // it looked back now and then
}

TEST(WorkerScheduleTest, AMachineThatBecomesIdleAgainIsUsedAgain) {
  WorkerSchedule schedule(2, true);
  Machine machine{180e-6, 54e-6, true};
  run(schedule, machine, 2, 20000);
  int64_t oneBefore = schedule.stepsOnOne();
  EXPECT_GT(oneBefore, 15000);
  machine.all = 30e-6;
  machine.busy = false;
  int64_t allBefore = schedule.stepsOnAll();
  run(schedule, machine, 2, 200000);
  // Within a few seconds of simulated wall time it runs on all again.
  EXPECT_GT(schedule.stepsOnAll() - allBefore, 150000);
}

TEST(WorkerScheduleTest, AFixedCountIsKeptAndOneThreadIsNeverAdaptive) {
  WorkerSchedule fixed(4, true);
  fixed.fix(3);
  Machine busy{180e-6, 54e-6, true};
  for (int i = 0; i < 50; ++i) {
    WorkerSchedule::Stretch stretch = fixed.next();
    EXPECT_EQ(stretch.workers, 3);
    EXPECT_EQ(stretch.maxSteps, 0);
    fixed.finished(stretch, 100, 100 * busy.all, 0.5);
  }
  WorkerSchedule single(1, true);
  EXPECT_EQ(single.next().workers, 1);
  EXPECT_EQ(single.next().maxSteps, 0);
}

} // namespace
