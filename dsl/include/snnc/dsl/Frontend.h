//===- Frontend.h - From .snn text to a typed model -------------*- C++ -*-===//
//
// The one entry point the CLI, the library API and the REPL share: read a
// file (or take a string), follow its imports, parse, and check it.
//
// What these return is the caller's. The text they read is added to the
// SourceMgr of `diags`, which owns it: every source location in the
// returned module or model (SMRange) points into it, so that SourceMgr
// must outlive every use of the locations (diagnostics about the model,
// Simulation::setParameters, RunStop::where).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_DSL_FRONTEND_H
#define SNNC_DSL_FRONTEND_H

#include "snnc/dsl/AST.h"
#include "snnc/dsl/Diagnostics.h"
#include "snnc/dsl/Model.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace snnc {

/// Largest source file accepted, so hostile input cannot exhaust memory.
constexpr size_t maxSourceBytes = 64u << 20;

/// Reads one source file, reading no more than maxSourceBytes of it: only
/// regular files (a device such as /dev/zero, a FIFO or a socket is
/// refused before anything is read from it), or, with `allowStdin`,
/// standard input when `path` is "-" (named "<stdin>" in diagnostics).
/// Reports at `from` (an import statement; invalid for a file named on
/// the command line) and gives null.
/// The directories `import snnc.NAME` searches, in order ($SNNC_MODEL_PATH,
/// the installed share/snnc/models, the source tree's models/).
std::vector<std::string> modelLibraryDirectories();
/// The file of library model `name`, if one of those directories has it.
std::optional<std::string> findLibraryModel(llvm::StringRef name);
/// The library's models, from the first directory that has any.
std::vector<std::string> libraryModelNames();

std::unique_ptr<llvm::MemoryBuffer> readSourceFile(llvm::StringRef path,
                                                   llvm::SMRange from,
                                                   DiagnosticEngine &diags,
                                                   bool allowStdin = false);

/// Parses `path` and, recursively, the files it imports (relative to the
/// importing file) into one module. `path` "-" reads standard input
/// (its imports are relative to the current directory). Reports unreadable
/// files and import cycles through `diags`.
ast::Module parseFile(llvm::StringRef path, DiagnosticEngine &diags);

/// Parses `source` as if it were a file named `name`; imports are resolved
/// relative to the current directory.
ast::Module parseString(llvm::StringRef source, llvm::StringRef name,
                        DiagnosticEngine &diags);

/// Parses and checks; nullopt after errors.
std::optional<model::Model> loadModel(llvm::StringRef path,
                                      DiagnosticEngine &diags);
std::optional<model::Model> loadModelFromString(llvm::StringRef source,
                                                llvm::StringRef name,
                                                DiagnosticEngine &diags);

} // namespace snnc

#endif // SNNC_DSL_FRONTEND_H
