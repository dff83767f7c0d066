//===- Bundle.h - A compiled model, ready to run without the compiler -*-===//
//
// What `snnc build` writes and `snnc-run` runs: the program as a shared
// library of the CPU target, and a manifest of what running it takes - the
// engine layout (buffers and what they hold), the run (steps, seed), the
// recordings, the recipe that draws each projection's synapses where the
// bundle runs, and the initial values of the rest (neuron states,
// per-neuron parameters, run-time scalars), which the compiler computed.
//
// The file: the line "snnc-bundle <version>\n", then three sections, each
// a decimal byte count on a line of its own followed by that many bytes:
// the manifest (JSON), the library (ELF), and the initial values (float64,
// little-endian, which the manifest's fills index). A reader refuses
// another version, a truncated file and a manifest it does not
// understand, with a message; it never trusts a size it has not checked.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_BUNDLE_H
#define SNNC_RUNTIME_BUNDLE_H

#include "snnc/runtime/Engine.h"
#include "snnc/runtime/NetworkRecipe.h"
#include "snnc/runtime/Recordings.h"
#include "snnc/runtime/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace snnc::rt {

struct Bundle {
  /// The format this runtime reads and writes.
  static constexpr int kVersion = 1;

  std::string model;   ///< The model file it was built from, for messages.
  std::string builtBy; ///< "snnc 0.1.0"
  /// The machine the code is for: its name and the CPU features it uses
  /// ("+avx2,+fma,..."), checked against the CPU that runs it.
  std::string target, cpu, features;
  std::string layoutSignature; ///< The compiler's (CompileCache.h).
  EngineLayout layout;
  int64_t steps = 0;
  uint64_t seed = 0;
  /// Empty recordings, one per `record` of the model, with their names.
  std::vector<SpikeTrain> spikeTrains;
  std::vector<StateTrace> stateTraces;
  struct Projection {
    ProjectionRecipe recipe;
    ProjectionSlots slots;
  };
  std::vector<Projection> projections;
  std::vector<BufferFill> fills;
  /// The program: a shared library with the packed entry points.
  std::vector<char> library;
};

Status writeBundle(const std::string &path, const Bundle &bundle);
Expected<Bundle> readBundle(const std::string &path);
/// A bundle from the bytes of one; `name` is what messages call it.
Expected<Bundle> parseBundle(const std::string &bytes, const std::string &name);

/// The manifest as JSON text (what `snnc-run --info` prints).
std::string manifestText(const Bundle &bundle);

/// The CPU features among `features` ("+avx2,+fma,...") that this CPU
/// lacks, as far as the runtime can tell (the x86 vector extensions code
/// generation uses); empty when it can run the code.
std::vector<std::string> missingCpuFeatures(const std::string &features);

} // namespace snnc::rt

#endif // SNNC_RUNTIME_BUNDLE_H
