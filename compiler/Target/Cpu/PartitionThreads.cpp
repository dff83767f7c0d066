//===- PartitionThreads.cpp - Neuron ranges, segments and barriers --------===//
//
// What each op of the neutral program becomes on the partitions [first, end)
// of one thread (ThreadPartition.h and ProgramLayout.h say how state is
// laid out for P partitions):
//
//   for_each_neuron, record_state   range [lo, hi): the thread's neurons,
//                                   clamped to the op's slice
//   compact                         lists [lo, hi) from spikes[lo]; its
//                                   counters in the slot of `first`
//   propagate                       reads every partition's spike-list
//                                   segment, delivers onto [first, end)
//   time_loop                       threads meet after delivery (before
//                                   any lists new spikes) and at the end of
//                                   the step (before any delivers them)
//
// Ranges are loaded once per call, at the function's entry, from the
// populations' thread_bounds.
//
//===----------------------------------------------------------------------===//

#include "PartitionThreads.h"

#include "snnc/compiler/Dialect/Snn.h"
#include "snnc/runtime/ThreadPartition.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

#include <array>
#include <map>
#include <tuple>

using namespace mlir;
using namespace snnc::snn;

namespace {

/// One function, partitioned.
class Partitioner {
public:
  Partitioner(func::FuncOp function, int64_t partitions,
              DictionaryAttr populations)
      : function(function), partitions(partitions), populations(populations),
        builder(function.getContext()), loc(function.getLoc()) {}

  LogicalResult run() {
    Block &entry = function.front();
    Type i64 = builder.getI64Type();
    unsigned count = function.getNumArguments();
    function.insertArgument(count, i64, {}, loc);
    function.insertArgument(count + 1, i64, {}, loc);
    if (partitions == 1)
      return success();
    for (BlockArgument argument : entry.getArguments())
      if (auto name = function.getArgAttrOfType<StringAttr>(
              argument.getArgNumber(), "snn.buffer"))
        buffers[name.getValue().str()] = argument;

    // The prelude goes before the function's first op, in creation order.
    builder.setInsertionPoint(&entry.front());
    partsBegin = toIndex(entry.getArgument(count));
    partsEnd = toIndex(entry.getArgument(count + 1));
    slot = builder.create<arith::MulIOp>(loc, partsBegin,
                                         index(snnc::rt::kPerThreadStride));
    // New ops go into the prelude; the walk does not visit them.
    WalkResult result = function.walk([&](Operation *op) {
      LogicalResult done = success();
      if (auto neurons = dyn_cast<ForEachNeuronOp>(op))
        done = partitionSlice(neurons);
      else if (auto record = dyn_cast<RecordStateOp>(op))
        done = partitionSlice(record);
      else if (auto compact = dyn_cast<CompactOp>(op))
        done = partition(compact);
      else if (auto propagate = dyn_cast<PropagateOp>(op))
        done = partition(propagate);
      return failed(done) ? WalkResult::interrupt() : WalkResult::advance();
    });
    if (result.wasInterrupted())
      return failure();
    return insertBarriers();
  }

private:
  Value index(int64_t value) {
    return builder.create<arith::ConstantIndexOp>(loc, value);
  }
  Value toIndex(Value v) {
    return builder.create<arith::IndexCastOp>(loc, builder.getIndexType(), v);
  }

  /// The buffer ProgramLayout calls `name`, or null after an error at `op`.
  Value buffer(Operation *op, const std::string &name) {
    auto it = buffers.find(name);
    if (it != buffers.end())
      return it->second;
    op->emitOpError("cannot be partitioned: the function has no buffer '")
        << name << "'";
    return nullptr;
  }

  /// The neurons [lo, hi) of `population` this call steps.
  std::optional<std::array<Value, 2>> rangeOf(Operation *op,
                                              StringRef population) {
    auto it = ranges.find(population.str());
    if (it != ranges.end())
      return it->second;
    Value bounds = buffer(op, population.str() + ".thread_bounds");
    if (!bounds)
      return std::nullopt;
    if (cast<MemRefType>(bounds.getType()).getNumElements() != partitions + 1) {
      op->emitOpError("cannot be partitioned into ")
          << partitions << ": " << population << ".thread_bounds has "
          << cast<MemRefType>(bounds.getType()).getNumElements() << " entries";
      return std::nullopt;
    }
    std::array<Value, 2> range = {
        toIndex(builder.create<memref::LoadOp>(loc, bounds, partsBegin)),
        toIndex(builder.create<memref::LoadOp>(loc, bounds, partsEnd))};
    return ranges[population.str()] = range;
  }

  /// This call's part of neurons [offset, offset + size) of `population`,
  /// indexed from the slice's first neuron.
  std::optional<std::array<Value, 2>> sliceRange(Operation *op,
                                                 StringRef population,
                                                 int64_t offset, int64_t size) {
    auto key = std::make_tuple(population.str(), offset, size);
    auto it = slices.find(key);
    if (it != slices.end())
      return it->second;
    std::optional<std::array<Value, 2>> range = rangeOf(op, population);
    if (!range)
      return std::nullopt;
    auto populationSize =
        populations ? populations.getAs<IntegerAttr>(population) : nullptr;
    if (!populationSize) {
      op->emitOpError("cannot be partitioned: the module's snn.populations "
                      "gives no size for '")
          << population << "'";
      return std::nullopt;
    }
    if (offset == 0 && size == populationSize.getInt())
      return slices[key] = *range;
    // The thread's range shifted by the slice's start, clamped to it.
    std::array<Value, 2> shifted;
    for (int k = 0; k < 2; ++k) {
      Value local =
          builder.create<arith::SubIOp>(loc, (*range)[k], index(offset));
      shifted[k] = builder.create<arith::MinSIOp>(
          loc, builder.create<arith::MaxSIOp>(loc, local, index(0)),
          index(size));
    }
    return slices[key] = shifted;
  }

  /// A neuron pass or a recording: the thread's part of its slice.
  template <typename OpT> LogicalResult partitionSlice(OpT op) {
    std::optional<std::array<Value, 2>> range =
        sliceRange(op, op.getPopulation(), op.getOffset(), op.getSize());
    if (!range)
      return failure();
    op.getRangeMutable().assign(ValueRange{(*range)[0], (*range)[1]});
    return success();
  }

  /// The population whose buffer `value` is, by its name's `suffix`.
  std::optional<std::string> populationOf(Operation *op, Value value,
                                          StringRef suffix) {
    auto argument = dyn_cast<BlockArgument>(value);
    auto name = argument ? function.getArgAttrOfType<StringAttr>(
                               argument.getArgNumber(), "snn.buffer")
                         : nullptr;
    StringRef population = name ? name.getValue() : "";
    if (!population.consume_back(suffix)) {
      op->emitOpError("cannot be partitioned: expected a buffer named "
                      "'<population>")
          << suffix << "'";
      return std::nullopt;
    }
    return population.str();
  }

  /// A thread lists its neurons' spikes; its counters sit in the slot of
  /// `first` and its recording counts from first * chunkSteps. The slots
  /// of the other partitions it steps stay as they are: the runtime
  /// empties them when partitions are assigned.
  LogicalResult partition(CompactOp op) {
    std::optional<std::string> population =
        populationOf(op, op.getFlags(), ".spike_flags");
    if (!population)
      return failure();
    std::optional<std::array<Value, 2>> range = rangeOf(op, *population);
    if (!range)
      return failure();
    op.getPartMutable().assign(ValueRange{(*range)[0], (*range)[1], slot});
    if (!op.getLocalStep())
      return success();
    int64_t chunkSteps =
        cast<MemRefType>(op.getRecordCounts().getType()).getNumElements() /
        partitions;
    Value rows =
        builder.create<arith::MulIOp>(loc, partsBegin, index(chunkSteps));
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPoint(op);
    Value localStep =
        builder.create<arith::AddIOp>(op.getLoc(), op.getLocalStep(), rows);
    op.getLocalStepMutable().assign(localStep);
    return success();
  }

  LogicalResult partition(PropagateOp op) {
    std::optional<std::string> population =
        populationOf(op, op.getSpikes(), ".spike_list");
    if (!population)
      return failure();
    Value bounds = buffer(op, *population + ".thread_bounds");
    if (!bounds)
      return failure();
    if (static_cast<int64_t>(op.getPartitions()) != partitions)
      return op->emitOpError("cannot be partitioned into ")
             << partitions << ": its row table has " << op.getPartitions()
             << " entries per row";
    op.getPartitionMutable().assign(ValueRange{bounds, partsBegin, partsEnd});
    return success();
  }

  /// In every step, the threads meet after the last delivery (every spike
  /// of the previous step delivered before any thread overwrites its list)
  /// and at the end (every list complete before any thread delivers it).
  LogicalResult insertBarriers() {
    WalkResult result = function.walk([&](TimeLoopOp loop) {
      Value state = buffer(loop, "threads.barrier");
      if (!state)
        return WalkResult::interrupt();
      Block &body = loop.getBody().front();
      Operation *lastDelivery = nullptr;
      for (Operation &op : body)
        if (isa<PropagateOp>(op))
          lastDelivery = &op;
      if (lastDelivery)
        builder.setInsertionPointAfter(lastDelivery);
      else
        builder.setInsertionPointToStart(&body);
      builder.create<BarrierOp>(loop.getLoc(), state);
      builder.setInsertionPoint(body.getTerminator());
      builder.create<BarrierOp>(loop.getLoc(), state);
      return WalkResult::advance();
    });
    return failure(result.wasInterrupted());
  }

  func::FuncOp function;
  int64_t partitions;
  DictionaryAttr populations;
  OpBuilder builder;
  Location loc;
  std::map<std::string, Value, std::less<>> buffers;
  Value partsBegin, partsEnd, slot;
  std::map<std::string, std::array<Value, 2>> ranges;
  std::map<std::tuple<std::string, int64_t, int64_t>, std::array<Value, 2>>
      slices;
};

struct PartitionThreadsPass
    : PassWrapper<PartitionThreadsPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(PartitionThreadsPass)
  PartitionThreadsPass() = default;
  PartitionThreadsPass(const PartitionThreadsPass &other)
      : PassWrapper(other) {}
  explicit PartitionThreadsPass(int count) { partitions = count; }

  StringRef getArgument() const final { return "snn-partition-threads"; }
  StringRef getDescription() const final {
    return "Give the entry points the partitions [first, end) they step "
           "and restrict the program to them (the CPU's threads)";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<arith::ArithDialect, memref::MemRefDialect>();
  }

  void runOnOperation() override {
    if (partitions < 1) {
      getOperation().emitError("snn-partition-threads needs at least one "
                               "partition, got ")
          << partitions.getValue();
      return signalPassFailure();
    }
    auto populations =
        getOperation()->getAttrOfType<DictionaryAttr>("snn.populations");
    for (func::FuncOp function : getOperation().getOps<func::FuncOp>())
      if (!function.isExternal() &&
          failed(Partitioner(function, partitions, populations).run()))
        return signalPassFailure();
  }

  Option<int> partitions{*this, "partitions",
                         llvm::cl::desc("partitions (threads) to split into"),
                         llvm::cl::init(1)};
};

} // namespace

std::unique_ptr<Pass> snnc::createPartitionThreadsPass(int partitions) {
  return std::make_unique<PartitionThreadsPass>(partitions);
}

void snnc::registerPartitionThreadsPass() {
  registerPass([] { return std::make_unique<PartitionThreadsPass>(); });
}
