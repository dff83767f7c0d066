//===- NetworkRecipe.cpp - Drawing a network into a program's buffers -----===//

#include "snnc/runtime/NetworkRecipe.h"

#include "snnc/runtime/Random.h"
#include "snnc/runtime/ThreadPartition.h"

#include <cstring>

using namespace snnc::rt;

Expected<Connectivity>
snnc::rt::drawConnectivity(const ProjectionRecipe &recipe) {
  RandomStream stream(recipe.seed, recipe.connectivityStream);
  int64_t numPre = recipe.numPre, numPost = recipe.numPost;
  switch (recipe.rule) {
  case ProjectionRecipe::Rule::FixedPerPre:
    return fixedPerPre(numPre, numPost, recipe.count, stream,
                       recipe.withReplacement);
  case ProjectionRecipe::Rule::FixedPerPost:
    return fixedPerPost(numPre, numPost, recipe.count, stream);
  case ProjectionRecipe::Rule::FixedTotalNumber:
    return fixedTotalNumber(numPre, numPost, recipe.count, stream);
  case ProjectionRecipe::Rule::FixedProb:
    return fixedProb(numPre, numPost, recipe.probability, stream);
  case ProjectionRecipe::Rule::AllToAll:
    return allToAll(numPre, numPost);
  case ProjectionRecipe::Rule::OneToOne:
    return oneToOne(numPre, numPost);
  }
  return allToAll(numPre, numPost);
}

Status snnc::rt::drawWeights(const ProjectionRecipe &recipe,
                             int64_t numSynapses,
                             std::vector<double> &weights) {
  weights.clear();
  if (!recipe.perSynapseWeights)
    return Status::success();
  weights.assign(static_cast<size_t>(numSynapses), 0.0);
  return fill(recipe.weights, weights.data(), numSynapses,
              RandomStream(recipe.seed, recipe.weightStream));
}

void snnc::rt::installProjection(Engine &engine, const ProjectionSlots &slots,
                                 Connectivity &&connectivity,
                                 std::vector<double> &&weights) {
  const EngineLayout &layout = engine.layout();
  if (layout.partitions > 1) {
    // The run's threads sort the rows (hundreds of MB at scale).
    std::vector<int32_t> table = splitRowsByThread(
        connectivity, weights, slots.targetBegin,
        engine.partitionBounds(slots.targetPopulation),
        [&](int64_t count, const std::function<void(int64_t, int64_t)> &body) {
          engine.parallelFor(count, body);
        });
    std::memcpy(engine.data<int32_t>(slots.rowStart), table.data(),
                table.size() * sizeof(int32_t));
  } else {
    std::memcpy(engine.data<int32_t>(slots.rowStart),
                connectivity.rowStart.data(),
                connectivity.rowStart.size() * sizeof(int32_t));
  }
  // The array fills the room the program was compiled for, the rest zero.
  if (!engine.data<int32_t>(slots.targets))
    engine.adopt(slots.targets, std::move(connectivity.targets));
  else if (!connectivity.targets.empty())
    std::memcpy(engine.data<int32_t>(slots.targets),
                connectivity.targets.data(),
                connectivity.targets.size() * sizeof(int32_t));
  if (slots.weights >= 0)
    engine.fill(slots.weights, weights);
}

void snnc::rt::applyFill(Engine &engine, const BufferFill &fill) {
  if (fill.constant)
    engine.fillConstant(fill.buffer, fill.count, fill.value);
  else
    engine.fill(fill.buffer, fill.values);
}
