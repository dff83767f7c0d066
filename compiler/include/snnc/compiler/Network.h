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

#include "snnc/compiler/ProgramLayout.h"
#include "snnc/dsl/Diagnostics.h"
#include "snnc/dsl/Model.h"
#include "snnc/runtime/Connectivity.h"

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

/// What a run will occupy, estimated from the model before anything is
/// drawn, so that a run that cannot fit is refused up front instead of
/// failing (or swapping) halfway. Every large allocation of a run is
/// counted: the program's buffers, the network as drawn in double precision
/// before it is copied into them, and the recorded state values. Recorded
/// spikes, whose number nobody knows beforehand, are checked as they come
/// (Simulation::run).
struct MemoryEstimate {
  int64_t neurons = 0, synapses = 0; ///< synapses: expected for random rules
  /// For the report: per-neuron and synapse-group state, and index arrays
  /// with per-synapse weights, in the working precision.
  double stateBytes = 0;
  double connectivityBytes = 0;
  /// Every buffer of the compiled program (or the reference interpreter's
  /// state and network).
  double bufferBytes = 0;
  /// The network as drawn (initial values, per-neuron parameters and
  /// per-synapse weights in double precision, row offsets) and the
  /// temporary copies made while it is moved into the buffers; freed
  /// before the run starts.
  double stagingBytes = 0;
  /// Recorded state values (and their step numbers) over the whole run; 0
  /// when they are not counted up front.
  double recordingBytes = 0;
  /// What snnc itself takes besides the network, for the whole run: the
  /// compiler and its JIT (measured: about 100 MB for the seed model), or
  /// the reference interpreter (about 65 MB).
  double fixedBytes = 0;
  /// The most that is in use at once: while the buffers are filled, or at
  /// the end of the run.
  double peakBytes() const {
    return bufferBytes + fixedBytes + std::max(stagingBytes, recordingBytes);
  }
};

/// The estimate for the compiled engine, from the layout planned for the
/// run (with synapseRoom of the expected synapse counts), for `steps`
/// steps. `countRecordings`: include the state values recorded over all of
/// them.
MemoryEstimate estimateMemory(const model::Model &model,
                              const ProgramLayout &layout, int64_t steps,
                              bool countRecordings = true);

/// The estimate for the reference interpreter, which keeps every value in
/// double precision and the drawn network for the whole run.
MemoryEstimate estimateReferenceMemory(const model::Model &model,
                                       int64_t steps);

/// Bytes of memory this process can still get: the least of the system's
/// MemAvailable, the room left under its cgroup's memory.max, and the
/// address space and data limits (ulimit -v, -d); -1 when none is known.
double availableMemoryBytes();

/// Reports (at `where`) and returns false when `estimate` needs more than
/// availableMemoryBytes(); a run that passes is the one an out-of-memory
/// report names (installOutOfMemoryReport).
bool admitMemory(const MemoryEstimate &estimate, llvm::SMRange where,
                 DiagnosticEngine &diags);

/// Refuses, at the connectivity rule, a projection with more synapses than
/// int32 indices can address (2^31 - 1): synapse offsets and targets are
/// int32 in the program and the runtime.
bool checkIndexLimits(const model::Model &model, DiagnosticEngine &diags);

/// Makes a failed allocation anywhere in this process (a std::vector that
/// cannot grow: without exceptions, an abort) print one line instead,
/// "snnc: error: out of memory", with the estimate of the last run
/// admitted, and exit with status 1. For tools: a library leaves the
/// process's new-handler to its user.
void installOutOfMemoryReport();

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

/// Draws the network of `model` with `seed`. Reports problems (a
/// connectivity too large for memory, bad distribution arguments) at the
/// declaration that asked for them.
std::optional<NetworkData> instantiate(const model::Model &model, uint64_t seed,
                                       DiagnosticEngine &diags);

} // namespace snnc

#endif // SNNC_COMPILER_NETWORK_H
