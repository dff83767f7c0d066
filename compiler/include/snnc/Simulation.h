//===- Simulation.h - Compile a model and run it ----------------*- C++ -*-===//
//
// The library API that the snnc command line, the REPL and users share:
//
//   llvm::SourceMgr sources;
//   snnc::DiagnosticEngine diags(sources);
//   auto model = snnc::loadModel("coba.snn", diags);
//   auto sim = snnc::Simulation::create(*model, {}, diags);
//   if (!sim->run(sim->totalSteps()))              // stopped early:
//     llvm::errs() << sim->stopped()->message();   // a state went NaN
//   for (const snnc::SpikeTrain &train : sim->spikes()) ...
//   llvm::ArrayRef<float> v = sim->state("N", "V");   // no copy
//
// Ownership. The caller owns the Simulation (create() hands out a
// unique_ptr); everything an accessor returns by reference, pointer or
// ArrayRef belongs to it and lives at most as long as it does. Each
// accessor says what else ends its validity; results returned by value
// (stateValues(), the writers' llvm::Error) are the caller's. create()
// copies the model and the options: neither need outlive it, except
// SimulationOptions::stop, which is kept and read by every run(). The
// model's source locations (SMRange, in RunStop::where and in what
// setParameters() reports) point into the buffers of the SourceMgr the
// model was loaded with: keep that SourceMgr alive while they are used.
// A Simulation is used by one thread at a time. It is not copyable (a
// copy would duplicate every buffer of the network) nor movable: move the
// unique_ptr instead.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_SIMULATION_H
#define SNNC_SIMULATION_H

#include "snnc/dsl/Diagnostics.h"
#include "snnc/dsl/Model.h"
#include "snnc/model/MemoryBudget.h"
#include "snnc/model/Network.h"
#include "snnc/model/Recordings.h"
#include "snnc/model/RunCheck.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace snnc {

struct ProgramLayout;
namespace rt {
struct Bundle;
}

struct SimulationOptions {
  bool doublePrecision = false;     ///< float64 state instead of float32
  std::optional<uint64_t> seed;     ///< overrides the model's run seed
  std::optional<double> durationMs; ///< overrides the run duration
  std::optional<double> dtMs;       ///< overrides the time step
  bool showProgress = true;         ///< a progress bar on terminals
  /// Threads that step the network together, at most (the program is built
  /// for that many partitions, contiguous ranges of every population;
  /// results are the same bit for bit with any number of them). 0: one per
  /// core for networks large enough to gain (rt::defaultThreadCount).
  int threads = 0;
  /// With several threads, choose stretch by stretch how many of them run
  /// (all, or one when another process holds a core and one is faster;
  /// rt::WorkerSchedule). Results do not depend on it.
  bool adaptiveThreads = true;
  /// The machine the program is compiled for and runs on: a name of
  /// targetNames() (Target.h), "cpu" being the host CPU.
  std::string target = "cpu";
  /// false: stop after planning the buffers (for `snnc emit`); nothing runs.
  bool compile = true;
  /// Where compiled programs are kept between runs; empty: no cache. The
  /// snnc tool uses defaultCacheDirectory().
  std::string cacheDirectory;
  /// Values to use instead of the model's, each "NAME=VALUE" with a unit:
  /// "N.V_th=-52 mV", "projection0.synapse.tau=6 ms",
  /// "projection0.weight=0.5 mS", "drive0=25 mA" (names: Parameters.h;
  /// `snnc check` lists a model's). Applied in order, before anything is
  /// built; the same as editing the values in the .snn file, but the
  /// compiled program (and the compile cache) is reused.
  std::vector<std::string> parameterOverrides;
  /// Whether the memory for the state values recorded over the whole run
  /// must be available before it starts (the default), or is checked
  /// stretch by stretch as run() goes: for a session without a planned end
  /// (the REPL's), whose duration is only an upper bound.
  bool countRecordingsUpFront = true;
  /// Compile parameter values, scalar weights and drives into the program
  /// as constants instead of reading them at run time: the same results,
  /// but every change of a value compiles again.
  bool specializeParameters = false;
  /// Read between chunks of run(): once it holds true, run() returns at
  /// that chunk boundary (stepsDone() says where), so that a SIGINT
  /// handler that only sets it can stop a long run. Null: never stops.
  /// Not owned: the flag must outlive the Simulation.
  const std::atomic<bool> *stop = nullptr;
  /// When given, create() also fills it with the compiled bundle of this
  /// simulation (the program as a shared library, the layout, the run,
  /// the recordings, the network's recipe and initial values), as of the
  /// simulation's start: what `snnc build` writes (rt::writeBundle) and
  /// snnc-run runs. Its `model` and `builtBy` are the caller's to set.
  /// Not owned.
  rt::Bundle *bundle = nullptr;
};

/// Where compile time went, in seconds.
struct CompileTimes {
  double frontEnd = 0;   ///< filled in by callers that parse
  double network = 0;    ///< connectivity and initial state
  double codegen = 0;    ///< MLIR generation and lowering
  double jit = 0;        ///< LLVM optimisation and machine code
  double setup = 0;      ///< buffers and initial state
  bool cacheHit = false; ///< machine code came from the persistent cache
};

/// $SNNC_CACHE_DIR, else $XDG_CACHE_HOME/snnc, else ~/.cache/snnc; empty
/// when none can be determined.
std::string defaultCacheDirectory();

class Simulation {
public:
  /// Builds connectivity and initial state and compiles the program.
  /// Errors in the model are reported through `diags` (located where
  /// possible) and give null. `diags` is used during the call only.
  static std::unique_ptr<Simulation> create(const model::Model &model,
                                            const SimulationOptions &options,
                                            DiagnosticEngine &diags);
  ~Simulation();
  Simulation(const Simulation &) = delete;
  Simulation &operator=(const Simulation &) = delete;

  /// Whether there is a program to run: false for a simulation created
  /// with SimulationOptions::compile = false, which holds only the plan
  /// (model(), layout(), memoryEstimate(), totalSteps(), dtMs(),
  /// threads()). Such a one has no spike trains, state traces or state:
  /// run() and setParameters() return false at once, state() and
  /// stateValues() are empty.
  bool compiled() const;

  /// Steps in the run (duration / dt).
  int64_t totalSteps() const { return steps; }
  int64_t stepsDone() const { return done; }
  /// Threads stepping the network (SimulationOptions::threads, resolved).
  int threads() const;
  /// From now on, `workers` threads (1 .. threads()) step the network, and
  /// the choice is no longer adaptive. Results do not depend on it.
  void setWorkers(int workers);
  /// Steps run so far on one thread of a multi-threaded simulation (the
  /// machine was busy).
  int64_t stepsOnOneThread() const;
  double dtMs() const;

  /// Advances `count` steps (clamped to the run's end), or fewer when
  /// SimulationOptions::stop is set during the run (which is not a
  /// failure: it returns true). Returns false when the run stopped early
  /// because a neuron or synapse state became NaN or infinite (every state
  /// is checked at the end of each call and at least every 1000 steps,
  /// between the program's chunks), or the memory for the recordings ran
  /// out. stopped() then says why and where; what was recorded up to there
  /// is kept, and further calls do nothing. Also false, doing nothing and
  /// with stopped() null, when the simulation is not compiled().
  bool run(int64_t count);
  /// Why the run stopped early (RunCheck.h); null while it has not. Owned
  /// by the Simulation; once set it stays, valid as long as the Simulation.
  const RunStop *stopped() const;

  /// Changes parameter values, scalar weights or drives between calls of
  /// run(), without recompiling: overrides as SimulationOptions::
  /// parameterOverrides spells them ("N.V_th=-52 mV", "drive0=25 mA").
  /// They act from the next step on; states keep their values (an initial
  /// value that reads a parameter is not drawn again). Values the program
  /// has compiled in (snnc check marks them; all of them with
  /// specializeParameters) cannot change: that, unknown names, wrong
  /// units and a simulation that is not compiled() are reported through
  /// `diags` and give false, changing nothing. On success model() is
  /// replaced by the changed model (see model()).
  bool setParameters(llvm::ArrayRef<std::string> overrides,
                     DiagnosticEngine &diags);

  /// What was recorded so far: one train per `record P.spike` and one
  /// trace per `record P.X` of the model, in its order. The vectors
  /// themselves live as long as the Simulation (their number and order
  /// never change), but run() appends to their `steps`, `indices` and
  /// `values`: a pointer, iterator or ArrayRef into those is valid until
  /// the next run().
  const std::vector<SpikeTrain> &spikes() const;
  const std::vector<StateTrace> &stateTraces() const;
  /// The current values of a neuron state, without copying: a view of the
  /// buffer the compiled program steps, so it stays valid (same address,
  /// same length) until the Simulation is destroyed, and each run()
  /// changes the values it shows. Empty when the names are unknown, the
  /// simulation runs in double precision, or it is not compiled().
  llvm::ArrayRef<float> state(llvm::StringRef population,
                              llvm::StringRef stateName) const;
  /// A copy of a neuron state's current values in double precision, in
  /// either precision mode, owned by the caller; empty when the names are
  /// unknown or the simulation is not compiled().
  std::vector<double> stateValues(llvm::StringRef population,
                                  llvm::StringRef stateName) const;
  /// Where compile time went; fixed once create() returns, valid as long
  /// as the Simulation.
  const CompileTimes &compileTimes() const { return times; }
  /// The memory estimate the run was admitted with (Network.h); fixed,
  /// valid as long as the Simulation.
  const MemoryEstimate &memoryEstimate() const { return memory; }
  /// The model being run: the one given to create() with the overrides
  /// applied. A setParameters() that succeeds replaces it, which ends the
  /// validity of references into it (a Population, a name); the reference
  /// to the model itself stays valid as long as the Simulation.
  const model::Model &model() const;
  /// The planned buffers (ProgramLayout.h); fixed once create() returns,
  /// valid as long as the Simulation.
  const ProgramLayout &layout() const;

  /// Writes the spikes / the recorded states as NumPy (Recordings.h).
  llvm::Error writeSpikes(const std::string &path) const;
  llvm::Error writeStates(const std::string &path) const;

private:
  struct Impl;
  Simulation();
  std::unique_ptr<Impl> impl;
  int64_t steps = 0, done = 0;
  CompileTimes times;
  MemoryEstimate memory;
};

} // namespace snnc

#endif // SNNC_SIMULATION_H
