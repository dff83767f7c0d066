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

class Program {
public:
  virtual ~Program() = default;
  /// Computes the spikes of the initial state (of `thread`'s neurons).
  /// `buffers` holds one pointer per buffer of the layout, in its order;
  /// the caller owns them and keeps them alive while the program runs.
  virtual void init(void *const *buffers, int64_t thread = 0) const = 0;
  /// Runs steps [begin, end); in a multi-threaded program every thread
  /// calls it with the same steps at once.
  virtual void run(void *const *buffers, int64_t begin, int64_t end,
                   int64_t thread = 0) const = 0;
};

} // namespace snnc::rt

#endif // SNNC_RUNTIME_PROGRAM_H
