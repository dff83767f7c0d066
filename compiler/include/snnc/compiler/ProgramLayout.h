//===- ProgramLayout.h - Where the program's state lives -------*- C++ -*-===//
//
// The compiler decides every buffer the fused simulation loop reads and
// writes; the runtime side only allocates them in this order and passes
// them in. Plain C++ (no MLIR), shared by the code generator and the
// simulation driver.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_COMPILER_PROGRAMLAYOUT_H
#define SNNC_COMPILER_PROGRAMLAYOUT_H

#include "snnc/dsl/Model.h"
#include "snnc/model/MemoryBudget.h"

#include <cstdint>
#include <string>
#include <vector>

namespace snnc {

enum class ElementType { Real, Int32, Int8 };

/// One argument of the compiled functions: a flat array.
struct BufferSpec {
  std::string name; ///< For `emit mlir` readability and error messages.
  ElementType type;
  int64_t size;
  std::string unit; ///< The unit of its values ("mV"); empty for indices.
};

/// Synapse state shared by the projections whose synapse and output are
/// identical onto the same target (brainpy's AlignPost merging).
struct SynapseGroup {
  unsigned synapse;                  ///< Index into Model::synapses.
  std::vector<double> synapseParams; ///< Values of its parameters.
  model::Slice target;
  std::vector<unsigned> projections; ///< Members, in declaration order.
  std::vector<int> stateBuffers;     ///< One per synapse state.
  /// Delayed projections (delay n > 1 steps): the increments of the
  /// coming `delaySlots` steps, per synapse state that on_pre adds to,
  /// slot-major ([slot][neuron of the target slice]); step k's slot is k
  /// mod delaySlots. -1 for a state without one.
  int64_t delaySlots = 0;
  std::vector<int> delayRings;
};

struct PopulationBuffers {
  std::vector<int> states;          ///< One per neuron state.
  std::vector<int> perNeuronParams; ///< Per parameter, -1 when constant.
  /// Refractory periods counted by time: the last spike's time.
  int lastSpike = -1;
  /// Refractory periods counted in steps: the steps of it left, counted
  /// down at the start of each step (zero: not refractory).
  int refractorySteps = -1;
  int spikeFlags = -1, spikeList = -1, spikeCount = -1;
  int recordIndices = -1, recordCounts = -1, recordFill = -1;
  /// threads + 1 entries: thread t owns neurons [bounds[t], bounds[t+1]).
  /// Multi-threaded runs only.
  int threadBounds = -1;
};

struct ProjectionBuffers {
  unsigned group;
  /// With T threads, T entries per source row (ThreadPartition.h).
  int rowStart = -1, targets = -1;
  int weights = -1; ///< Per-synapse weights; -1 for one shared weight.
};

/// One slot of the `params` buffer: a value the program reads at run time.
struct ParamSlot {
  /// The parameter it is ("N.V_th"), the language-folded expression of
  /// parameters it is ("(N.V_th - N.V_reset)"), or, for a computation the
  /// compiler folded, "computed from " and the parameters.
  std::string name;
  std::string unit; ///< Empty for computed slots.
};

/// A recorded neuron state: after every step the program copies the values
/// of the slice into `buffer`, step-major (chunkSteps x slice size), in
/// the order of the model's state records.
struct StateRecordBuffer {
  model::Slice target;
  unsigned state;
  int buffer;
  llvm::SMRange range; ///< The record statement.
};

/// Everything the code generator and the driver agree on.
struct ProgramLayout {
  std::vector<BufferSpec> buffers;
  std::vector<PopulationBuffers> populations;
  std::vector<SynapseGroup> groups;
  std::vector<ProjectionBuffers> projections;
  std::vector<StateRecordBuffer> stateRecords;
  /// The read-only buffer of run-time scalars (parameters shared by a
  /// population or projection, scalar weights, drives); -1 when they are
  /// compiled in as constants (SimulationOptions::specializeParameters).
  /// Its size and `paramSlots` are known once snn-outline-parameters has
  /// run (Simulation does that).
  int params = -1;
  std::vector<ParamSlot> paramSlots;
  bool doublePrecision = false;
  double dtMs = 0.1;
  /// Steps per call of the compiled loop: sized so a chunk's spikes always
  /// fit the recording buffers.
  int64_t chunkSteps = 1;
  /// Partitions the program is built for (the most threads that can step
  /// it). With more than one, each population is split into per-partition
  /// ranges (ThreadPartition.h); per-partition counters (spike counts,
  /// recording fill levels) sit kPerThreadStride apart, and partition t
  /// records into its share of record_indices (from bounds[t] *
  /// chunkSteps) and record_counts (from t * chunkSteps). A thread that
  /// steps partitions [first, end) uses the counters and shares of
  /// `first` for all of them (their ranges are adjacent).
  int threads = 1;
  int barrier = -1; ///< The step barrier's state; multi-threaded only.
  /// The two words of the Philox key of the run's seed; only for models
  /// that draw during the run (rand(), randn()).
  int randomKey = -1;

  int addBuffer(std::string name, ElementType type, int64_t size,
                std::string unit = "") {
    buffers.push_back({std::move(name), type, size, std::move(unit)});
    return static_cast<int>(buffers.size()) - 1;
  }
};

/// Plans the buffers for `model`; `synapseCounts[p]` is the number of
/// synapses projection p has room for. With `runtimeParameters`, scalar
/// values are read from a `params` buffer (the last one) instead of being
/// compiled in.
ProgramLayout planLayout(const model::Model &model,
                         const std::vector<int64_t> &synapseCounts,
                         const std::vector<bool> &perSynapseWeights,
                         bool doublePrecision, bool runtimeParameters = true,
                         int threads = 1);

/// The estimate for the compiled engine, from the layout planned for the
/// run (with synapseRoom of the expected synapse counts), for `steps`
/// steps. `countRecordings`: include the state values recorded over all of
/// them.
MemoryEstimate estimateMemory(const model::Model &model,
                              const ProgramLayout &layout, int64_t steps,
                              bool countRecordings = true);

} // namespace snnc

#endif // SNNC_COMPILER_PROGRAMLAYOUT_H
