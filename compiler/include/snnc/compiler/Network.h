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
#ifndef SNNC_COMPILER_NETWORK_H
#define SNNC_COMPILER_NETWORK_H

#include "snnc/dsl/Diagnostics.h"
#include "snnc/dsl/Model.h"
#include "snnc/runtime/Connectivity.h"

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

/// What a network will occupy, estimated from the model before anything is
/// drawn: so a run that cannot fit is refused up front.
struct MemoryEstimate {
  int64_t neurons = 0, synapses = 0; ///< synapses: expected for random rules
  double stateBytes = 0;             ///< per-neuron and synapse-group state
  double connectivityBytes = 0;      ///< index arrays and per-synapse weights
  /// Peak while building: connectivity is drawn, then copied once.
  double peakBytes() const { return stateBytes + 2 * connectivityBytes; }
};
MemoryEstimate estimateMemory(const model::Model &model, bool doublePrecision);

/// Bytes of memory the system can still give this process (MemAvailable),
/// or -1 when unknown.
double availableMemoryBytes();

/// Draws the network of `model` with `seed`. Reports problems (a
/// connectivity too large for memory, bad distribution arguments) at the
/// declaration that asked for them.
std::optional<NetworkData> instantiate(const model::Model &model, uint64_t seed,
                                       DiagnosticEngine &diags);

} // namespace snnc

#endif // SNNC_COMPILER_NETWORK_H
