//===- snnc.cpp - The snnc command line -----------------------------------===//
//
//   snnc check FILE                  check a model; print a summary of it
//   snnc run FILE [options]          compile, run, write spikes
//   snnc plot DIR                    pictures of a run
//   snnc repl [FILE]                 declare, run, inspect, change, rerun
//   snnc emit ast|mlir|llvm|asm FILE show one stage of the compiler
//
// A thin client of the library: every stage reports through one
// DiagnosticEngine, and any error gives exit status 1.
//
//===----------------------------------------------------------------------===//

#include "Plot.h"
#include "Repl.h"
#include "Reporting.h"

#include "snnc/Simulation.h"
#include "snnc/compiler/Pipeline.h"
#include "snnc/compiler/ProgramBuilder.h"
#include "snnc/compiler/ProgramLayout.h"
#include "snnc/dsl/Frontend.h"
#include "snnc/dsl/Sema.h"
#include "snnc/dsl/Units.h"
#include "snnc/model/MemoryBudget.h"
#include "snnc/model/Network.h"
#include "snnc/model/Parameters.h"
#include "snnc/reference/ReferenceSimulator.h"
#include "snnc/runtime/ThreadTeam.h"

#include "snnc/runtime/Bundle.h"

#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

using namespace snnc;
using namespace snnc::tool;

namespace {

constexpr const char *usage = R"(usage: snnc <command> [options] FILE

commands:
  check FILE               check a model and print a summary of it, with the
                           values --set can change
  run FILE [options]       compile and run a model; print rates, write spikes
      -o DIR               output directory (default: out): spikes.npz,
                           states.npz and snnc-manifest.txt, replaced
                           together; checked before the run
      --seed N             random seed (overrides the model's)
      --duration T         simulated time, e.g. 10s or 500ms (overrides)
      --dt T               time step, e.g. 0.05ms (overrides; compiled in)
      --set NAME=VALUE     a parameter, weight or drive with its unit, e.g.
                           --set N.V_th=-52mV (repeatable; names: snnc check);
                           no recompile: the compiled program is reused
      --specialize         compile parameter values, weights and drives in
                           as constants (every change of one compiles again)
      --double             float64 state instead of float32
      --threads N          threads stepping the network together (default:
                           one per 16 384 neurons, at most one per core, at
                           least 1); results are the same bit for bit; when
                           another process holds a core, stretches run on
                           one thread if that is faster (snnc run says so)
      --no-progress        no progress bar
      --no-cache           compile even if this program was compiled before
                           (cache: $SNNC_CACHE_DIR, else $XDG_CACHE_HOME/snnc
                           or ~/.cache/snnc, used only if no one else can
                           write it; at most $SNNC_CACHE_MAX_SIZE, default
                           512M, 0 turns it off; docs/compile-cache.md)
      --engine E           compiled (default) or reference: the reference
                           interpreter (slow; no JIT), for cross-checking
      --target T           the machine to compile for: cpu (default, this
                           CPU) or nvptx (NVIDIA GPUs; cannot run yet)
  build FILE [options]     compile a model into a bundle that snnc-run runs
                           without the compiler (here or on another machine
                           with this kind of CPU; docs/bundles.md)
      -o BUNDLE            the bundle to write (default: FILE's name with
                           .snnb)
      --seed, --duration, --dt, --set, --specialize, --double, --threads,
      --no-cache, --no-progress   as for run (--threads: the most threads
                           snnc-run can use)
  plot DIR [options]       pictures of the files a run wrote to DIR: raster,
                           rate, states, isi (one PNG each)
      -o OUTDIR            where the PNGs go (default: DIR)
      --kind K[,K...]      only these kinds
      --bin MS             bin of the rate plot in ms (default 1)
  repl [FILE]              an interactive session: declare, :run, :set,
                           :state, :save (:help lists the commands)
  emit STAGE FILE          print one stage of the compiler:
      ast                  the syntax tree
      mlir [--until=S]     MLIR after stage S: snn, fused, integrated,
                           parameters (the last target-neutral one),
                           specialised, loops, optimized, approximated,
                           llvm (default: loops)
      --threads N          the program for N threads (default as for run)
      --target T           the program for target T (default cpu); nvptx
                           shows stages up to parameters
      llvm                 optimised LLVM IR for this CPU
      asm                  assembly for this CPU
      --specialize         values compiled in, as run --specialize does
      --set NAME=VALUE     other values, as for run (repeatable)
  help                     show this message

Ctrl-C (SIGINT) or SIGTERM during `run` stops the simulation at the next
chunk boundary and writes nothing: the output directory keeps the files of
the previous run. A second Ctrl-C before that ends snnc at once.

FILE '-' reads the model from standard input (check, run).

Exit status: 0 on success, 1 on errors in the model or a run that stopped
early (a state became NaN or infinite), 2 on bad usage; after SIGINT or
SIGTERM snnc ends by that signal (130 or 143 in a shell).
)";

/// The part of the usage text about `command` (its line and the option
/// lines under it), or "" when there is none.
std::string commandHelp(llvm::StringRef command) {
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(usage).split(lines, '\n');
  std::string text;
  bool inside = false;
  for (llvm::StringRef line : lines) {
    // Commands sit two spaces in; their options and notes further.
    bool commandLine =
        line.starts_with("  ") && line.size() > 2 && line[2] != ' ';
    if (commandLine)
      inside = line.drop_front(2).starts_with((command + " ").str()) ||
               line.drop_front(2) == command;
    else if (!line.starts_with("  "))
      inside = false;
    if (inside)
      text += line.str() + "\n";
  }
  return text;
}

int badUsage(const llvm::Twine &message) {
  llvm::errs() << "snnc: error: " << message << "\n\n" << usage;
  return 2;
}

/// Shared by the commands: a source manager and a diagnostics engine that
/// colours its output on terminals.
struct Session {
  llvm::SourceMgr sourceMgr;
  DiagnosticEngine diags{sourceMgr};
  Session() { diags.setUseColor(llvm::sys::Process::StandardErrHasColors()); }
  int finish() {
    diags.printSummary();
    return diags.hasErrors() ? 1 : 0;
  }
};

int runCheck(llvm::StringRef path) {
  Session session;
  std::optional<model::Model> model = loadModel(path, session.diags);
  if (!model)
    return session.finish();
  llvm::outs() << path << ": ok\n";
  model::printSummary(*model, llvm::outs());
  printParameters(*model, llvm::outs());
  return session.finish();
}

int runEmitAst(llvm::StringRef path) {
  Session session;
  ast::Module module = parseFile(path, session.diags);
  if (session.diags.hasErrors())
    return session.finish();
  ast::print(module, llvm::outs());
  return session.finish();
}

/// More threads than this is a typo, not a machine.
constexpr int kMaxThreads = 1024;

std::optional<int> parseThreads(llvm::StringRef text) {
  int threads;
  if (text.getAsInteger(10, threads) || threads < 1 || threads > kMaxThreads)
    return std::nullopt;
  return threads;
}

struct RunArgs {
  std::string file, outDir = "out";
  bool useCache = true;
  std::string engine = "compiled"; ///< "compiled" or "reference"
  SimulationOptions options;
};

/// A name of the target registry, or nothing.
std::optional<std::string> parseTargetName(llvm::StringRef text) {
  for (llvm::StringRef name : targetNames())
    if (text == name)
      return name.str();
  return std::nullopt;
}

std::string badTargetMessage() { return "--target needs " + targetList(); }

/// Parses `run` options; returns an error message or "".
std::string parseRunArgs(const std::vector<std::string> &args, RunArgs &out) {
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string &arg = args[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= args.size())
        return std::nullopt;
      return args[++i];
    };
    if (arg == "-o") {
      std::optional<std::string> dir = value();
      if (!dir)
        return "-o needs a directory";
      out.outDir = *dir;
    } else if (arg == "--seed") {
      std::optional<std::string> text = value();
      unsigned long long seed;
      if (!text || llvm::StringRef(*text).getAsInteger(10, seed))
        return "--seed needs a whole number";
      out.options.seed = seed;
    } else if (arg == "--duration" || arg == "--dt") {
      std::optional<std::string> text = value();
      std::optional<double> ms = text ? parseTimeMs(*text) : std::nullopt;
      if (!ms || *ms < 0 || (arg == "--dt" && *ms <= 0))
        return arg + " needs a time such as 100ms or 1s";
      (arg == "--dt" ? out.options.dtMs : out.options.durationMs) = *ms;
    } else if (arg == "--set") {
      std::optional<std::string> text = value();
      if (!text || text->find('=') == std::string::npos)
        return "--set needs NAME=VALUE, such as --set N.V_th=-52mV";
      out.options.parameterOverrides.push_back(*text);
    } else if (arg == "--specialize") {
      out.options.specializeParameters = true;
    } else if (arg == "--double") {
      out.options.doublePrecision = true;
    } else if (arg == "--threads") {
      std::optional<std::string> text = value();
      std::optional<int> threads = text ? parseThreads(*text) : std::nullopt;
      if (!threads)
        return "--threads needs a number of threads from 1 to " +
               std::to_string(kMaxThreads);
      out.options.threads = *threads;
    } else if (arg == "--engine") {
      std::optional<std::string> engine = value();
      if (!engine || (*engine != "compiled" && *engine != "reference"))
        return "--engine needs 'compiled' or 'reference'";
      out.engine = *engine;
    } else if (arg == "--target") {
      std::optional<std::string> text = value();
      std::optional<std::string> target =
          text ? parseTargetName(*text) : std::nullopt;
      if (!target)
        return badTargetMessage();
      out.options.target = *target;
    } else if (arg == "--no-progress") {
      out.options.showProgress = false;
    } else if (arg == "--no-cache") {
      out.useCache = false;
    } else if (arg.size() > 1 && arg[0] == '-') { // "-": standard input
      return "unknown option '" + arg + "'";
    } else if (out.file.empty()) {
      out.file = arg;
    } else {
      return "'run' takes one FILE";
    }
  }
  if (out.file.empty())
    return "'run' needs a FILE";
  // The interpreter runs on this CPU; a target would be silently ignored.
  if (out.engine == "reference" && out.options.target != "cpu")
    return "--target " + out.options.target +
           " applies to the compiled engine; --engine reference runs on "
           "this CPU";
  return "";
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// A run that stopped early (RunCheck.h): an error at the equation of the
/// state that went non-finite; exit status 1.
void reportStop(DiagnosticEngine &diags, const RunStop &stop) {
  diags.error(stop.where, stop.message());
}

/// A model without `run` runs only with --duration.
bool checkHasRun(Session &session, const RunArgs &args,
                 const model::Model &model) {
  if (model.run || args.options.durationMs)
    return true;
  session.diags.error(llvm::SMRange(),
                      args.file + " has no 'run' (such as 'run 1000 ms'); "
                                  "add one or give --duration");
  return false;
}

/// A run stopped by SIGINT or SIGTERM: says so, writes nothing, and ends
/// by the signal.
int interrupted(Session &session, const RunArgs &args, double atMs,
                double totalMs) {
  int signal = stopSignal();
  std::string message;
  llvm::raw_string_ostream os(message);
  os << "interrupted by " << signalName(signal)
     << llvm::format(" at t = %g ms of %g ms", atMs, totalMs)
     << ": nothing written; '" << args.outDir << "' is unchanged";
  session.diags.error(llvm::SMRange(), os.str());
  session.finish();
  exitBySignal(signal);
}

/// The end of a run: a signal that came while the outputs were written
/// (they were discarded then) ends snnc by that signal.
int finishRun(Session &session) {
  int status = session.finish();
  if (int signal = stopSignal())
    exitBySignal(signal);
  return status;
}

/// `snnc run --engine reference`: the same run through the reference
/// interpreter, with the same report and output files.
int runReference(const RunArgs &args) {
  Session session;
  auto start = std::chrono::steady_clock::now();
  std::optional<model::Model> model = loadModel(args.file, session.diags);
  if (!model)
    return session.finish();
  if (!checkHasRun(session, args, *model))
    return session.finish();
  if (!applyOverrides(*model, args.options.parameterOverrides, session.diags))
    return session.finish();
  if (!checkOutputDirectory(session.diags, args.outDir))
    return session.finish();
  reference::ReferenceOptions options;
  options.seed = args.options.seed;
  options.durationMs = args.options.durationMs;
  options.dtMs = args.options.dtMs;
  options.doublePrecision = args.options.doublePrecision;
  std::unique_ptr<reference::ReferenceSimulator> sim =
      reference::ReferenceSimulator::create(*model, options, session.diags);
  if (!sim)
    return session.finish();
  double setupSeconds = secondsSince(start);

  auto simStart = std::chrono::steady_clock::now();
  // In stretches, so that an interrupt is noticed: the reference steps one
  // at a time anyway, and a stretch continues exactly where one stopped.
  constexpr int64_t kStretch = 100;
  bool completed = true;
  while (completed && sim->stepsDone() < sim->totalSteps() &&
         !stopRequested().load())
    completed = sim->run(kStretch);
  double simSeconds = secondsSince(simStart);
  if (stopRequested().load())
    return interrupted(session, args, sim->stepsDone() * sim->dtMs(),
                       sim->totalSteps() * sim->dtMs());
  if (!completed)
    reportStop(session.diags, *sim->stopped());

  printRates(sim->model(), "reference engine: ", sim->stepsDone(), sim->dtMs(),
             sim->spikes());
  llvm::outs() << llvm::format("setup time %.3f s\nsimulation time %.3f s\n",
                               setupSeconds, simSeconds);
  writeOutputs(session.diags, args.outDir, sim->stepsDone(), sim->dtMs(),
               sim->spikes(), sim->stateTraces());
  return finishRun(session);
}

int runRun(const RunArgs &args) {
  // For the whole run, SIGINT and SIGTERM only ask to stop: the run loop
  // and the output writer decide when, and nothing is left half-written.
  InterruptScope interrupts({/*terminate=*/true, /*interruptReads=*/false,
                             /*secondEnds=*/true});
  if (args.engine == "reference")
    return runReference(args);
  Session session;
  auto start = std::chrono::steady_clock::now();
  std::optional<model::Model> model = loadModel(args.file, session.diags);
  if (!model)
    return session.finish();
  SimulationOptions options = args.options;
  if (args.useCache)
    options.cacheDirectory = defaultCacheDirectory();
  if (!checkHasRun(session, args, *model))
    return session.finish();
  if (!checkOutputDirectory(session.diags, args.outDir))
    return session.finish();
  options.stop = &stopRequested();
  // Threads of one run wait for each other twice a step: more threads than
  // cores means waiting for time slices.
  if (options.threads > rt::availableCores())
    session.diags.warning(
        llvm::SMRange(),
        llvm::formatv("{0} threads on {1} cores: every step waits for "
                      "threads without a core of their own; expect a "
                      "slower run than with --threads {1}",
                      options.threads, rt::availableCores()));
  std::unique_ptr<Simulation> sim =
      Simulation::create(*model, options, session.diags);
  if (!sim)
    return session.finish();
  double compileSeconds = secondsSince(start);

  auto simStart = std::chrono::steady_clock::now();
  bool completed = sim->run(sim->totalSteps());
  double simSeconds = secondsSince(simStart);
  if (sim->stepsDone() < sim->totalSteps() && stopRequested().load())
    return interrupted(session, args, sim->stepsDone() * sim->dtMs(),
                       sim->totalSteps() * sim->dtMs());
  // A run that stopped early still reports and writes what it did.
  if (!completed)
    reportStop(session.diags, *sim->stopped());

  printRates(sim->model(), "", sim->stepsDone(), sim->dtMs(), sim->spikes());
  const MemoryEstimate &memory = sim->memoryEstimate();
  llvm::outs() << llvm::format(
      "memory %.1f MB: state %.1f B/neuron, connectivity %.1f B/synapse "
      "(estimated peak %.1f MB)\n",
      (memory.stateBytes + memory.connectivityBytes) / 1e6,
      memory.neurons ? memory.stateBytes / memory.neurons : 0.0,
      memory.synapses ? memory.connectivityBytes / memory.synapses : 0.0,
      memory.peakBytes() / 1e6);
  const CompileTimes &times = sim->compileTimes();
  llvm::outs() << llvm::format(
      "compile time %.3f s (network %.3f, codegen %.3f, %s %.3f, "
      "setup %.3f)\nsimulation time %.3f s on %d thread%s\n",
      compileSeconds, times.network, times.codegen,
      times.cacheHit ? "cached code" : "jit", times.jit, times.setup,
      simSeconds, sim->threads(), sim->threads() == 1 ? "" : "s");
  // Stretches a busy machine ran faster on one thread (rt::WorkerSchedule).
  if (int64_t one = sim->stepsOnOneThread(); one > 0)
    llvm::outs() << llvm::format(
        "  %.0f%% of the steps on one thread: another process was using a "
        "core\n",
        100.0 * one / std::max<int64_t>(1, sim->stepsDone()));
  writeOutputs(session.diags, args.outDir, sim->stepsDone(), sim->dtMs(),
               sim->spikes(), sim->stateTraces());
  return finishRun(session);
}

/// `snnc build`: the simulation as of its start, written as a bundle.
int runBuild(const RunArgs &args) {
  Session session;
  std::optional<model::Model> model = loadModel(args.file, session.diags);
  if (!model)
    return session.finish();
  if (!checkHasRun(session, args, *model))
    return session.finish();
  SimulationOptions options = args.options;
  if (args.useCache)
    options.cacheDirectory = defaultCacheDirectory();
  rt::Bundle bundle;
  options.bundle = &bundle;
  std::unique_ptr<Simulation> sim =
      Simulation::create(*model, options, session.diags);
  if (!sim)
    return session.finish();
  bundle.model = args.file;
  bundle.builtBy = "snnc " SNNC_VERSION;
  if (rt::Status status = rt::writeBundle(args.outDir, bundle); !status.ok()) {
    session.diags.error(llvm::SMRange(), status.message());
    return session.finish();
  }
  llvm::outs() << llvm::formatv(
      "wrote {0}: {1} steps of {2} ms, {3} buffers, program {4} KiB, for "
      "{5} thread{6} on {7}\n",
      args.outDir, bundle.steps, bundle.layout.dtMs,
      bundle.layout.buffers.size(), bundle.library.size() / 1024,
      bundle.layout.partitions, bundle.layout.partitions == 1 ? "" : "s",
      bundle.cpu);
  return session.finish();
}

int runEmitCompiled(llvm::StringRef stage, llvm::StringRef path, Stage until,
                    int threads, bool specialize,
                    const std::vector<std::string> &set,
                    const std::string &targetName) {
  Session session;
  std::optional<model::Model> model = loadModel(path, session.diags);
  if (!model)
    return session.finish();
  // A program needs its static shapes: build it as a run would.
  SimulationOptions options;
  options.threads = threads;
  options.showProgress = false;
  options.compile = false;
  options.specializeParameters = specialize;
  options.parameterOverrides = set;
  options.target = targetName;
  // Connectivity sizes are static shapes of the program: plan as a run does.
  std::unique_ptr<Simulation> sizes =
      Simulation::create(*model, options, session.diags);
  if (!sizes)
    return session.finish();
  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      buildProgram(context, sizes->model(), sizes->layout(), session.diags);
  if (!module)
    return session.finish();
  Stage last = stage == "mlir" ? until : Stage::LLVM;
  std::unique_ptr<Target> target = createTarget(targetName);
  if (mlir::failed(runPipelineReporting(*module, last, *target, sizes->layout(),
                                        session.diags)))
    return session.finish();
  if (stage == "mlir") {
    module->print(llvm::outs());
    return session.finish();
  }
  llvm::Error error = target->print(
      *module, stage == "llvm" ? TargetCode::LLVMIR : TargetCode::Assembly,
      llvm::outs());
  if (error) {
    session.diags.error(llvm::SMRange(), llvm::toString(std::move(error)));
  }
  return session.finish();
}

} // namespace

int main(int argc, char **argv) {
  // A run is admitted only if its estimate fits; should memory still run
  // out, one line says so (exit status 1) instead of an abort.
  installOutOfMemoryReport();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty())
    return badUsage("no command given");
  const std::string &command = args[0];
  if (command == "help" || command == "--help" || command == "-h") {
    llvm::outs() << usage;
    return 0;
  }
  // `snnc COMMAND --help`: that command's part of the usage.
  if (std::find_if(args.begin() + 1, args.end(), [](const std::string &a) {
        return a == "--help" || a == "-h";
      }) != args.end()) {
    std::string help = commandHelp(command);
    if (help.empty())
      return badUsage("unknown command '" + command + "'");
    llvm::outs() << "usage: snnc " << command << " ...\n\n" << help;
    return 0;
  }
  if (command == "check") {
    if (args.size() != 2)
      return badUsage("'check' takes one FILE");
    return runCheck(args[1]);
  }
  if (command == "plot") {
    if (args.size() < 2 || llvm::StringRef(args[1]).starts_with("-"))
      return badUsage(
          "'plot' needs the directory a run wrote (snnc run -o DIR)");
    return runPlotScript(args[1], llvm::ArrayRef(args).drop_front(2),
                         llvm::errs());
  }
  if (command == "repl") {
    if (args.size() > 2)
      return badUsage("'repl' takes at most one FILE");
    return runRepl(args.size() == 2 ? args[1] : "", std::cin,
                   llvm::sys::Process::StandardInIsUserInput());
  }
  if (command == "run") {
    RunArgs runArgs;
    std::string problem = parseRunArgs(args, runArgs);
    if (!problem.empty())
      return badUsage(problem);
    return runRun(runArgs);
  }
  if (command == "build") {
    RunArgs buildArgs;
    std::string problem = parseRunArgs(args, buildArgs);
    if (!problem.empty())
      return badUsage(problem);
    if (buildArgs.engine != "compiled" || buildArgs.options.target != "cpu")
      return badUsage("'build' makes bundles of the compiled engine for the "
                      "cpu target");
    if (std::find(args.begin(), args.end(), "-o") == args.end())
      buildArgs.outDir = llvm::sys::path::stem(buildArgs.file).str() + ".snnb";
    return runBuild(buildArgs);
  }
  if (command == "emit") {
    if (args.size() < 3)
      return badUsage("'emit' takes a stage and one FILE");
    const std::string &stage = args[1];
    Stage until = Stage::Loops;
    bool specialize = false;
    std::vector<std::string> set;
    std::string file;
    int threads = 0;
    std::string target = "cpu";
    for (size_t i = 2; i < args.size(); ++i) {
      llvm::StringRef arg = args[i];
      if (arg == "--target") {
        std::optional<std::string> parsed =
            i + 1 < args.size() ? parseTargetName(args[++i]) : std::nullopt;
        if (!parsed)
          return badUsage(badTargetMessage());
        target = *parsed;
      } else if (arg == "--threads") {
        std::optional<int> parsed =
            i + 1 < args.size() ? parseThreads(args[++i]) : std::nullopt;
        if (!parsed)
          return badUsage("--threads needs a number of threads from 1 to " +
                          std::to_string(kMaxThreads));
        threads = *parsed;
      } else if (arg == "--specialize") {
        specialize = true;
      } else if (arg == "--set") {
        if (i + 1 >= args.size() || args[i + 1].find('=') == std::string::npos)
          return badUsage("--set needs NAME=VALUE, such as --set N.V_th=-52mV");
        set.push_back(args[++i]);
      } else if (arg.consume_front("--until=")) {
        std::optional<Stage> parsed = parseStage(arg);
        if (!parsed)
          return badUsage("unknown stage '" + arg +
                          "' (expected snn, fused, integrated, parameters, "
                          "specialised, loops, optimized, approximated or "
                          "llvm)");
        until = *parsed;
      } else if (file.empty()) {
        file = args[i];
      } else {
        return badUsage("'emit' takes one FILE");
      }
    }
    if (file.empty())
      return badUsage("'emit' needs a FILE");
    if (stage == "ast")
      return runEmitAst(file);
    if (stage == "mlir" || stage == "llvm" || stage == "asm")
      return runEmitCompiled(stage, file, until, threads, specialize, set,
                             target);
    return badUsage("unknown stage '" + stage +
                    "' (expected ast, mlir, llvm or asm)");
  }
  return badUsage("unknown command '" + command + "'");
}
