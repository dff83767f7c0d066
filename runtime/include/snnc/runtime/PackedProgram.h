//===- PackedProgram.h - Programs reached through packed entry points -*-===//
//
// How the CPU target's code is called, whether the JIT linked it in memory
// or the runtime loaded it from a shared library: the packed entry points
// `void _mlir_snn_init(void **)` and `void _mlir_snn_run(void **)` (MLIR's
// ExecutionEngine convention) take a pointer to each argument: the
// layout's buffers, then for run the step range, then the partitions.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_PACKEDPROGRAM_H
#define SNNC_RUNTIME_PACKEDPROGRAM_H

#include "snnc/runtime/Program.h"
#include "snnc/runtime/Status.h"

#include <cstddef>
#include <memory>
#include <string>

namespace snnc::rt {

class PackedProgram : public Program {
public:
  using Entry = void (*)(void **);
  PackedProgram(Entry initEntry, Entry runEntry, size_t numBuffers)
      : initEntry(initEntry), runEntry(runEntry), numBuffers(numBuffers) {}

  void init(void *const *buffers, Partitions parts = {}) const override;
  void run(void *const *buffers, int64_t begin, int64_t end,
           Partitions parts = {}) const override;

private:
  Entry initEntry, runEntry;
  size_t numBuffers;
};

/// The names of the packed entry points.
constexpr const char *kPackedInit = "_mlir_snn_init";
constexpr const char *kPackedRun = "_mlir_snn_run";

/// Loads a program the CPU target wrote as a shared library (a bundle's)
/// over `numBuffers` buffers. The library's calls of the runtime
/// (snnc_barrier_wait) resolve against the process that loads it, which
/// must export them: libsnnc.so does, a program linking the runtime
/// statically needs ENABLE_EXPORTS (-rdynamic). Unresolved symbols are an
/// error here, not a crash later. The library stays loaded as long as the
/// program lives.
Expected<std::unique_ptr<Program>> loadLibraryProgram(const std::string &path,
                                                      size_t numBuffers);

} // namespace snnc::rt

#endif // SNNC_RUNTIME_PACKEDPROGRAM_H
