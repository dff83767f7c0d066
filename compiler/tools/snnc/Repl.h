//===- Repl.h - snnc repl: define, run, inspect, change, rerun --*- C++ -*-===//
#ifndef SNNC_TOOLS_SNNC_REPL_H
#define SNNC_TOOLS_SNNC_REPL_H

#include "llvm/ADT/StringRef.h"

#include <istream>

namespace snnc::tool {

/// Reads declarations and commands from `in` until :quit or the end of the
/// input, starting from the model in `file` (none when empty). Returns the
/// exit status: 1 when `file` cannot be loaded, else 0 (errors in what is
/// typed are reported and the session goes on).
int runRepl(llvm::StringRef file, std::istream &in, bool interactive);

} // namespace snnc::tool

#endif // SNNC_TOOLS_SNNC_REPL_H
