//===- Network.h - A model's concrete network: synapses, initial state -*-===//
//
// Everything random or per-neuron about a model, drawn once from its seed:
// each projection's connectivity (and per-synapse weights), each neuron's
// initial state and per-neuron parameters. The compiled engine and the
// reference interpreter both start from this, so they simulate the very
// same network. Plain C++ over the runtime; no MLIR.
//
// Random streams: every consumer has its own Philox stream id, so adding a
// projection never changes another one's draws.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MODEL_NETWORK_H
#define SNNC_MODEL_NETWORK_H

#include "snnc/dsl/Diagnostics.h"
#include "snnc/dsl/Model.h"
#include "snnc/runtime/Connectivity.h"
#include "snnc/runtime/NetworkRecipe.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

namespace snnc {

struct PopulationData {
  /// Initial value of each state, per neuron, in the state's unit.
  std::vector<std::vector<double>> states;
  /// Per-neuron parameter values; empty for parameters shared by all.
  std::vector<std::vector<double>> params;
};

struct ProjectionData {
  rt::Connectivity connectivity;
  /// One weight per synapse (CSR order); empty when all share one.
  std::vector<double> weights;
};

struct NetworkData {
  std::vector<PopulationData> populations;
  std::vector<ProjectionData> projections;
  /// Initial value of each synapse state of each projection's target slice
  /// is its declaration's (constant) value: synapses[p][s].
  std::vector<std::vector<double>> synapseInitial;
};

/// Applies command-line style overrides to the model's run (adding one if
/// the model has none) and returns its number of steps, as
/// model::countSteps counts them (with the same limits as a model file's
/// run). Reports a bad dt or duration, a dt longer than the run, and too
/// many steps.
std::optional<int64_t> settleRun(model::Model &model,
                                 std::optional<uint64_t> seed,
                                 std::optional<double> durationMs,
                                 std::optional<double> dtMs,
                                 DiagnosticEngine &diags);

/// The number of synapses a projection's rule draws: exact for every rule
/// but fixed_prob, whose number is random (its mean, then).
double expectedSynapses(const model::Projection &proj);

/// Room for a projection's synapses in the program's static shapes, given
/// the number `drawn`. The number `fixed_prob` draws depends on the seed;
/// its room is the expected number plus eight standard deviations instead
/// (at most 2^31 - 1), so that a run with another seed reuses the compiled
/// program. (A draw beyond that, with a chance below 1e-15, gets its exact
/// size, and a compile.) Other rules draw a number that does not depend on
/// the seed.
int64_t synapseRoom(const model::Projection &proj, int64_t drawn);

/// Refuses, at the connectivity rule, a projection with more synapses than
/// int32 indices can address (2^31 - 1): synapse offsets and targets are
/// int32 in the program and the runtime.
bool checkIndexLimits(const model::Model &model, DiagnosticEngine &diags);

/// Why `value` cannot be held in the working precision ("is not finite",
/// "is beyond the range of float32 (at most 3.40282e+38)", or, for a
/// value other than 0 that the run would flush to 0, "is too small for
/// float32 ..."); "" when it can.
std::string precisionProblem(double value, bool doublePrecision);

/// Checks the values drawn or computed per neuron and per synapse: the
/// rules of per-neuron parameters (model::Param::rule), and that initial
/// values, per-neuron parameters and per-synapse weights are finite and fit
/// the working precision. Reports the first bad value of each at the
/// initialiser that gave it, naming the neuron or synapse.
bool checkNetworkValues(const model::Model &model, const NetworkData &network,
                        bool doublePrecision, DiagnosticEngine &diags);

/// How projection `p` of `model` draws its synapses (and per-synapse
/// weights) with `seed`: what instantiate() draws, and what a compiled
/// bundle draws where it runs.
rt::ProjectionRecipe projectionRecipe(const model::Model &model, unsigned p,
                                      uint64_t seed);

/// Draws the network of `model` with `seed`. Reports problems (a
/// connectivity too large for memory, bad distribution arguments) at the
/// declaration that asked for them.
std::optional<NetworkData> instantiate(const model::Model &model, uint64_t seed,
                                       DiagnosticEngine &diags);

} // namespace snnc

#endif // SNNC_MODEL_NETWORK_H
