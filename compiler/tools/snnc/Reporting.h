//===- Reporting.h - What snnc prints and writes after a run ----*- C++ -*-===//
//
// Shared by the snnc commands and the REPL: times as the command line
// spells them, the rates report, the .npz output files (written as one set,
// runtime/OutputSet.h), and SIGINT/SIGTERM as a request to stop.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TOOLS_SNNC_REPORTING_H
#define SNNC_TOOLS_SNNC_REPORTING_H

#include "snnc/dsl/Diagnostics.h"
#include "snnc/dsl/Model.h"
#include "snnc/model/Recordings.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace snnc::tool {

/// Parses a time such as "10s", "500 ms" or "0.1" (milliseconds).
std::optional<double> parseTimeMs(llvm::StringRef text);

/// "N", or "N[0:10]" for a recorded slice.
std::string label(const model::Model &model, const SpikeTrain &train);

/// The steps, and the spikes and mean rate of every recording.
void printRates(const model::Model &model, llvm::StringRef engine,
                int64_t steps, double dtMs,
                const std::vector<SpikeTrain> &trains);

/// Checks, before a run, that `outDir` is a directory snnc can write to or
/// can create; reports at `at` (a typed :save argument) otherwise.
bool checkOutputDirectory(DiagnosticEngine &diags, const std::string &outDir,
                          llvm::SMRange at = {});

/// Writes spikes.npz and states.npz (those there is something for) to
/// `outDir` as one set: into a temporary directory inside it, then moved
/// into place together with snnc-manifest.txt (runtime/OutputSet.h). On
/// any failure, or SIGINT/SIGTERM while writing, nothing in `outDir`
/// changes and the error is reported at `at`; false then. A run that
/// recorded nothing writes nothing.
bool writeOutputs(DiagnosticEngine &diags, const std::string &outDir,
                  int64_t steps, double dtMs,
                  const std::vector<SpikeTrain> &trains,
                  const std::vector<StateTrace> &traces, llvm::SMRange at = {});

/// While one lives, SIGINT and SIGTERM only set stopRequested(), which the
/// run loops read between chunks (SimulationOptions::stop) and the output
/// writer between files; nothing is cut off in the middle. Scopes nest,
/// each restoring the handlers it found.
class InterruptScope {
public:
  struct Options {
    /// SIGTERM too, not only SIGINT.
    bool terminate = true;
    /// Without SA_RESTART, so that a read at the REPL's prompt returns
    /// when Ctrl-C is pressed.
    bool interruptReads = false;
    /// A second signal while the first is pending ends the process at
    /// once (outside a write), for runs slow to reach a chunk boundary.
    bool secondEnds = false;
  };
  explicit InterruptScope(Options options);
  ~InterruptScope();
  InterruptScope(const InterruptScope &) = delete;
  InterruptScope &operator=(const InterruptScope &) = delete;

private:
  struct Saved;
  Saved *saved;
};

/// Set by the handler of an InterruptScope; what SimulationOptions::stop
/// points at.
const std::atomic<bool> &stopRequested();
/// The signal that set stopRequested(), or 0.
int stopSignal();
/// Forgets a stop that has been dealt with (an interrupted REPL :run).
void clearStop();
/// "SIGINT" or "SIGTERM".
const char *signalName(int signal);
/// Ends the process by `signal` with its default action, so that a shell
/// (or a script's loop) sees the program interrupted, as it expects.
[[noreturn]] void exitBySignal(int signal);

} // namespace snnc::tool

#endif // SNNC_TOOLS_SNNC_REPORTING_H
