//===- ThreadTeam.h - Threads that step one simulation together -*- C++ -*-===//
//
// A multi-threaded run splits every population into partitions, contiguous
// ranges of neurons; each thread runs the whole time loop over one or more
// adjacent partitions (rt::Partitions, Program.h) and the threads meet at a
// barrier between the phases of a step. How many threads share the
// partitions may change between jobs (WorkerSchedule.h). Steps are
// short (microseconds to a millisecond), so the barrier spins first and only
// then sleeps in the kernel: on an idle machine a crossing costs tens of
// nanoseconds, and on a busy one a waiting thread gives its core away rather
// than spinning against the thread it waits for.
//
// StepBarrier's state is plain memory (the compiled program holds it in one
// of its buffers and calls snnc_barrier_wait on it), so the generated code
// needs no C++ object.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_THREADTEAM_H
#define SNNC_RUNTIME_THREADTEAM_H

#include <cstdint>
#include <functional>
#include <memory>

namespace snnc::rt {

/// The barrier's memory: 32-bit words, the counters a cache line apart.
struct StepBarrierState {
  static constexpr int kWords = 48;
  alignas(64) int32_t words[kWords];
};
static_assert(sizeof(StepBarrierState) == 192, "three cache lines");

/// Prepares `state` (kWords int32s, 4-byte aligned) for `threads` threads.
void initStepBarrier(int32_t *state, int threads);

/// Blocks until all threads of `state` have arrived; reusable at once.
void waitStepBarrier(int32_t *state);

/// Changes the number of threads `state` waits for. Only between uses:
/// every thread of the last crossing has arrived, and none is arriving.
void resizeStepBarrier(int32_t *state, int threads);

/// The cores this process may run on (its affinity mask).
int availableCores();

/// How many threads a run of `neurons` neurons should use by default: one
/// per core while every thread gets enough neurons to outweigh crossing two
/// barriers per step, else one.
int defaultThreadCount(int64_t neurons);

/// The wall and CPU time of the calling thread since it was made: how much
/// of the time the thread was on a core.
class ThreadClock {
public:
  ThreadClock();
  /// CPU time over wall time, at most 1; 1 when no time has passed.
  double cpuShare() const;

private:
  double wallStart, cpuStart;
};

/// Persistent worker threads: run(job, n) calls job(t) for t = 0 .. n-1,
/// t = 0 on the calling thread, and returns when all calls have returned.
/// Workers sleep between jobs; those a job does not use are not woken.
class ThreadTeam {
public:
  explicit ThreadTeam(int threads);
  ~ThreadTeam();
  ThreadTeam(const ThreadTeam &) = delete;
  ThreadTeam &operator=(const ThreadTeam &) = delete;

  int size() const { return threads; }
  /// `workers`: how many of the team take part (1 .. size(); clamped).
  void run(const std::function<void(int)> &job, int workers);
  void run(const std::function<void(int)> &job) { run(job, threads); }

private:
  struct Shared;
  struct Worker;
  int threads;
  std::unique_ptr<Shared> shared;
};

} // namespace snnc::rt

/// The entry point compiled programs call (C linkage, resolved by the JIT).
extern "C" void snnc_barrier_wait(int32_t *state);

#endif // SNNC_RUNTIME_THREADTEAM_H
