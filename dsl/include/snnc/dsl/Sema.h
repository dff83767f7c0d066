//===- Sema.h - Names, units and dimensions of a parsed model ---*- C++ -*-===//
//
// Semantic analysis resolves every name, checks every physical dimension,
// folds unit conversions into constants and builds the typed model.Model.
// It reports all independent errors it finds rather than stopping at the
// first.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_DSL_SEMA_H
#define SNNC_DSL_SEMA_H

#include "snnc/dsl/AST.h"
#include "snnc/dsl/Diagnostics.h"
#include "snnc/dsl/Model.h"

#include <optional>

namespace snnc {

/// Checks `module`; returns the typed model, or nullopt after reporting
/// errors through `diags`.
std::optional<model::Model> analyze(const ast::Module &module,
                                    DiagnosticEngine &diags);

} // namespace snnc

#endif // SNNC_DSL_SEMA_H
