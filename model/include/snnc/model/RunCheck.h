//===- RunCheck.h - Why a run stopped; non-finite values --------*- C++ -*-===//
//
// A run that goes unstable (an equation that explodes, a value that
// overflows) fills its states with inf and NaN and would otherwise carry on
// and write them out as if nothing had happened. Both engines look for
// non-finite states as they run -- the compiled engine at chunk boundaries,
// the reference interpreter after every step -- and stop at the first one
// they find, saying which population, state and neuron, and when. A run
// also stops, rather than abort, when the memory for its recordings runs
// out. This header is what they share; no MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MODEL_RUNCHECK_H
#define SNNC_MODEL_RUNCHECK_H

#include "snnc/dsl/Model.h"

#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <string>
#include <vector>

namespace snnc {

/// Why a run stopped before the steps it was asked for.
struct RunStop {
  enum class Kind {
    NonFinite,  ///< a state became NaN or infinite
    OutOfMemory ///< the recordings needed more memory than there is
  };
  Kind kind = Kind::NonFinite;
  /// NonFinite: where the first one was found (in the order populations,
  /// then synapse groups; states; neurons), at the first check that found
  /// any. `synapseGroup` >= 0 for a synapse state: the projections sharing
  /// it are `projections`, and `neuron` is the target neuron.
  std::string population, state;
  int synapseGroup = -1;
  std::string projections; ///< "projection0" or "projection0, projection2"
  int64_t neuron = 0;
  double value = 0;  ///< The value found (NaN or +-inf).
  int64_t count = 0; ///< Non-finite values found at that check, in all.
  /// The value was finite after `finiteSteps` steps and was not after
  /// `foundSteps`; `exact`: foundSteps is the very step (from a recorded
  /// trace of it, or a check after every step), not a chunk boundary.
  int64_t finiteSteps = 0, foundSteps = 0;
  bool exact = false;
  /// Where the run stopped (its stepsDone()), and the time step.
  int64_t stoppedSteps = 0;
  double dtMs = 0;
  /// The equation of the state (or the state's declaration) in the model.
  llvm::SMRange where;
  /// OutOfMemory: what could not be recorded, and the steps the
  /// recordings cover (the program had run to stoppedSteps).
  std::string detail;
  int64_t recordedSteps = 0;

  /// One line, lowercase, as snnc prints it: "state 'V' of neuron 3 of
  /// population 'P' became nan by t = 20 ms (finite at t = 10 ms); the run
  /// stopped at t = 20 ms".
  std::string message() const;
};

/// Whether +inf in neuron state `state` is a spike rather than a failure:
/// the spike variable of a neuron with a hard reset, which an exponential
/// integrate-and-fire model drives to +inf in the step it spikes, is set
/// back to its reset value at the start of the next step.
bool resetsInfinity(const model::NeuronModel &neuron, unsigned state);

/// Fills in the model's side of a NonFinite stop: population and state
/// names, the state's equation as `where`. `group` < 0: neuron state
/// `state` of population `population`; otherwise synapse state `state` of
/// the group whose first projection is `firstProjection`, with `members`
/// naming all of them.
void describeNonFinite(const model::Model &model, unsigned population,
                       int group, unsigned state, unsigned firstProjection,
                       const std::string &members, RunStop &stop);

} // namespace snnc

#endif // SNNC_MODEL_RUNCHECK_H
