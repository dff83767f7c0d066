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
#include "snnc/runtime/Bundle.h"
#include "snnc/runtime/Engine.h"
#include "snnc/runtime/NetworkRecipe.h"
#include "snnc/runtime/Random.h"
#include "snnc/runtime/ThreadPartition.h"
#include "snnc/runtime/ThreadTeam.h"

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

using namespace snnc;
using namespace snnc::model;

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// The runtime's view of the planned buffers: what it needs to run the
/// program. `scans` is filled alongside with where each scanned state
/// comes from, for the report of a non-finite value.
struct ScanSource {
  unsigned population;
  int group; ///< -1: a neuron state
  unsigned state;
};

rt::EngineLayout engineLayout(const Model &model, const ProgramLayout &layout,
                              std::vector<ScanSource> &scans) {
  rt::EngineLayout plan;
  for (const BufferSpec &spec : layout.buffers)
    plan.buffers.push_back(
        {spec.name,
         spec.type == ElementType::Real    ? rt::BufferType::Real
         : spec.type == ElementType::Int32 ? rt::BufferType::Int32
                                           : rt::BufferType::Int8,
         spec.size});
  plan.doublePrecision = layout.doublePrecision;
  plan.dtMs = layout.dtMs;
  plan.chunkSteps = layout.chunkSteps;
  plan.partitions = layout.threads;
  plan.barrier = layout.barrier;
  for (unsigned p = 0; p < layout.populations.size(); ++p) {
    const PopulationBuffers &bufs = layout.populations[p];
    plan.populations.push_back(
        {model.populations[p].name, model.populations[p].size, bufs.spikeList,
         bufs.spikeCount, bufs.recordIndices, bufs.recordCounts,
         bufs.recordFill, bufs.threadBounds});
  }
  if (model.run)
    for (const Record &record : model.run->records)
      if (record.spikes)
        plan.spikeRecords.push_back(record.target.population);
  for (const StateRecordBuffer &record : layout.stateRecords)
    plan.stateRecords.push_back({record.buffer, record.target.size()});
  // Every state buffer, in the order they are reported.
  for (unsigned p = 0; p < layout.populations.size(); ++p) {
    const NeuronModel &neuron = model.neurons[model.populations[p].neuron];
    for (unsigned s = 0; s < layout.populations[p].states.size(); ++s) {
      plan.scans.push_back(
          {layout.populations[p].states[s], model.populations[p].size,
           resetsInfinity(neuron, s), p, neuron.states[s].name});
      scans.push_back({p, -1, s});
    }
  }
  for (unsigned g = 0; g < layout.groups.size(); ++g)
    for (unsigned s = 0; s < layout.groups[g].stateBuffers.size(); ++s) {
      plan.scans.push_back({layout.groups[g].stateBuffers[s],
                            layout.groups[g].target.size(), false,
                            layout.groups[g].target.population, ""});
      scans.push_back(
          {layout.groups[g].target.population, static_cast<int>(g), s});
    }
  return plan;
}

/// Where projection p's arrays go.
rt::ProjectionSlots projectionSlots(const Model &model,
                                    const ProgramLayout &layout, unsigned p) {
  const ProjectionBuffers &bufs = layout.projections[p];
  const Projection &proj = model.projections[p];
  return {proj.target.population, proj.target.begin, bufs.rowStart,
          bufs.targets, bufs.weights};
}

/// The initial values of every buffer but the synapses': neuron states,
/// per-neuron parameters, last spikes, the run-time scalars, synapse
/// states, the seed's key.
std::vector<rt::BufferFill> initialFills(const Model &model,
                                         const ProgramLayout &layout,
                                         const NetworkData &network,
                                         const std::vector<double> &params,
                                         uint64_t seed) {
  std::vector<rt::BufferFill> fills;
  auto values = [&](int buffer, const std::vector<double> &v) {
    rt::BufferFill fill;
    fill.buffer = buffer;
    fill.values = v;
    fills.push_back(std::move(fill));
  };
  auto constant = [&](int buffer, int64_t count, double value) {
    rt::BufferFill fill;
    fill.buffer = buffer;
    fill.constant = true;
    fill.count = count;
    fill.value = value;
    fills.push_back(std::move(fill));
  };
  for (unsigned p = 0; p < model.populations.size(); ++p) {
    const Population &pop = model.populations[p];
    const PopulationData &data = network.populations[p];
    const PopulationBuffers &bufs = layout.populations[p];
    for (size_t q = 0; q < data.params.size(); ++q)
      if (bufs.perNeuronParams[q] >= 0)
        values(bufs.perNeuronParams[q], data.params[q]);
    for (size_t s = 0; s < data.states.size(); ++s)
      values(bufs.states[s], data.states[s]);
    if (bufs.lastSpike >= 0) // long ago: no neuron starts refractory
      constant(bufs.lastSpike, pop.size, -1e7);
  }
  if (layout.params >= 0)
    values(layout.params, params);
  if (layout.randomKey >= 0) {
    rt::PhiloxKey key = rt::philoxKey(seed);
    values(layout.randomKey, {double(key[0]), double(key[1])});
  }
  for (const SynapseGroup &group : layout.groups) {
    const std::vector<double> &initial =
        network.synapseInitial[group.projections.front()];
    for (size_t s = 0; s < group.stateBuffers.size(); ++s)
      constant(group.stateBuffers[s], group.target.size(), initial[s]);
  }
  return fills;
}

} // namespace

struct Simulation::Impl {
  Model model;
  SimulationOptions options;
  ProgramLayout layout;
  NetworkData network;
  /// The program, its buffers and threads; null until compiled.
  std::unique_ptr<rt::Engine> engine;
  std::vector<ScanSource> scans;
  /// What turns parameter values into the params buffer, kept for
  /// setParameters (the outlined program lives in `context`).
  std::unique_ptr<mlir::MLIRContext> context;
  RuntimeScalars scalars;
  ParameterProgram parameterProgram;

  /// Why the run stopped early, once it has.
  std::optional<RunStop> stop;
  /// The recordings of a simulation that is not compiled: none.
  std::vector<SpikeTrain> noTrains;
  std::vector<StateTrace> noTraces;

  /// The engine's stop in the model's terms.
  RunStop runStop(const rt::EngineStop &found) const;

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
};

RunStop Simulation::Impl::runStop(const rt::EngineStop &found) const {
  RunStop result;
  result.stoppedSteps = found.stoppedSteps;
  result.dtMs = layout.dtMs;
  if (found.kind == rt::EngineStop::Kind::OutOfMemory) {
    result.kind = RunStop::Kind::OutOfMemory;
    result.detail = found.detail;
    result.recordedSteps = found.recordedSteps;
    return result;
  }
  const ScanSource &at = scans[found.scan];
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
      found.index + (at.group >= 0 ? layout.groups[at.group].target.begin : 0);
  result.value = found.value;
  result.count = found.count;
  result.finiteSteps = found.finiteSteps;
  result.foundSteps = found.foundSteps;
  result.exact = found.exact;
  return result;
}

Simulation::Simulation() : impl(std::make_unique<Impl>()) {}
Simulation::~Simulation() = default;

const Model &Simulation::model() const { return impl->model; }
const ProgramLayout &Simulation::layout() const { return impl->layout; }
double Simulation::dtMs() const { return impl->layout.dtMs; }
int Simulation::threads() const { return impl->layout.threads; }
bool Simulation::compiled() const { return impl->engine != nullptr; }

void Simulation::setWorkers(int workers) {
  if (impl->engine)
    impl->engine->setWorkers(workers);
}

int64_t Simulation::stepsOnOneThread() const {
  return impl->engine ? impl->engine->stepsOnOneThread() : 0;
}

const std::vector<SpikeTrain> &Simulation::spikes() const {
  return impl->engine ? impl->engine->spikes() : impl->noTrains;
}

const std::vector<StateTrace> &Simulation::stateTraces() const {
  return impl->engine ? impl->engine->stateTraces() : impl->noTraces;
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
  bool lowered = false;
  auto lower = [&]() {
    lowered = mlir::succeeded(runPipelineReporting(*module, Stage::LLVM,
                                                   *target, impl.layout, diags,
                                                   nullptr, Stage::Parameters));
    return lowered;
  };
  auto compile = [&]() -> std::unique_ptr<llvm::MemoryBuffer> {
    if (!lower())
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
  std::unique_ptr<rt::Program> program;
  if (object) {
    llvm::Expected<std::unique_ptr<rt::Program>> cached =
        link(std::move(object));
    if (cached) {
      program = std::move(*cached);
    } else {
      diags.warning(
          llvm::SMRange(),
          "cannot link the compile cache entry '" + cache->directory() + "/" +
              CompileCache::entryName(cacheKey) +
              "': " + llvm::toString(cached.takeError()) + "; compiling again");
      sim->times.cacheHit = false;
    }
  }
  if (!program) {
    std::unique_ptr<llvm::MemoryBuffer> compiled = compile();
    if (!compiled)
      return nullptr;
    llvm::Expected<std::unique_ptr<rt::Program>> loaded =
        link(std::move(compiled));
    if (!loaded) {
      diags.error(llvm::SMRange(), "cannot load the compiled program: " +
                                       llvm::toString(loaded.takeError()));
      return nullptr;
    }
    program = std::move(*loaded);
  }
  // A bundle's program: the same module as a shared library.
  std::vector<char> library;
  if (options.bundle) {
    if (!lowered && !lower())
      return nullptr;
    llvm::Expected<std::vector<char>> made =
        target->compileLibrary(*module, numBuffers);
    if (!made) {
      diags.error(llvm::SMRange(), "cannot make the bundle's program: " +
                                       llvm::toString(made.takeError()));
      return nullptr;
    }
    library = std::move(*made);
  }
  sim->times.jit = secondsSince(jitStart);

  // Buffers, connectivity arrays and initial state.
  auto setupStart = std::chrono::steady_clock::now();
  rt::EngineOptions engineOptions;
  engineOptions.adaptiveThreads = options.adaptiveThreads;
  engineOptions.showProgress = options.showProgress;
  engineOptions.recordUpFrontSteps =
      options.countRecordingsUpFront ? sim->steps : 0;
  engineOptions.stop = options.stop;
  auto engine = std::make_unique<rt::Engine>(
      engineLayout(model, impl.layout, impl.scans), engineOptions);
  // Target arrays drawn by the rules become buffers as they are (below):
  // no room is taken for them here.
  std::vector<bool> adopted(impl.layout.buffers.size(), false);
  for (unsigned p = 0; p < model.projections.size(); ++p)
    if (!impl.network.projections[p].connectivity.targets.empty())
      adopted[impl.layout.projections[p].targets] = true;
  if (rt::Status status = engine->allocate(adopted); !status.ok()) {
    diags.error(llvm::SMRange(),
                llvm::formatv("{0}; this run was estimated to need about "
                              "{1:F2} GiB in all",
                              status.message(),
                              sim->memory.peakBytes() / (1 << 30)));
    return nullptr;
  }
  for (unsigned p = 0; p < model.projections.size(); ++p) {
    ProjectionData &data = impl.network.projections[p];
    rt::installProjection(*engine, projectionSlots(model, impl.layout, p),
                          std::move(data.connectivity),
                          std::move(data.weights));
  }
  std::vector<rt::BufferFill> fills =
      initialFills(model, impl.layout, impl.network, paramValues, run.seed);
  for (const rt::BufferFill &fill : fills)
    rt::applyFill(*engine, fill);
  std::vector<SpikeTrain> trains;
  std::vector<StateTrace> traces;
  prepareRecordings(model, trains, traces);
  if (rt::Bundle *bundle = options.bundle) {
    // Everything snnc-run needs to do what the lines above did.
    std::string machine = target->description();
    size_t space = machine.find(' ');
    bundle->target = target->name().str();
    bundle->cpu = machine.substr(0, space);
    bundle->features =
        space == std::string::npos ? "" : machine.substr(space + 1);
    bundle->layoutSignature = signature;
    bundle->layout = engine->layout();
    bundle->steps = sim->steps;
    bundle->seed = run.seed;
    bundle->spikeTrains = trains;
    bundle->stateTraces = traces;
    bundle->projections.clear();
    for (unsigned p = 0; p < model.projections.size(); ++p)
      bundle->projections.push_back({projectionRecipe(model, p, run.seed),
                                     projectionSlots(model, impl.layout, p)});
    bundle->fills = std::move(fills);
    bundle->library = std::move(library);
  }

  // The program's buffers hold everything now; don't keep a second copy of
  // the connectivity (hundreds of MB for large networks).
  impl.network = NetworkData();
  engine->start(std::move(program), std::move(trains), std::move(traces));
  impl.engine = std::move(engine);
  sim->times.setup = secondsSince(setupStart);
  return sim;
}

bool Simulation::setParameters(llvm::ArrayRef<std::string> overrides,
                               DiagnosticEngine &diags) {
  Impl &sim = *impl;
  if (!sim.engine) {
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
  sim.engine->fill(sim.layout.params, values);
  sim.model = std::move(changed);
  return true;
}

bool Simulation::run(int64_t count) {
  if (!impl->engine)
    return false; // only planned (SimulationOptions::compile = false)
  if (impl->stop)
    return false; // its states are not finite; nothing more to compute
  int64_t end = std::min(steps, done + std::max<int64_t>(0, count));
  bool finished = impl->engine->run(end);
  done = impl->engine->stepsDone();
  if (const rt::EngineStop *found = impl->engine->stop())
    impl->stop = impl->runStop(*found);
  return finished;
}

const RunStop *Simulation::stopped() const {
  return impl->stop ? &*impl->stop : nullptr;
}

llvm::ArrayRef<float> Simulation::state(llvm::StringRef population,
                                        llvm::StringRef stateName) const {
  std::optional<StateRef> found =
      findNeuronState(impl->model, population, stateName);
  // Without a program the buffers were never allocated.
  if (!found || impl->layout.doublePrecision || !impl->engine)
    return {};
  return {impl->engine->data<float>(
              impl->layout.populations[found->population].states[found->state]),
          static_cast<size_t>(impl->model.populations[found->population].size)};
}

std::vector<double> Simulation::stateValues(llvm::StringRef population,
                                            llvm::StringRef stateName) const {
  std::optional<StateRef> found =
      findNeuronState(impl->model, population, stateName);
  if (!found || !impl->engine)
    return {};
  int buffer = impl->layout.populations[found->population].states[found->state];
  std::vector<double> values(impl->model.populations[found->population].size);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = impl->layout.doublePrecision
                    ? impl->engine->data<double>(buffer)[i]
                    : impl->engine->data<float>(buffer)[i];
  return values;
}

llvm::Error Simulation::writeStates(const std::string &path) const {
  return snnc::writeStates(path, stateTraces(), dtMs());
}

llvm::Error Simulation::writeSpikes(const std::string &path) const {
  return snnc::writeSpikes(path, spikes(), dtMs(), steps);
}
