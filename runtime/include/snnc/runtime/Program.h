//===- Program.h - A compiled simulation program ----------------*- C++ -*-===//
//
// What the runtime calls to step a network: the two entry points of a
// program over the buffers of its layout. How the code was made and where it
// runs (JIT-linked machine code for this CPU, a kernel image for a GPU) is
// the business of the target that loaded it; the runtime needs neither LLVM
// nor MLIR to drive it.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_PROGRAM_H
#define SNNC_RUNTIME_PROGRAM_H

#include <cstdint>

namespace snnc::rt {

/// Adjacent partitions [first, end) of a program built for several. Such a
/// program splits every population into one contiguous range of neurons
/// per partition; each thread of a run steps one or more adjacent
/// partitions, and how many threads share them may change between calls
/// without changing any result.
struct Partitions {
  int64_t first = 0, end = 1;
};

class Program {
public:
  virtual ~Program() = default;
  /// Computes the spikes of the initial state (of the neurons of `parts`).
  /// `buffers` holds one pointer per buffer of the layout, in its order;
  /// the caller owns them and keeps them alive while the program runs.
  virtual void init(void *const *buffers, Partitions parts = {}) const = 0;
  /// Runs steps [begin, end); when several threads share the partitions,
  /// every one calls it with the same steps at once, with its own `parts`.
  virtual void run(void *const *buffers, int64_t begin, int64_t end,
                   Partitions parts = {}) const = 0;
};

} // namespace snnc::rt

#endif // SNNC_RUNTIME_PROGRAM_H
