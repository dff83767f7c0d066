//===- Reporting.cpp - What snnc prints and writes after a run
//-------------===//

#include "Reporting.h"

#include "snnc/dsl/Units.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace snnc::tool {

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

/// Writes spikes.npz and states.npz (when there is something to write) to
/// the output directory; false after reporting an error.
bool writeOutputs(DiagnosticEngine &diags, const std::string &outDir,
                  int64_t steps, double dtMs,
                  const std::vector<SpikeTrain> &trains,
                  const std::vector<StateTrace> &traces) {
  auto write = [&](const char *file, auto writer) {
    llvm::SmallString<256> path(outDir);
    llvm::sys::path::append(path, file);
    if (llvm::Error error = writer(std::string(path))) {
      diags.error(llvm::SMRange(), "cannot write " + path + ": " +
                                       llvm::toString(std::move(error)));
      return false;
    }
    llvm::outs() << "wrote " << path << "\n";
    return true;
  };
  if (!trains.empty() && !write("spikes.npz", [&](const std::string &path) {
        return writeSpikes(path, trains, dtMs, steps);
      }))
    return false;
  return traces.empty() || write("states.npz", [&](const std::string &path) {
           return writeStates(path, traces, dtMs);
         });
}

} // namespace snnc::tool
