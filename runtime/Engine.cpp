//===- Engine.cpp - Runs a compiled program on this CPU's threads ---------===//

#include "snnc/runtime/Engine.h"

#include "snnc/runtime/NonFinite.h"
#include "snnc/runtime/Progress.h"
#include "snnc/runtime/SystemMemory.h"
#include "snnc/runtime/ThreadPartition.h"
#include "snnc/runtime/ThreadTeam.h"
#include "snnc/runtime/WorkerSchedule.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <xmmintrin.h>

using namespace snnc::rt;

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// Flushes denormal floats to zero while the compiled loop runs (on the
/// thread that creates it), as XLA does on CPU: decaying conductances would
/// otherwise crawl through denormals at a hundred times the cost of a
/// normal operation.
class FlushDenormals {
public:
  FlushDenormals() : saved(_mm_getcsr()) { _mm_setcsr(saved | 0x8040); }
  ~FlushDenormals() { _mm_setcsr(saved); }

private:
  unsigned saved;
};

size_t elementBytes(BufferType type, bool doublePrecision) {
  switch (type) {
  case BufferType::Real:
    return doublePrecision ? 8 : 4;
  case BufferType::Int32:
    return 4;
  case BufferType::Int8:
    return 1;
  }
  return 4;
}

/// Steps between two scans for non-finite states: every chunk of a
/// recording run of the usual size (1000 steps), less often when chunks
/// are short, so that the scan never costs more than a thousandth of the
/// steps it covers.
constexpr int64_t kFiniteCheckSteps = 1000;

/// Makes room for `extra` more elements of `values`, as std::vector's own
/// growth would (doubling), but first asks whether the memory is there:
/// std::vector aborts when it is not. `final` (0: unknown) is the size the
/// vector ends at, which growth need not pass. False, changing nothing,
/// when the memory is not available; `needed` says how much it was.
template <typename T>
bool makeRoom(std::vector<T> &values, size_t extra, size_t final,
              double &needed) {
  size_t wanted = values.size() + extra;
  if (wanted <= values.capacity())
    return true;
  size_t grown = std::max(wanted, 2 * values.capacity());
  if (final >= wanted)
    grown = std::min(grown, final);
  double available = availableMemoryBytes();
  // The old array stays until the new one is filled.
  auto fits = [&](size_t capacity) {
    return available < 0 ||
           static_cast<double>(capacity) * sizeof(T) <= available;
  };
  if (!fits(grown))
    grown = wanted;
  if (!fits(grown)) {
    needed = static_cast<double>(grown - values.size()) * sizeof(T);
    return false;
  }
  values.reserve(grown);
  return true;
}

} // namespace

/// A zeroed buffer aligned for 512-bit vectors. calloc hands out fresh,
/// lazily zeroed pages for large sizes, so big recording buffers cost
/// nothing until they are written. Or an index array taken over as it is
/// (synapse targets: the largest array of a network, never copied, so a
/// network never needs twice its connectivity in memory).
struct Engine::Buffer {
  void *raw = nullptr, *data = nullptr;
  std::vector<int32_t> adopted;
  explicit Buffer(size_t bytes) {
    raw = std::calloc(bytes + 64, 1);
    if (raw)
      data = reinterpret_cast<void *>((reinterpret_cast<uintptr_t>(raw) + 63) &
                                      ~uintptr_t(63));
  }
  explicit Buffer(std::vector<int32_t> &&values) : adopted(std::move(values)) {
    data = adopted.data();
  }
  ~Buffer() { std::free(raw); }
  Buffer(const Buffer &) = delete;
  Buffer &operator=(const Buffer &) = delete;
};

/// The team, and how many of its threads share the partitions now (the
/// spike lists are laid out for them: assignPartitions).
struct Engine::Threads {
  explicit Threads(int partitions, bool adaptive)
      : team(partitions), workers(partitions), schedule(partitions, adaptive) {}
  ThreadTeam team;
  int workers;
  WorkerSchedule schedule;
};

Engine::Engine(EngineLayout layout, EngineOptions options)
    : plan(std::move(layout)), options(options) {}

Engine::~Engine() = default;

Status Engine::allocate(const std::vector<bool> &adopted) {
  for (size_t b = 0; b < plan.buffers.size(); ++b) {
    const BufferDesc &spec = plan.buffers[b];
    if (b < adopted.size() && adopted[b]) {
      buffers.push_back(nullptr);
      pointers.push_back(nullptr);
      continue;
    }
    size_t bytes = static_cast<size_t>(spec.size) *
                   elementBytes(spec.type, plan.doublePrecision);
    buffers.push_back(std::make_unique<Buffer>(bytes));
    if (!buffers.back()->data) {
      char text[64];
      std::snprintf(text, sizeof(text), " (%zu bytes)", bytes);
      return Status::error("out of memory allocating " + spec.name + text);
    }
    pointers.push_back(buffers.back()->data);
  }
  int partitions = plan.partitions;
  if (partitions > 1) {
    for (const EngineLayout::Population &pop : plan.populations) {
      bounds.push_back(threadBounds(pop.size, partitions));
      std::memcpy(pointers[pop.threadBounds], bounds.back().data(),
                  bounds.back().size() * sizeof(int32_t));
    }
    initStepBarrier(data<int32_t>(plan.barrier), partitions);
    threads = std::make_unique<Threads>(partitions, options.adaptiveThreads);
  }
  return Status::success();
}

void Engine::adopt(int index, std::vector<int32_t> &&values) {
  values.resize(static_cast<size_t>(plan.buffers[index].size));
  buffers[index] = std::make_unique<Buffer>(std::move(values));
  pointers[index] = buffers[index]->data;
}

void Engine::fill(int index, const std::vector<double> &values) {
  for (size_t i = 0; i < values.size(); ++i) {
    // Integer buffers hold words (a random key): every 32-bit value,
    // carried exactly by a double, keeps its bits.
    if (plan.buffers[index].type == BufferType::Int32) {
      double value = values[i];
      uint32_t word = value >= 0 && value < 4294967296.0
                          ? static_cast<uint32_t>(value)
                          : 0; // refused by the bundle reader
      data<int32_t>(index)[i] = static_cast<int32_t>(word);
    } else if (plan.doublePrecision) {
      data<double>(index)[i] = values[i];
    } else {
      data<float>(index)[i] = static_cast<float>(values[i]);
    }
  }
}

void Engine::fillConstant(int index, int64_t count, double value) {
  for (int64_t i = 0; i < count; ++i) {
    if (plan.doublePrecision)
      data<double>(index)[i] = value;
    else
      data<float>(index)[i] = static_cast<float>(value);
  }
}

void Engine::parallelFor(int64_t count,
                         const std::function<void(int64_t, int64_t)> &body) {
  if (!threads)
    return body(0, count);
  int n = plan.partitions;
  threads->team.run(
      [&](int thread) { body(count * thread / n, count * (thread + 1) / n); });
}

Partitions Engine::partsOf(int worker, int count) const {
  int64_t partitions = plan.partitions;
  return {partitions * worker / count, partitions * (worker + 1) / count};
}

/// Lays the spike lists out for `count` threads. A thread lists the
/// spikes of all its partitions in the segment of its first one (the
/// compiled compaction, ProgramLayout.h), so the segments of partitions
/// it takes over move, in order, to the end of that one, and their
/// spike and recording counts become zero; readers go through the
/// segments in order, so a split needs no move. Between steps only.
void Engine::assignPartitions(int count) {
  if (count == threads->workers)
    return;
  int partitions = plan.partitions;
  std::vector<bool> leads(partitions, false);
  for (int k = 0; k < count; ++k)
    leads[partsOf(k, count).first] = true;
  for (unsigned p = 0; p < plan.populations.size(); ++p) {
    const EngineLayout::Population &pop = plan.populations[p];
    if (pop.spikeList < 0)
      continue;
    int32_t *list = data<int32_t>(pop.spikeList);
    int32_t *counts = data<int32_t>(pop.spikeCount);
    const std::vector<int32_t> &starts = bounds[p];
    for (int k = 0; k < count; ++k) {
      Partitions parts = partsOf(k, count);
      int64_t fill = counts[parts.first * kPerThreadStride];
      for (int64_t u = parts.first + 1; u < parts.end; ++u) {
        int32_t n = counts[u * kPerThreadStride];
        std::memmove(list + starts[parts.first] + fill, list + starts[u],
                     static_cast<size_t>(n) * sizeof(int32_t));
        fill += n;
        counts[u * kPerThreadStride] = 0;
      }
      counts[parts.first * kPerThreadStride] = static_cast<int32_t>(fill);
    }
    if (pop.recordCounts >= 0)
      for (int u = 0; u < partitions; ++u)
        if (!leads[u])
          std::fill_n(data<int32_t>(pop.recordCounts) + u * plan.chunkSteps,
                      plan.chunkSteps, 0);
  }
  threads->workers = count;
}

double Engine::onThreads(int count,
                         const std::function<void(Partitions)> &job) {
  if (!threads)
    return job({}), 1.0;
  assignPartitions(count);
  resizeStepBarrier(data<int32_t>(plan.barrier), count);
  std::vector<double> share(count, 1.0);
  threads->team.run(
      [&](int k) {
        ThreadClock clock;
        job(partsOf(k, count));
        share[k] = clock.cpuShare();
      },
      count);
  return *std::min_element(share.begin(), share.end());
}

void Engine::start(std::unique_ptr<Program> loaded,
                   std::vector<SpikeTrain> spikeTrains,
                   std::vector<StateTrace> stateTraces) {
  program = std::move(loaded);
  trains = std::move(spikeTrains);
  traces = std::move(stateTraces);
  onThreads(plan.partitions, [&](Partitions parts) {
    FlushDenormals flush;
    program->init(pointers.data(), parts);
  });
}

void Engine::setWorkers(int workers) {
  if (threads)
    threads->schedule.fix(workers);
}

int64_t Engine::stepsOnOneThread() const {
  return threads ? threads->schedule.stepsOnOne() : 0;
}

bool Engine::run(int64_t end) {
  if (stopped)
    return false; // its states are not finite; nothing more to compute
  end = std::max(end, done);
  ProgressBar progress(end - done, plan.dtMs, ProgressOptions{});
  int64_t first = done;
  int partitions = plan.partitions;
  while (done < end) {
    if (options.stop && options.stop->load(std::memory_order_relaxed))
      break;
    int workers = 1;
    int64_t chunkEnd = std::min(end, done + plan.chunkSteps);
    std::optional<WorkerSchedule::Stretch> stretch;
    if (threads) {
      stretch = threads->schedule.next();
      workers = stretch->workers;
      if (stretch->maxSteps > 0)
        chunkEnd = std::min(chunkEnd, done + stretch->maxSteps);
    }
    // Where partition t's recording starts in record_indices
    // (ProgramLayout.h).
    for (unsigned p = 0; p < plan.populations.size(); ++p)
      if (plan.populations[p].recordFill >= 0)
        for (int t = 0; t < partitions; ++t)
          data<int32_t>(plan.populations[p].recordFill)[t * kPerThreadStride] =
              partitions == 1 ? 0 : bounds[p][t] * plan.chunkSteps;
    int64_t chunkBegin = done;
    auto stretchStart = std::chrono::steady_clock::now();
    double leastCpuShare = onThreads(workers, [&](Partitions parts) {
      FlushDenormals flush;
      program->run(pointers.data(), chunkBegin, chunkEnd, parts);
    });
    if (stretch)
      threads->schedule.finished(*stretch, chunkEnd - chunkBegin,
                                 secondsSince(stretchStart), leastCpuShare);
    if (!drain(chunkBegin, chunkEnd)) {
      progress.finish();
      return false;
    }
    done = chunkEnd;
    if (done == end || done - finiteSteps >= kFiniteCheckSteps) {
      if (!checkFinite()) {
        progress.finish();
        return false;
      }
      finiteSteps = done;
    }
    if (options.showProgress)
      progress.update(done - first);
  }
  progress.finish();
  return true;
}

bool Engine::drain(int64_t chunkBegin, int64_t chunkEnd) {
  int partitions = plan.partitions;
  auto recordStart = [&](unsigned p, int t) -> int64_t {
    return partitions == 1 ? 0 : bounds[p][t] * plan.chunkSteps;
  };
  // Room for what this chunk recorded, asked for before any of it is
  // kept, so that running out of memory stops the run instead of
  // aborting it.
  int64_t length = chunkEnd - chunkBegin;
  double needed = 0;
  std::string missing;
  for (size_t r = 0; r < trains.size(); ++r) {
    SpikeTrain &out = trains[r];
    const EngineLayout::Population &pop =
        plan.populations[plan.spikeRecords[r]];
    const int32_t *counts = data<int32_t>(pop.recordCounts);
    size_t spikes = 0;
    for (int t = 0; t < partitions; ++t)
      for (int64_t local = 0; local < length; ++local)
        spikes += static_cast<size_t>(counts[t * plan.chunkSteps + local]);
    if (missing.empty() && (!makeRoom(out.steps, spikes, 0, needed) ||
                            !makeRoom(out.indices, spikes, 0, needed)))
      missing = "the spikes of '" + out.population + "'";
  }
  for (size_t r = 0; r < traces.size() && missing.empty(); ++r) {
    StateTrace &trace = traces[r];
    size_t size = static_cast<size_t>(plan.stateRecords[r].size);
    // A run admitted with its recordings counted grows them once.
    size_t remaining =
        options.recordUpFrontSteps > 0
            ? static_cast<size_t>(options.recordUpFrontSteps - chunkBegin)
            : 0;
    if (!makeRoom(trace.steps, length, trace.steps.size() + remaining,
                  needed) ||
        !makeRoom(trace.values, length * size,
                  trace.values.size() + remaining * size, needed))
      missing = "the states of '" + trace.population + "." + trace.state + "'";
  }
  if (!missing.empty()) {
    EngineStop oom;
    oom.kind = EngineStop::Kind::OutOfMemory;
    char text[64];
    std::snprintf(text, sizeof(text), "%.1f", needed / (1 << 20));
    oom.detail =
        missing + " need another " + text + " MiB, more than is available";
    done = chunkEnd;
    oom.stoppedSteps = chunkEnd;
    oom.recordedSteps = chunkBegin;
    stopped = oom;
    return false;
  }
  for (size_t r = 0; r < trains.size(); ++r) {
    SpikeTrain &out = trains[r];
    unsigned p = plan.spikeRecords[r];
    const EngineLayout::Population &pop = plan.populations[p];
    const int32_t *counts = data<int32_t>(pop.recordCounts);
    const int32_t *indices = data<int32_t>(pop.recordIndices);
    // Per step, the partitions' spikes in partition order: ascending, as
    // one thread lists them.
    std::vector<int64_t> offset(partitions);
    for (int t = 0; t < partitions; ++t)
      offset[t] = recordStart(p, t);
    for (int64_t local = 0; local < length; ++local) {
      for (int t = 0; t < partitions; ++t) {
        int32_t count = counts[t * plan.chunkSteps + local];
        for (int32_t k = 0; k < count; ++k) {
          int32_t neuron = indices[offset[t] + k];
          if (neuron < out.begin || neuron >= out.end)
            continue;
          out.steps.push_back(static_cast<int32_t>(chunkBegin + local));
          out.indices.push_back(neuron);
        }
        offset[t] += count;
      }
    }
  }
  // The program copied every recorded state after every step.
  for (size_t r = 0; r < traces.size(); ++r) {
    StateTrace &trace = traces[r];
    const EngineLayout::StateRecord &record = plan.stateRecords[r];
    int64_t size = record.size;
    for (int64_t local = 0; local < length; ++local) {
      trace.steps.push_back(static_cast<int32_t>(chunkBegin + local));
      for (int64_t i = 0; i < size; ++i)
        trace.values.push_back(
            plan.doublePrecision
                ? static_cast<float>(
                      data<double>(record.buffer)[local * size + i])
                : data<float>(record.buffer)[local * size + i]);
    }
  }
  return true;
}

bool Engine::checkFinite() {
  bool dbl = plan.doublePrecision;
  for (size_t k = 0; k < plan.scans.size(); ++k) {
    const EngineLayout::Scan &at = plan.scans[k];
    int64_t found = dbl ? firstNonFinite(data<double>(at.buffer), at.size,
                                         at.skipPlusInfinity)
                        : firstNonFinite(data<float>(at.buffer), at.size,
                                         at.skipPlusInfinity);
    if (found < 0)
      continue;
    EngineStop result;
    result.scan = k;
    result.index = found;
    result.value = dbl ? data<double>(at.buffer)[found]
                       : static_cast<double>(data<float>(at.buffer)[found]);
    for (size_t j = k; j < plan.scans.size(); ++j) {
      const EngineLayout::Scan &other = plan.scans[j];
      result.count += dbl ? countNonFinite(data<double>(other.buffer),
                                           other.size, other.skipPlusInfinity)
                          : countNonFinite(data<float>(other.buffer),
                                           other.size, other.skipPlusInfinity);
    }
    result.finiteSteps = finiteSteps;
    result.foundSteps = done;
    result.stoppedSteps = done;
    // A recorded trace of the neuron's state shows the very step.
    if (!at.state.empty()) {
      const std::string &population = plan.populations[at.population].name;
      for (const StateTrace &trace : traces) {
        if (trace.population != population || trace.state != at.state ||
            found < trace.begin || found >= trace.end)
          continue;
        int64_t width = trace.end - trace.begin;
        for (size_t row = 0; row < trace.steps.size(); ++row) {
          if (trace.steps[row] < finiteSteps)
            continue;
          float value = trace.values[row * width + (found - trace.begin)];
          if (!std::isfinite(value)) {
            result.foundSteps = trace.steps[row] + 1;
            result.exact = true;
            break;
          }
        }
        break;
      }
    }
    stopped = result;
    return false;
  }
  return true;
}
