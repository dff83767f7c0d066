//===- ThreadTeam.cpp - Threads that step one simulation together ---------===//

#include "snnc/runtime/ThreadTeam.h"

#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <thread>
#include <vector>

using namespace snnc::rt;

namespace {

// Word indices in a barrier's state; counters a cache line (16 words) apart
// so that arriving threads do not invalidate the line waiters poll.
constexpr int kArrived = 0;
constexpr int kGeneration = 16;
constexpr int kSleepers = 17;
constexpr int kThreads = 32;

/// Pause instructions before a waiting thread sleeps: about 50 us, longer
/// than the phases of a step are out of step on an idle machine.
constexpr int kSpins = 2000;

/// Neurons per thread below which a second thread costs more (two barrier
/// crossings per step) than it saves (measured with snnc-bench --threads).
constexpr int64_t kNeuronsPerThread = 16384;

int32_t load(const int32_t *word) {
  return __atomic_load_n(word, __ATOMIC_ACQUIRE);
}

void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

void futexWait(int32_t *word, int32_t expected) {
  syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
}

void futexWakeAll(int32_t *word) {
  syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
}

/// Waits until *word != old: spins, then sleeps in the kernel, counting
/// itself in *sleepers so that the waker knows to call into the kernel.
void waitWhileEqual(int32_t *word, int32_t old, int32_t *sleepers) {
  for (int spin = 0; spin < kSpins; ++spin) {
    if (load(word) != old)
      return;
    cpuRelax();
  }
  __atomic_fetch_add(sleepers, 1, __ATOMIC_SEQ_CST);
  // The kernel rechecks *word == old atomically: a change that happens
  // before the sleep returns at once.
  while (__atomic_load_n(word, __ATOMIC_SEQ_CST) == old)
    futexWait(word, old);
  __atomic_fetch_sub(sleepers, 1, __ATOMIC_SEQ_CST);
}

/// Publishes a new value of *word and wakes its sleepers, if any.
void advance(int32_t *word, int32_t *sleepers) {
  __atomic_fetch_add(word, 1, __ATOMIC_SEQ_CST);
  if (__atomic_load_n(sleepers, __ATOMIC_SEQ_CST) > 0)
    futexWakeAll(word);
}

} // namespace

int snnc::rt::availableCores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

void snnc::rt::initStepBarrier(int32_t *state, int threads) {
  std::fill(state, state + StepBarrierState::kWords, 0);
  state[kThreads] = threads;
}

void snnc::rt::waitStepBarrier(int32_t *state) {
  int32_t threads = load(&state[kThreads]);
  if (threads <= 1)
    return;
  int32_t generation = load(&state[kGeneration]);
  if (__atomic_add_fetch(&state[kArrived], 1, __ATOMIC_ACQ_REL) == threads) {
    // The last to arrive: no one touches kArrived again before the new
    // generation is published.
    __atomic_store_n(&state[kArrived], 0, __ATOMIC_RELAXED);
    advance(&state[kGeneration], &state[kSleepers]);
    return;
  }
  waitWhileEqual(&state[kGeneration], generation, &state[kSleepers]);
}

void snnc::rt::resizeStepBarrier(int32_t *state, int threads) {
  __atomic_store_n(&state[kThreads], threads, __ATOMIC_SEQ_CST);
}

namespace {
double clockSeconds(clockid_t clock) {
  timespec now;
  clock_gettime(clock, &now);
  return static_cast<double>(now.tv_sec) +
         1e-9 * static_cast<double>(now.tv_nsec);
}
} // namespace

ThreadClock::ThreadClock()
    : wallStart(clockSeconds(CLOCK_MONOTONIC)),
      cpuStart(clockSeconds(CLOCK_THREAD_CPUTIME_ID)) {}

double ThreadClock::cpuShare() const {
  double wall = clockSeconds(CLOCK_MONOTONIC) - wallStart;
  double cpu = clockSeconds(CLOCK_THREAD_CPUTIME_ID) - cpuStart;
  return wall > 0 ? std::min(1.0, cpu / wall) : 1.0;
}

extern "C" void snnc_barrier_wait(int32_t *state) { waitStepBarrier(state); }

int snnc::rt::defaultThreadCount(int64_t neurons) {
  int64_t useful = std::max<int64_t>(1, neurons / kNeuronsPerThread);
  return static_cast<int>(std::min<int64_t>(availableCores(), useful));
}

//===----------------------------------------------------------------------===//
// ThreadTeam
//===----------------------------------------------------------------------===//

/// A worker's wake-up word: bumped once per job it takes part in, a cache
/// line of its own so that waking one does not disturb another.
struct ThreadTeam::Worker {
  alignas(64) int32_t started = 0;
  int32_t sleepers = 0;
};

struct ThreadTeam::Shared {
  const std::function<void(int)> *job = nullptr;
  int32_t stopping = 0;
  alignas(64) StepBarrierState finished; ///< The job's threads meet after it.
  std::vector<Worker> wake;              ///< Per thread; [0] unused.
  std::vector<std::thread> workers;
};

ThreadTeam::ThreadTeam(int threads)
    : threads(std::max(1, threads)), shared(std::make_unique<Shared>()) {
  initStepBarrier(shared->finished.words, this->threads);
  shared->wake = std::vector<Worker>(this->threads);
  for (int t = 1; t < this->threads; ++t)
    shared->workers.emplace_back([this, t] {
      Shared &s = *shared;
      Worker &me = s.wake[t];
      int32_t seen = 0;
      for (;;) {
        waitWhileEqual(&me.started, seen, &me.sleepers);
        seen = load(&me.started);
        if (load(&s.stopping))
          return;
        (*s.job)(t);
        waitStepBarrier(s.finished.words);
      }
    });
}

ThreadTeam::~ThreadTeam() {
  __atomic_store_n(&shared->stopping, 1, __ATOMIC_SEQ_CST);
  for (int t = 1; t < threads; ++t)
    advance(&shared->wake[t].started, &shared->wake[t].sleepers);
  for (std::thread &worker : shared->workers)
    worker.join();
}

void ThreadTeam::run(const std::function<void(int)> &job, int workers) {
  workers = std::clamp(workers, 1, threads);
  if (workers == 1)
    return job(0);
  shared->job = &job;
  // Every thread of the last job has arrived at `finished`: it can be
  // resized before anyone arrives again.
  resizeStepBarrier(shared->finished.words, workers);
  for (int t = 1; t < workers; ++t)
    advance(&shared->wake[t].started, &shared->wake[t].sleepers);
  job(0);
  waitStepBarrier(shared->finished.words);
}
