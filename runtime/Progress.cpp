//===- Progress.cpp - Progress bar for long simulations -------------------===//
//
// Redraws by returning the cursor with '\r' and overwriting the line, padded
// with spaces when it got shorter. The ETA extrapolates the average speed so
// far, which for a fixed-cost time loop is as good as anything fancier.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Progress.h"

#include <algorithm>
#include <cmath>
#include <unistd.h>

namespace snnc::rt {

std::string formatProgressLine(double fraction, double simulatedMs,
                               double totalMs, double etaSeconds,
                               int barWidth) {
  if (!(fraction >= 0))
    fraction = 0;
  fraction = std::min(fraction, 1.0);
  barWidth = std::clamp(barWidth, 0, 200);
  int filled = int(fraction * barWidth);
  std::string line = "[";
  line.append(size_t(filled), '#');
  line.append(size_t(barWidth - filled), '-');
  line += "]";
  char buffer[160];
  std::snprintf(buffer, sizeof(buffer), " %3d%%  t = %.1f / %.1f ms",
                int(fraction * 100.0), simulatedMs, totalMs);
  line += buffer;
  if (etaSeconds >= 0 && std::isfinite(etaSeconds)) {
    if (etaSeconds < 60)
      std::snprintf(buffer, sizeof(buffer), "  ETA %.1f s", etaSeconds);
    else
      std::snprintf(buffer, sizeof(buffer), "  ETA %dm%02ds",
                    int(etaSeconds / 60), int(etaSeconds) % 60);
    line += buffer;
  } else {
    line += "  ETA --";
  }
  return line;
}

ProgressBar::ProgressBar(int64_t totalSteps, double dtMs,
                         ProgressOptions options)
    : totalSteps(std::max<int64_t>(totalSteps, 0)), dtMs(dtMs),
      options(options), startTime(Clock::now()), lastDraw(startTime) {
  isEnabled = options.stream != nullptr &&
              (options.forceEnabled || ::isatty(::fileno(options.stream)));
}

void ProgressBar::update(int64_t stepsDone) {
  if (!isEnabled || finished)
    return;
  Clock::time_point now = Clock::now();
  double sinceLast = std::chrono::duration<double>(now - lastDraw).count();
  if (drawnOnce && sinceLast < options.minIntervalSeconds)
    return;
  draw(stepsDone, now);
}

void ProgressBar::draw(int64_t stepsDone, Clock::time_point now) {
  stepsDone = std::clamp<int64_t>(stepsDone, 0, totalSteps);
  double fraction =
      totalSteps > 0 ? double(stepsDone) / double(totalSteps) : 1.0;
  double elapsed = std::chrono::duration<double>(now - startTime).count();
  double eta = stepsDone > 0 ? elapsed * (1.0 - fraction) / fraction : -1.0;
  std::string line =
      formatProgressLine(fraction, double(stepsDone) * dtMs,
                         double(totalSteps) * dtMs, eta, options.barWidth);
  size_t length = line.size();
  if (length < lastLineLength)
    line.append(lastLineLength - length, ' ');
  std::fprintf(options.stream, "\r%s", line.c_str());
  std::fflush(options.stream);
  lastLineLength = length;
  lastDraw = now;
  drawnOnce = true;
}

void ProgressBar::finish() {
  if (finished)
    return;
  finished = true;
  if (!isEnabled || !drawnOnce)
    return;
  std::fprintf(options.stream, "\r%s\r",
               std::string(lastLineLength, ' ').c_str());
  std::fflush(options.stream);
}

} // namespace snnc::rt
