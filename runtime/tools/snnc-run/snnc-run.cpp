//===- snnc-run.cpp - Runs a compiled bundle, without the compiler --------===//
//
//   snnc build model.snn -o model.snnb      (where the compiler is)
//   snnc-run model.snnb -o out              (anywhere with this program)
//
// snnc-run links only the runtime: no LLVM, no MLIR, no front end. It
// checks that this CPU has the vector extensions the bundle's code uses,
// loads the program, draws the synapses from the bundle's recipe, puts in
// the initial values, runs, and writes the same files as `snnc run`.
//
//===----------------------------------------------------------------------===//

#include "snnc/runtime/Bundle.h"
#include "snnc/runtime/Engine.h"
#include "snnc/runtime/NetworkRecipe.h"
#include "snnc/runtime/OutputSet.h"
#include "snnc/runtime/PackedProgram.h"
#include "snnc/runtime/Recordings.h"
#include "snnc/runtime/ThreadTeam.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace snnc::rt;

namespace {

constexpr const char *usage = R"(usage: snnc-run BUNDLE [options]

Runs a model compiled with `snnc build FILE -o BUNDLE`, here or on another
machine with the same kind of CPU; no compiler needed.

  -o DIR          output directory (default: out): spikes.npz, states.npz
                  and snnc-manifest.txt, replaced together, as snnc run
                  writes them
  --threads N     threads stepping the network (1 to the partitions the
                  bundle was built for; default: all of them, one when
                  another process holds a core and that is faster)
  --no-progress   no progress bar
  --info          print the bundle's manifest (JSON) and exit
  --help          this text
)";

std::atomic<bool> stopRequested{false};

extern "C" void onSignal(int) { stopRequested.store(true); }

int fail(const std::string &message) {
  std::fprintf(stderr, "snnc-run: error: %s\n", message.c_str());
  return 1;
}

int badUsage(const std::string &message) {
  std::fprintf(stderr, "snnc-run: %s\n%s", message.c_str(), usage);
  return 2;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// The program, loaded from the bundle's bytes through an anonymous file.
Expected<std::unique_ptr<Program>> loadProgram(const Bundle &bundle) {
  int fd = memfd_create("snnc-program", MFD_CLOEXEC);
  if (fd < 0)
    return Status::error(std::string("cannot hold the program: ") +
                         std::strerror(errno));
  size_t written = 0;
  while (written < bundle.library.size()) {
    ssize_t n = write(fd, bundle.library.data() + written,
                      bundle.library.size() - written);
    if (n <= 0) {
      close(fd);
      return Status::error(std::string("cannot hold the program: ") +
                           std::strerror(errno));
    }
    written += static_cast<size_t>(n);
  }
  Expected<std::unique_ptr<Program>> program = loadLibraryProgram(
      "/proc/self/fd/" + std::to_string(fd), bundle.layout.buffers.size());
  close(fd);
  return program;
}

/// Draws every projection and puts it, and the initial values, into the
/// engine's buffers.
Status fillNetwork(Engine &engine, const Bundle &bundle) {
  for (size_t p = 0; p < bundle.projections.size(); ++p) {
    const Bundle::Projection &projection = bundle.projections[p];
    Expected<Connectivity> drawn = drawConnectivity(projection.recipe);
    if (!drawn.ok())
      return Status::error("projection " + std::to_string(p) + ": " +
                           drawn.message());
    Connectivity connectivity = drawn.take();
    // The weights' buffer is at least as large (the manifest is checked).
    int64_t room = bundle.layout.buffers[projection.slots.targets].size;
    if (connectivity.numSynapses() > room)
      return Status::error("projection " + std::to_string(p) + " drew " +
                           std::to_string(connectivity.numSynapses()) +
                           " synapses; the bundle's program has room for " +
                           std::to_string(room));
    std::vector<double> weights;
    Status status =
        drawWeights(projection.recipe, connectivity.numSynapses(), weights);
    if (!status.ok())
      return Status::error("projection " + std::to_string(p) + ": " +
                           status.message());
    installProjection(engine, projection.slots, std::move(connectivity),
                      std::move(weights));
  }
  for (const BufferFill &fill : bundle.fills)
    applyFill(engine, fill);
  return Status::success();
}

std::string stopMessage(const Bundle &bundle, const EngineStop &stop) {
  const EngineLayout &layout = bundle.layout;
  char text[256];
  if (stop.kind == EngineStop::Kind::OutOfMemory) {
    std::snprintf(text, sizeof(text),
                  "the run stopped at t = %g ms: %s (what was recorded "
                  "until t = %g ms is written)",
                  stop.stoppedSteps * layout.dtMs, stop.detail.c_str(),
                  stop.recordedSteps * layout.dtMs);
    return text;
  }
  const EngineLayout::Scan &scan = layout.scans[stop.scan];
  std::string what = scan.state.empty()
                         ? "a synapse state of population '" +
                               layout.populations[scan.population].name + "'"
                         : "state '" + scan.state + "' of neuron " +
                               std::to_string(stop.index) + " of population '" +
                               layout.populations[scan.population].name + "'";
  std::snprintf(text, sizeof(text),
                " became %s %s t = %g ms; the run stopped at t = %g ms",
                std::isnan(stop.value) ? "nan" : "infinite",
                stop.exact ? "at" : "by", stop.foundSteps * layout.dtMs,
                stop.stoppedSteps * layout.dtMs);
  return what + text;
}

Status writeOutputs(const std::string &dir, const Bundle &bundle,
                    const Engine &engine) {
  const std::vector<SpikeTrain> &trains = engine.spikes();
  const std::vector<StateTrace> &traces = engine.stateTraces();
  if (trains.empty() && traces.empty())
    return Status::success();
  OutputSet set(dir, {"spikes.npz", "states.npz"});
  Status status = set.begin();
  if (!status.ok())
    return status;
  double dt = bundle.layout.dtMs;
  if (!trains.empty())
    status =
        writeSpikes(set.pathFor("spikes.npz"), trains, dt, engine.stepsDone());
  if (status.ok() && !traces.empty())
    status = writeStates(set.pathFor("states.npz"), traces, dt);
  if (!status.ok()) {
    set.discard();
    return Status::error(set.finalNames(status.message()) + "; '" + dir +
                         "' is unchanged");
  }
  status = set.commit(&stopRequested);
  if (status.ok())
    for (const std::string &path : set.finalPaths())
      std::printf("wrote %s\n", path.c_str());
  return status;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string bundlePath, outDir = "out";
  int threads = 0;
  bool progress = true, info = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::printf("%s", usage);
      return 0;
    }
    if (arg == "-o" || arg == "--threads") {
      if (i + 1 >= args.size())
        return badUsage(arg + " needs a value");
      const std::string &value = args[++i];
      if (arg == "-o") {
        outDir = value;
        continue;
      }
      char *end = nullptr;
      long n = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || n < 1 || n > 1024)
        return badUsage("--threads needs a number of threads from 1 to 1024");
      threads = static_cast<int>(n);
    } else if (arg == "--no-progress") {
      progress = false;
    } else if (arg == "--info") {
      info = true;
    } else if (!arg.empty() && arg[0] == '-') {
      return badUsage("unknown option '" + arg + "'");
    } else if (bundlePath.empty()) {
      bundlePath = arg;
    } else {
      return badUsage("snnc-run takes one BUNDLE");
    }
  }
  if (bundlePath.empty())
    return badUsage("no BUNDLE given");

  Expected<Bundle> read = readBundle(bundlePath);
  if (!read.ok())
    return fail(read.message());
  Bundle bundle = read.take();
  if (info) {
    std::printf("%s", manifestText(bundle).c_str());
    return 0;
  }
  if (bundle.target != "cpu")
    return fail("'" + bundlePath + "' is a bundle for the " + bundle.target +
                " target; snnc-run runs cpu bundles");
  std::vector<std::string> missing = missingCpuFeatures(bundle.features);
  if (!missing.empty()) {
    std::string list;
    for (const std::string &feature : missing)
      list += (list.empty() ? "" : ", ") + feature;
    return fail("this CPU lacks " + list + ", which the code of '" +
                bundlePath + "' (built for " + bundle.cpu +
                ") uses; build the bundle on a machine like this one");
  }
  if (threads > bundle.layout.partitions)
    return fail("--threads " + std::to_string(threads) + ": '" + bundlePath +
                "' was built for at most " +
                std::to_string(bundle.layout.partitions) +
                " (snnc build --threads N makes more)");
  if (Status status = OutputSet::checkDirectory(outDir); !status.ok())
    return fail(status.message());

  auto start = std::chrono::steady_clock::now();
  Expected<std::unique_ptr<Program>> program = loadProgram(bundle);
  if (!program.ok())
    return fail(program.message());
  EngineOptions options;
  options.showProgress = progress;
  options.recordUpFrontSteps = bundle.steps;
  options.stop = &stopRequested;
  Engine engine(bundle.layout, options);
  std::vector<bool> adopted(bundle.layout.buffers.size(), false);
  for (const Bundle::Projection &projection : bundle.projections)
    adopted[projection.slots.targets] = true;
  if (Status status = engine.allocate(adopted); !status.ok())
    return fail(status.message());
  if (Status status = fillNetwork(engine, bundle); !status.ok())
    return fail(status.message());
  if (threads > 0)
    engine.setWorkers(threads);
  engine.start(program.take(), bundle.spikeTrains, bundle.stateTraces);
  double setupSeconds = secondsSince(start);

  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  auto simStart = std::chrono::steady_clock::now();
  bool completed = engine.run(bundle.steps);
  double simSeconds = secondsSince(simStart);
  if (engine.stepsDone() < bundle.steps && stopRequested.load()) {
    std::fprintf(stderr,
                 "snnc-run: interrupted at t = %g ms of %g ms; nothing "
                 "written\n",
                 engine.stepsDone() * bundle.layout.dtMs,
                 bundle.steps * bundle.layout.dtMs);
    return 130;
  }
  if (!completed && engine.stop())
    std::fprintf(stderr, "snnc-run: error: %s\n",
                 stopMessage(bundle, *engine.stop()).c_str());

  double durationMs = engine.stepsDone() * bundle.layout.dtMs;
  std::printf("simulated %g ms in %lld steps of %g ms\n", durationMs,
              static_cast<long long>(engine.stepsDone()), bundle.layout.dtMs);
  for (const SpikeTrain &train : engine.spikes()) {
    std::string label = train.population;
    for (const EngineLayout::Population &pop : bundle.layout.populations)
      if (pop.name == train.population &&
          (train.begin != 0 || train.end != pop.size))
        label += "[" + std::to_string(train.begin) + ":" +
                 std::to_string(train.end) + "]";
    double rate = durationMs > 0 ? train.steps.size() /
                                       (double(train.size) * durationMs) * 1e3
                                 : 0.0;
    std::printf("  %-12s %8lld neurons %10zu spikes  mean rate %.4f Hz\n",
                label.c_str(), static_cast<long long>(train.size),
                train.steps.size(), rate);
  }
  std::printf("setup %.3f s (program, synapses, initial state)\n"
              "simulation time %.3f s on %d thread%s\n",
              setupSeconds, simSeconds, bundle.layout.partitions,
              bundle.layout.partitions == 1 ? "" : "s");
  if (int64_t one = engine.stepsOnOneThread(); one > 0)
    std::printf("  %.0f%% of the steps on one thread: another process was "
                "using a core\n",
                100.0 * one / std::max<int64_t>(1, engine.stepsDone()));
  if (Status status = writeOutputs(outDir, bundle, engine); !status.ok())
    return fail(status.message());
  return completed ? 0 : 1;
}
