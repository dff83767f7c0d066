//===- PartitionThreads.h - The CPU target's thread partitioning -*- C++
//-*-===//
//
// The target-neutral program steps every neuron in one flow of control. The
// CPU runs it on a team of threads, each stepping a contiguous range of
// partitions of every population (ThreadPartition.h): this pass gives the
// program's entry points the partitions [first, end) they step, restricts
// every neuron pass, compaction, recording and delivery to them, and makes
// the threads meet where one thread's results are another's inputs.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_COMPILER_TARGET_CPU_PARTITIONTHREADS_H
#define SNNC_COMPILER_TARGET_CPU_PARTITIONTHREADS_H

#include "mlir/Pass/Pass.h"

#include <memory>

namespace snnc {

/// `snn-partition-threads{partitions=P}`: every function of the module gets
/// two i64 arguments last, the partitions [first, end) it steps (the CPU
/// entry points' convention, rt::Program); with P > 1 its ops are limited
/// to them. Buffers are found by the names ProgramLayout gives them
/// (`N.thread_bounds`, `threads.barrier`, ...), population sizes in the
/// module's `snn.populations` attribute.
std::unique_ptr<mlir::Pass> createPartitionThreadsPass(int partitions = 1);

/// Makes the pass known to snn-opt.
void registerPartitionThreadsPass();

} // namespace snnc

#endif // SNNC_COMPILER_TARGET_CPU_PARTITIONTHREADS_H
