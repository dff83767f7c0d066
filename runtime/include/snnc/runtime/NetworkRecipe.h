//===- NetworkRecipe.h - Drawing a network into a program's buffers -*- C++
//-*-===//
//
// A projection's synapses are the largest part of a network, and a pure
// function of its rule, its sizes and the seed: a recipe draws them where
// the program runs (the compiler draws them the same way, model/Network.h),
// instead of shipping them. What is small and may need the front end to
// compute (initial states, per-neuron parameters, the run-time scalars)
// travels as values: BufferFill.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_NETWORKRECIPE_H
#define SNNC_RUNTIME_NETWORKRECIPE_H

#include "snnc/runtime/Connectivity.h"
#include "snnc/runtime/Engine.h"
#include "snnc/runtime/Initializers.h"
#include "snnc/runtime/Status.h"

#include <cstdint>
#include <vector>

namespace snnc::rt {

/// How to draw one projection's synapses, and their weights when each
/// synapse has its own.
struct ProjectionRecipe {
  enum class Rule {
    FixedPerPre,
    FixedPerPost,
    FixedTotalNumber,
    FixedProb,
    AllToAll,
    OneToOne
  };
  Rule rule = Rule::AllToAll;
  int64_t numPre = 0, numPost = 0;
  int64_t count = 0;           ///< FixedPerPre, FixedPerPost, FixedTotalNumber
  double probability = 0;      ///< FixedProb
  bool withReplacement = true; ///< FixedPerPre
  uint64_t seed = 0;
  uint64_t connectivityStream = 0;
  /// Per-synapse weights from `weights` (normal or uniform) on their own
  /// stream; without, one weight for all (the program holds it).
  bool perSynapseWeights = false;
  InitSpec weights;
  uint64_t weightStream = 0;
};

/// The rule's synapses (Connectivity.h).
Expected<Connectivity> drawConnectivity(const ProjectionRecipe &recipe);
/// The per-synapse weights of `numSynapses` synapses, in double precision.
Status drawWeights(const ProjectionRecipe &recipe, int64_t numSynapses,
                   std::vector<double> &weights);

/// Where a projection's arrays go among a program's buffers.
struct ProjectionSlots {
  unsigned targetPopulation = 0;
  int64_t targetBegin = 0; ///< The target slice's first neuron.
  int rowStart = -1, targets = -1;
  int weights = -1; ///< -1: no per-synapse weights.
};

/// Puts a drawn projection into the engine's buffers: the row table (with
/// several partitions, rows sorted by target and split by partition,
/// ThreadPartition.h, on the engine's threads), the targets taken over
/// when allocate() left that buffer to adopt (else copied), the weights
/// rounded to the working precision.
void installProjection(Engine &engine, const ProjectionSlots &slots,
                       Connectivity &&connectivity,
                       std::vector<double> &&weights);

/// One buffer's initial values: `value` in its first `count` elements, or
/// `values`.
struct BufferFill {
  int buffer = -1;
  bool constant = false;
  double value = 0;
  int64_t count = 0;
  std::vector<double> values;
};
void applyFill(Engine &engine, const BufferFill &fill);

} // namespace snnc::rt

#endif // SNNC_RUNTIME_NETWORKRECIPE_H
