//===- Reporting.h - What snnc prints and writes after a run ----*- C++ -*-===//
//
// Shared by the snnc commands and the REPL: times as the command line
// spells them, the rates report, and the .npz output files.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TOOLS_SNNC_REPORTING_H
#define SNNC_TOOLS_SNNC_REPORTING_H

#include "snnc/compiler/Recordings.h"
#include "snnc/dsl/Diagnostics.h"
#include "snnc/dsl/Model.h"

#include "llvm/ADT/StringRef.h"

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

/// Writes spikes.npz and states.npz (when there is something to write) to
/// `outDir`; false after reporting an error.
bool writeOutputs(DiagnosticEngine &diags, const std::string &outDir,
                  int64_t steps, double dtMs,
                  const std::vector<SpikeTrain> &trains,
                  const std::vector<StateTrace> &traces);

} // namespace snnc::tool

#endif // SNNC_TOOLS_SNNC_REPORTING_H
