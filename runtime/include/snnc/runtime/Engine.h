//===- Engine.h - Runs a compiled program on this CPU's threads -*- C++ -*-===//
//
// The part of a simulation that needs neither the compiler nor the model
// file: the program's buffers (the engine owns them), the thread team that
// steps the program's partitions, chunked execution with the recordings
// drained after every chunk, the checks for states that became NaN or
// infinite, and progress. The compiler says where state lives (an
// EngineLayout, from its ProgramLayout); whoever drew the network fills
// the buffers before start(); run() then advances the simulation.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_ENGINE_H
#define SNNC_RUNTIME_ENGINE_H

#include "snnc/runtime/Program.h"
#include "snnc/runtime/Recordings.h"
#include "snnc/runtime/Status.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace snnc::rt {

enum class BufferType {
  Real, ///< float32, or float64 in double precision
  Int32,
  Int8
};

struct BufferDesc {
  std::string name;
  BufferType type = BufferType::Real;
  int64_t size = 0; ///< Elements.
};

/// Which buffers of a program hold what, as far as running it goes.
/// Buffer indices are positions in `buffers`; -1: none.
struct EngineLayout {
  std::vector<BufferDesc> buffers;
  bool doublePrecision = false;
  double dtMs = 0.1;
  /// Steps per call of the program: the recording buffers hold a chunk.
  int64_t chunkSteps = 1;
  /// Partitions the program was built for (ThreadPartition.h); with more
  /// than one, `barrier` is the step barrier's state.
  int partitions = 1;
  int barrier = -1;

  struct Population {
    std::string name;
    int64_t size = 0;
    int spikeList = -1, spikeCount = -1;
    int recordIndices = -1, recordCounts = -1, recordFill = -1;
    int threadBounds = -1;
  };
  std::vector<Population> populations;
  /// One per SpikeTrain, in order: the population whose record buffers
  /// hold its spikes.
  std::vector<unsigned> spikeRecords;
  /// One per StateTrace, in order: the chunk buffer the program copies the
  /// state into, `size` neurons per step.
  struct StateRecord {
    int buffer = -1;
    int64_t size = 0;
  };
  std::vector<StateRecord> stateRecords;
  /// The state buffers checked for NaN and infinities, in the order a find
  /// is reported.
  struct Scan {
    int buffer = -1;
    int64_t size = 0;
    /// +inf is no failure (a hard reset's spike variable).
    bool skipPlusInfinity = false;
    /// A neuron state: the population, and the state's name, which a
    /// recorded trace of it has (its values tell the very step); "" for a
    /// synapse state.
    unsigned population = 0;
    std::string state;
  };
  std::vector<Scan> scans;
};

struct EngineOptions {
  /// Threads (at most the partitions) may drop to one while another
  /// process holds a core (WorkerSchedule.h). Results do not depend on it.
  bool adaptiveThreads = true;
  bool showProgress = true;
  /// The steps the recordings must have room for, asked up front (the
  /// whole run), or 0: checked chunk by chunk.
  int64_t recordUpFrontSteps = 0;
  /// Read between chunks: once it holds true, run() returns at that chunk
  /// boundary. Not owned; null: never stops.
  const std::atomic<bool> *stop = nullptr;
};

/// Why a run stopped early.
struct EngineStop {
  enum class Kind { NonFinite, OutOfMemory };
  Kind kind = Kind::NonFinite;
  /// NonFinite: the first value found (scan, index in its buffer), its
  /// value, how many were found at that check, and when: finite after
  /// `finiteSteps`, not after `foundSteps` (`exact`: the very step).
  size_t scan = 0;
  int64_t index = 0;
  double value = 0;
  int64_t count = 0;
  int64_t finiteSteps = 0, foundSteps = 0;
  bool exact = false;
  /// OutOfMemory: what could not be recorded, and up to which step the
  /// recordings go.
  std::string detail;
  int64_t recordedSteps = 0;
  int64_t stoppedSteps = 0;
};

class Engine {
public:
  Engine(EngineLayout layout, EngineOptions options);
  ~Engine();
  Engine(const Engine &) = delete;
  Engine &operator=(const Engine &) = delete;

  /// Allocates every buffer, zeroed, but those marked in `adopted` (which
  /// adopt() provides); fills the partitions' thread bounds and starts the
  /// thread team. An error names the buffer that did not fit.
  Status allocate(const std::vector<bool> &adopted);
  /// Takes `values` over as buffer `index` (no copy), padded with zeros to
  /// the buffer's size.
  void adopt(int index, std::vector<int32_t> &&values);
  /// Buffer `index`, owned by the engine: valid (same address) until the
  /// engine is destroyed.
  template <typename T> T *data(int index) const {
    return static_cast<T *>(pointers[index]);
  }
  /// Real buffer `index` from `values`, rounded to the working precision;
  /// the first `count` values of it set to `value`.
  void fill(int index, const std::vector<double> &values);
  void fillConstant(int index, int64_t count, double value);
  /// Neurons each partition of population `p` starts at (partitions + 1).
  const std::vector<int32_t> &partitionBounds(unsigned p) const {
    return bounds[p];
  }
  /// body(begin, end) over pieces covering [0, count), on the team's
  /// threads at once (ThreadPartition.h's ParallelFor).
  void parallelFor(int64_t count,
                   const std::function<void(int64_t, int64_t)> &body);

  /// Runs the program's init (the initial spikes) once the buffers hold
  /// the network; `trains` and `traces` are the empty recordings, one per
  /// layout.spikeRecords / stateRecords entry.
  void start(std::unique_ptr<Program> program, std::vector<SpikeTrain> trains,
             std::vector<StateTrace> traces);
  /// Advances to step `end` (at most), or until options.stop is set (not a
  /// failure). False when the run stopped early: stop() says why; further
  /// calls do nothing.
  bool run(int64_t end);
  int64_t stepsDone() const { return done; }
  const EngineStop *stop() const { return stopped ? &*stopped : nullptr; }
  /// What was recorded so far; run() appends to the arrays.
  const std::vector<SpikeTrain> &spikes() const { return trains; }
  const std::vector<StateTrace> &stateTraces() const { return traces; }

  /// From now on `workers` threads step the network, fixed.
  void setWorkers(int workers);
  /// Steps run on one thread of a multi-threaded run (the machine was
  /// busy).
  int64_t stepsOnOneThread() const;
  const EngineLayout &layout() const { return plan; }

private:
  struct Threads;
  struct Buffer;
  /// Runs job(parts) on `count` threads at once, each with its partitions;
  /// returns the least share of its wall time any of them was on a core.
  double onThreads(int count, const std::function<void(Partitions)> &job);
  void assignPartitions(int count);
  Partitions partsOf(int worker, int count) const;
  /// Drains one chunk's recordings; false (stop set) when their memory is
  /// not there.
  bool drain(int64_t chunkBegin, int64_t chunkEnd);
  /// Scans every state; false (stop set) on a NaN or infinity.
  bool checkFinite();

  EngineLayout plan;
  EngineOptions options;
  std::vector<std::unique_ptr<Buffer>> buffers;
  std::vector<void *> pointers;
  std::vector<std::vector<int32_t>> bounds;
  std::unique_ptr<Threads> threads;
  std::unique_ptr<Program> program;
  std::vector<SpikeTrain> trains;
  std::vector<StateTrace> traces;
  int64_t done = 0;
  int64_t finiteSteps = 0;
  std::optional<EngineStop> stopped;
};

} // namespace snnc::rt

#endif // SNNC_RUNTIME_ENGINE_H
