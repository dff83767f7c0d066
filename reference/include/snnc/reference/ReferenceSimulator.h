//===- ReferenceSimulator.h - A model's semantics ---------------*- C++ -*-===//
//
// A second implementation of what a `.snn` model computes, written to be
// read rather than to be fast: it walks the typed model's expression trees
// neuron by neuron and synapse by synapse, in the order the language
// reference (docs/language.md, section 10) describes one step. It starts
// from the same network as the compiled engine (snnc::instantiate: the
// same connectivity, weights, initial states and per-neuron parameters),
// and rounds like it (Evaluator.h), so that the two can be compared: spike
// for spike and bit for bit with the engine's own math functions
// (MathLibrary::Compiled), within a few ulps per step with libm's
// (MathLibrary::Accurate, the default).
//
//   llvm::SourceMgr sources;
//   snnc::DiagnosticEngine diags(sources);
//   auto model = snnc::loadModel("coba.snn", diags);
//   auto sim = snnc::reference::ReferenceSimulator::create(*model, {}, diags);
//   sim->run(sim->totalSteps());
//   for (const snnc::reference::SpikeTrain &train : sim->spikes()) ...
//
// The API mirrors snnc::Simulation (snnc/Simulation.h), without MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_REFERENCE_REFERENCESIMULATOR_H
#define SNNC_REFERENCE_REFERENCESIMULATOR_H

#include "snnc/dsl/Diagnostics.h"
#include "snnc/dsl/Model.h"
#include "snnc/model/Recordings.h"
#include "snnc/model/RunCheck.h"
#include "snnc/reference/Evaluator.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace snnc::reference {

struct ReferenceOptions {
  std::optional<uint64_t> seed;     ///< Overrides the model's run seed.
  std::optional<double> durationMs; ///< Overrides the run duration.
  std::optional<double> dtMs;       ///< Overrides the time step.
  bool doublePrecision = false;     ///< float64 state instead of float32.
  /// Accurate: transcendental functions as libm computes them. Compiled:
  /// as the compiled engine's approximations do, bit for bit.
  MathLibrary math = MathLibrary::Accurate;
};

/// The same results as the compiled engine's (Recordings.h).
using snnc::RunStop;
using snnc::SpikeTrain;
using snnc::StateTrace;

class ReferenceSimulator {
public:
  /// Draws the network and plans the expressions. Errors (a bad run, an
  /// equation the reference cannot integrate, a network that cannot be
  /// built) are reported through `diags` and give null.
  static std::unique_ptr<ReferenceSimulator>
  create(const model::Model &model, const ReferenceOptions &options,
         DiagnosticEngine &diags);
  ~ReferenceSimulator();

  /// Steps in the run (duration / dt, rounded up).
  int64_t totalSteps() const { return steps; }
  int64_t stepsDone() const { return done; }
  double dtMs() const;

  /// Advances `count` steps (clamped to the run's end). Returns false when
  /// a neuron or synapse state became NaN or infinite (checked after every
  /// step, so the step is exact): stopped() says where; what was recorded
  /// is kept, and further calls do nothing. As Simulation::run.
  bool run(int64_t count);
  /// Why the run stopped early; null while it has not.
  const RunStop *stopped() const;

  const std::vector<SpikeTrain> &spikes() const { return trains; }
  const std::vector<StateTrace> &stateTraces() const { return traces; }
  /// The current values of a neuron state (converted to float in double
  /// precision); empty when the names are unknown.
  std::vector<float> state(llvm::StringRef population,
                           llvm::StringRef stateName) const;
  /// The current values of a neuron state in the working precision.
  std::vector<double> stateValues(llvm::StringRef population,
                                  llvm::StringRef stateName) const;
  /// The model as run (with the options' overrides applied).
  const model::Model &model() const;

  /// Writes spikes as NumPy, in the layout of Simulation::writeSpikes.
  llvm::Error writeSpikes(const std::string &path) const;
  /// Writes recorded states as NumPy, as Simulation::writeStates does.
  llvm::Error writeStates(const std::string &path) const;

private:
  struct Impl;
  ReferenceSimulator();
  std::unique_ptr<Impl> impl;
  int64_t steps = 0, done = 0;
  std::vector<SpikeTrain> trains;
  std::vector<StateTrace> traces;
};

} // namespace snnc::reference

#endif // SNNC_REFERENCE_REFERENCESIMULATOR_H
