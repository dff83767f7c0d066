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

struct SimulationOptions {
  bool doublePrecision = false;     ///< float64 state instead of float32
  std::optional<uint64_t> seed;     ///< overrides the model's run seed
  std::optional<double> durationMs; ///< overrides the run duration
  std::optional<double> dtMs;       ///< overrides the time step
  bool showProgress = true;         ///< a progress bar on terminals
  /// Threads that step the network together (each owns a contiguous range
  /// of every population; results are the same bit for bit). 0: one per
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
  const std::atomic<bool> *stop = nullptr;
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
  /// possible) and give null.
  static std::unique_ptr<Simulation> create(const model::Model &model,
                                            const SimulationOptions &options,
                                            DiagnosticEngine &diags);
  ~Simulation();

  /// Steps in the run (duration / dt).
  int64_t totalSteps() const { return steps; }
  int64_t stepsDone() const { return done; }
  /// Threads stepping the network (SimulationOptions::threads, resolved).
  int threads() const;
  /// From now on, `workers` threads (1 .. threads()) step the network, and
  /// the choice is no longer adaptive. Results do not depend on it.
  void setWorkers(int workers);
  /// Steps run so far on one thread of a multi-threaded simulation (the
  /// machine was busy), and on all of them.
  int64_t stepsOnOneThread() const;
  int64_t stepsOnAllThreads() const;
  double dtMs() const;

  /// Advances `count` steps (clamped to the run's end), or fewer when
  /// SimulationOptions::stop is set during the run (which is not a
  /// failure: it returns true). Returns false when the run stopped early
  /// because a neuron or synapse state became NaN or infinite (every state
  /// is checked at the end of each call and at least every 1000 steps,
  /// between the program's chunks), or the memory for the recordings ran
  /// out. stopped() then says why and where; what was recorded up to there
  /// is kept, and further calls do nothing.
  bool run(int64_t count);
  /// Why the run stopped early (RunCheck.h); null while it has not.
  const RunStop *stopped() const;

  /// Changes parameter values, scalar weights or drives between calls of
  /// run(), without recompiling: overrides as SimulationOptions::
  /// parameterOverrides spells them ("N.V_th=-52 mV", "drive0=25 mA").
  /// They act from the next step on; states keep their values (an initial
  /// value that reads a parameter is not drawn again). Values the program
  /// has compiled in (snnc check marks them; all of them with
  /// specializeParameters) cannot change: that, unknown names and wrong
  /// units are reported through `diags` and give false, changing nothing.
  bool setParameters(llvm::ArrayRef<std::string> overrides,
                     DiagnosticEngine &diags);

  const std::vector<SpikeTrain> &spikes() const { return trains; }
  const std::vector<StateTrace> &stateTraces() const { return traces; }
  /// The current values of a neuron state, without copying; empty when the
  /// names are unknown or the simulation runs in double precision.
  llvm::ArrayRef<float> state(llvm::StringRef population,
                              llvm::StringRef stateName) const;
  /// A copy of a neuron state's current values in double precision, in
  /// either precision mode; empty when the names are unknown.
  std::vector<double> stateValues(llvm::StringRef population,
                                  llvm::StringRef stateName) const;
  const CompileTimes &compileTimes() const { return times; }
  /// The memory estimate the run was admitted with (Network.h).
  const MemoryEstimate &memoryEstimate() const { return memory; }
  const model::Model &model() const;
  const ProgramLayout &layout() const;

  /// Writes the spikes / the recorded states as NumPy (Recordings.h).
  llvm::Error writeSpikes(const std::string &path) const;
  llvm::Error writeStates(const std::string &path) const;

private:
  struct Impl;
  Simulation();
  std::unique_ptr<Impl> impl;
  int64_t steps = 0, done = 0;
  std::vector<SpikeTrain> trains;
  std::vector<StateTrace> traces;
  CompileTimes times;
  MemoryEstimate memory;
};

} // namespace snnc

#endif // SNNC_SIMULATION_H
