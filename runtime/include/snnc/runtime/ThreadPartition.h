//===- ThreadPartition.h - Which thread owns which neurons ------*- C++ -*-===//
//
// A multi-threaded run gives each thread one contiguous range of every
// population. Threads own their neurons' state and their neurons' synaptic
// inputs: a thread delivers every spike, but only along the synapses onto
// its own neurons. So no two threads ever write the same memory, and each
// target receives its increments in the same order as on one thread: the
// results are bit for bit those of one thread.
//
// To find a thread's synapses quickly, each row of a projection is sorted
// by target (stably: repeated targets keep their order, so a target's
// increments keep theirs) and the row table gets one entry per thread and
// row: row r's synapses onto thread t are [table[r*T + t], table[r*T + t + 1]).
// With one thread that is the plain CSR row_start.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_THREADPARTITION_H
#define SNNC_RUNTIME_THREADPARTITION_H

#include <cstdint>
#include <functional>
#include <vector>

namespace snnc::rt {

struct Connectivity;

/// Neurons each thread starts at, rounded down to multiples of this: whole
/// cache lines of float state and whole words of spike flags per thread.
constexpr int64_t kThreadRangeAlign = 16;

/// Counters each thread writes alone (spike counts, recording fill levels)
/// sit this many int32 apart: one cache line per thread.
constexpr int64_t kPerThreadStride = 16;

/// threads + 1 bounds: thread t owns neurons [bounds[t], bounds[t+1]).
std::vector<int32_t> threadBounds(int64_t size, int threads);

/// Runs body(begin, end) over pieces that together cover [0, count), in
/// parallel; the pieces must not depend on each other.
using ParallelFor = std::function<void(
    int64_t count, const std::function<void(int64_t, int64_t)> &body)>;

/// Sorts every row by target, stably, permuting `weights` (per synapse, or
/// empty) alongside, and returns the row table described above, for a
/// projection onto neurons [targetBegin, targetBegin + numPost) of a
/// population split by `populationBounds` (targets are relative to
/// targetBegin). Rows are independent: with `parallelFor`, pieces of them
/// are split at once.
std::vector<int32_t>
splitRowsByThread(Connectivity &connectivity, std::vector<double> &weights,
                  int64_t targetBegin,
                  const std::vector<int32_t> &populationBounds,
                  const ParallelFor &parallelFor = nullptr);

} // namespace snnc::rt

#endif // SNNC_RUNTIME_THREADPARTITION_H
