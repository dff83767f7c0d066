//===- WorkerSchedule.h - How many threads step the next stretch -*- C++
//-*-===//
//
// A program built for several partitions runs the same, bit for bit, on
// any number of threads that share them (Program.h), so the number can
// follow the machine. On an idle machine more threads are faster; when
// another process holds a core, the thread that shares it is descheduled
// for whole time slices while the others wait at every step's barrier, and
// one thread is faster. The schedule runs all threads, watches how much of
// the wall time each of them actually ran, and when one lost its core (or
// the steps got slower) it times a short stretch on one thread and keeps
// the faster. While on one thread it looks back at all of them now and
// then, less often each time they lose, so a machine that stays busy costs
// little and one that becomes idle again is used again.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_WORKERSCHEDULE_H
#define SNNC_RUNTIME_WORKERSCHEDULE_H

#include <cstdint>

namespace snnc::rt {

class WorkerSchedule {
public:
  /// `maxWorkers`: the program's partitions. Not `adaptive`: always all.
  WorkerSchedule(int maxWorkers, bool adaptive);

  struct Stretch {
    int workers;      ///< threads that step it
    int64_t maxSteps; ///< at most this many steps; 0: as many as the caller
  };
  /// What to run next.
  Stretch next() const;
  /// From now on `workers` threads (1 .. maxWorkers), not adaptive.
  void fix(int workers);
  /// What the stretch `ran` cost: `steps` steps in `seconds` of wall time,
  /// while the thread that ran least was on a core for `leastCpuShare` of
  /// it (its CPU time over the wall time; 1 when it never lost its core).
  void finished(const Stretch &ran, int64_t steps, double seconds,
                double leastCpuShare);

  /// Steps run on all threads and on one (of several), for the summary.
  int64_t stepsOnAll() const { return stepsAll; }
  int64_t stepsOnOne() const { return stepsOne; }

private:
  int maxWorkers;
  bool adaptive;
  int current;          ///< workers of the stretches between probes
  bool probing = false; ///< the next stretch times the other count
  /// Seconds per step, by config (0: all threads, 1: one); 0 unknown.
  double recent[2] = {0, 0}, best[2] = {0, 0};
  double sinceProbe = 0;   ///< seconds run on `current` since the last probe
  double probeGap;         ///< seconds to run before probing again
  int64_t stretchCap = 16; ///< steps of the next normal stretch (grows)
  int64_t stepsAll = 0, stepsOne = 0;

  int slot(int workers) const { return workers == maxWorkers ? 0 : 1; }
  int other() const { return current == maxWorkers ? 1 : maxWorkers; }
};

} // namespace snnc::rt

#endif // SNNC_RUNTIME_WORKERSCHEDULE_H
