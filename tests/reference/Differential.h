//===- Differential.h - Run a model on both engines and compare -*- C++ -*-===//
//
// The tests of this directory all do the same thing: load a model, record
// the spikes of every population, run it with the compiled engine
// (snnc::Simulation) and with the reference interpreter, and compare.
// Two comparisons:
//
//   exact       the reference uses the compiled engine's own polynomial
//               math (MathLibrary::Compiled), so spike trains must be
//               identical and every final neuron state bitwise equal, in
//               either precision (NaN equals NaN).
//   tolerant    the reference uses libm (MathLibrary::Accurate). The
//               engines then differ in the last bits of exp/expm1/...;
//               see ToleranceReport for what is compared and why.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TESTS_REFERENCE_DIFFERENTIAL_H
#define SNNC_TESTS_REFERENCE_DIFFERENTIAL_H

#include "snnc/Simulation.h"
#include "snnc/dsl/Model.h"
#include "snnc/reference/ReferenceSimulator.h"

#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <optional>
#include <string>

namespace snnc::testing {

/// Run settings shared by both engines.
struct RunOptions {
  std::optional<double> durationMs;
  std::optional<uint64_t> seed;
  bool doublePrecision = false;
  /// Threads of the compiled engine (0: its default).
  int threads = 0;
  reference::MathLibrary math = reference::MathLibrary::Compiled;
};

/// Both engines after a complete run of the same model.
struct BothRuns {
  model::Model model;
  std::unique_ptr<Simulation> compiled;
  std::unique_ptr<reference::ReferenceSimulator> reference;
};

/// A front end and diagnostics that write into a string (`log`).
class Harness {
public:
  Harness() : stream(log), diags(sources, &stream) {}

  /// Parses and checks `source`; nullopt with the reason in `log`.
  std::optional<model::Model> load(llvm::StringRef source);
  /// Parses and checks the file at `path`.
  std::optional<model::Model> loadFile(llvm::StringRef path);
  /// Records the spikes of every population and runs both engines to the
  /// end; nullopt (reason in `log`) if either cannot run the model.
  std::optional<BothRuns> run(const model::Model &model,
                              const RunOptions &options);
  std::optional<BothRuns> run(llvm::StringRef source,
                              const RunOptions &options);

  std::string log;

private:
  llvm::raw_string_ostream stream;
  llvm::SourceMgr sources;
  DiagnosticEngine diags;
};

/// "" when the spike trains are identical and every neuron state is
/// bitwise equal; otherwise the first differences, readable.
std::string compareExactly(const BothRuns &runs);

/// How far apart two runs with different math libraries are.
struct ToleranceReport {
  int64_t compiledSpikes = 0, referenceSpikes = 0;
  /// Spikes (step, population, neuron) present in one run only.
  int64_t unmatchedSpikes = 0;
  /// Largest |a - b| / max(|a|, |b|, 1) over the final states of neurons
  /// whose spike trains are identical in both runs (the others diverged
  /// by a spike, and their states are not comparable).
  double maxRelativeStateError = 0;
  std::string describe() const;
};
ToleranceReport compareWithTolerance(const BothRuns &runs);

/// Total spikes of all trains of the compiled run.
int64_t countSpikes(const Simulation &sim);

} // namespace snnc::testing

#endif // SNNC_TESTS_REFERENCE_DIFFERENTIAL_H
