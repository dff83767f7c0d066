//===- Frontend.h - From .snn text to a typed model -------------*- C++ -*-===//
//
// The one entry point the CLI, the library API and the REPL share: read a
// file (or take a string), follow its imports, parse, and check it.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_DSL_FRONTEND_H
#define SNNC_DSL_FRONTEND_H

#include "snnc/dsl/AST.h"
#include "snnc/dsl/Diagnostics.h"
#include "snnc/dsl/Model.h"

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace snnc {

/// Largest source file accepted, so hostile input cannot exhaust memory.
constexpr size_t maxSourceBytes = 64u << 20;

/// Parses `path` and, recursively, the files it imports (relative to the
/// importing file) into one module. Reports unreadable files and import
/// cycles through `diags`.
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
