//===- Reporting.cpp - What snnc prints and writes after a run ------------===//
//
// Output files go through rt::OutputSet, so that a run's files appear
// together or not at all. Signals only set a flag here (an async-signal-
// safe store to a lock-free atomic): the code that owns the files and the
// run loop decide, at safe points, what an interrupt means.
//
//===----------------------------------------------------------------------===//

#include "Reporting.h"

#include "snnc/dsl/Units.h"
#include "snnc/runtime/OutputSet.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <csignal>
#include <unistd.h>

namespace snnc::tool {

namespace {

std::atomic<bool> stopFlag{false};
volatile std::sig_atomic_t stopSignalNumber = 0;
/// InterruptScope::Options::secondEnds of the innermost scope.
volatile std::sig_atomic_t secondEnds = 0;
/// Files are being written: a second signal must not cut them off.
volatile std::sig_atomic_t writingFiles = 0;

static_assert(std::atomic<bool>::is_always_lock_free,
              "the signal handler needs a lock-free flag");

extern "C" void onStopSignal(int signal) {
  if (stopFlag.load() && secondEnds && !writingFiles) {
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  stopSignalNumber = signal;
  stopFlag.store(true);
}

/// Marks the extent of a write for the signal handler.
struct WritingFiles {
  std::sig_atomic_t before = writingFiles;
  WritingFiles() { writingFiles = 1; }
  ~WritingFiles() { writingFiles = before; }
};

} // namespace

struct InterruptScope::Saved {
  struct sigaction interrupt, terminate;
  bool terminateToo;
  std::sig_atomic_t secondEnds;
};

InterruptScope::InterruptScope(Options options)
    : saved(new Saved{{}, {}, options.terminate, secondEnds}) {
  struct sigaction action = {};
  action.sa_handler = onStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = options.interruptReads ? 0 : SA_RESTART;
  secondEnds = options.secondEnds;
  sigaction(SIGINT, &action, &saved->interrupt);
  if (options.terminate)
    sigaction(SIGTERM, &action, &saved->terminate);
}

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &saved->interrupt, nullptr);
  if (saved->terminateToo)
    sigaction(SIGTERM, &saved->terminate, nullptr);
  secondEnds = saved->secondEnds;
  delete saved;
}

const std::atomic<bool> &stopRequested() { return stopFlag; }

int stopSignal() { return stopFlag.load() ? int(stopSignalNumber) : 0; }

void clearStop() {
  stopFlag.store(false);
  stopSignalNumber = 0;
}

const char *signalName(int signal) {
  return signal == SIGINT    ? "SIGINT"
         : signal == SIGTERM ? "SIGTERM"
                             : "a signal";
}

void exitBySignal(int signal) {
  llvm::outs().flush();
  llvm::errs().flush();
  std::signal(signal, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signal);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  std::raise(signal);
  _exit(128 + signal);
}

/// Parses a time such as "10s", "500 ms" or "0.1" (milliseconds).
std::optional<double> parseTimeMs(llvm::StringRef text) {
  text = text.trim();
  size_t split = text.find_first_not_of("0123456789.eE+-");
  llvm::StringRef number = text.substr(0, split);
  llvm::StringRef unitText =
      split == llvm::StringRef::npos ? "" : text.substr(split).trim();
  double value;
  if (number.empty() || number.getAsDouble(value))
    return std::nullopt;
  if (unitText.empty())
    return value;
  std::optional<Unit> unit = lookupUnit(unitText);
  std::optional<Unit> ms = lookupUnit("ms");
  if (!unit || !unit->sameDimension(*ms))
    return std::nullopt;
  return value * conversionScale(*unit, *ms).toDouble();
}

/// "N", or "N[0:10]" for a recorded slice.
std::string label(const model::Model &model, const SpikeTrain &train) {
  for (const model::Population &pop : model.populations)
    if (pop.name == train.population &&
        (train.begin != 0 || train.end != pop.size))
      return train.population + "[" + std::to_string(train.begin) + ":" +
             std::to_string(train.end) + "]";
  return train.population;
}

/// What both engines print after a run: the steps, and the spikes and
/// mean rate of every recording.
void printRates(const model::Model &model, llvm::StringRef engine,
                int64_t steps, double dtMs,
                const std::vector<SpikeTrain> &trains) {
  double durationMs = steps * dtMs;
  llvm::outs() << llvm::format("%ssimulated %g ms in %lld steps of %g ms\n",
                               engine.str().c_str(), durationMs,
                               (long long)steps, dtMs);
  for (const SpikeTrain &train : trains) {
    double rate = durationMs > 0 ? train.steps.size() /
                                       (double(train.size) * durationMs) * 1e3
                                 : 0.0;
    llvm::outs() << llvm::format("  %-12s %8lld neurons %10zu spikes  "
                                 "mean rate %.4f Hz\n",
                                 label(model, train).c_str(),
                                 (long long)train.size, train.steps.size(),
                                 rate);
  }
}

bool checkOutputDirectory(DiagnosticEngine &diags, const std::string &outDir,
                          llvm::SMRange at) {
  rt::Status status = rt::OutputSet::checkDirectory(outDir);
  if (!status.ok())
    diags.error(at, status.message());
  return status.ok();
}

bool writeOutputs(DiagnosticEngine &diags, const std::string &outDir,
                  int64_t steps, double dtMs,
                  const std::vector<SpikeTrain> &trains,
                  const std::vector<StateTrace> &traces, llvm::SMRange at) {
  if (trains.empty() && traces.empty())
    return true;
  // A signal now waits for the files to be written or discarded.
  InterruptScope deferred({/*terminate=*/true, /*interruptReads=*/false,
                           /*secondEnds=*/false});
  WritingFiles writing;
  std::string kept = "; '" + outDir + "' is unchanged";
  rt::OutputSet set(outDir, {"spikes.npz", "states.npz"});
  auto fail = [&](const std::string &message) {
    set.discard();
    diags.error(at, message + kept);
    return false;
  };
  auto stopped = [&] {
    return fail(std::string("interrupted by ") + signalName(stopSignal()) +
                " while writing the outputs: nothing written");
  };
  if (stopRequested().load())
    return stopped();
  rt::Status status = set.begin();
  if (!status.ok())
    return fail(status.message());
  auto write = [&](const char *name, auto writer) {
    if (llvm::Error error = writer(set.pathFor(name)))
      return fail(std::string("cannot write ") + name + " to '" + outDir +
                  "': " + set.finalNames(llvm::toString(std::move(error))));
    return stopRequested().load() ? stopped() : true;
  };
  if (!trains.empty() && !write("spikes.npz", [&](const std::string &path) {
        return snnc::writeSpikes(path, trains, dtMs, steps);
      }))
    return false;
  if (!traces.empty() && !write("states.npz", [&](const std::string &path) {
        return snnc::writeStates(path, traces, dtMs);
      }))
    return false;
  status = set.commit(&stopRequested());
  if (!status.ok()) {
    if (stopRequested().load())
      return stopped();
    diags.error(at, status.message());
    return false;
  }
  std::vector<std::string> paths = set.finalPaths();
  paths.pop_back(); // the manifest
  for (const std::string &path : paths)
    llvm::outs() << "wrote " << path << "\n";
  return true;
}

} // namespace snnc::tool
