//===- Parser.h - Recursive-descent parser for .snn files -------*- C++ -*-===//
//
// Turns tokens into an ast::Module. Each parseX method has its grammar rule
// above it (the full grammar is in docs/language.md). On a syntax error the
// parser reports it, skips to the end of the statement and carries on, so
// one run shows every independent error.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_DSL_PARSER_H
#define SNNC_DSL_PARSER_H

#include "snnc/dsl/AST.h"
#include "snnc/dsl/Diagnostics.h"
#include "snnc/dsl/Lexer.h"

namespace snnc {

/// Parses the buffer `bufferId` of the engine's SourceMgr. Always returns a
/// module (possibly partial); check diags.hasErrors().
ast::Module parseModule(unsigned bufferId, DiagnosticEngine &diags);

} // namespace snnc

#endif // SNNC_DSL_PARSER_H
