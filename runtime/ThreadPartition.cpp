//===- ThreadPartition.cpp - Which thread owns which neurons --------------===//

#include "snnc/runtime/ThreadPartition.h"

#include "snnc/runtime/Connectivity.h"

#include <algorithm>

using namespace snnc;
using namespace snnc::rt;

std::vector<int32_t> snnc::rt::threadBounds(int64_t size, int threads) {
  std::vector<int32_t> bounds(threads + 1);
  for (int t = 0; t < threads; ++t)
    bounds[t] = static_cast<int32_t>(size * t / threads / kThreadRangeAlign *
                                     kThreadRangeAlign);
  bounds[threads] = static_cast<int32_t>(size);
  return bounds;
}

std::vector<int32_t>
snnc::rt::splitRowsByThread(Connectivity &connectivity,
                            std::vector<double> &weights, int64_t targetBegin,
                            const std::vector<int32_t> &populationBounds,
                            const ParallelFor &parallelFor) {
  int threads = static_cast<int>(populationBounds.size()) - 1;
  int64_t rows = connectivity.numPre;
  std::vector<int32_t> table(rows * threads + 1);
  // Rows are independent: each piece sorts and splits its own.
  auto splitRows = [&](int64_t firstRow, int64_t endRow) {
    std::vector<uint64_t> keys;
    std::vector<double> rowWeights;
    for (int64_t r = firstRow; r < endRow; ++r) {
      int32_t begin = connectivity.rowStart[r],
              end = connectivity.rowStart[r + 1];
      int32_t *row = connectivity.targets.data() + begin;
      // Sorting (target, position) pairs orders repeated targets by their
      // position: a stable sort by target.
      keys.resize(end - begin);
      for (size_t k = 0; k < keys.size(); ++k)
        keys[k] = uint64_t(uint32_t(row[k])) << 32 | k;
      std::sort(keys.begin(), keys.end());
      for (size_t k = 0; k < keys.size(); ++k)
        row[k] = int32_t(keys[k] >> 32);
      if (!weights.empty()) {
        rowWeights.assign(weights.begin() + begin, weights.begin() + end);
        for (size_t k = 0; k < keys.size(); ++k)
          weights[begin + k] = rowWeights[keys[k] & 0xffffffffu];
      }
      // Thread t's part starts at its first target at or after its first
      // neuron, in the projection's target coordinates.
      for (int t = 0; t < threads; ++t) {
        int64_t first = populationBounds[t] - targetBegin;
        table[r * threads + t] = static_cast<int32_t>(
            std::lower_bound(row, row + (end - begin), first) -
            connectivity.targets.data());
      }
    }
  };
  if (parallelFor)
    parallelFor(rows, splitRows);
  else
    splitRows(0, rows);
  table[rows * threads] = connectivity.rowStart[rows];
  return table;
}
