//===- Progress.h - Progress bar for long simulations -----------*- C++ -*-===//
//
// A one-line progress bar for runs that take long enough to wonder about:
//
//   [#########-----------]  45%  t = 450.0 / 1000.0 ms  ETA 3.2 s
//
// It draws only when its stream (stderr by default) is a terminal, so logs,
// pipes and CI output stay clean, and redraws at most about ten times a
// second, so that calling update() every chunk costs nothing measurable.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_PROGRESS_H
#define SNNC_RUNTIME_PROGRESS_H

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace snnc::rt {

/// How a ProgressBar draws.
struct ProgressOptions {
  /// Where to draw; stderr unless a test redirects it.
  std::FILE *stream = stderr;
  /// Draw even when `stream` is not a terminal (for tests).
  bool forceEnabled = false;
  /// Minimum wall time between redraws.
  double minIntervalSeconds = 0.1;
  /// Characters in the bar itself.
  int barWidth = 20;
};

/// The text of one progress line (without '\r'): bar, percentage,
/// simulated time and ETA. `etaSeconds` < 0 means "unknown".
std::string formatProgressLine(double fraction, double simulatedMs,
                               double totalMs, double etaSeconds, int barWidth);

/// A progress bar over `totalSteps` steps of `dtMs` each.
class ProgressBar {
public:
  ProgressBar(int64_t totalSteps, double dtMs, ProgressOptions options = {});
  ~ProgressBar() { finish(); }
  ProgressBar(const ProgressBar &) = delete;
  ProgressBar &operator=(const ProgressBar &) = delete;

  /// Whether anything will be drawn.
  bool enabled() const { return isEnabled; }

  /// Reports that `stepsDone` steps are complete; redraws if enough wall
  /// time has passed since the last redraw (and always at the first call).
  void update(int64_t stepsDone);

  /// Clears the line (once); later updates draw nothing.
  void finish();

private:
  using Clock = std::chrono::steady_clock;
  void draw(int64_t stepsDone, Clock::time_point now);

  int64_t totalSteps;
  double dtMs;
  ProgressOptions options;
  bool isEnabled;
  bool finished = false;
  bool drawnOnce = false;
  Clock::time_point startTime;
  Clock::time_point lastDraw;
  size_t lastLineLength = 0;
};

} // namespace snnc::rt

#endif // SNNC_RUNTIME_PROGRESS_H
