//===- WorkerSchedule.cpp - How many threads step the next stretch --------===//

#include "snnc/runtime/WorkerSchedule.h"

#include <algorithm>
#include <cmath>

using namespace snnc::rt;

namespace {
/// A probe lasts about this long: long enough to see a descheduled
/// thread, short enough to cost little when the other count is slower.
constexpr double kProbeSeconds = 0.005;
/// Least steps of a probe, so that one step's noise does not decide.
constexpr int64_t kProbeMinSteps = 8;
/// Below this share of the wall time on a core, a thread lost its core.
constexpr double kLostCore = 0.8;
/// A stretch this much slower per step than the best seen on its count
/// means the machine changed.
constexpr double kSlower = 1.25;
/// The other count must be this much faster to switch to it.
constexpr double kBetter = 0.95;
/// Seconds on the current count before the first look back, and the most
/// between two; the gap doubles each time the look back loses.
constexpr double kFirstGap = 32 * kProbeSeconds;
constexpr double kLongestGap = 512 * kProbeSeconds;
} // namespace

WorkerSchedule::WorkerSchedule(int maxWorkers, bool adaptive)
    : maxWorkers(std::max(1, maxWorkers)), adaptive(adaptive && maxWorkers > 1),
      current(this->maxWorkers), probeGap(kFirstGap) {}

void WorkerSchedule::fix(int workers) {
  adaptive = false;
  probing = false;
  current = std::clamp(workers, 1, maxWorkers);
}

WorkerSchedule::Stretch WorkerSchedule::next() const {
  if (!adaptive)
    return {current, 0};
  if (probing) {
    int workers = other();
    // Its seconds per step, known or guessed from the current count's.
    double perStep = recent[slot(workers)];
    if (perStep <= 0)
      perStep = recent[slot(current)] * current / workers;
    int64_t steps = kProbeMinSteps;
    if (perStep > 0)
      steps = std::max<int64_t>(kProbeMinSteps, static_cast<int64_t>(std::ceil(
                                                    kProbeSeconds / perStep)));
    return {workers, steps};
  }
  // Short stretches first, so the first measurements come early; then as
  // long as the caller's chunks.
  return {current, stretchCap};
}

void WorkerSchedule::finished(const Stretch &ran, int64_t steps, double seconds,
                              double leastCpuShare) {
  if (steps <= 0)
    return;
  if (ran.workers == maxWorkers)
    stepsAll += steps;
  else if (ran.workers == 1)
    stepsOne += steps;
  if (!adaptive)
    return;
  double perStep = seconds / static_cast<double>(steps);
  int s = slot(ran.workers);
  if (ran.workers != current) { // a probe
    probing = false;
    recent[s] = perStep;
    best[s] = best[s] > 0 ? std::min(best[s], perStep) : perStep;
    sinceProbe = 0;
    if (perStep < kBetter * recent[slot(current)]) {
      current = ran.workers;
      probeGap = kFirstGap;
    } else {
      probeGap = std::min(2 * probeGap, kLongestGap);
    }
    return;
  }
  if (stretchCap > 0)
    stretchCap = stretchCap >= (1 << 20) ? 0 : 2 * stretchCap;
  recent[s] = perStep;
  best[s] = best[s] > 0 ? std::min(best[s], perStep) : perStep;
  sinceProbe += seconds;
  bool lostCore = current > 1 && leastCpuShare < kLostCore;
  bool slower = perStep > kSlower * best[s];
  // On one thread, the look back at all comes every probeGap seconds; on
  // all, only a sign of trouble sends a look at one: at once the first
  // time, later after the gap grown by the looks that lost.
  bool due = current == 1 || lostCore || slower;
  double gap = current == 1 ? probeGap : probeGap - kFirstGap;
  if (due && sinceProbe >= gap)
    probing = true;
}
