//===- Simulation.cpp - Compile a model and run it ------------------------===//
//
// The driver: builds connectivity and initial state with the runtime, plans
// the buffers, generates and lowers the fused program, JIT-compiles it, and
// then calls it chunk by chunk, draining recorded spikes between chunks.
//
//===----------------------------------------------------------------------===//

#include "snnc/Simulation.h"

#include "snnc/compiler/CompileCache.h"
#include "snnc/compiler/Pipeline.h"
#include "snnc/compiler/ProgramBuilder.h"
#include "snnc/compiler/ProgramLayout.h"
#include "snnc/compiler/Target.h"
#include "snnc/compiler/Transforms/OutlineParameters.h"
#include "snnc/model/MemoryBudget.h"
#include "snnc/model/Network.h"
#include "snnc/model/Parameters.h"
#include "snnc/model/RunCheck.h"
#include "snnc/runtime/NonFinite.h"
#include "snnc/runtime/Progress.h"
#include "snnc/runtime/SystemMemory.h"
#include "snnc/runtime/ThreadPartition.h"
#include "snnc/runtime/ThreadTeam.h"
#include "snnc/runtime/WorkerSchedule.h"

#include "mlir/IR/MLIRContext.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <xmmintrin.h>

using namespace snnc;
using namespace snnc::model;
using rt::availableMemoryBytes;
using rt::countNonFinite;
using rt::firstNonFinite;
using rt::kPerThreadStride;
using rt::splitRowsByThread;
using rt::threadBounds;

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

/// A zeroed buffer aligned for 512-bit vectors. calloc hands out fresh,
/// lazily zeroed pages for large sizes, so big recording buffers cost
/// nothing until they are written. Or an index array taken over as it is
/// (synapse targets: the largest array of a network, never copied, so a
/// network never needs twice its connectivity in memory).
struct AlignedBuffer {
  void *raw = nullptr, *data = nullptr;
  std::vector<int32_t> adopted;
  explicit AlignedBuffer(size_t bytes) {
    raw = std::calloc(bytes + 64, 1);
    if (raw)
      data = reinterpret_cast<void *>((reinterpret_cast<uintptr_t>(raw) + 63) &
                                      ~uintptr_t(63));
  }
  explicit AlignedBuffer(std::vector<int32_t> &&values)
      : adopted(std::move(values)) {
    data = adopted.data();
  }
  ~AlignedBuffer() { std::free(raw); }
  AlignedBuffer(const AlignedBuffer &) = delete;
  AlignedBuffer &operator=(const AlignedBuffer &) = delete;
};

size_t elementBytes(ElementType type, bool doublePrecision) {
  switch (type) {
  case ElementType::Real:
    return doublePrecision ? 8 : 4;
  case ElementType::Int32:
    return 4;
  case ElementType::Int8:
    return 1;
  }
  return 4;
}

} // namespace

struct Simulation::Impl {
  Model model;
  SimulationOptions options;
  ProgramLayout layout;
  NetworkData network;
  std::vector<std::unique_ptr<AlignedBuffer>> buffers;
  std::vector<void *> pointers;
  std::unique_ptr<rt::Program> program;
  /// Multi-threaded runs: the threads, and each population's split into
  /// the program's partitions.
  std::unique_ptr<rt::ThreadTeam> team;
  std::vector<std::vector<int32_t>> threadBounds;
  /// How many threads share the partitions now: the spike lists are laid
  /// out for them (assignPartitions). How many step the next stretch.
  int workers = 1;
  std::unique_ptr<rt::WorkerSchedule> schedule;
  /// What turns parameter values into the params buffer, kept for
  /// setParameters (the outlined program lives in `context`).
  std::unique_ptr<mlir::MLIRContext> context;
  RuntimeScalars scalars;
  ParameterProgram parameterProgram;

  /// Why the run stopped early, once it has.
  std::optional<RunStop> stop;
  /// Steps after which every state was last seen finite.
  int64_t finiteSteps = 0;

  /// Scans every neuron and synapse state for NaN and infinities after
  /// `stepsDone` steps; on finding one, records the stop (the first found,
  /// with the exact step when a recorded trace shows it) and returns false.
  bool checkFinite(int64_t stepsDone, const std::vector<StateTrace> &traces);

  template <typename T> T *buffer(int index) const {
    return static_cast<T *>(pointers[index]);
  }
  /// The params buffer's values for `values` (parameter values, weights
  /// and drives as in `values`): the outlined program folded on the host.
  std::vector<double> parameterBuffer(const Model &values) const {
    return evaluateParameterProgram(parameterProgram,
                                    scalars.evaluate(listParameters(values)));
  }
  /// Refuses a params buffer with a value that is not finite in the
  /// working precision: a value folded from others (1/tau, V_th -
  /// V_reset) can overflow where its parts do not.
  bool checkParameterBuffer(const std::vector<double> &values,
                            DiagnosticEngine &diags) const {
    for (size_t k = 0; k < values.size(); ++k) {
      // Compared, not converted: a double beyond float's range has no
      // float value (the conversion is undefined).
      double largest = layout.doublePrecision
                           ? std::numeric_limits<double>::max()
                           : std::numeric_limits<float>::max();
      if (std::fabs(values[k]) <= largest)
        continue;
      std::string name = k < layout.paramSlots.size()
                             ? layout.paramSlots[k].name
                             : "slot " + std::to_string(k);
      char value[32];
      std::snprintf(value, sizeof(value), "%g", values[k]);
      diags.error(llvm::SMRange(),
                  "a value the program reads (" + name + ") is " + value +
                      ", which is not finite in " +
                      (layout.doublePrecision ? "float64" : "float32"));
      return false;
    }
    return true;
  }
  /// The partitions thread `worker` of `count` steps: adjacent ones, in
  /// order.
  rt::Partitions partsOf(int worker, int count) const {
    int64_t partitions = layout.threads;
    return {partitions * worker / count, partitions * (worker + 1) / count};
  }

  /// Lays the spike lists out for `count` threads. A thread lists the
  /// spikes of all its partitions in the segment of its first one (the
  /// compiled compaction, ProgramLayout.h), so the segments of partitions
  /// it takes over move, in order, to the end of that one, and their
  /// spike and recording counts become zero; readers go through the
  /// segments in order, so a split needs no move. Between steps only.
  void assignPartitions(int count) {
    if (count == workers)
      return;
    int partitions = layout.threads;
    std::vector<bool> leads(partitions, false);
    for (int k = 0; k < count; ++k)
      leads[partsOf(k, count).first] = true;
    for (unsigned p = 0; p < layout.populations.size(); ++p) {
      const PopulationBuffers &bufs = layout.populations[p];
      if (bufs.spikeList < 0)
        continue;
      int32_t *list = buffer<int32_t>(bufs.spikeList);
      int32_t *counts = buffer<int32_t>(bufs.spikeCount);
      const std::vector<int32_t> &bounds = threadBounds[p];
      for (int k = 0; k < count; ++k) {
        rt::Partitions parts = partsOf(k, count);
        int64_t fill = counts[parts.first * kPerThreadStride];
        for (int64_t u = parts.first + 1; u < parts.end; ++u) {
          int32_t n = counts[u * kPerThreadStride];
          std::memmove(list + bounds[parts.first] + fill, list + bounds[u],
                       static_cast<size_t>(n) * sizeof(int32_t));
          fill += n;
          counts[u * kPerThreadStride] = 0;
        }
        counts[parts.first * kPerThreadStride] = static_cast<int32_t>(fill);
      }
      if (bufs.recordCounts >= 0)
        for (int u = 0; u < partitions; ++u)
          if (!leads[u])
            std::fill_n(buffer<int32_t>(bufs.recordCounts) +
                            u * layout.chunkSteps,
                        layout.chunkSteps, 0);
    }
    workers = count;
  }

  /// Runs job(parts) on `count` threads at once, each with its partitions;
  /// returns the least share of its wall time any of them was on a core.
  double onThreads(int count, const std::function<void(rt::Partitions)> &job) {
    if (!team)
      return job({}), 1.0;
    assignPartitions(count);
    rt::resizeStepBarrier(buffer<int32_t>(layout.barrier), count);
    std::vector<double> share(count, 1.0);
    team->run(
        [&](int k) {
          rt::ThreadClock clock;
          job(partsOf(k, count));
          share[k] = clock.cpuShare();
        },
        count);
    return *std::min_element(share.begin(), share.end());
  }
  /// Sets the first `count` values of a Real buffer to `value`.
  void fillConstant(int bufferIndex, int64_t count, double value) {
    for (int64_t i = 0; i < count; ++i) {
      if (layout.doublePrecision)
        buffer<double>(bufferIndex)[i] = value;
      else
        buffer<float>(bufferIndex)[i] = static_cast<float>(value);
    }
  }
  /// Copies per-neuron values into a Real buffer.
  void fill(int bufferIndex, const std::vector<double> &values) {
    for (size_t i = 0; i < values.size(); ++i) {
      if (layout.doublePrecision)
        buffer<double>(bufferIndex)[i] = values[i];
      else
        buffer<float>(bufferIndex)[i] = static_cast<float>(values[i]);
    }
  }
};

bool Simulation::Impl::checkFinite(int64_t stepsDone,
                                   const std::vector<StateTrace> &traces) {
  auto first = [&](int index, int64_t count, bool skipPlus) {
    return layout.doublePrecision
               ? firstNonFinite(buffer<double>(index), count, skipPlus)
               : firstNonFinite(buffer<float>(index), count, skipPlus);
  };
  auto countIn = [&](int index, int64_t count, bool skipPlus) {
    return layout.doublePrecision
               ? countNonFinite(buffer<double>(index), count, skipPlus)
               : countNonFinite(buffer<float>(index), count, skipPlus);
  };
  auto valueAt = [&](int index, int64_t i) {
    return layout.doublePrecision
               ? buffer<double>(index)[i]
               : static_cast<double>(buffer<float>(index)[i]);
  };
  // Every state buffer with its length, in the order they are reported.
  struct Scanned {
    int buffer;
    int64_t size;
    unsigned population;
    int group;
    unsigned state;
    bool skipPlus; ///< resetsInfinity
  };
  std::vector<Scanned> scanned;
  for (unsigned p = 0; p < layout.populations.size(); ++p)
    for (unsigned s = 0; s < layout.populations[p].states.size(); ++s)
      scanned.push_back(
          {layout.populations[p].states[s], model.populations[p].size, p, -1, s,
           resetsInfinity(model.neurons[model.populations[p].neuron], s)});
  for (unsigned g = 0; g < layout.groups.size(); ++g)
    for (unsigned s = 0; s < layout.groups[g].stateBuffers.size(); ++s)
      scanned.push_back(
          {layout.groups[g].stateBuffers[s], layout.groups[g].target.size(),
           layout.groups[g].target.population, static_cast<int>(g), s, false});
  for (size_t k = 0; k < scanned.size(); ++k) {
    const Scanned &at = scanned[k];
    int64_t found = first(at.buffer, at.size, at.skipPlus);
    if (found < 0)
      continue;
    RunStop result;
    std::string members;
    unsigned firstProjection = 0;
    if (at.group >= 0) {
      const SynapseGroup &group = layout.groups[at.group];
      firstProjection = group.projections.front();
      for (unsigned p : group.projections)
        members +=
            (members.empty() ? "" : ", ") + ("projection" + std::to_string(p));
    }
    describeNonFinite(model, at.population, at.group, at.state, firstProjection,
                      members, result);
    result.neuron =
        found + (at.group >= 0 ? layout.groups[at.group].target.begin : 0);
    result.value = valueAt(at.buffer, found);
    result.count = 0;
    for (size_t j = k; j < scanned.size(); ++j)
      result.count +=
          countIn(scanned[j].buffer, scanned[j].size, scanned[j].skipPlus);
    result.finiteSteps = finiteSteps;
    result.foundSteps = stepsDone;
    result.stoppedSteps = stepsDone;
    result.dtMs = layout.dtMs;
    // A recorded trace of the neuron's state shows the very step.
    if (at.group < 0)
      for (const StateTrace &trace : traces) {
        if (trace.population != result.population ||
            trace.state != result.state || result.neuron < trace.begin ||
            result.neuron >= trace.end)
          continue;
        int64_t width = trace.end - trace.begin;
        for (size_t row = 0; row < trace.steps.size(); ++row) {
          if (trace.steps[row] < finiteSteps)
            continue;
          float value =
              trace.values[row * width + (result.neuron - trace.begin)];
          if (!std::isfinite(value)) {
            result.foundSteps = trace.steps[row] + 1;
            result.exact = true;
            break;
          }
        }
        break;
      }
    stop = result;
    return false;
  }
  return true;
}

Simulation::Simulation() : impl(std::make_unique<Impl>()) {}
Simulation::~Simulation() = default;

const Model &Simulation::model() const { return impl->model; }
const ProgramLayout &Simulation::layout() const { return impl->layout; }
double Simulation::dtMs() const { return impl->layout.dtMs; }
int Simulation::threads() const { return impl->layout.threads; }
bool Simulation::compiled() const { return impl->program != nullptr; }

void Simulation::setWorkers(int workers) {
  if (impl->schedule)
    impl->schedule->fix(workers);
}

int64_t Simulation::stepsOnOneThread() const {
  return impl->schedule ? impl->schedule->stepsOnOne() : 0;
}

std::unique_ptr<Simulation> Simulation::create(const Model &input,
                                               const SimulationOptions &options,
                                               DiagnosticEngine &diags) {
  auto start = std::chrono::steady_clock::now();
  std::unique_ptr<Simulation> sim(new Simulation());
  Impl &impl = *sim->impl;
  impl.model = input;
  impl.options = options;
  Model &model = impl.model;
  std::unique_ptr<Target> target = createTarget(options.target);
  if (!target) {
    diags.error(llvm::SMRange(), "unknown target '" + options.target +
                                     "'; expected " + targetList());
    return nullptr;
  }
  if (std::string why = target->unavailable();
      options.compile && !why.empty()) {
    diags.error(llvm::SMRange(), why);
    return nullptr;
  }
  if (!applyOverrides(model, options.parameterOverrides, diags))
    return nullptr;
  std::optional<int64_t> steps =
      settleRun(model, options.seed, options.durationMs, options.dtMs, diags);
  if (!steps)
    return nullptr;
  sim->steps = *steps;
  RunSettings &run = *model.run;
  if (!checkValuesFit(model, options.doublePrecision, diags))
    return nullptr;

  // Refuse up front what cannot fit, rather than fail (or swap) halfway:
  // the buffers as they will be planned, with the room the rules will
  // draw, and what is drawn before it is copied into them.
  int64_t neurons = 0;
  for (const Population &pop : model.populations)
    neurons += pop.size;
  int threads =
      options.threads > 0 ? options.threads : rt::defaultThreadCount(neurons);
  if (!checkIndexLimits(model, diags))
    return nullptr;
  {
    std::vector<int64_t> rooms;
    std::vector<bool> perSynapse;
    for (const Projection &proj : model.projections) {
      rooms.push_back(synapseRoom(
          proj, static_cast<int64_t>(std::ceil(expectedSynapses(proj)))));
      perSynapse.push_back(proj.weight.kind != Initializer::Kind::Expression);
    }
    ProgramLayout planned =
        planLayout(model, rooms, perSynapse, options.doublePrecision,
                   !options.specializeParameters, threads);
    MemoryEstimate memory = estimateMemory(model, planned, sim->steps,
                                           options.countRecordingsUpFront);
    if (!admitMemory(memory, run.range, diags))
      return nullptr;
    sim->memory = memory;
  }

  // The network first: connectivity sizes are static shapes of the program.
  std::optional<NetworkData> network = instantiate(model, run.seed, diags);
  if (!network)
    return nullptr;
  impl.network = std::move(*network);
  if (!checkNetworkValues(model, impl.network, options.doublePrecision, diags))
    return nullptr;
  std::vector<int64_t> synapseCounts;
  std::vector<bool> perSynapseWeights;
  for (unsigned p = 0; p < model.projections.size(); ++p) {
    synapseCounts.push_back(
        synapseRoom(model.projections[p],
                    impl.network.projections[p].connectivity.numSynapses()));
    perSynapseWeights.push_back(model.projections[p].weight.kind !=
                                Initializer::Kind::Expression);
  }
  sim->times.network = secondsSince(start);

  // Plan, generate, lower.
  auto codegenStart = std::chrono::steady_clock::now();
  impl.layout = planLayout(model, synapseCounts, perSynapseWeights,
                           options.doublePrecision,
                           !options.specializeParameters, threads);
  if (!options.compile)
    return sim;
  impl.context = std::make_unique<mlir::MLIRContext>();
  RuntimeScalars &scalars = impl.scalars;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      buildProgram(*impl.context, model, impl.layout, diags, &scalars);
  if (!module)
    return nullptr;

  // The persistent cache (CompileCache.h): machine code keyed by the
  // program as generated, the target and the compiler build, verified
  // before it is linked. A hit skips the rest of the pipeline and LLVM.
  std::unique_ptr<CompileCache> cache;
  std::string cacheKey;
  if (!options.cacheDirectory.empty())
    cache = CompileCache::open(options.cacheDirectory, diags);
  if (cache) {
    std::string text;
    llvm::raw_string_ostream os(text);
    (*module)->print(os);
    cacheKey = compileCacheKey(text, target->name().str() + " " +
                                         target->description());
  }
  // The stages that take the computations on run-time parameters out of
  // the program run in any case: the host does those, and they size the
  // params buffer, part of the layout a cache entry is checked against.
  ParameterProgram &parameters = impl.parameterProgram;
  if (mlir::failed(runPipelineReporting(*module, Stage::Parameters, *target,
                                        impl.layout, diags, &parameters)))
    return nullptr;
  std::vector<double> paramValues;
  if (impl.layout.params >= 0) {
    impl.layout.buffers[impl.layout.params].size =
        std::max<int64_t>(1, parameters.size());
    paramValues = impl.parameterBuffer(model);
    for (size_t k = 0; k < parameters.size(); ++k) {
      int64_t direct = parameters.direct[k];
      if (direct >= 0) {
        impl.layout.paramSlots.push_back(
            {scalars.names[direct], scalars.units[direct]});
      } else {
        std::string from;
        for (const std::string &name : parameters.reads[k])
          from += (from.empty() ? "" : ", ") + name;
        impl.layout.paramSlots.push_back({"computed from " + from, ""});
      }
    }
  }
  if (!impl.checkParameterBuffer(paramValues, diags))
    return nullptr;
  std::string signature = layoutSignature(impl.layout);
  std::unique_ptr<llvm::MemoryBuffer> object;
  if (cache) {
    CacheLookup found = cache->lookup(cacheKey, signature);
    if (found.object) {
      object = std::move(found.object);
      sim->times.cacheHit = true;
    } else if (!found.rejected.empty()) {
      diags.warning(llvm::SMRange(),
                    "discarding compile cache entry '" + cache->directory() +
                        "/" + CompileCache::entryName(cacheKey) +
                        "': " + found.rejected + "; compiling again");
    }
  }
  // Without a verified entry: the rest of the pipeline, and LLVM.
  size_t numBuffers = impl.layout.buffers.size();
  auto compile = [&]() -> std::unique_ptr<llvm::MemoryBuffer> {
    if (mlir::failed(runPipelineReporting(*module, Stage::LLVM, *target,
                                          impl.layout, diags, nullptr,
                                          Stage::Parameters)))
      return nullptr;
    llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> compiled =
        target->compile(*module, numBuffers);
    if (!compiled) {
      diags.error(llvm::SMRange(), "cannot compile to native code: " +
                                       llvm::toString(compiled.takeError()));
      return nullptr;
    }
    // A cache that cannot be written is a warning: the run goes on.
    if (cache)
      cache->store(cacheKey, signature, (*compiled)->getBuffer(), diags);
    return std::move(*compiled);
  };
  sim->times.codegen = secondsSince(codegenStart);

  auto jitStart = std::chrono::steady_clock::now();
  // The same object, fresh or from the cache, linked the same way.
  auto link = [&](std::unique_ptr<llvm::MemoryBuffer> code)
      -> llvm::Expected<std::unique_ptr<rt::Program>> {
    return target->load(std::move(code), numBuffers);
  };
  if (object) {
    llvm::Expected<std::unique_ptr<rt::Program>> cached =
        link(std::move(object));
    if (cached) {
      impl.program = std::move(*cached);
    } else {
      diags.warning(
          llvm::SMRange(),
          "cannot link the compile cache entry '" + cache->directory() + "/" +
              CompileCache::entryName(cacheKey) +
              "': " + llvm::toString(cached.takeError()) + "; compiling again");
      sim->times.cacheHit = false;
    }
  }
  if (!impl.program) {
    std::unique_ptr<llvm::MemoryBuffer> compiled = compile();
    if (!compiled)
      return nullptr;
    llvm::Expected<std::unique_ptr<rt::Program>> program =
        link(std::move(compiled));
    if (!program) {
      diags.error(llvm::SMRange(), "cannot load the compiled program: " +
                                       llvm::toString(program.takeError()));
      return nullptr;
    }
    impl.program = std::move(*program);
  }
  sim->times.jit = secondsSince(jitStart);

  // Buffers, connectivity arrays and initial state.
  auto setupStart = std::chrono::steady_clock::now();
  // Target arrays drawn by the rules become buffers as they are (below):
  // no room is taken for them here.
  std::vector<bool> adopted(impl.layout.buffers.size(), false);
  for (unsigned p = 0; p < model.projections.size(); ++p)
    if (!impl.network.projections[p].connectivity.targets.empty())
      adopted[impl.layout.projections[p].targets] = true;
  for (size_t b = 0; b < impl.layout.buffers.size(); ++b) {
    const BufferSpec &spec = impl.layout.buffers[b];
    if (adopted[b]) {
      impl.buffers.push_back(nullptr);
      impl.pointers.push_back(nullptr);
      continue;
    }
    size_t bytes = static_cast<size_t>(spec.size) *
                   elementBytes(spec.type, impl.layout.doublePrecision);
    impl.buffers.push_back(std::make_unique<AlignedBuffer>(bytes));
    if (!impl.buffers.back()->data) {
      diags.error(llvm::SMRange(),
                  llvm::formatv("out of memory allocating {0} ({1} bytes); "
                                "this run was estimated to need about "
                                "{2:F2} GiB in all",
                                spec.name, bytes,
                                sim->memory.peakBytes() / (1 << 30)));
      return nullptr;
    }
    impl.pointers.push_back(impl.buffers.back()->data);
  }
  threads = impl.layout.threads;
  if (threads > 1) {
    for (unsigned p = 0; p < model.populations.size(); ++p) {
      impl.threadBounds.push_back(
          threadBounds(model.populations[p].size, threads));
      std::memcpy(impl.pointers[impl.layout.populations[p].threadBounds],
                  impl.threadBounds.back().data(),
                  impl.threadBounds.back().size() * sizeof(int32_t));
    }
    rt::initStepBarrier(impl.buffer<int32_t>(impl.layout.barrier), threads);
    impl.team = std::make_unique<rt::ThreadTeam>(threads);
  }
  for (unsigned p = 0; p < model.projections.size(); ++p) {
    ProjectionData &data = impl.network.projections[p];
    const ProjectionBuffers &bufs = impl.layout.projections[p];
    if (threads > 1) {
      const Projection &proj = model.projections[p];
      // The run's threads sort the rows (hundreds of MB at scale).
      auto parallelFor =
          [&](int64_t count,
              const std::function<void(int64_t, int64_t)> &body) {
            impl.team->run([&](int thread) {
              body(count * thread / threads, count * (thread + 1) / threads);
            });
          };
      std::vector<int32_t> table = splitRowsByThread(
          data.connectivity, data.weights, proj.target.begin,
          impl.threadBounds[proj.target.population], parallelFor);
      std::memcpy(impl.pointers[bufs.rowStart], table.data(),
                  table.size() * sizeof(int32_t));
    } else {
      std::memcpy(impl.pointers[bufs.rowStart],
                  data.connectivity.rowStart.data(),
                  data.connectivity.rowStart.size() * sizeof(int32_t));
    }
    if (adopted[bufs.targets]) { // else: a zeroed placeholder
      // The array fills the room the program was compiled for
      // (synapseRoom), the rest zero.
      data.connectivity.targets.resize(impl.layout.buffers[bufs.targets].size);
      impl.buffers[bufs.targets] =
          std::make_unique<AlignedBuffer>(std::move(data.connectivity.targets));
      impl.pointers[bufs.targets] = impl.buffers[bufs.targets]->data;
    }
    if (bufs.weights >= 0)
      impl.fill(bufs.weights, data.weights);
  }
  for (unsigned p = 0; p < model.populations.size(); ++p) {
    const Population &pop = model.populations[p];
    const PopulationData &data = impl.network.populations[p];
    const PopulationBuffers &bufs = impl.layout.populations[p];
    for (size_t q = 0; q < data.params.size(); ++q)
      if (bufs.perNeuronParams[q] >= 0)
        impl.fill(bufs.perNeuronParams[q], data.params[q]);
    for (size_t s = 0; s < data.states.size(); ++s)
      impl.fill(bufs.states[s], data.states[s]);
    if (bufs.lastSpike >= 0) // long ago: no neuron starts refractory
      impl.fillConstant(bufs.lastSpike, pop.size, -1e7);
  }
  if (impl.layout.params >= 0)
    impl.fill(impl.layout.params, paramValues);
  for (const SynapseGroup &group : impl.layout.groups) {
    const std::vector<double> &initial =
        impl.network.synapseInitial[group.projections.front()];
    for (size_t s = 0; s < group.stateBuffers.size(); ++s)
      impl.fillConstant(group.stateBuffers[s], group.target.size(), initial[s]);
  }
  prepareRecordings(model, sim->trains, sim->traces);

  // The program's buffers hold everything now; don't keep a second copy of
  // the connectivity (hundreds of MB for large networks).
  impl.network = NetworkData();
  impl.workers = threads;
  impl.schedule =
      std::make_unique<rt::WorkerSchedule>(threads, options.adaptiveThreads);
  impl.onThreads(threads, [&](rt::Partitions parts) {
    FlushDenormals flush;
    impl.program->init(impl.pointers.data(), parts);
  });
  sim->times.setup = secondsSince(setupStart);
  return sim;
}

bool Simulation::setParameters(llvm::ArrayRef<std::string> overrides,
                               DiagnosticEngine &diags) {
  Impl &sim = *impl;
  if (!sim.program) {
    diags.error(llvm::SMRange(),
                "this simulation was created without its program "
                "(SimulationOptions::compile = false): there are no values "
                "to change");
    return false;
  }
  if (sim.layout.params < 0) {
    diags.error(llvm::SMRange(),
                "this simulation has its values compiled in "
                "(specializeParameters): create it again to change them");
    return false;
  }
  Model changed = sim.model;
  if (!applyOverrides(changed, overrides, diags))
    return false;
  // A value the compiled code has built in cannot change under it.
  std::vector<ModelParameter> before = listParameters(sim.model);
  std::vector<ModelParameter> after = listParameters(changed);
  bool ok = true;
  for (size_t k = 0; k < after.size(); ++k)
    if (after[k].value != before[k].value &&
        !after[k].specialisedBecause.empty()) {
      diags.error(llvm::SMRange(),
                  "'" + after[k].name + "' is compiled into this simulation (" +
                      after[k].specialisedBecause +
                      "): create the simulation again to change it");
      ok = false;
    }
  if (!ok)
    return false;
  std::vector<double> values = sim.parameterBuffer(changed);
  if (!sim.checkParameterBuffer(values, diags))
    return false;
  sim.fill(sim.layout.params, values);
  sim.model = std::move(changed);
  return true;
}

namespace {

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

bool Simulation::run(int64_t count) {
  if (!impl->program)
    return false; // only planned (SimulationOptions::compile = false)
  if (impl->stop)
    return false; // its states are not finite; nothing more to compute
  int64_t end = std::min(steps, done + std::max<int64_t>(0, count));
  rt::ProgressBar progress(end - done, impl->layout.dtMs,
                           rt::ProgressOptions{});
  bool showProgress = impl->options.showProgress;
  int64_t first = done;
  int64_t chunk = impl->layout.chunkSteps;
  const Model &model = impl->model;
  const ProgramLayout &layout = impl->layout;
  int threads = layout.threads;
  // Where thread t's recording starts in record_indices (ProgramLayout.h).
  auto recordStart = [&](unsigned p, int t) -> int64_t {
    return threads == 1 ? 0 : impl->threadBounds[p][t] * layout.chunkSteps;
  };
  const std::atomic<bool> *stop = impl->options.stop;
  auto populationOf = [&](const std::string &name) {
    unsigned p = 0;
    while (model.populations[p].name != name)
      ++p;
    return p;
  };
  while (done < end) {
    if (stop && stop->load(std::memory_order_relaxed))
      break;
    rt::WorkerSchedule::Stretch stretch = impl->schedule->next();
    int64_t chunkEnd = std::min(end, done + chunk);
    if (stretch.maxSteps > 0)
      chunkEnd = std::min(chunkEnd, done + stretch.maxSteps);
    for (unsigned p = 0; p < layout.populations.size(); ++p)
      if (layout.populations[p].recordFill >= 0)
        for (int t = 0; t < threads; ++t)
          impl->buffer<int32_t>(
              layout.populations[p].recordFill)[t * kPerThreadStride] =
              static_cast<int32_t>(recordStart(p, t));
    int64_t chunkBegin = done;
    auto stretchStart = std::chrono::steady_clock::now();
    double leastCpuShare =
        impl->onThreads(stretch.workers, [&](rt::Partitions parts) {
          FlushDenormals flush;
          impl->program->run(impl->pointers.data(), chunkBegin, chunkEnd,
                             parts);
        });
    impl->schedule->finished(stretch, chunkEnd - chunkBegin,
                             secondsSince(stretchStart), leastCpuShare);
    // Room for what this chunk recorded, asked for before any of it is
    // kept, so that running out of memory stops the run instead of
    // aborting it.
    int64_t length = chunkEnd - chunkBegin;
    double needed = 0;
    std::string missing;
    for (SpikeTrain &out : trains) {
      const PopulationBuffers &bufs =
          layout.populations[populationOf(out.population)];
      const int32_t *counts = impl->buffer<int32_t>(bufs.recordCounts);
      size_t spikes = 0;
      for (int t = 0; t < threads; ++t)
        for (int64_t local = 0; local < length; ++local)
          spikes += static_cast<size_t>(counts[t * layout.chunkSteps + local]);
      if (missing.empty() && (!makeRoom(out.steps, spikes, 0, needed) ||
                              !makeRoom(out.indices, spikes, 0, needed)))
        missing = "the spikes of '" + out.population + "'";
    }
    for (size_t r = 0; r < traces.size() && missing.empty(); ++r) {
      StateTrace &trace = traces[r];
      size_t size = static_cast<size_t>(layout.stateRecords[r].target.size());
      // A run admitted with its recordings counted grows them once.
      size_t remaining = impl->options.countRecordingsUpFront
                             ? static_cast<size_t>(steps - chunkBegin)
                             : 0;
      if (!makeRoom(trace.steps, length, trace.steps.size() + remaining,
                    needed) ||
          !makeRoom(trace.values, length * size,
                    trace.values.size() + remaining * size, needed))
        missing =
            "the states of '" + trace.population + "." + trace.state + "'";
    }
    if (!missing.empty()) {
      RunStop oom;
      oom.kind = RunStop::Kind::OutOfMemory;
      oom.detail =
          llvm::formatv("{0} need another {1:F1} MiB, more than is available",
                        missing, needed / (1 << 20));
      done = chunkEnd;
      oom.stoppedSteps = chunkEnd;
      oom.recordedSteps = chunkBegin;
      oom.dtMs = layout.dtMs;
      impl->stop = oom;
      progress.finish();
      return false;
    }
    for (SpikeTrain &out : trains) {
      unsigned p = populationOf(out.population);
      const PopulationBuffers &bufs = layout.populations[p];
      const int32_t *counts = impl->buffer<int32_t>(bufs.recordCounts);
      const int32_t *indices = impl->buffer<int32_t>(bufs.recordIndices);
      // Per step, the threads' spikes in thread order: ascending, as one
      // thread lists them.
      std::vector<int64_t> offset(threads);
      for (int t = 0; t < threads; ++t)
        offset[t] = recordStart(p, t);
      for (int64_t local = 0; local < chunkEnd - done; ++local) {
        for (int t = 0; t < threads; ++t) {
          int32_t count = counts[t * layout.chunkSteps + local];
          for (int32_t k = 0; k < count; ++k) {
            int32_t neuron = indices[offset[t] + k];
            if (neuron < out.begin || neuron >= out.end)
              continue;
            out.steps.push_back(static_cast<int32_t>(done + local));
            out.indices.push_back(neuron);
          }
          offset[t] += count;
        }
      }
    }
    // The program copied every recorded state after every step.
    for (size_t r = 0; r < traces.size(); ++r) {
      StateTrace &trace = traces[r];
      const StateRecordBuffer &record = layout.stateRecords[r];
      int64_t size = record.target.size();
      for (int64_t local = 0; local < chunkEnd - done; ++local) {
        trace.steps.push_back(static_cast<int32_t>(done + local));
        for (int64_t i = 0; i < size; ++i)
          trace.values.push_back(
              layout.doublePrecision
                  ? static_cast<float>(
                        impl->buffer<double>(record.buffer)[local * size + i])
                  : impl->buffer<float>(record.buffer)[local * size + i]);
      }
    }
    done = chunkEnd;
    if (done == end || done - impl->finiteSteps >= kFiniteCheckSteps) {
      if (!impl->checkFinite(done, traces)) {
        progress.finish();
        return false;
      }
      impl->finiteSteps = done;
    }
    if (showProgress)
      progress.update(done - first);
  }
  progress.finish();
  return true;
}

const RunStop *Simulation::stopped() const {
  return impl->stop ? &*impl->stop : nullptr;
}

llvm::ArrayRef<float> Simulation::state(llvm::StringRef population,
                                        llvm::StringRef stateName) const {
  std::optional<StateRef> found =
      findNeuronState(impl->model, population, stateName);
  // Without a program the buffers were never allocated.
  if (!found || impl->layout.doublePrecision || !impl->program)
    return {};
  return {impl->buffer<float>(
              impl->layout.populations[found->population].states[found->state]),
          static_cast<size_t>(impl->model.populations[found->population].size)};
}

std::vector<double> Simulation::stateValues(llvm::StringRef population,
                                            llvm::StringRef stateName) const {
  std::optional<StateRef> found =
      findNeuronState(impl->model, population, stateName);
  if (!found || !impl->program)
    return {};
  int buffer = impl->layout.populations[found->population].states[found->state];
  std::vector<double> values(impl->model.populations[found->population].size);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = impl->layout.doublePrecision ? impl->buffer<double>(buffer)[i]
                                             : impl->buffer<float>(buffer)[i];
  return values;
}

llvm::Error Simulation::writeStates(const std::string &path) const {
  return snnc::writeStates(path, traces, dtMs());
}

llvm::Error Simulation::writeSpikes(const std::string &path) const {
  return snnc::writeSpikes(path, trains, dtMs(), steps);
}
